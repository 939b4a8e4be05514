"""Usage reports: the one implementation behind the dashboard, the CSV export, `usage_report`,
the alerts and any API that shows usage.

Every function reads UsageLog rows with ``since <= created_at < until`` (aware datetimes, UTC
days) and lets the database aggregate: a GROUP BY over the (column, created_at) indexes. The only
rows read into Python are latencies for percentiles on SQLite, which has no percentile_cont.

Percentiles are defined as PostgreSQL's ``percentile_cont``: sort the n values, take position
``q * (n - 1)`` and interpolate linearly between the two values around it. Both back ends use
the same float arithmetic and the result is rounded to 0.1 ms, so they report the same numbers.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Aggregate, Count, FloatField, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from .models import ProviderConfig, UsageLog

GROUP_BY = ("plan", "task", "user", "provider", "model", "day")
PERCENTILES = (0.5, 0.95, 0.99)
QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
CENT_MICRO = Decimal("0.00000001")  # UsageLog stores 8 decimal places of a dollar
NO_PROVIDER = "(no provider)"

_METRICS = {
    "calls": Count("id"),
    "errors": Count("id", filter=Q(status=UsageLog.Status.ERROR)),
    "cache_hits": Count("id", filter=Q(cache_hit=True)),
    "input_tokens": Sum("input_tokens"),
    "output_tokens": Sum("output_tokens"),
    "total_tokens": Sum("total_tokens"),
    "cost_usd": Sum("cost_usd"),
    "saved_cost_usd": Sum("saved_cost_usd", filter=Q(cache_hit=True)),
}


class _PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate; the fraction is one of our constants, never input."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, fraction: float):
        super().__init__(expression, fraction=repr(float(fraction)))


def _window(since: datetime, until: datetime, user: Any = None) -> QuerySet:
    rows = UsageLog.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    return rows if user is None else rows.filter(user=user)


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT_MICRO)


def _metrics(row: dict[str, Any]) -> dict[str, Any]:
    calls = row["calls"] or 0
    out = {
        name: row[name] or 0
        for name in (
            "calls",
            "errors",
            "cache_hits",
            "input_tokens",
            "output_tokens",
            "total_tokens",
        )
    }
    out["cost_usd"] = _money(row["cost_usd"])
    out["saved_cost_usd"] = _money(row["saved_cost_usd"])
    out["error_rate"] = round(out["errors"] / calls, 4) if calls else 0.0
    return out


def _provider_labels(config_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {pk for pk in config_ids if pk}
    return dict(ProviderConfig.objects.filter(pk__in=ids).values_list("pk", "name"))


def _provider_label(provider_type: str, config_id: int | None, names: dict[int, str]) -> str:
    """A DB config by its name; an env-only or deleted config by its type."""
    if not provider_type:
        return NO_PROVIDER
    if config_id and config_id in names:
        return names[config_id]
    return f"{provider_type} (env)" if not config_id else f"{provider_type} #{config_id}"


def usage_totals(*, since: datetime, until: datetime, user: Any = None) -> dict[str, Any]:
    """Calls, errors, tokens, cost and cache savings over the period, plus distinct users;
    one user's only when `user` is given (the API's own-usage view)."""
    row = _window(since, until, user).aggregate(**_METRICS, users=Count("user", distinct=True))
    return {**_metrics(row), "users": row["users"] or 0}


def usage_by(
    *,
    since: datetime,
    until: datetime,
    group_by: str,
    limit: int | None = None,
    user: Any = None,
) -> list[dict[str, Any]]:
    """The period's metrics per plan, task, user, provider, model or day.

    Rows carry ``key`` (stable, for machines) and ``label`` (for people) plus the metrics of
    usage_totals; days come in date order, everything else by cost, highest first.
    """
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY)}, not {group_by!r}.")
    rows = _window(since, until, user)
    if group_by == "day":
        rows = rows.annotate(day=TruncDate("created_at")).values("day")
        ordering: tuple[str, ...] = ("day",)
    else:
        fields = {
            "plan": ("plan",),
            "task": ("task_type",),
            "user": ("user_id",),
            "provider": ("provider_type", "provider_config_id"),
            "model": ("provider_type", "model"),
        }[group_by]
        rows = rows.values(*fields)
        ordering = ("-cost_usd", "-calls", *fields)
    rows = list(rows.annotate(**_METRICS).order_by(*ordering)[:limit])
    return [
        {"key": key, "label": label, **_metrics(row)}
        for (key, label), row in zip(_group_labels(group_by, rows), rows, strict=True)
    ]


def _group_labels(group_by: str, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    if group_by == "day":
        return [(r["day"].isoformat(),) * 2 for r in rows]
    if group_by == "plan":
        return [(r["plan"], r["plan"] or "(none)") for r in rows]
    if group_by == "task":
        return [(r["task_type"], r["task_type"]) for r in rows]
    if group_by == "model":
        keys = [f"{r['provider_type']}:{r['model']}" if r["provider_type"] else "" for r in rows]
        return [(key, key or NO_PROVIDER) for key in keys]
    if group_by == "user":
        # One query for the result's users rather than a join over the whole period.
        names = dict(
            get_user_model()
            .objects.filter(pk__in={r["user_id"] for r in rows})
            .values_list("pk", "username")
        )
        return [
            (
                str(r["user_id"] or ""),
                names.get(r["user_id"], f"#{r['user_id']}") if r["user_id"] else "(anonymous)",
            )
            for r in rows
        ]
    names = _provider_labels(r["provider_config_id"] for r in rows)
    return [
        (
            f"{r['provider_type']}:{r['provider_config_id'] or 'env'}",
            _provider_label(r["provider_type"], r["provider_config_id"], names),
        )
        for r in rows
    ]


def cost_per_day(*, since: datetime, until: datetime, user: Any = None) -> list[dict[str, Any]]:
    """Cost and calls per UTC day, every day of the period present (zero when idle)."""
    found = {
        row["key"]: row for row in usage_by(since=since, until=until, group_by="day", user=user)
    }
    first, last = since.date(), (until - timedelta(microseconds=1)).date()
    days = []
    for offset in range((last - first).days + 1):
        day: date = first + timedelta(days=offset)
        row = found.get(day.isoformat())
        days.append(
            {
                "day": day,
                "cost_usd": row["cost_usd"] if row else _money(0),
                "calls": row["calls"] if row else 0,
            }
        )
    return days


def _provider_calls(since: datetime, until: datetime) -> QuerySet:
    """Attempts that reached a provider: cache hits and refusals before any call excluded."""
    return _window(since, until).filter(cache_hit=False).exclude(provider_type="")


def error_rate_by_provider(*, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per provider: attempts, failed attempts and their share (retries count as attempts)."""
    rows = list(
        _provider_calls(since, until)
        .values("provider_type", "provider_config_id")
        .annotate(calls=Count("id"), errors=Count("id", filter=Q(status=UsageLog.Status.ERROR)))
        .order_by("provider_type", "provider_config_id")
    )
    names = _provider_labels(r["provider_config_id"] for r in rows)
    result = [
        {
            "provider": _provider_label(r["provider_type"], r["provider_config_id"], names),
            "provider_type": r["provider_type"],
            "config_id": r["provider_config_id"],
            "calls": r["calls"],
            "errors": r["errors"],
            "error_rate": round(r["errors"] / r["calls"], 4) if r["calls"] else 0.0,
        }
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r["error_rate"], r["provider"]))


def percentile(values: list[int | float], fraction: float) -> float:
    """percentile_cont over already sorted values (linear interpolation between ranks)."""
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def latency_percentiles(
    *, since: datetime, until: datetime, per: str = "model"
) -> list[dict[str, Any]]:
    """p50/p95/p99 latency in ms of the attempts that reached a provider, per provider and
    model (``per="model"``) or per provider (``per="provider"``)."""
    fields = ["provider_type", "provider_config_id"] + (["model"] if per == "model" else [])
    rows = _provider_calls(since, until)
    if connections[rows.db].vendor == "postgresql":
        stats = list(
            rows.values(*fields)
            .annotate(
                calls=Count("id"),
                **{f"p{round(q * 100)}": _PercentileCont("latency_ms", q) for q in PERCENTILES},
            )
            .order_by(*fields)
        )
    else:
        stats = []
        ordered = rows.values_list(*fields, "latency_ms").order_by(*fields, "latency_ms")
        for group, items in groupby(ordered.iterator(chunk_size=5000), key=lambda r: r[:-1]):
            latencies = [item[-1] for item in items]
            stats.append(
                {
                    **dict(zip(fields, group, strict=True)),
                    "calls": len(latencies),
                    **{f"p{round(q * 100)}": percentile(latencies, q) for q in PERCENTILES},
                }
            )
    names = _provider_labels(s["provider_config_id"] for s in stats)
    result = []
    for s in stats:
        row = {
            "provider": _provider_label(s["provider_type"], s["provider_config_id"], names),
            "provider_type": s["provider_type"],
            "config_id": s["provider_config_id"],
        }
        if per == "model":
            row["model"] = s["model"]
        row["calls"] = s["calls"]
        row.update({f"p{round(q * 100)}": round(s[f"p{round(q * 100)}"], 1) for q in PERCENTILES})
        result.append(row)
    return sorted(result, key=lambda r: (r["provider"], r.get("model", "")))


def cache_savings(*, since: datetime, until: datetime) -> dict[str, Any]:
    """Of the answers served (successful rows, credential tests aside), the share the cache
    served, and the money those hits would have cost."""
    row = (
        _window(since, until)
        .filter(status=UsageLog.Status.SUCCESS)
        .exclude(task_type="provider_test")
        .aggregate(
            answers=Count("id"),
            hits=Count("id", filter=Q(cache_hit=True)),
            saved=Sum("saved_cost_usd", filter=Q(cache_hit=True)),
        )
    )
    answers, hits = row["answers"] or 0, row["hits"] or 0
    return {
        "answers": answers,
        "hits": hits,
        "hit_ratio": round(hits / answers, 4) if answers else 0.0,
        "saved_usd": _money(row["saved"]),
    }


def quota_exceeded_count(*, since: datetime, until: datetime) -> int:
    """Requests refused because a plan's quota was used up."""
    return (
        _window(since, until)
        .filter(status=UsageLog.Status.ERROR, error_code=QUOTA_EXCEEDED)
        .count()
    )


# --- Row export -------------------------------------------------------------------------

# CSV column -> UsageLog field (one list, so header and values cannot drift apart)
_CSV = (
    ("created_at", "created_at"),
    ("request_id", "request_id"),
    ("attempt", "attempt"),
    ("username", "user__username"),
    ("email", "user__email"),
    ("plan", "plan"),
    ("task_type", "task_type"),
    ("provider_type", "provider_type"),
    ("provider", "provider_config__name"),
    ("model", "model"),
    ("tier", "tier"),
    ("status", "status"),
    ("error_code", "error_code"),
    ("error_message", "error_message"),
    ("input_tokens", "input_tokens"),
    ("output_tokens", "output_tokens"),
    ("cached_input_tokens", "cached_input_tokens"),
    ("total_tokens", "total_tokens"),
    ("cost_usd", "cost_usd"),
    ("saved_cost_usd", "saved_cost_usd"),
    ("latency_ms", "latency_ms"),
    ("cache_hit", "cache_hit"),
)
CSV_COLUMNS = tuple(column for column, _ in _CSV)
_CSV_FIELDS = tuple(field for _, field in _CSV)


def usage_rows(*, queryset: QuerySet) -> Iterator[list[str]]:
    """UsageLog rows as CSV cells, read in chunks (the whole table may be asked for)."""
    for values in queryset.values_list(*_CSV_FIELDS).iterator(chunk_size=2000):
        yield [_cell(v) for v in values]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never 1E-7
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A spreadsheet runs a cell starting with these as a formula; vendor text is untrusted.
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text line by line, for StreamingHttpResponse or a command's stdout."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([_cell(v) for v in row])
