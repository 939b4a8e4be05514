"""Reads of CV drafts, always through the owner: another user's draft is simply not found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jobs.models import Job
from jobs.schemas import JOB_FIELDS, JOB_LISTS
from orchestrator.errors import InvalidInput, NotFound

from .models import CVDraft, MasterProfile

EMPTY_PROFILE = (
    "Your profile has no work experience or education yet. Fill in your profile first "
    "(PUT /api/v1/profile); drafts use only facts from it."
)


def cv_draft_list(*, user: Any, job_id: int | None = None) -> QuerySet[CVDraft]:
    drafts = CVDraft.objects.filter(owner=user)
    if job_id is not None:
        drafts = drafts.filter(job_id=job_id)
    return drafts.order_by("-created_at", "-id")


def cv_draft_get(*, user: Any, draft_id: int) -> CVDraft:
    draft = CVDraft.objects.filter(owner=user, pk=draft_id).first()
    if draft is None:
        raise NotFound("No such CV draft.")
    return draft


def job_ai_fields(*, job: Job) -> dict[str, Any]:
    """What the AI is told about a job: its extracted fields, nothing about its source."""
    return {name: getattr(job, name) for name in (*JOB_FIELDS, *JOB_LISTS)}


def profile_for_drafting(*, user: Any) -> MasterProfile:
    """The profile a draft is written from; without experience or education there is
    nothing true to write, so the user is sent to fill it in first."""
    profile = MasterProfile.objects.filter(user=user).first()
    data = profile.data if profile is not None else {}
    if not (data.get("work") or data.get("education")):
        raise InvalidInput(EMPTY_PROFILE)
    return profile
