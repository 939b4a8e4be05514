"""Text a database, a response and a document can carry.

- A NUL (PostgreSQL cannot store it) and an unpaired surrogate (no UTF-8 encoder writes it):
  the API refuses them in a request body (core.api's parser); text we fetched rather than
  received is cleaned of them instead (`strip_bad_text`).
- Control characters other than tab and line breaks: nothing a person types, and a Word file
  (DOCX export) cannot hold them; refused in what a user edits (`control_character_problem`),
  removed from what a model wrote or a page held (`strip_control_characters`).
"""

from __future__ import annotations

import re
from typing import Any

# NUL cannot be stored by PostgreSQL, and a lone surrogate cannot be encoded as UTF-8, so a
# response holding one fails long after the request that stored it. (The API's parser refuses
# them in a request body: core.api.text_problem.)
BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


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
    return BAD_CHARACTERS.sub("", value)
