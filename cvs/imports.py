"""Importing a CV the user already has into their master profile.

The file is read without AI (cvs.importer); the draft goes through the same checks as a profile
write (services.profile_validate) and is stored as a ProfileImport with a diff against the
profile, nothing else. Applying it merges the draft (all of it, or the fields named) into the
profile as a new profile version, so it can be undone by restoring the version before.
Merging adds: the imported roles, schools and skills join those already there (an item the
profile already has, by its name, is kept as the user wrote it), and the imported contact
details replace the profile's.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction

from core.errors import InvalidInput, NotFound
from documents.models import MasterProfile

from .import_ai import import_ai_fill
from .importer import cv_file_read
from .models import ProfileImport, ProfileVersion
from .profile_versions import profile_version_get
from .services import profile_get_or_create, profile_update, profile_validate

LIST_FIELDS = {
    "work": ("name", "position"),
    "education": ("institution", "studyType"),
    "skills": ("name",),
    "certificates": ("name",),
    "languages": ("language",),
}
BASICS_FIELDS = ("name", "label", "email", "phone", "url", "summary", "location", "profiles")
FIELDS = ("basics", *(f"basics.{key}" for key in BASICS_FIELDS), *LIST_FIELDS)


def profile_import_create(*, user: Any, filename: str, body: bytes) -> ProfileImport:
    file_format, parsed = cv_file_read(filename=filename, body=body)
    ai_filled = import_ai_fill(user=user, parsed=parsed)
    draft = profile_validate(data=parsed.draft)
    return ProfileImport.objects.create(
        owner=user,
        filename=filename[:255],
        file_format=file_format,
        draft=draft,
        confidence=parsed.confidence,
        unread=parsed.unread[:100],
        ai_filled=ai_filled,
    )


def profile_import_get(*, user: Any, import_id: int) -> ProfileImport:
    found = ProfileImport.objects.filter(owner=user, pk=import_id).first()
    if found is None:
        raise NotFound("No such import.")
    return found


def profile_import_diff(*, current: dict, draft: dict) -> list[dict]:
    """What applying the whole draft would change: each contact field added or changed, and
    each role, school, skill, certificate or language the profile does not have yet."""
    changes: list[dict] = []
    old_basics, new_basics = current.get("basics") or {}, draft.get("basics") or {}
    for key, value in new_basics.items():
        if old_basics.get(key) != value:
            change = "changed" if key in old_basics else "added"
            changes.append(
                {
                    "path": f"basics.{key}",
                    "change": change,
                    "current": old_basics.get(key),
                    "imported": value,
                }
            )
    for key, identity in LIST_FIELDS.items():
        known = {_identity(item, identity) for item in current.get(key) or []}
        for item in draft.get(key) or []:
            if _identity(item, identity) not in known:
                changes.append({"path": key, "change": "added", "current": None, "imported": item})
    return changes


def _identity(item: dict, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(" ".join(str(item.get(key) or "").casefold().split()) for key in keys)


def profile_import_merge(*, current: dict, draft: dict, fields: list[str] | None) -> dict:
    chosen = set(fields) if fields is not None else {"basics", *LIST_FIELDS}
    unknown = chosen - set(FIELDS)
    if unknown:
        raise InvalidInput(
            f"fields: {', '.join(sorted(unknown))} cannot be imported; "
            f"choose from {', '.join(FIELDS)}."
        )
    merged = copy.deepcopy(current)
    basics_from_draft = draft.get("basics") or {}
    for key, value in basics_from_draft.items():
        if "basics" in chosen or f"basics.{key}" in chosen:
            merged.setdefault("basics", {})[key] = copy.deepcopy(value)
    for key, identity in LIST_FIELDS.items():
        if key not in chosen or not draft.get(key):
            continue
        items = merged.setdefault(key, [])
        known = {_identity(item, identity): item for item in items}
        for item in draft[key]:
            existing = known.get(_identity(item, identity))
            if existing is None:
                items.append(copy.deepcopy(item))
            else:  # the profile is the user's truth: only what it lacks is filled in
                for field, value in item.items():
                    existing.setdefault(field, copy.deepcopy(value))
    return merged


def profile_import_apply(
    *, user: Any, import_id: int, fields: list[str] | None = None
) -> MasterProfile:
    with transaction.atomic():
        found = profile_import_get(user=user, import_id=import_id)
        profile = MasterProfile.objects.select_for_update().filter(user=user).first()
        current = profile.data if profile else {}
        merged = profile_import_merge(current=current, draft=found.draft, fields=fields)
        profile = profile_update(user=user, data=merged)
        ProfileVersion.objects.filter(owner=user, number=profile.version).update(source="import")
        found.applied_version = profile.version
        found.save(update_fields=["applied_version"])
    return profile


def profile_version_restore(*, user: Any, number: int) -> MasterProfile:
    """Make an earlier version the profile's content again, as a new version (so the restore
    can be undone too)."""
    with transaction.atomic():
        version = profile_version_get(user=user, number=number)
        profile = profile_update(user=user, data=version.data)
        ProfileVersion.objects.filter(owner=user, number=profile.version).update(source="restore")
    return profile


def profile_current(*, user: Any) -> dict:
    return profile_get_or_create(user=user).data
