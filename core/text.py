"""Text a database, a response and a document can carry, and the API's JSON parser that refuses
a body holding anything else.

- Refused wherever it comes from: a NUL (PostgreSQL cannot store it) and an unpaired surrogate
  (no UTF-8 encoder writes it), found by `text_problem` and `json_problem`; text we fetched
  rather than received is cleaned of them instead (`strip_bad_text`).
- Control characters other than tab and line breaks: nothing a person types, and a Word file
  (DOCX export) cannot hold them; refused in what a user edits (`control_character_problem`),
  removed from what a model wrote or a page held (`strip_control_characters`).
- SafeJSONParser, the API's parser: DRF's, with every malformed body answered as a 400. DRF's
  parser turns only ValueError into a ParseError; a body nested a thousand levels deep
  overflows the decoder's stack (RecursionError, a 500), and a parsed body may still hold text
  no response or database can carry (a `\\ud800` escape). Bodies are refused here, once for
  every endpoint, with the reason and where in the body it is.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

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


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        max_depth = int(settings.API_JSON_MAX_DEPTH)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                f"JSON parse error - the body is nested more than {max_depth} levels deep."
            ) from None
        problem = json_problem(data, max_depth=max_depth)
        if problem:
            raise ParseError(f"JSON parse error - {problem}")
        return data
