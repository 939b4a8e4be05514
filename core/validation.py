"""JSON Schema validation with one compiled validator per schema.

jsonschema.validate() checks the schema itself against its metaschema on every call: about
3.4 ms here, against 0.03 ms for a validator built once. Our schemas are module constants,
so each is compiled the first time it is used.

Also the checks any JSON we accept or store must pass whatever its schema: text a database and
a response can carry, and a bounded depth.
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


# --- Text and shape any stored JSON must have --------------------------------------------------

# NUL cannot be stored by PostgreSQL, and a lone surrogate cannot be encoded as UTF-8, so a
# response holding one fails long after the request that stored it.
_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a text cannot be accepted (a NUL or an unpaired surrogate), or None."""
    found = _BAD_CHARACTERS.search(value)
    if found is None:
        return None
    what = "a NUL character" if found.group() == "\x00" else "an unpaired surrogate"
    return f"contains {what} (U+{ord(found.group()):04X}) at position {found.start()}"


# Control characters other than tab and line breaks, and the non-characters U+FFFE/U+FFFF:
# nothing a person types, and a Word file (DOCX export) cannot hold them.
_CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def control_character_problem(data: Any, *, path: str) -> str | None:
    """Where a JSON document holds a control character, or None (walked without recursion)."""
    stack: list[tuple[Any, str]] = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            found = _CONTROL_CHARACTERS.search(value)
            if found:
                return (
                    f"{where} contains a control character (U+{ord(found.group()):04X}) at "
                    f"position {found.start()}."
                )
        elif isinstance(value, (dict, list)):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                child = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"
                stack.append((item, child))
    return None


def strip_control_characters(value: str) -> str:
    """The text without control characters, for text we fetched or a model wrote."""
    return _CONTROL_CHARACTERS.sub("", value)


def strip_bad_text(value: str) -> str:
    """The text without NULs and unpaired surrogates, for text we fetched rather than received."""
    return _BAD_CHARACTERS.sub("", value)


def json_problem(data: Any, *, max_depth: int, path: str = "") -> str | None:
    """Why a parsed JSON document cannot be accepted, or None: nesting deeper than `max_depth`
    levels, or a key or string with a NUL or an unpaired surrogate. Walked without recursion,
    so the check itself cannot overflow the stack."""
    stack: list[tuple[Any, str, int]] = [(data, path, 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return f"{where or 'the text'} {problem}."
        elif isinstance(value, (dict, list)):
            if depth >= max_depth:
                return f"{where or 'the document'} is nested more than {max_depth} levels deep."
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and text_problem(key):
                    return f"a key in {where or 'the document'} {text_problem(key)}."
                child = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}".lstrip(".")
                stack.append((item, child, depth + 1))
    return None


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
