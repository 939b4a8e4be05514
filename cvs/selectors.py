"""Reads of CV drafts, always through the owner: another user's draft is simply not found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound
from documents.selectors import profile_data
from jobs.selectors import job_get

from .match import cv_match
from .models import CVDraft, CVDraftVersion


def cv_draft_list(*, user: Any, job_id: int | None = None) -> QuerySet[CVDraft]:
    # The job and the profile feed each draft's match report.
    drafts = CVDraft.objects.filter(owner=user).select_related("job", "owner__master_profile")
    if job_id is not None:
        drafts = drafts.filter(job_id=job_id)
    return drafts.order_by("-created_at", "-id")


def cv_draft_get(*, user: Any, draft_id: int) -> CVDraft:
    draft = (
        CVDraft.objects.filter(owner=user, pk=draft_id)
        .select_related("job", "owner__master_profile")
        .first()
    )
    if draft is None:
        raise NotFound("No such CV draft.")
    return draft


def cv_draft_versions(*, user: Any, draft_id: int) -> QuerySet[CVDraftVersion]:
    """Every saved version of one of the user's drafts, newest first."""
    draft = cv_draft_get(user=user, draft_id=draft_id)
    return draft.versions.order_by("-number")


def cv_draft_version_get(*, user: Any, draft_id: int, number: int) -> CVDraftVersion:
    version = cv_draft_versions(user=user, draft_id=draft_id).filter(number=number).first()
    if version is None:
        raise NotFound(f"This CV draft has no version {number}.")
    return version


def cv_draft_match(*, user: Any, draft_id: int, job_id: int | None = None) -> dict:
    """The match report of one of the user's drafts (its latest version) against one of their
    jobs, the draft's own by default, with bullet sources from the profile as it is now."""
    draft = cv_draft_get(user=user, draft_id=draft_id)
    job = draft.job if job_id is None else job_get(user=user, job_id=job_id)
    return cv_match(cv=draft.content, job=job, profile=profile_data(user=user))
