"""Drafts and outcomes: which drafts get sent, how much users change them first, and which get
interviews, per task × provider × model × tier × prompt version.

For the operator choosing models and prompts: the edit distance before sending and the
interview rate are quality signals that token counts cannot give. Drafts count whether or not
they were sent; an application with no linked draft counts for its user but not here.
Each draft carries the tier and cost of the call that wrote it (ProducedByAI), and each
application the facts of the drafts it sent (when drafted, by which provider, model, tier and
prompt version: Application.cv_drafted_at and the like), so the report joins neither the usage
log nor the drafts to the applications: per kind, one scan of the drafts, which counts the
sent ones against a hash of the applications' links, and one of the applications, grouped by
the copied keys and the edit distance, from which the medians are read (bench/outcomes.py: a
million usage rows and a hundred thousand applications). Sorting a hundred thousand rows on
four text keys, which a median or a distinct count in SQL asks for, is what made it slow.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from cvs.models import CVDraft
from letters.models import CoverLetter

from .models import DRAFT_KEYS, Application
from .statuses import Status

KINDS = (("cv_draft", CVDraft, "cv"), ("cover_letter", CoverLetter, "letter"))


def _sent_with_drafts_of(link: str, window: dict) -> Any:
    """Applications sent with a draft written in the window (its time copied onto them)."""
    return Application.objects.filter(
        **{
            f"{link}_drafted_at__gte": window["since"],
            f"{link}_drafted_at__lt": window["until"],
            f"{link}__isnull": False,  # a deleted draft's applications count no more
        }
    ).exclude(status=Status.SAVED)


def _drafts(model: type, link: str, window: dict) -> dict[tuple, dict]:
    """Drafts written in the window per key: how many, their cost, how many were sent."""
    sent = _sent_with_drafts_of(link, window)
    rows = (
        model.objects.filter(created_at__gte=window["since"], created_at__lt=window["until"])
        .values(*DRAFT_KEYS)
        .annotate(
            drafts=Count("id"),
            cost=Sum("cost_usd"),
            sent_drafts=Count("id", filter=Q(id__in=sent.values(f"{link}_id"))),
        )
        .order_by()
    )
    return {tuple(r[k] or "" for k in DRAFT_KEYS): r for r in rows}


def _median(histogram: dict[int, int]) -> float | None:
    """The median of the values counted in {value: count}, as PostgreSQL's percentile_cont(0.5)
    gives it: the mean of the two middle values of the sorted list (one, when its length is odd)."""
    total = sum(histogram.values())
    if not total:
        return None
    positions, middle, seen = ((total - 1) // 2, total // 2), [], 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(middle) < 2 and positions[len(middle)] < seen:
            middle.append(value)
    return (middle[0] + middle[1]) / 2


def _sent(link: str, window: dict) -> dict[tuple, dict]:
    """Applications sent with a draft written in the window, per the draft's key: how many,
    how many reached an interview, the median edit distance before sending."""
    keys = {key: f"{link}_{key}" for key in DRAFT_KEYS}
    distance = f"{link}_edit_distance"
    rows = (
        _sent_with_drafts_of(link, window)
        .values(*keys.values(), distance)
        .annotate(
            applications=Count("id"), interviews=Count("id", filter=Q(reached_interview=True))
        )
        .order_by()
    )
    result: dict[tuple, dict] = defaultdict(
        lambda: {"applications": 0, "interviews": 0, "distances": {}}
    )
    for r in rows:
        out = result[tuple(r[column] or "" for column in keys.values())]
        out["applications"] += r["applications"]
        out["interviews"] += r["interviews"]
        if r[distance] is not None:
            out["distances"][r[distance]] = out["distances"].get(r[distance], 0) + r["applications"]
    return {
        key: {**out, "median_edit_distance": _median(out["distances"])}
        for key, out in result.items()
    }


def drafts_and_outcomes(*, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """One row per task × provider × model × tier × prompt version that wrote a draft in
    [since, until), with what became of those drafts."""
    window = {"since": since, "until": until}
    report = []
    for task, model, link in KINDS:
        sent = _sent(link, window)
        for key, row in sorted(_drafts(model, link, window).items()):
            out = sent.get(key, {})
            applications, interviews = out.get("applications", 0), out.get("interviews", 0)
            cost = row["cost"] or Decimal(0)
            report.append(
                {
                    "task": task,
                    **dict(zip(DRAFT_KEYS, key, strict=True)),
                    "drafts": row["drafts"],
                    "sent": row["sent_drafts"],
                    "share_sent": row["sent_drafts"] / row["drafts"],
                    "median_edit_distance": out.get("median_edit_distance"),
                    "applications": applications,
                    "interview_rate": interviews / applications if applications else None,
                    "cost_usd": cost,
                    "cost_per_interview": cost / interviews if interviews else None,
                }
            )
    return report
