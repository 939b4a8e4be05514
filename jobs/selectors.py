"""Reads of jobs: always through the owner, so one user can never reach another's job; and
what the documents written for a job read from it: its fields as the AI is told them, and the
person it names as the hiring manager (a letter's recipient and greeting)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound

from .models import Job
from .schemas import JOB_FIELDS, JOB_LISTS


def job_list(*, user: Any) -> QuerySet[Job]:
    return Job.objects.filter(owner=user).order_by("-created_at", "-id")


def job_get(*, user: Any, job_id: int) -> Job:
    job = Job.objects.filter(owner=user, pk=job_id).first()
    if job is None:
        raise NotFound("No such job.")
    return job


def job_for_url(*, user: Any, url_hash: str) -> Job | None:
    return Job.objects.filter(owner=user, source_url_hash=url_hash).first()


def job_ai_fields(*, job: Job) -> dict[str, Any]:
    """What the AI is told about a job: its extracted fields, nothing about its source."""
    return {name: getattr(job, name) for name in (*JOB_FIELDS, *JOB_LISTS)}


# "Hiring manager: Jane Doe", "Contact person - Jan Kowalski", "Reports to: Priya Shah".
# A name is two or three capitalised words on the same line.
_NAMED_CONTACT = re.compile(
    r"\b(?i:hiring manager|contact person|contact|recruiter|reports to)[ \t]*(?:is[ \t]*)?"
    r"[:\-–—]?[ \t]*((?:(?:Dr|Ms|Mr|Mrs)\.?[ \t]+)?[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,2})"
)


def hiring_manager_in(texts: list[str]) -> str:
    """The person the texts name as the hiring manager or contact, or ""."""
    for text in texts:
        found = _NAMED_CONTACT.search(text or "")
        if found:
            return found.group(1).strip()
    return ""


def hiring_manager(job: Any) -> str:
    """The person the job names as its hiring manager or contact, or ""."""
    return hiring_manager_in(
        [getattr(job, "description", "") or "", *(getattr(job, "requirements", []) or [])]
    )
