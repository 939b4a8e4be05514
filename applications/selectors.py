"""Reads of applications, always through the owner: another user's application is not found."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound

from .models import Application, InterviewPrep

CSV_COLUMNS = [
    "id",
    "status",
    "job_id",
    "job_title",
    "company",
    "applied_at",
    "cv_id",
    "cv_version",
    "letter_id",
    "letter_version",
    "notes",
    "updated_at",
]


def application_list(*, user: Any, status: str | None = None) -> QuerySet[Application]:
    applications = Application.objects.filter(owner=user).select_related("job")
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("-updated_at", "-id")


def application_get(*, user: Any, application_id: int, lock: bool = False) -> Application:
    applications = Application.objects.filter(owner=user, pk=application_id)
    if lock:
        applications = applications.select_for_update()
    application = applications.select_related("job").first()
    if application is None:
        raise NotFound("No such application.")
    return application


def interview_prep_get(*, user: Any, prep_id: int) -> InterviewPrep:
    prep = InterviewPrep.objects.filter(owner=user, pk=prep_id).first()
    if prep is None:
        raise NotFound("No such interview prep.")
    return prep


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with =, +, - or @ would be run as
    a formula (CSV injection), so it gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def applications_csv(*, user: Any, status: str | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for a in application_list(user=user, status=status).iterator(chunk_size=500):
        row = [
            a.id,
            a.status,
            a.job_id,
            a.job.title,
            a.job.company,
            a.applied_at.isoformat() if a.applied_at else "",
            a.cv_id,
            a.cv_version,
            a.letter_id,
            a.letter_version,
            a.notes,
            a.updated_at.isoformat(),
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
