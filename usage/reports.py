"""Usage reports: the one implementation behind the dashboard, the CSV export, `usage_report`,
the alerts and any API that shows usage.

Every function reads UsageLog rows with ``since <= created_at < until`` (aware datetimes, UTC
days) and lets the database aggregate.

The daily rollups (usage/rollups.py) hold each rolled-up UTC day from its start up to
its watermark (the day's end, or for today a minute before the last rollup). A day lying inside
the period is read from the rollup up to its watermark; the rest of the period (partial first
and last days, the minutes after the newest watermark, days not rolled up) comes from UsageLog
and the two are added, so the sums and counts are the same as from UsageLog alone. A row
committed after a rollup but created before its watermark counts once the day is rolled up
again. Each selector runs in one snapshot, so a rollup committing meanwhile cannot make it count
rows twice. Per-user sums and latency buckets read a month's month rollup instead of its days'
rows when every rolled-up day of the month is in the period: a user active on most days has
one row there instead of thirty.

Percentiles are defined as PostgreSQL's ``percentile_cont``: sort the n values, take position
``q * (n - 1)`` and interpolate linearly between the two values around it. Python computes them
on both back ends from (latency, count) pairs, rounded to 0.1 ms, so both report the same
numbers. Calls read from UsageLog count with their exact latency; calls of rolled-up days count
at the midpoint of their latency bucket (exact below 200 ms, above at most 1% wide). Every
ranked value then stays inside the bucket of the true one, so a percentile is off by at most
1% of the larger of the two latencies it interpolates between (in practice: within 1% of the
exact value). It is exact when the period has no rolled-up day, and wherever the latencies at
the ranks around it are below 200 ms.
"""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from core.errors import ProviderBilling, QuotaExceeded
from orchestrator.models import (
    ProviderConfig,
    UsageDaily,
    UsageDailyUser,
    UsageLatencyDaily,
    UsageLatencyMonthly,
    UsageLog,
    UsageMonthlyUser,
    UsageRollupDay,
)

from .rollups import bucket_high, day_start, month_start, provider_attempts

GROUP_BY = ("plan", "task", "user", "provider", "model", "day")
PERCENTILES = (0.5, 0.95, 0.99)
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


# The same metrics summed from a rollup table (aliased: an aggregate may not reuse a field name)
_ROLLED = {f"sum_{name}": Sum(name) for name in _METRICS}
_GROUP_FIELDS = {
    "plan": ("plan",),
    "task": ("task_type",),
    "user": ("user_id",),
    "provider": ("provider_type", "provider_config_id"),
    "model": ("provider_type", "model"),
    "day": ("day",),
}


def _one_snapshot(selector):
    """Run a selector's queries in one transaction seeing one snapshot (REPEATABLE READ on
    PostgreSQL; a SQLite read transaction is one already). Otherwise a rollup committing between
    the watermark query and the sums would count the rows between two watermarks twice."""

    @wraps(selector)
    def run(*args, **kwargs):
        connection = connections[UsageLog.objects.db]
        if connection.in_atomic_block:  # the caller's transaction decides
            return selector(*args, **kwargs)
        with transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return selector(*args, **kwargs)

    return run


def _window(since: datetime, until: datetime, user: Any = None) -> QuerySet:
    rows = UsageLog.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    return rows if user is None else rows.filter(user=user)


def _parts(
    since: datetime, until: datetime, user: Any = None
) -> tuple[list[date], QuerySet | None]:
    """The period split into rolled-up days and a UsageLog queryset for the rest (None when the
    rollups cover it all). A day's rollup is used when the day starts inside the period and its
    watermark is not after the period's end; it covers [day start, watermark). No rolled days:
    the plain window."""
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    covered = sorted(
        (day, covered_until)
        for day, covered_until in UsageRollupDay.objects.filter(
            day__gte=since.date(), day__lte=until.date()
        ).values_list("day", "covered_until")
        if day_start(day) >= since and covered_until <= until
    )
    if not covered:
        return [], _window(since, until, user)
    gaps, start = [], since
    for day, covered_until in covered:
        if start < day_start(day):
            gaps.append((start, day_start(day)))
        start = covered_until
    if start < until:
        gaps.append((start, until))
    days = [day for day, _ in covered]
    if not gaps:
        return days, None
    where = Q()
    for low, high in gaps:
        where |= Q(created_at__gte=low, created_at__lt=high)
    rows = UsageLog.objects.filter(where).order_by()
    return days, rows if user is None else rows.filter(user=user)


def _rolled(days: list[date], user: Any = None, *, per_user: bool = False) -> QuerySet:
    """The rollup rows of those days: per dimension, or per user when a user is involved."""
    if user is None and not per_user:
        return UsageDaily.objects.filter(day__in=days).order_by()
    rows = UsageDailyUser.objects.filter(day__in=days).order_by()
    return rows if user is None else rows.filter(user_id=user.pk)


def _whole_months(days: list[date]) -> tuple[set[date], list[date], dict[date, list[date]]]:
    """Those days split into the months all of whose rolled-up days are among them (to read
    from the month rollups) and the other days; plus, per month of those, its rolled-up days
    outside the period."""
    months = {month_start(day) for day in days}
    outside: dict[date, list[date]] = defaultdict(list)
    for day in UsageRollupDay.objects.filter(
        day__gte=min(months), day__lt=max(months) + timedelta(days=31)
    ).values_list("day", flat=True):
        if month_start(day) in months and day not in days:
            outside[month_start(day)].append(day)
    return months - set(outside), [day for day in days if month_start(day) in outside], outside


def _month_or_day_rows(days: list[date], monthly: type, daily: type) -> list[QuerySet]:
    """The rows of those days in a month rollup and its day rollup: the month's rows for
    whole months, the day's rows for the other days."""
    if not days:
        return []
    months, rest, _ = _whole_months(days)
    parts = []
    if months:
        parts.append(monthly.objects.filter(month__in=months).order_by())
    if rest:
        parts.append(daily.objects.filter(day__in=rest).order_by())
    return parts


def _per_user(days: list[date], user: Any = None) -> list[QuerySet]:
    """The per-user rollup rows of those days."""
    parts = _month_or_day_rows(days, UsageMonthlyUser, UsageDailyUser)
    return parts if user is None else [rows.filter(user_id=user.pk) for rows in parts]


def _unalias(row: dict[str, Any]) -> dict[str, Any]:
    return {name.removeprefix("sum_"): value for name, value in row.items()}


def _add(*rows: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Metric dicts summed key by key (None, an empty SUM, counts as nothing); the `keep`
    fields (a group's key) are copied."""
    out: dict[str, Any] = {}
    for row in rows:
        for name, value in row.items():
            if name in keep:
                out[name] = value
            elif value is not None:
                out[name] = (out.get(name) or 0) + value
            else:
                out.setdefault(name, None)
    return out


def _null_key(value: Any, nulls_first: bool) -> tuple:
    """Sort key putting None where the database puts NULL in ascending order."""
    if value is None:
        return (0,) if nulls_first else (2,)
    return (1, value)


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


@_one_snapshot
def usage_totals(*, since: datetime, until: datetime, user: Any = None) -> dict[str, Any]:
    """Calls, errors, tokens, cost and cache savings over the period, plus distinct users;
    one user's only when `user` is given (the API's own-usage view)."""
    days, raw = _parts(since, until, user)
    if not days:
        row = raw.aggregate(**_METRICS, users=Count("user", distinct=True))
        return {**_metrics(row), "users": row["users"] or 0}
    rolled = _rolled(days, user)
    row = _add(
        _unalias(rolled.aggregate(**_ROLLED)), raw.aggregate(**_METRICS) if raw is not None else {}
    )
    # Distinct users cannot be added up per day: count the union of the ids.
    ids = [
        rows.filter(user_id__isnull=False).values_list("user_id") for rows in _per_user(days, user)
    ]
    if raw is not None:
        ids.append(raw.filter(user__isnull=False).values_list("user_id"))
    users = ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0].distinct()
    return {**_metrics(row), "users": users.count()}


@_one_snapshot
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
    # One user's usage per plan, task, provider or model has no rollup: their rows are few.
    days, raw = (
        _parts(since, until, user) if user is None or group_by in ("day", "user") else ([], None)
    )
    if days and group_by == "user":
        rows = _user_groups(days, raw, user, limit)
    elif days:
        rows = _merged_groups(days, raw, group_by, user)[:limit]
    else:
        rows = _raw_groups(_window(since, until, user), group_by, ordered=True)[:limit]
    return [
        {"key": key, "label": label, **_metrics(row)}
        for (key, label), row in zip(_group_labels(group_by, rows), rows, strict=True)
    ]


def _raw_groups(rows: QuerySet, group_by: str, *, ordered: bool) -> list[dict[str, Any]]:
    if group_by == "day":
        rows = rows.annotate(day=TruncDate("created_at")).values("day")
        ordering: tuple[str, ...] = ("day",)
    else:
        fields = _GROUP_FIELDS[group_by]
        rows = rows.values(*fields)
        ordering = ("-cost_usd", "-calls", *fields)
    rows = rows.annotate(**_METRICS)
    return list(rows.order_by(*ordering) if ordered else rows)


def _merged_groups(
    days: list[date], raw: QuerySet | None, group_by: str, user: Any
) -> list[dict[str, Any]]:
    """Rollup groups plus UsageLog groups, in the order the database gives _raw_groups."""
    fields = _GROUP_FIELDS[group_by]
    rolled = _rolled(days, user, per_user=group_by == "user").values(*fields).annotate(**_ROLLED)
    merged: dict[tuple, dict[str, Any]] = {}
    for row in [
        *map(_unalias, rolled),
        *(_raw_groups(raw, group_by, ordered=False) if raw is not None else []),
    ]:
        key = tuple(row[f] for f in fields)
        merged[key] = _add(merged.get(key, {}), row, keep=fields)
    rows = list(merged.values())
    if group_by == "day":
        return sorted(rows, key=lambda r: r["day"])
    nulls_first = connections[UsageLog.objects.db].vendor != "postgresql"
    rows.sort(key=lambda r: tuple(_null_key(r[f], nulls_first) for f in fields))
    rows.sort(key=lambda r: (-(r["cost_usd"] or 0), -(r["calls"] or 0)))
    return rows


def _user_groups(
    days: list[date], raw: QuerySet | None, user: Any, limit: int | None
) -> list[dict[str, Any]]:
    """Per user, rollup and UsageLog rows summed, ordered and cut by the database in one
    statement: thousands of users, too many to merge in Python. Ties and NULL (anonymous) sort
    as in _raw_groups. A month mostly in the period is read as its month rows less its days
    outside: at most half a month of day rows, whatever the date."""
    names = list(_METRICS)
    months, rest, outside = _whole_months(days)
    # A month mostly inside the period: its month rows less its days outside the period.
    mostly = {m for m, out in outside.items() if len(out) < sum(month_start(d) == m for d in rest)}
    whole, days_added = months | mostly, [d for d in rest if month_start(d) not in mostly]
    days_taken = [d for m in mostly for d in outside[m]]
    parts = []
    if whole:
        parts.append(
            UsageMonthlyUser.objects.filter(month__in=whole).values_list("user_id", *names)
        )
    if days_added:
        parts.append(
            UsageDailyUser.objects.filter(day__in=days_added).values_list("user_id", *names)
        )
    if days_taken:
        minus = {f"minus_{name}": -F(name) for name in names}
        taken = UsageDailyUser.objects.filter(day__in=days_taken).annotate(**minus)
        parts.append(taken.values_list("user_id", *minus))
    parts = [rows.order_by() for rows in parts]
    if user is not None:
        parts = [rows.filter(user_id=user.pk) for rows in parts]
    if raw is not None:
        parts.append(raw.values("user_id").annotate(**_METRICS).values_list("user_id", *names))
    sqls, params = [], []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        sqls.append(sql)
        params.extend(part_params)
    summed = ", ".join(f"SUM({name})" for name in names)
    sql = (
        f"SELECT user_id, {summed} FROM ({' UNION ALL '.join(sqls)}) AS parts GROUP BY user_id "
        # A user active only on the days taken away is left with no calls.
        "HAVING SUM(calls) > 0 ORDER BY SUM(cost_usd) DESC, SUM(calls) DESC, user_id"
    )
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connections[UsageLog.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    # Raw SQL skips the model's converters: PostgreSQL sums integers as numeric.
    return [
        {
            "user_id": user_id,
            **{n: v if n.endswith("_usd") else int(v) for n, v in zip(names, sums, strict=True)},
        }
        for user_id, *sums in found
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


@_one_snapshot
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


@_one_snapshot
def error_rate_by_provider(*, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per provider: attempts, failed attempts and their share (retries count as attempts)."""
    days, raw = _parts(since, until)
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
            _rolled(days)
            .exclude(provider_type="")
            .values(*fields)
            .annotate(calls=Sum("provider_calls"), errors=Sum("provider_errors"))
        )
        merged: dict[tuple, dict[str, Any]] = {}
        for row in [*rolled, *rows]:
            key = tuple(row[f] for f in fields)
            merged[key] = _add(merged.get(key, {}), row, keep=fields)
        nulls_first = connections[UsageLog.objects.db].vendor != "postgresql"
        # A rollup group of cache hits only has no attempts: UsageLog would not list it.
        rows = sorted(
            (r for r in merged.values() if r["calls"]),
            key=lambda r: (r["provider_type"], _null_key(r["provider_config_id"], nulls_first)),
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


def percentile(points: list[tuple[float, int]], fraction: float) -> float:
    """percentile_cont over values given as (value, how many times) pairs in value order: the
    position fraction × (n − 1), linear interpolation between the values at the ranks around it."""
    position = fraction * (sum(count for _, count in points) - 1)
    low = math.floor(position)
    below, above = _ranked(points, low), _ranked(points, math.ceil(position))
    return below + (above - below) * (position - low)


def _ranked(points: list[tuple[float, int]], rank: int) -> float:
    for value, count in points:
        if rank < count:
            return value
        rank -= count
    raise ValueError("rank beyond the values")


@_one_snapshot
def latency_percentiles(
    *, since: datetime, until: datetime, per: str = "model"
) -> list[dict[str, Any]]:
    """p50/p95/p99 latency in ms of the attempts that reached a provider, per provider and
    model (``per="model"``) or per provider (``per="provider"``). Exact for the part of the
    period read from UsageLog; rolled-up days count each call at its bucket's midpoint, which
    keeps every percentile within 1% of the exact one (see the module docstring)."""
    fields = ("provider_type", "provider_config_id") + (("model",) if per == "model" else ())
    days, raw = _parts(since, until)
    latencies: dict[tuple, Counter] = defaultdict(Counter)
    if raw is not None:
        exact = (
            provider_attempts(raw).values_list(*fields, "latency_ms").annotate(calls=Count("id"))
        )
        for *group, latency, calls in exact:
            latencies[tuple(group)][latency] += calls
    for rows in _month_or_day_rows(days, UsageLatencyMonthly, UsageLatencyDaily):
        buckets = rows.values_list(*fields, "bucket").annotate(calls=Sum("calls"))
        for *group, low, calls in buckets:
            latencies[tuple(group)][(low + bucket_high(low)) / 2] += calls
    names = _provider_labels(group[1] for group in latencies)
    result = []
    for group, counts in latencies.items():
        points = sorted(counts.items())
        row = {
            "provider": _provider_label(group[0], group[1], names),
            "provider_type": group[0],
            "config_id": group[1],
        }
        if per == "model":
            row["model"] = group[2]
        row["calls"] = sum(counts.values())
        row.update({f"p{round(q * 100)}": round(percentile(points, q), 1) for q in PERCENTILES})
        result.append(row)
    return sorted(result, key=lambda r: (r["provider"], r.get("model", "")))


@_one_snapshot
def cache_savings(*, since: datetime, until: datetime) -> dict[str, Any]:
    """Of the answers served (successful rows, credential tests aside), the share the cache
    served, and the money those hits would have cost."""
    days, raw = _parts(since, until)
    row = (
        raw.filter(status=UsageLog.Status.SUCCESS)
        .exclude(task_type="provider_test")
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
            _rolled(days)
            .exclude(task_type="provider_test")
            .aggregate(
                answers=Sum("successes"),
                hits=Sum("success_cache_hits"),
                saved=Sum("success_saved_cost_usd"),
            )
        )
        row = _add(row, rolled)
    answers, hits = row["answers"] or 0, row["hits"] or 0
    return {
        "answers": answers,
        "hits": hits,
        "hit_ratio": round(hits / answers, 4) if answers else 0.0,
        "saved_usd": _money(row["saved"]),
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


@_one_snapshot
def quota_exceeded_count(*, since: datetime, until: datetime) -> int:
    """Requests refused because a plan's quota was used up."""
    days, raw = _parts(since, until)
    refused = (
        raw.filter(status=UsageLog.Status.ERROR, error_code=QuotaExceeded.code).count()
        if raw is not None
        else 0
    )
    if days:
        refused += _rolled(days).aggregate(n=Sum("quota_exceeded"))["n"] or 0
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
    names = _provider_labels(config_id for _, config_id in found)
    return [
        {"provider": _provider_label(provider_type, config_id, names), **row}
        for (provider_type, config_id), row in found.items()
    ]


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
    ("price_source", "price_source"),
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
