"""Daily usage rollups: UsageLog summed per UTC day into UsageDaily / UsageDailyUser, its
latencies counted per bucket into UsageLatencyDaily, and per UTC hour into UsageHourly /
UsageLatencyHourly, with each hour's and the day's p95 latency in UsageLatencyP95 (rebuilt with
their day, to the same watermark); the per-user and latency rows also summed per UTC month
(UsageMonthlyUser, UsageLatencyMonthly), rebuilt with each of the month's days.

A day is rebuilt whole (delete, then one GROUP BY per table) in one transaction, so re-running
it is harmless and picks up rows written late. A rollup sums the rows created before its
watermark, ``covered_until``: the day's end, or for a day not yet over (today) the moment of the
rollup less WATERMARK_MARGIN, so a row whose commit lagged its created_at by less than that is
not missed. Reports read [day start, covered_until) from the rollup and the rest of the period
from UsageLog. A row committed after the rollup but created before its watermark only counts
once the day is rolled up again (the periodic job usage.rollup_recent redoes yesterday and
today every few minutes; `rollup_usage --since` redoes older days). Rollups run one at a time,
whoever starts them. Latencies are counted per bucket (buckets.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from core.errors import QuotaExceeded
from orchestrator.models import UsageLog
from usage.models import (
    UsageDaily,
    UsageDailyUser,
    UsageHourly,
    UsageLatencyDaily,
    UsageLatencyHourly,
    UsageLatencyMonthly,
    UsageLatencyP95,
    UsageMonthlyUser,
    UsageRollupDay,
)

from .buckets import P95, bucket_midpoint, latency_bucket, percentile

_ERROR = Q(status=UsageLog.Status.ERROR)
_SUCCESS = Q(status=UsageLog.Status.SUCCESS)
_HIT = Q(cache_hit=True)
# A quota refusal is the plan's limit, not a provider's failure: no provider attempt.
_ATTEMPT = Q(cache_hit=False) & ~Q(error_code=QuotaExceeded.code)

_SUMS = {
    "calls": Count("id"),
    "errors": Count("id", filter=_ERROR),
    "cache_hits": Count("id", filter=_HIT),
    "input_tokens": Sum("input_tokens"),
    "output_tokens": Sum("output_tokens"),
    "total_tokens": Sum("total_tokens"),
    "cost_usd": Sum("cost_usd"),
    "saved_cost_usd": Sum("saved_cost_usd", filter=_HIT),
}
_DAILY_SUMS = {
    **_SUMS,
    "quota_exceeded": Count("id", filter=_ERROR & Q(error_code=QuotaExceeded.code)),
    "provider_calls": Count("id", filter=_ATTEMPT),  # not a cache hit, not a quota refusal
    "provider_errors": Count("id", filter=_ATTEMPT & _ERROR),
    "successes": Count("id", filter=_SUCCESS),
    "success_cache_hits": Count("id", filter=_SUCCESS & _HIT),
    "success_saved_cost_usd": Sum("saved_cost_usd", filter=_SUCCESS & _HIT),
}
_DIMENSIONS = ("plan", "task_type", "provider_type", "provider_config_id", "model")
_LATENCY_GROUP = ("provider_type", "provider_config_id", "model")
# Rows are committed a moment after their created_at; a rollup leaves the last minute before
# it to the reports' raw read so that such a row is not lost between the two.
WATERMARK_MARGIN = timedelta(minutes=1)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _aliased(sums: dict) -> dict:
    # An aggregate named like a field would shadow it for the aggregates after it.
    return {f"agg_{name}": aggregate for name, aggregate in sums.items()}


def _zeroed(row: dict) -> dict:
    # SUM over only-filtered-out rows is NULL; the rollup columns are NOT NULL.
    return {
        name.removeprefix("agg_"): 0 if value is None and name.startswith("agg_") else value
        for name, value in row.items()
    }


def usage_rollup(*, day: date) -> int:
    """Rebuild one UTC day's rollup rows from UsageLog; returns the UsageDaily rows written."""
    start, end = day_start(day), day_start(day + timedelta(days=1))
    with transaction.atomic():
        _one_at_a_time()
        rolled_at = timezone.now()
        covered_until = min(end, max(start, rolled_at - WATERMARK_MARGIN))
        rows = UsageLog.objects.filter(created_at__gte=start, created_at__lt=covered_until)
        rows = rows.order_by()
        UsageDaily.objects.filter(day=day).delete()
        UsageDailyUser.objects.filter(day=day).delete()
        UsageLatencyDaily.objects.filter(day=day).delete()
        daily = [
            UsageDaily(day=day, **_zeroed(row))
            for row in rows.values(*_DIMENSIONS).annotate(**_aliased(_DAILY_SUMS))
        ]
        per_user = [
            UsageDailyUser(day=day, **_zeroed(row))
            for row in rows.values("user_id").annotate(**_aliased(_SUMS))
        ]
        UsageDaily.objects.bulk_create(daily, batch_size=1000)
        UsageDailyUser.objects.bulk_create(per_user, batch_size=1000)
        latencies = _latency_buckets(day, rows)
        UsageLatencyDaily.objects.bulk_create(latencies, batch_size=1000)
        _rebuild_p95(start, end, _rebuild_hours(start, end, rows), latencies)
        _rebuild_month(month_start(day))
        UsageRollupDay.objects.update_or_create(
            day=day, defaults={"rolled_at": rolled_at, "covered_until": covered_until}
        )
    return len(daily)


# Any constant shared by every rollup; pg_advisory_xact_lock takes a 64-bit key.
_ROLLUP_LOCK = 0x524F4C4C5550  # "ROLLUP"


def _one_at_a_time() -> None:
    """Rollups rebuild shared rows (a day's, its month's) by delete-then-insert; two at once
    (the periodic job and `rollup_usage`, two workers) would both insert. On PostgreSQL they
    queue on a lock held to the end of the transaction; SQLite runs one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ROLLUP_LOCK])


def provider_attempts(rows):
    """Attempts that reached a provider: cache hits and refusals before any call (quota
    refusals, whatever provider they name) excluded."""
    return rows.filter(_ATTEMPT).exclude(provider_type="")


def _latency_buckets(day: date, rows) -> list[UsageLatencyDaily]:
    """Attempts that reached a provider (as reports.latency_percentiles counts them), per
    bucket; the database returns each distinct latency once, Python buckets them."""
    counts: Counter = Counter()
    for *group, latency, calls in (
        provider_attempts(rows)
        .values_list(*_LATENCY_GROUP, "latency_ms")
        .annotate(calls=Count("id"))
    ):
        counts[(*group, latency_bucket(latency))] += calls
    return [
        UsageLatencyDaily(
            day=day, **dict(zip(_LATENCY_GROUP, group, strict=True)), bucket=low, calls=calls
        )
        for (*group, low), calls in counts.items()
    ]


_HOURLY_SUMS = {
    "calls": Count("id"),
    "errors": Count("id", filter=_ERROR),
    "quota_exceeded": _DAILY_SUMS["quota_exceeded"],
    "provider_calls": _DAILY_SUMS["provider_calls"],
    "provider_errors": _DAILY_SUMS["provider_errors"],
    "input_tokens": Sum("input_tokens"),
    "output_tokens": Sum("output_tokens"),
    "cost_usd": Sum("cost_usd"),
}
_HOURLY_DIMENSIONS = ("provider_type", "provider_config_id", "model", "error_code")
_HOURLY_LATENCY_GROUP = ("provider_type", "provider_config_id")


def _rebuild_hours(start: datetime, end: datetime, rows) -> Counter:
    """The day's UsageHourly and UsageLatencyHourly rows, from the rows its daily rollup read;
    returns the latency counts per (hour, provider type, config id, bucket)."""
    UsageHourly.objects.filter(hour__gte=start, hour__lt=end).delete()
    UsageLatencyHourly.objects.filter(hour__gte=start, hour__lt=end).delete()
    hourly = rows.annotate(hour=TruncHour("created_at", tzinfo=UTC))
    UsageHourly.objects.bulk_create(
        [
            UsageHourly(**_zeroed(row))
            for row in hourly.values("hour", *_HOURLY_DIMENSIONS).annotate(**_aliased(_HOURLY_SUMS))
        ],
        batch_size=1000,
    )
    counts: Counter = Counter()
    for hour, *group, latency, calls in (
        provider_attempts(hourly)
        .values_list("hour", *_HOURLY_LATENCY_GROUP, "latency_ms")
        .annotate(calls=Count("id"))
    ):
        counts[(hour, *group, latency_bucket(latency))] += calls
    UsageLatencyHourly.objects.bulk_create(
        [
            UsageLatencyHourly(
                hour=hour,
                **dict(zip(_HOURLY_LATENCY_GROUP, group, strict=True)),
                bucket=low,
                calls=calls,
            )
            for (hour, *group, low), calls in counts.items()
        ],
        batch_size=1000,
    )
    return counts


def _rebuild_p95(
    start: datetime, end: datetime, hourly: Counter, daily: list[UsageLatencyDaily]
) -> None:
    """Each hour's and the day's p95 latency, kept so that a trend over many hours or days
    reads one row for each instead of its buckets (how many grows with the traffic)."""
    UsageLatencyP95.objects.filter(start__gte=start, start__lt=end).delete()
    per_period: dict[tuple[str, datetime], Counter] = defaultdict(Counter)
    for (hour, *_, low), calls in hourly.items():
        per_period[("hour", hour)][bucket_midpoint(low)] += calls
    for row in daily:
        per_period[("day", start)][bucket_midpoint(row.bucket)] += row.calls
    UsageLatencyP95.objects.bulk_create(
        [
            UsageLatencyP95(
                step=step,
                start=at,
                calls=sum(counts.values()),
                p95_ms=round(percentile(sorted(counts.items()), P95), 1),
            )
            for (step, at), counts in per_period.items()
        ]
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


def _rebuild_month(month: date) -> None:
    """The month's UsageMonthlyUser and UsageLatencyMonthly rows, again from its days' rows, by
    the database (INSERT ... SELECT): a month has a row per user, too many for Python."""
    following = (month + timedelta(days=31)).replace(day=1)
    UsageMonthlyUser.objects.filter(month=month).delete()
    UsageLatencyMonthly.objects.filter(month=month).delete()
    for monthly, daily, keys, sums in (
        (UsageMonthlyUser, UsageDailyUser, ["user_id"], list(_SUMS)),
        (UsageLatencyMonthly, UsageLatencyDaily, [*_LATENCY_GROUP, "bucket"], ["calls"]),
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {monthly._meta.db_table} (month, {', '.join(keys + sums)}) "
                f"SELECT %s, {', '.join(keys + [f'SUM({name})' for name in sums])} "
                f"FROM {daily._meta.db_table} WHERE day >= %s AND day < %s "
                f"GROUP BY {', '.join(keys)}",
                [month, month, following],
            )


def usage_rollup_recent() -> dict[date, int]:
    """Roll up yesterday and today (UTC): late rows for yesterday land within one run."""
    today = timezone.now().astimezone(UTC).date()
    return {day: usage_rollup(day=day) for day in (today - timedelta(days=1), today)}


def usage_log_days() -> tuple[date, date] | None:
    """The first and last UTC day that have UsageLog rows, None when there are none."""
    first = UsageLog.objects.order_by("created_at").values_list("created_at", flat=True).first()
    last = UsageLog.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    if first is None:
        return None
    return first.astimezone(UTC).date(), last.astimezone(UTC).date()
