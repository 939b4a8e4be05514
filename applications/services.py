"""Writes of applications: create, change (status, notes, the versions sent), delete.

An application pins the exact CV and letter versions it was sent with. Pinning also records
how far the user edited the AI's first draft before sending it (applications.editdistance),
which, with whether the application reached an interview, tells the operator which drafts work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from cvs.models import CVDraft
from jobs.selectors import job_get
from letters.models import CoverLetter

from .editdistance import edit_distance
from .models import DRAFT_KEYS, Application, StatusChange
from .selectors import application_get
from .statuses import INTERVIEWED, MOVES, Status, allowed_moves

NOTES_MAX_CHARS = 10_000
_UNSET: Any = object()


def _pin(*, user: Any, model: type, item_id: int | None, number: int | None, what: str) -> tuple:
    """(document, version number, edit distance) for one of the user's documents; a version
    left out is the document's latest."""
    if item_id is None:
        if number is not None:
            raise InvalidInput(f"{what}_version needs {what}_id.")
        return None, None, None
    document = model.objects.filter(owner=user, pk=item_id).first()
    if document is None:
        raise NotFound(f"No such {'CV draft' if what == 'cv' else 'cover letter'}: {item_id}.")
    number = document.version if number is None else number
    contents = dict(
        document.versions.filter(number__in={1, number}).values_list("number", "content")
    )
    if number not in contents:
        raise InvalidInput(f"{what}_version: this document has no version {number}.")
    first = contents.get(1, contents[number])
    return document, number, edit_distance(first, contents[number])


def _draft_facts(what: str, document: Any) -> dict[str, Any]:
    """The sent draft's facts the outcomes report groups by (applications.outcomes), copied
    onto the application; a draft never changes them, later versions included."""
    if document is None:
        return {f"{what}_drafted_at": None, **{f"{what}_{key}": "" for key in DRAFT_KEYS}}
    return {
        f"{what}_drafted_at": document.created_at,
        **{f"{what}_{key}": getattr(document, key) for key in DRAFT_KEYS},
    }


def _notes(notes: Any) -> str:
    if len(notes) > NOTES_MAX_CHARS:
        raise InvalidInput(f"notes: at most {NOTES_MAX_CHARS} characters.")
    return notes


def _move(application: Application, to: str) -> None:
    """Move the status (checked against MOVES) and keep the move in the history."""
    current = application.status
    if to == current:
        return
    if to not in MOVES[current]:
        allowed = ", ".join(allowed_moves(current)) or "none: it is closed"
        raise InvalidInput(
            f'status: an application that is "{current}" cannot become "{to}"; allowed: {allowed}.'
        )
    application.status = to
    if to in INTERVIEWED:
        application.reached_interview = True
    if to == Status.APPLIED and application.applied_at is None:
        application.applied_at = timezone.now()
    StatusChange.objects.create(application=application, from_status=current, to_status=to)


def application_create(
    *,
    user: Any,
    job_id: int,
    status: str = Status.SAVED,
    cv_id: int | None = None,
    cv_version: int | None = None,
    letter_id: int | None = None,
    letter_version: int | None = None,
    applied_at: datetime | None = None,
    notes: str = "",
) -> Application:
    """Track an application to one of the user's jobs. Any status may start it (an application
    sent before it was tracked here starts as "applied" or later)."""
    job = job_get(user=user, job_id=job_id)
    cv, cv_number, cv_distance = _pin(
        user=user, model=CVDraft, item_id=cv_id, number=cv_version, what="cv"
    )
    letter, letter_number, letter_distance = _pin(
        user=user, model=CoverLetter, item_id=letter_id, number=letter_version, what="letter"
    )
    if applied_at is None and status != Status.SAVED:
        applied_at = timezone.now()
    with transaction.atomic():
        application = Application.objects.create(
            owner=user,
            job=job,
            status=status,
            cv=cv,
            cv_version=cv_number,
            cv_edit_distance=cv_distance,
            letter=letter,
            letter_version=letter_number,
            letter_edit_distance=letter_distance,
            **_draft_facts("cv", cv),
            **_draft_facts("letter", letter),
            reached_interview=status in INTERVIEWED,
            applied_at=applied_at,
            notes=_notes(notes),
        )
        StatusChange.objects.create(application=application, from_status="", to_status=status)
    return application


def application_update(*, user: Any, application_id: int, **changes: Any) -> Application:
    """Change the status (a move MOVES allows), the notes, applied_at, or the documents sent
    (`cv_id`/`cv_version`, `letter_id`/`letter_version`; a null id unlinks)."""
    with transaction.atomic():
        application = application_get(user=user, application_id=application_id, lock=True)
        for what, model in (("cv", CVDraft), ("letter", CoverLetter)):
            if f"{what}_id" in changes or f"{what}_version" in changes:
                item_id = changes.get(f"{what}_id", getattr(application, f"{what}_id"))
                document, number, distance = _pin(
                    user=user,
                    model=model,
                    item_id=item_id,
                    number=changes.get(f"{what}_version"),
                    what=what,
                )
                setattr(application, what, document)
                setattr(application, f"{what}_version", number)
                setattr(application, f"{what}_edit_distance", distance)
                for field, value in _draft_facts(what, document).items():
                    setattr(application, field, value)
        if "notes" in changes:
            application.notes = _notes(changes["notes"])
        if "applied_at" in changes:
            application.applied_at = changes["applied_at"]
        if "status" in changes:
            _move(application, changes["status"])
        application.save()
    return application


def application_delete(*, user: Any, application_id: int) -> None:
    application_get(user=user, application_id=application_id).delete()
