"""Reads of cover letters, always through the owner: another user's letter is not found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound

from .models import CoverLetter, CoverLetterVersion


def letter_list(
    *, user: Any, job_id: int | None = None, tone: str | None = None
) -> QuerySet[CoverLetter]:
    letters = CoverLetter.objects.filter(owner=user)
    if job_id is not None:
        letters = letters.filter(job_id=job_id)
    if tone:
        letters = letters.filter(tone=tone)
    return letters.order_by("-created_at", "-id")


def letter_get(*, user: Any, letter_id: int) -> CoverLetter:
    letter = CoverLetter.objects.filter(owner=user, pk=letter_id).first()
    if letter is None:
        raise NotFound("No such cover letter.")
    return letter


def letter_versions(*, user: Any, letter_id: int) -> QuerySet[CoverLetterVersion]:
    """Every saved version of one of the user's letters, newest first."""
    return letter_get(user=user, letter_id=letter_id).versions.order_by("-number")


def letter_version_get(*, user: Any, letter_id: int, number: int) -> CoverLetterVersion:
    version = letter_versions(user=user, letter_id=letter_id).filter(number=number).first()
    if version is None:
        raise NotFound(f"This cover letter has no version {number}.")
    return version
