"""A user's edit of a CV draft: saved as its next version by documents.versions, then
fact-checked against the profile as it is now (cvs.factcheck). A cover letter's edit is
letters.services.letter_edit, on the same versions with the letter rules as its check."""

from __future__ import annotations

from typing import Any

from documents.selectors import profile_data
from documents.versions import content_edit

from .factcheck import cv_user_edit_notes
from .models import CVDraft
from .schemas import CV_SCHEMA


def cv_draft_edit(*, user: Any, draft_id: int, patch: Any) -> tuple[CVDraft, bool]:
    """Save the user's edit of a CV draft as its next version, fact-checked against the
    profile as it is now: what the edit claims beyond the profile is the user's, so it is
    kept, and marked "Added by you" in the warnings."""
    facts = profile_data(user=user)
    return content_edit(
        items=CVDraft.objects.filter(owner=user),
        item_id=draft_id,
        patch=patch,
        schema=CV_SCHEMA,
        check=lambda cv: cv_user_edit_notes(cv, facts),
        what="CV draft",
    )
