"""Each vendor's form of our JSON Schemas for structured output, and the way back.

Our schemas (jobs, CVs, letters) leave optional fields out of `required`. OpenAI's strict mode
has no optional fields, so there they become required-but-nullable, and the nulls the model
then writes are removed again before anyone sees the answer: the rest of the code gets the
same data whichever vendor answered.
"""

from __future__ import annotations

import json
from typing import Any

# What Gemini's `responseJsonSchema` understands (ai.google.dev/gemini-api/docs/structured-output,
# "JSON Schema support"); anything else is left out rather than sent and refused.
_GEMINI_KEYWORDS = frozenset(
    {
        "$defs",
        "$id",
        "$ref",
        "additionalProperties",
        "anyOf",
        "description",
        "enum",
        "format",
        "items",
        "maxItems",
        "maximum",
        "minItems",
        "minimum",
        "prefixItems",
        "properties",
        "required",
        "title",
        "type",
    }
)


def openai_strict(schema: dict[str, Any]) -> dict[str, Any]:
    """The strict form OpenAI checks when `strict: true`: every object lists all its properties
    in `required` and has `additionalProperties: false`; an optional property becomes nullable
    (`["string", "null"]`). The rules are those of the SDK's own `openai/lib/_pydantic.py`
    (`to_strict_json_schema`), which does the same to pydantic models."""
    return _strict(schema)


def _strict(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out = dict(node)
    if isinstance(out.get("properties"), dict):
        required = set(out.get("required", ()))
        out["properties"] = {
            name: _strict(sub) if name in required else _nullable(_strict(sub))
            for name, sub in out["properties"].items()
        }
        out["required"] = list(out["properties"])
    if out.get("type") == "object" or "properties" in out:
        out["additionalProperties"] = False
    if isinstance(out.get("items"), dict):
        out["items"] = _strict(out["items"])
    for key in ("anyOf", "allOf"):
        if isinstance(out.get(key), list):
            out[key] = [_strict(variant) for variant in out[key]]
    if isinstance(out.get("$defs"), dict):
        out["$defs"] = {name: _strict(sub) for name, sub in out["$defs"].items()}
    return out


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    kind = node.get("type")
    if isinstance(kind, str) and kind != "null":
        return {**node, "type": [kind, "null"]}
    if isinstance(kind, list):
        return node if "null" in kind else {**node, "type": [*kind, "null"]}
    if isinstance(node.get("anyOf"), list):
        return {**node, "anyOf": [*node["anyOf"], {"type": "null"}]}
    return {"anyOf": [node, {"type": "null"}]}


def gemini_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Our schema with only the keywords Gemini's `responseJsonSchema` supports."""
    return _keep(schema)


def _keep(node: Any) -> Any:
    if isinstance(node, list):
        return [_keep(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key not in _GEMINI_KEYWORDS:
            continue
        if key in ("properties", "$defs"):
            out[key] = {name: _keep(sub) for name, sub in value.items()}
        else:
            out[key] = _keep(value) if key in ("items", "anyOf", "prefixItems") else value
    return out


def drop_nulls(data: Any, schema: dict[str, Any]) -> Any:
    """Remove the nulls a strict schema forced onto properties that our schema has optional,
    so the answer validates against our schema and reads as if the field were left out."""
    if isinstance(data, dict) and isinstance(schema.get("properties"), dict):
        required = set(schema.get("required", ()))
        properties = schema["properties"]
        return {
            key: drop_nulls(value, properties.get(key, {}))
            for key, value in data.items()
            if value is not None or key in required
        }
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [drop_nulls(item, schema["items"]) for item in data]
    return data


def drop_nulls_text(text: str, schema: dict[str, Any]) -> str:
    """`drop_nulls` on a JSON answer; text that is not JSON is left for the caller to judge."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    return json.dumps(drop_nulls(data, schema), ensure_ascii=False)
