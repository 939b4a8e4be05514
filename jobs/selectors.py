"""Reads of jobs: always through the owner, so one user can never reach another's job. (What
the documents written for a job read from it is documents.selectors': the drafting query and
the fields the AI is told.)"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound

from .models import Job


def job_list(*, user: Any) -> QuerySet[Job]:
    return Job.objects.filter(owner=user).order_by("-created_at", "-id")


def job_get(*, user: Any, job_id: int) -> Job:
    job = Job.objects.filter(owner=user, pk=job_id).first()
    if job is None:
        raise NotFound("No such job.")
    return job


def job_for_url(*, user: Any, url_hash: str) -> Job | None:
    return Job.objects.filter(owner=user, source_url_hash=url_hash).first()
