"""How big a CV or letter may be, checked when the user writes it: every export and match
report of a document is then bounded in time (the benchmark measures them at these bounds).

A real CV is a few thousand characters; these leave room for a long one and refuse what only
a script sends. A user's edit beyond them is a 400 naming the bound, never a slow export.
"""

from __future__ import annotations

import json
from typing import Any

from core.text import control_character_problem

MAX_DOCUMENT_CHARS = 20_000  # the whole document as JSON (a long 3-page CV is ~12,000)
MAX_FIELD_CHARS = 2_000  # one text: a summary, a bullet, a paragraph
MAX_LIST_ITEMS = 40  # entries of one list: roles, bullets of a role, skills, paragraphs
MAX_BULLETS = 80  # bullets of all roles together


def _shape_problem(content: Any, path: str) -> str | None:
    stack: list[tuple[Any, str]] = [(content, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            return f"{where} has {len(value)} characters; at most {MAX_FIELD_CHARS}."
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            return f"{where} has {len(value)} items; at most {MAX_LIST_ITEMS}."
        if isinstance(value, dict):
            stack.extend((item, f"{where}.{key}") for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{n}]") for n, item in enumerate(value))
    return None


def document_problem(content: Any, *, what: str) -> str | None:
    """Why a user's CV or letter cannot be stored (too big, or holding a control character),
    or None."""
    problem = control_character_problem(content, path="content") or _shape_problem(
        content, "content"
    )
    if problem:
        return problem
    experience = content.get("experience") if isinstance(content, dict) else None
    bullets = sum(len(e.get("bullets") or []) for e in experience or [] if isinstance(e, dict))
    if bullets > MAX_BULLETS:
        return f"The {what} has {bullets} bullets; at most {MAX_BULLETS} in all."
    size = len(json.dumps(content, ensure_ascii=False))
    if size > MAX_DOCUMENT_CHARS:
        return (
            f"The {what} is too long ({size} characters of JSON); the limit is "
            f"{MAX_DOCUMENT_CHARS}."
        )
    return None
