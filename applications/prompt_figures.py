"""What became of an experiment arm's drafts (prompts.figures): how much users changed them
before sending, and how many of the applications they went with reached an interview."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q, StdDev

from prompts.figures import Mean, Rate

from .models import Application
from .statuses import Status

LINKS = {"cv_draft": "cv", "cover_letter": "letter"}


def arm_outcomes(*, task: str, version: str, since: Any, until: Any) -> dict:
    link = LINKS.get(task)
    if link is None:
        return {}
    sent = Application.objects.filter(
        **{
            f"{link}__prompt_version": version,
            f"{link}__created_at__gte": since,
            f"{link}__created_at__lt": until,
        }
    ).exclude(status=Status.SAVED)
    distance = f"{link}_edit_distance"
    figures = sent.aggregate(
        n=Count("id"),
        interviews=Count("id", filter=Q(reached_interview=True)),
        edited=Count(distance),
        mean=Avg(distance),
        sd=StdDev(distance, sample=True),
    )
    return {
        "edit distance before sending": Mean(figures["mean"], figures["sd"], figures["edited"]),
        "interview rate": Rate(figures["interviews"], figures["n"]),
    }
