"""JSON Schema validation with one compiled validator per schema, and its errors in words.

jsonschema.validate() checks the schema itself against its metaschema on every call: about
3.4 ms here, against 0.03 ms for a validator built once. Our schemas are module constants,
so each is compiled the first time it is used.

An error is told two ways: for logs and staff quoting nothing of the document (an AI answer
echoes the user's CV), and for the person who sent the document, without Python reprs. What
any JSON must be whatever its schema (text a database, a response and a Word file can carry,
a bounded depth) is core/text.py's and the API parser's (core/api.py).
"""

from __future__ import annotations

import ast
import contextlib
import re
from typing import Any

import jsonschema

_compiled: dict[int, tuple[dict, Any]] = {}


def validator(schema: dict) -> Any:
    entry = _compiled.get(id(schema))
    if entry is None or entry[0] is not schema:  # `is`: an id can be reused after GC
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        entry = _compiled[id(schema)] = (schema, cls(schema))
    return entry[1]


def validate(data: Any, schema: dict) -> None:
    """Raise jsonschema.ValidationError (the most relevant error) if data does not fit."""
    validator(schema).validate(data)


# --- Schema errors that quote nothing ----------------------------------------------------------

# Keywords whose value in the schema (never the data) helps to read the error.
_SCHEMA_VALUE_SHOWN = {
    "type",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "format",
}
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")


class SchemaMismatch(ValueError):
    """A document that fails its schema: str() is the summary that quotes nothing (for logs
    and staff), `detail` jsonschema's own message (for whoever sent the document: the AI is
    told exactly what to repair)."""

    def __init__(self, error: jsonschema.ValidationError):
        where = "/".join(str(step) for step in error.absolute_path) or "the top level"
        self.detail = f"JSON does not match the schema at {where}: {error.message}"
        super().__init__(schema_error_summary(error))


def schema_error_summary(error: jsonschema.ValidationError) -> str:
    """Where a document fails its schema and which rule it breaks, quoting nothing of the
    document: jsonschema's own message quotes the offending value, which for an AI answer
    echoes the user's CV or profile, and these messages are stored and shown to staff."""
    steps = [
        str(step) if isinstance(step, int) or _PLAIN_KEY.fullmatch(step) else "?"
        for step in error.absolute_path
    ]
    where = "/".join(steps) or "the top level"
    rule = str(error.validator)
    if rule == "required" and isinstance(error.instance, dict):
        # The names come from the schema; only those the document lacks.
        rule = (
            f"required {[name for name in error.validator_value if name not in error.instance]!r}"
        )
    elif rule in _SCHEMA_VALUE_SHOWN:
        rule = f"{rule} {error.validator_value!r}"[:120]
    return f"JSON does not match the schema at {where}: fails {rule}"


# --- A schema error as a person reads it ------------------------------------------------------

_KINDS = {
    "string": "a text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


# A bound's sentence, by the keyword that sets it.
_BOUNDS = {
    "maxLength": "must be at most {} characters",
    "minLength": "must be at least {} characters",
    "maxItems": "must have at most {} items",
    "minItems": "must have at least {} items",
    "maximum": "must be at most {}",
    "minimum": "must be at least {}",
}


def schema_problem(error: Any) -> str:
    """What a jsonschema error says, without the Python repr of the value (`{'a': None} is not
    valid under any of the given schemas`) that its own message holds."""
    kind, expected = error.validator, error.validator_value
    if kind == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        return "must be " + " or ".join(_KINDS.get(k, k) for k in kinds)
    if kind == "required":
        return f"`{_missing_name(error.message)}` is required"
    if kind == "additionalProperties":
        return "has fields it does not take: " + ", ".join(
            f"`{name}`" for name in _extra_fields(error.instance, error.schema)
        )
    if kind in ("anyOf", "oneOf"):
        return "is not of a kind this field takes"
    if kind == "enum":
        return "must be one of " + ", ".join(str(item) for item in expected)
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(expected)
    return "is not valid"


def _missing_name(message: str) -> Any:
    # One error per missing field; its message names it as a repr.
    name = message.removesuffix(" is a required property")
    with contextlib.suppress(ValueError, SyntaxError):
        name = ast.literal_eval(name)
    return name


def _extra_fields(value: Any, schema: dict) -> list[str]:
    known = schema.get("properties", {})
    return [name for name in value if name not in known] if isinstance(value, dict) else []
