"""Drafts and outcomes: which drafts get sent, how much users change them first, and which get
interviews, per task × provider × model × tier × prompt version.

For the operator choosing models and prompts: the edit distance before sending and the
interview rate are quality signals that token counts cannot give. Drafts count whether or not
they were sent; an application with no linked draft counts for its user but not here.
Each draft carries the tier and cost of the call that wrote it (ProducedByAI), so the report
never joins the usage log: two grouped queries per kind, fast at a million usage rows and a
hundred thousand applications (bench/outcomes.py). Medians are computed by PostgreSQL
(percentile_cont), and in Python on SQLite.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, Sum

from cvs.models import CVDraft
from letters.models import CoverLetter

from .models import Application
from .statuses import Status

KEYS = ("provider_type", "model", "tier", "prompt_version")
KINDS = (("cv_draft", CVDraft, "cv"), ("cover_letter", CoverLetter, "letter"))


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _drafts(model: type, window: dict) -> dict[tuple, dict]:
    rows = (
        model.objects.filter(created_at__gte=window["since"], created_at__lt=window["until"])
        .values(*KEYS)
        .annotate(drafts=Count("id"), cost=Sum("cost_usd"))
        .order_by()
    )
    return {tuple(r[k] or "" for k in KEYS): r for r in rows}


def _sent(link: str, window: dict) -> dict[tuple, dict]:
    sent = Application.objects.filter(
        **{f"{link}__created_at__gte": window["since"], f"{link}__created_at__lt": window["until"]}
    ).exclude(status=Status.SAVED)
    groups = {key: F(f"{link}__{key}") for key in KEYS}
    counts = {
        "sent_drafts": Count(link, distinct=True),
        "applications": Count("id"),
        "interviews": Count("id", filter=Q(reached_interview=True)),
    }
    distance = f"{link}_edit_distance"
    if connection.vendor == "postgresql":
        counts["median_edit_distance"] = Median(distance)
    rows = sent.values(**groups).annotate(**counts).order_by()
    result = {tuple(r[k] or "" for k in KEYS): r for r in rows}
    if connection.vendor != "postgresql":
        values = defaultdict(list)
        for *key, d in sent.values_list(*groups.values(), distance).order_by().iterator():
            if d is not None:
                values[tuple(k or "" for k in key)].append(d)
        for key, row in result.items():
            row["median_edit_distance"] = statistics.median(values[key]) if values[key] else None
    return result


def drafts_and_outcomes(*, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """One row per task × provider × model × tier × prompt version that wrote a draft in
    [since, until), with what became of those drafts."""
    window = {"since": since, "until": until}
    report = []
    for task, model, link in KINDS:
        sent = _sent(link, window)
        for key, row in sorted(_drafts(model, window).items()):
            out = sent.get(key, {})
            applications, interviews = out.get("applications", 0), out.get("interviews", 0)
            cost = row["cost"] or Decimal(0)
            report.append(
                {
                    "task": task,
                    **dict(zip(KEYS, key, strict=True)),
                    "drafts": row["drafts"],
                    "sent": out.get("sent_drafts", 0),
                    "share_sent": out.get("sent_drafts", 0) / row["drafts"],
                    "median_edit_distance": out.get("median_edit_distance"),
                    "applications": applications,
                    "interview_rate": interviews / applications if applications else None,
                    "cost_usd": cost,
                    "cost_per_interview": cost / interviews if interviews else None,
                }
            )
    return report
