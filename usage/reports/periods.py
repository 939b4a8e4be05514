"""How a report reads a period: from the daily rollups where they cover it, from UsageLog
where they do not, in one database snapshot. Its names are the building blocks the other
modules of usage.reports (and the alert check's latency) share: the metrics (LOG_METRICS, and
ROLLED_METRICS summed from a rollup), the split of a period (period_parts, rollup_rows,
month_or_day_rows, per_user_rows), adding rows up (metrics_add, metrics_of, dollars), sorting
as the database does (null_sort_key) and naming providers (provider_names, provider_label).

Usage reports are the one implementation behind the dashboard, the CSV export, `usage_report`,
the alerts and any API that shows usage.

Every function reads UsageLog rows with ``since <= created_at < until`` (aware datetimes, UTC
days) and lets the database aggregate.

The daily rollups (usage/rollups/) hold each rolled-up UTC day from its start up to
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

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Q, QuerySet, Sum

from orchestrator.models import ProviderConfig, UsageLog
from usage.models import UsageDaily, UsageDailyUser, UsageMonthlyUser, UsageRollupDay
from usage.rollups import day_start, month_start

GROUP_BY = ("plan", "task", "user", "provider", "model", "day")
PERCENTILES = (0.5, 0.95, 0.99)
CENT_MICRO = Decimal("0.00000001")  # UsageLog stores 8 decimal places of a dollar
NO_PROVIDER = "(no provider)"

# What a report sums over UsageLog rows (the metrics of usage_totals)
LOG_METRICS = {
    "calls": Count("id"),
    "errors": Count("id", filter=Q(status=UsageLog.Status.ERROR)),
    "cache_hits": Count("id", filter=Q(cache_hit=True)),
    "input_tokens": Sum("input_tokens"),
    "output_tokens": Sum("output_tokens"),
    "total_tokens": Sum("total_tokens"),
    "cost_usd": Sum("cost_usd"),
    "saved_cost_usd": Sum("saved_cost_usd", filter=Q(cache_hit=True)),
}
# The same metrics summed from a rollup table (aliased: an aggregate may not reuse a field name;
# unaliased() takes the prefix off again)
ROLLED_METRICS = {f"sum_{name}": Sum(name) for name in LOG_METRICS}
# The fields a group of usage_by is keyed by, in UsageLog and in the rollups alike
GROUP_FIELDS = {
    "plan": ("plan",),
    "task": ("task_type",),
    "user": ("user_id",),
    "provider": ("provider_type", "provider_config_id"),
    "model": ("provider_type", "model"),
    "day": ("day",),
}


def one_snapshot(selector):
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


def log_window(since: datetime, until: datetime, user: Any = None) -> QuerySet:
    """The UsageLog rows of [since, until), one user's when `user` is given."""
    rows = UsageLog.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    return rows if user is None else rows.filter(user=user)


def period_parts(
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
        return [], log_window(since, until, user)
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


def rollup_rows(days: list[date], user: Any = None, *, per_user: bool = False) -> QuerySet:
    """The rollup rows of those days: per dimension, or per user when a user is involved."""
    if user is None and not per_user:
        return UsageDaily.objects.filter(day__in=days).order_by()
    rows = UsageDailyUser.objects.filter(day__in=days).order_by()
    return rows if user is None else rows.filter(user_id=user.pk)


def whole_months(days: list[date]) -> tuple[set[date], list[date], dict[date, list[date]]]:
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


def month_or_day_rows(days: list[date], monthly: type, daily: type) -> list[QuerySet]:
    """The rows of those days in a month rollup and its day rollup: the month's rows for
    whole months, the day's rows for the other days."""
    if not days:
        return []
    months, rest, _ = whole_months(days)
    parts = []
    if months:
        parts.append(monthly.objects.filter(month__in=months).order_by())
    if rest:
        parts.append(daily.objects.filter(day__in=rest).order_by())
    return parts


def per_user_rows(days: list[date], user: Any = None) -> list[QuerySet]:
    """The per-user rollup rows of those days."""
    parts = month_or_day_rows(days, UsageMonthlyUser, UsageDailyUser)
    return parts if user is None else [rows.filter(user_id=user.pk) for rows in parts]


def unaliased(row: dict[str, Any]) -> dict[str, Any]:
    """A row summed with ROLLED_METRICS under the metrics' own names."""
    return {name.removeprefix("sum_"): value for name, value in row.items()}


def metrics_add(*rows: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
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


def null_sort_key(value: Any, nulls_first: bool) -> tuple:
    """Sort key putting None where the database puts NULL in ascending order."""
    if value is None:
        return (0,) if nulls_first else (2,)
    return (1, value)


def dollars(value: Any) -> Decimal:
    """A sum of dollars (None: nothing) at the 8 decimal places UsageLog keeps."""
    return Decimal(value or 0).quantize(CENT_MICRO)


def metrics_of(row: dict[str, Any]) -> dict[str, Any]:
    """A row summed with LOG_METRICS as a report shows it: zeros for empty sums, dollars, and
    the error rate."""
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
    out["cost_usd"] = dollars(row["cost_usd"])
    out["saved_cost_usd"] = dollars(row["saved_cost_usd"])
    out["error_rate"] = round(out["errors"] / calls, 4) if calls else 0.0
    return out


def provider_names(config_ids: Iterable[int | None]) -> dict[int, str]:
    """The names of those provider configs (one query), for provider_label."""
    ids = {pk for pk in config_ids if pk}
    return dict(ProviderConfig.objects.filter(pk__in=ids).values_list("pk", "name"))


def provider_label(provider_type: str, config_id: int | None, names: dict[int, str]) -> str:
    """A DB config by its name; an env-only or deleted config by its type."""
    if not provider_type:
        return NO_PROVIDER
    if config_id and config_id in names:
        return names[config_id]
    return f"{provider_type} (env)" if not config_id else f"{provider_type} #{config_id}"
