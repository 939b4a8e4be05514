"""OpenAPI: a background task's `result` typed by its kind (a drf-spectacular hook).

A task of kind `cv_draft` holds, once succeeded, what `POST /cv-drafter/draft` answers as
`data`. The schema says so: `AITask` is one of `JobTask`, `CVDraftTask`, ... told apart by
`kind`, each with its `result` (the component its runner registered as `result_schema`), so
a generated client knows `result` once it has checked `kind`.
"""

from __future__ import annotations

import copy
from typing import Any

from .registry import runner_result_schemas

REF = "#/components/schemas/"


def document_task_results(result: dict, generator: Any, request: Any, public: bool) -> dict:
    schemas = result.get("components", {}).get("schemas", {})
    task = schemas.get("AITask")
    if task is None or "properties" not in task:
        return result
    kinds = list(schemas.get("AITaskKindEnum", {}).get("enum", []))
    mapping = {}
    for kind, component in runner_result_schemas().items():
        if kind in kinds and component in schemas:
            mapping[kind] = _variant(schemas, task, f"{component}Task", [kind], component)
    # Kinds no background task runs as (an image check, a credentials test): never a result.
    others = [kind for kind in kinds if kind not in mapping]
    if others:
        name = _variant(schemas, task, "OtherTask", others, None)
        mapping.update(dict.fromkeys(others, name))
    schemas["AITask"] = {
        "oneOf": [{"$ref": ref} for ref in dict.fromkeys(mapping.values())],
        "discriminator": {"propertyName": "kind", "mapping": mapping},
        "description": "A background AI task; its `kind` says what its `result` is.",
    }
    return result


def _variant(schemas: dict, task: dict, name: str, kinds: list[str], component: str | None) -> str:
    variant = copy.deepcopy(task)
    properties = variant["properties"]
    properties["kind"] = {"type": "string", "enum": kinds}
    result = properties.get("result", {})
    described = {"description": result["description"]} if "description" in result else {}
    if component is not None:
        properties["result"] = {
            "allOf": [{"$ref": REF + component}],
            "nullable": True,
            **described,
        }
    else:
        properties["result"] = {"type": "object", "nullable": True, "enum": [None]}
    schemas[name] = variant
    return REF + name
