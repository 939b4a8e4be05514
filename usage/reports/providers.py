"""How the providers did over a period: error rates, latency percentiles, cache savings, quota
refusals and billing failures (the alerts read these too)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import Count, Q, Sum

from core.errors import ProviderBilling, QuotaExceeded
from orchestrator.models import UsageLog
from orchestrator.registry import PROVIDER_TEST
from usage.models import UsageLatencyDaily, UsageLatencyMonthly
from usage.rollups import bucket_high, percentile, provider_attempts

from .periods import (
    PERCENTILES,
    dollars,
    metrics_add,
    month_or_day_rows,
    null_sort_key,
    one_snapshot,
    period_parts,
    provider_label,
    provider_names,
    rollup_rows,
)


@one_snapshot
def error_rate_by_provider(*, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per provider: attempts, failed attempts and their share (retries count as attempts)."""
    days, raw = period_parts(since, until)
    fields = ("provider_type", "provider_config_id")
    rows = []
    if raw is not None:
        rows = list(
            provider_attempts(raw)
            .values(*fields)
            .annotate(calls=Count("id"), errors=Count("id", filter=Q(status=UsageLog.Status.ERROR)))
            .order_by(*fields)
        )
    if days:
        rolled = (
            rollup_rows(days)
            .exclude(provider_type="")
            .values(*fields)
            .annotate(calls=Sum("provider_calls"), errors=Sum("provider_errors"))
        )
        merged: dict[tuple, dict[str, Any]] = {}
        for row in [*rolled, *rows]:
            key = tuple(row[f] for f in fields)
            merged[key] = metrics_add(merged.get(key, {}), row, keep=fields)
        nulls_first = connections[UsageLog.objects.db].vendor != "postgresql"
        # A rollup group of cache hits only has no attempts: UsageLog would not list it.
        rows = sorted(
            (r for r in merged.values() if r["calls"]),
            key=lambda r: (r["provider_type"], null_sort_key(r["provider_config_id"], nulls_first)),
        )
    names = provider_names(r["provider_config_id"] for r in rows)
    result = [
        {
            "provider": provider_label(r["provider_type"], r["provider_config_id"], names),
            "provider_type": r["provider_type"],
            "config_id": r["provider_config_id"],
            "calls": r["calls"],
            "errors": r["errors"],
            "error_rate": round(r["errors"] / r["calls"], 4) if r["calls"] else 0.0,
        }
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r["error_rate"], r["provider"]))


@one_snapshot
def latency_percentiles(
    *, since: datetime, until: datetime, per: str = "model"
) -> list[dict[str, Any]]:
    """p50/p95/p99 latency in ms of the attempts that reached a provider, per provider and
    model (``per="model"``) or per provider (``per="provider"``). Exact for the part of the
    period read from UsageLog; rolled-up days count each call at its bucket's midpoint, which
    keeps every percentile within 1% of the exact one (see the module docstring)."""
    fields = ("provider_type", "provider_config_id") + (("model",) if per == "model" else ())
    days, raw = period_parts(since, until)
    latencies: dict[tuple, Counter] = defaultdict(Counter)
    if raw is not None:
        exact = (
            provider_attempts(raw).values_list(*fields, "latency_ms").annotate(calls=Count("id"))
        )
        for *group, latency, calls in exact:
            latencies[tuple(group)][latency] += calls
    for rows in month_or_day_rows(days, UsageLatencyMonthly, UsageLatencyDaily):
        buckets = rows.values_list(*fields, "bucket").annotate(calls=Sum("calls"))
        for *group, low, calls in buckets:
            latencies[tuple(group)][(low + bucket_high(low)) / 2] += calls
    names = provider_names(group[1] for group in latencies)
    result = []
    for group, counts in latencies.items():
        points = sorted(counts.items())
        row = {
            "provider": provider_label(group[0], group[1], names),
            "provider_type": group[0],
            "config_id": group[1],
        }
        if per == "model":
            row["model"] = group[2]
        row["calls"] = sum(counts.values())
        row.update({f"p{round(q * 100)}": round(percentile(points, q), 1) for q in PERCENTILES})
        result.append(row)
    return sorted(result, key=lambda r: (r["provider"], r.get("model", "")))


@one_snapshot
def cache_savings(*, since: datetime, until: datetime) -> dict[str, Any]:
    """Of the answers served (successful rows, credential tests aside), the share the cache
    served, and the money those hits would have cost."""
    days, raw = period_parts(since, until)
    row = (
        raw.filter(status=UsageLog.Status.SUCCESS)
        .exclude(task_type=PROVIDER_TEST.name)
        .aggregate(
            answers=Count("id"),
            hits=Count("id", filter=Q(cache_hit=True)),
            saved=Sum("saved_cost_usd", filter=Q(cache_hit=True)),
        )
        if raw is not None
        else {}
    )
    if days:
        rolled = (
            rollup_rows(days)
            .exclude(task_type=PROVIDER_TEST.name)
            .aggregate(
                answers=Sum("successes"),
                hits=Sum("success_cache_hits"),
                saved=Sum("success_saved_cost_usd"),
            )
        )
        row = metrics_add(row, rolled)
    answers, hits = row["answers"] or 0, row["hits"] or 0
    return {
        "answers": answers,
        "hits": hits,
        "hit_ratio": round(hits / answers, 4) if answers else 0.0,
        "saved_usd": dollars(row["saved"]),
    }


def errors_apart_from_refusals(totals: dict[str, Any], refused: int) -> dict[str, Any]:
    """usage_totals' errors and error rate without the quota refusals (quota_exceeded_count):
    those are a plan's limit at work, not a failure, and are counted on their own."""
    calls, errors = totals["calls"] - refused, totals["errors"] - refused
    return {
        "calls": calls,
        "errors": errors,
        "error_rate": round(errors / calls, 4) if calls else 0.0,
    }


@one_snapshot
def quota_exceeded_count(*, since: datetime, until: datetime) -> int:
    """Requests refused because a plan's quota was used up."""
    days, raw = period_parts(since, until)
    refused = (
        raw.filter(status=UsageLog.Status.ERROR, error_code=QuotaExceeded.code).count()
        if raw is not None
        else 0
    )
    if days:
        refused += rollup_rows(days).aggregate(n=Sum("quota_exceeded"))["n"] or 0
    return refused


def billing_failures(*, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per provider: attempts the vendor refused for the account's billing, newest message."""
    rows = (
        UsageLog.objects.filter(
            created_at__gte=since, created_at__lt=until, error_code=ProviderBilling.code
        )
        .order_by("provider_type", "provider_config_id", "-created_at")
        .values_list("provider_type", "provider_config_id", "error_message")
    )
    found: dict[tuple, dict[str, Any]] = {}
    for provider_type, config_id, message in rows:
        row = found.setdefault((provider_type, config_id), {"failures": 0, "message": message})
        row["failures"] += 1
    names = provider_names(config_id for _, config_id in found)
    return [
        {"provider": provider_label(provider_type, config_id, names), **row}
        for (provider_type, config_id), row in found.items()
    ]
