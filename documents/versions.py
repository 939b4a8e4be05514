"""User edits of what the AI wrote (a CV draft, a cover letter, an interview prep), kept as
numbered versions.

Version 1 is the AI's text; every edit that changes something saves a new version and makes
it the document's current content, so the user can always go back to what they or the AI
wrote before. An edit is a JSON Merge Patch (RFC 7386) of the content, checked against the
same JSON Schema the AI's answer must fit and against the document bounds (documents.bounds);
the caller's check then runs on the result (the fact check for a CV, the letter rules for a
letter): its problems become the document's warnings. What the AI wrote is stored without
control characters (text_clean): a model echoing a pasted job can write them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models, transaction

from core.errors import InvalidInput, NotFound
from core.merge_patch import merge_patch
from core.text import strip_control_characters
from core.validation import schema_problem, validator

from .bounds import document_problem

MAX_LISTED_PROBLEMS = 5


def content_validate(*, content: Any, schema: dict, what: str) -> dict:
    """The content if it fits the schema; otherwise InvalidInput with the path of each problem
    as in the request body (`content.experience[0]: 'employer' is a required property`)."""
    errors = sorted(
        validator(schema).iter_errors(content), key=lambda e: list(map(str, e.absolute_path))
    )
    if errors:
        problems = [f"content{e.json_path[1:]}: {schema_problem(e)}" for e in errors]
        shown = "; ".join(problems[:MAX_LISTED_PROBLEMS])
        more = len(problems) - MAX_LISTED_PROBLEMS
        raise InvalidInput(
            f"The edited {what} is not valid: {shown}"
            + (f" (and {more} more)." if more > 0 else ".")
        )
    problem = document_problem(content, what=what)
    if problem:
        raise InvalidInput(f"The edited {what} cannot be saved: {problem}")
    return content


def text_clean(data: Any) -> Any:
    """The JSON answer with control characters removed from every text (a model echoing a
    pasted job can write them, and no Word file can hold them)."""
    if isinstance(data, str):
        return strip_control_characters(data)
    if isinstance(data, list):
        return [text_clean(item) for item in data]
    if isinstance(data, dict):
        return {key: text_clean(value) for key, value in data.items()}
    return data


def version_record(*, item: models.Model, edited_by_user: bool) -> None:
    """Keep the item's current content as its version `item.version`."""
    item.versions.create(
        number=item.version,
        content=item.content,
        warnings=item.warnings,
        edited_by_user=edited_by_user,
    )


def content_edit(
    *,
    items: models.QuerySet,
    item_id: int,
    patch: Any,
    schema: dict,
    check: Callable[[dict], list[str]],
    what: str,
) -> tuple[Any, bool]:
    """Apply a merge patch to one of `items` (already limited to the user's own). Returns the
    item and whether a new version was saved (an edit that changes nothing saves none)."""

    if not isinstance(patch, dict):  # an empty one is RFC 7386's "change nothing"
        raise InvalidInput(f"content: an edit must be a JSON object (a merge patch of the {what}).")
    with transaction.atomic():
        # Locked, so two edits at once cannot both become the same next version.
        item = items.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise NotFound(f"No such {what}.")
        content = content_validate(
            content=merge_patch(copy.deepcopy(item.content), patch), schema=schema, what=what
        )
        if content == item.content:
            return item, False
        item.content = content
        item.warnings = check(content)
        item.version += 1
        item.save(update_fields=["content", "warnings", "version"])
        version_record(item=item, edited_by_user=True)
        versions_prune(item=item)
    return item, True


def versions_prune(*, item: models.Model) -> None:
    """Keep DOCUMENT_VERSIONS_KEPT versions of an item: version 1 (what the AI wrote) and the
    newest others. Every version holds the whole document, so an unbounded history would let
    one user fill the database with edits."""
    kept = max(2, int(settings.DOCUMENT_VERSIONS_KEPT))
    item.versions.filter(number__gt=1, number__lte=item.version - (kept - 1)).delete()
