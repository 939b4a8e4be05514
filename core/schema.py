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


# --- What a generated client needs (openapi-typescript and the like) ---------------------------


def tidy_for_clients(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """Make the schema generate a clean typed client:

    - request components are named as their serializer (`TokenRequest`), not with a second
      `Request` that COMPONENT_SPLIT_REQUEST appends (`TokenRequestRequest`);
    - an envelope's `success` is the constant it always is (`true`, or `false` in errors);
    - `ErrorCode` is the enum of every error code (core.openapi.error_codes), and
      `FieldErrors` the shape of a validation error's `errors`;
    - the description ends with the list of error codes and the statuses they come with.
    """
    from .openapi import error_codes

    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    renames = {
        name: name.removesuffix("Request")
        for name in schemas
        if name.endswith("RequestRequest") and name.removesuffix("Request") not in schemas
    }
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
    if renames:
        _rename_refs(
            result,
            {f"#/components/schemas/{o}": f"#/components/schemas/{n}" for o, n in renames.items()},
        )
    for schema in schemas.values():
        success = schema.get("properties", {}).get("success")
        if success and success.get("type") == "boolean" and "default" in success:
            success["enum"] = [success.pop("default")]
            schema["required"] = sorted({*schema.get("required", []), "success"})
    _always_null(result)
    _inline_constants(result, schemas)
    codes = error_codes()
    schemas["ErrorCode"] = {
        "type": "string",
        "enum": codes,
        "description": "Every error code the API answers with (the list in the description).",
    }
    schemas["FieldErrors"] = {
        "type": "object",
        "description": "Messages per field; a nested object for a nested field.",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"$ref": "#/components/schemas/FieldErrors"},
            ]
        },
    }
    info = result.setdefault("info", {})
    info["description"] = info.get("description", "") + _codes_text(codes)
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result


def _inline_constants(result: dict, schemas: dict) -> None:
    """A one-value enum (a streamed event's name) in place, not as a component of its own
    (`LetterStreamStartEventEventEnum`) that drf-spectacular's enum hook made of it."""
    constants = {
        f"#/components/schemas/{name}": schema
        for name, schema in schemas.items()
        if len(schema.get("enum", ())) == 1 and name.endswith("Enum")
    }
    if not constants:
        return

    def inline(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                refs = value.get("allOf", []) if isinstance(value, dict) else []
                if len(refs) == 1 and refs[0].get("$ref") in constants:
                    constant = constants[refs[0]["$ref"]]
                    node[key] = {
                        "type": constant["type"],
                        "enum": constant["enum"],
                        **({"description": value["description"]} if "description" in value else {}),
                    }
                else:
                    inline(value)
        elif isinstance(node, list):
            for value in node:
                inline(value)

    inline(result)
    used = set(_refs(result))
    for ref in constants.keys() - used:
        schemas.pop(ref.rsplit("/", 1)[1])


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _always_null(node: Any) -> None:
    """`data` of an answer without data: `null`, and typed so (drf-spectacular's enum hook
    would make a `NullEnum` component of an `enum: [null]`, so it is set here, after it)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict) and value.pop("x-always-null", False):
                node[key] = {"type": "object", "nullable": True, "enum": [None]}
            else:
                _always_null(value)
    elif isinstance(node, list):
        for value in node:
            _always_null(value)


def _rename_refs(node: Any, refs: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in refs:
            node["$ref"] = refs[ref]
        for value in node.values():
            _rename_refs(value, refs)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value, refs)


def _codes_text(codes: list[str]) -> str:
    from .openapi import error_statuses

    statuses = error_statuses()
    lines = [
        f"- `{code}`" + (f" ({statuses[code]})" if statuses.get(code) else "") for code in codes
    ]
    return "\n\n## Error codes\n\n" + "\n".join(lines) + "\n"
