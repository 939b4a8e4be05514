"""OpenAPI: the error answers every operation of a kind can give, added to the schema once.

A view's @extend_schema lists what is particular to it (its 404, an AI call's 429/502/504);
the answers that follow from the shape of an operation are added here, so an endpoint added
later is documented the same way without repeating them:

- any operation: 503 (the database is unavailable);
- an operation that needs authentication: 401;
- an operation with a request body: 400 (malformed body), 413 (body too large), 415 (a
  content type it does not read); with query parameters: 400 (a malformed one);
- an operation with a path parameter or a `page` parameter: 404 (no such object or page).
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}


def document_common_errors(result: dict, generator: Any, request: Any, public: bool) -> dict:
    from .openapi import ERROR_DESCRIPTIONS

    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status in _common_errors(operation):
                operation["responses"].setdefault(
                    str(status),
                    {
                        "content": {"application/json": {"schema": ERROR_REF}},
                        "description": ERROR_DESCRIPTIONS[status],
                    },
                )
            operation["responses"] = dict(sorted(operation["responses"].items()))
    return result


def _common_errors(operation: dict) -> list[int]:
    statuses = [503]  # core.api: the database is unavailable
    if any(requirement for requirement in operation.get("security", [{}])):
        statuses.append(401)
    if "requestBody" in operation:
        statuses += [400, 413, 415]
    parameters = operation.get("parameters", [])
    if any(p["in"] == "query" for p in parameters):
        statuses.append(400)
    if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
        statuses.append(404)
    return statuses
