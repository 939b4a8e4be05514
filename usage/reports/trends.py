"""Usage over time: the dashboard's time series (calls, errors, quota refusals, p95 latency,
cost, tokens), its top error codes, and each provider config's recent calls, error rate, p95
and cost for the provider list.

Per hour for periods up to 48 hours, per UTC day beyond. As in the other reports, a period is read
from the rollups where they cover it and from UsageLog for the rest, and the two are added:
days from the daily rollups, hours from the hourly ones (usage/rollups/ builds both with the
day, to the same watermark). An hour is read from its rollup when it starts inside the period
and what the rollup holds of it ends inside the period; the partial first hour of a rolling
window and the minutes after the watermark come from UsageLog. Percentiles are computed as in
usage.reports (rolled-up calls at their latency bucket's midpoint, within 1%); a whole rolled-up
hour's or day's p95 is read as kept with its rollup, the others are ranked by the database.

One module of ~420 lines: its three selectors share the split of a period into rolled-up hours
and the log, and the ranking of latencies; apart, each would import the others' internals.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Greatest, TruncDate, TruncHour
from django.utils.dateparse import parse_date, parse_datetime

from core.errors import QuotaExceeded
from orchestrator.models import UsageLog

from ..models import (
    UsageDaily,
    UsageHourly,
    UsageLatencyDaily,
    UsageLatencyHourly,
    UsageLatencyP95,
    UsageRollupDay,
)
from ..rollups import P95, bucket_midpoint, day_start, percentile, provider_attempts
from .periods import (
    dollars,
    log_window,
    metrics_add,
    one_snapshot,
    period_parts,
    provider_label,
    provider_names,
    unaliased,
)

HOURLY_UP_TO = timedelta(hours=48)
HOUR = timedelta(hours=1)

_ERROR = Q(status=UsageLog.Status.ERROR)
_REFUSED = _ERROR & Q(error_code=QuotaExceeded.code)
# UsageLog metrics per bucket, and the same summed from a rollup (names shared with it)
_RAW = {
    "calls": Count("id"),
    "errors": Count("id", filter=_ERROR),
    "quota_exceeded": Count("id", filter=_REFUSED),
    "input_tokens": Sum("input_tokens"),
    "output_tokens": Sum("output_tokens"),
    "cost_usd": Sum("cost_usd"),
}
_ROLLED = {f"sum_{name}": Sum(name) for name in _RAW}


def trend_step(*, since: datetime, until: datetime) -> str:
    return "hour" if until - since <= HOURLY_UP_TO else "day"


def _floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _hour_parts(since: datetime, until: datetime) -> tuple[Q | None, QuerySet | None]:
    """The period split into rolled-up hours (a filter on UsageHourly.hour, or None) and a
    UsageLog queryset for the rest (None when the rollups cover it all)."""
    _, hours, raw = _hour_split(since, until)
    return hours, raw


def _hour_split(
    since: datetime, until: datetime
) -> tuple[list[tuple[datetime, datetime]], Q | None, QuerySet | None]:
    """_hour_parts, and the rolled-up hours as (start, end of what the rollup holds)."""
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    rolled = _rolled_hours(since, until)
    if not rolled:
        return rolled, None, log_window(since, until)
    hours, rest = _hours_and_rest(rolled, since, until)
    return rolled, hours, rest


def _rolled_hours(since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """Each hour read from its rollup: it starts inside the period and what the rollup holds
    of it, [start, end), ends inside the period too."""
    rolled = []
    days = UsageRollupDay.objects.filter(day__gte=since.date(), day__lte=until.date())
    for day, covered_until in sorted(days.values_list("day", "covered_until")):
        for offset in range(24):
            hour = day_start(day) + offset * HOUR
            end = min(hour + HOUR, covered_until)
            if since <= hour < covered_until and end <= until:
                rolled.append((hour, end))
    return rolled


def _hours_and_rest(
    rolled: list[tuple[datetime, datetime]], since: datetime, until: datetime
) -> tuple[Q, QuerySet | None]:
    """A filter on UsageHourly.hour for the rolled-up hours (one range per run of consecutive
    hours), and the UsageLog rows of the gaps between them (None without a gap)."""
    runs: list[list[datetime]] = []
    gaps, start = [], since
    for hour, end in rolled:
        if runs and runs[-1][1] + HOUR == hour:
            runs[-1][1] = hour
        else:
            runs.append([hour, hour])
        if start < hour:
            gaps.append((start, hour))
        start = end
    if start < until:
        gaps.append((start, until))
    hours = Q()
    for first, last in runs:
        hours |= Q(hour__gte=first, hour__lte=last)
    if not gaps:
        return hours, None
    where = Q()
    for low, high in gaps:
        where |= Q(created_at__gte=low, created_at__lt=high)
    return hours, UsageLog.objects.filter(where).order_by()


@dataclass
class _Buckets:
    """What a trend gathers per bucket (an hour, or a UTC day) before its points: the summed
    metrics; the p95 kept with each whole rolled-up bucket (UsageLatencyP95); and for the
    others, partly rolled up or read from the log, (at, latency, calls) rows whose p95 the
    database ranks."""

    sums: dict[Any, dict[str, Any]] = field(default_factory=dict)
    p95s: dict[Any, float] = field(default_factory=dict)
    latencies: list[QuerySet] = field(default_factory=list)


@one_snapshot
def usage_trend(*, since: datetime, until: datetime) -> dict[str, Any]:
    """The period's buckets (hours up to 48 h, UTC days beyond), each present even when idle:
    calls, errors apart from quota refusals, quota refusals, input and output tokens, cost and
    the p95 latency of the attempts that reached a provider (None without any)."""
    step = trend_step(since=since, until=until)
    buckets = _Buckets()
    if step == "hour":
        raw = _from_hour_rollups(since, until, buckets)
        bucket, starts = TruncHour("created_at", tzinfo=UTC), _hour_starts(since, until)
    else:
        raw = _from_day_rollups(since, until, buckets)
        bucket, starts = TruncDate("created_at"), _day_starts(since, until)
    if raw is not None:
        _from_log(raw, bucket, buckets)
    if buckets.latencies:
        buckets.p95s.update(_p95_each(buckets.latencies, step))
    return {"step": step, "points": [_point(start, buckets) for start in starts]}


def _from_hour_rollups(since: datetime, until: datetime, buckets: _Buckets) -> QuerySet | None:
    """Gather the rolled-up hours; returns the UsageLog rows of the rest of the period."""
    rolled, hours, raw = _hour_split(since, until)
    if hours is None:
        return raw
    for row in UsageHourly.objects.filter(hours).values("hour").annotate(**_ROLLED):
        hour = row.pop("hour")
        buckets.sums[hour] = unaliased(row)
    buckets.p95s.update(_kept_p95("hour", [hour for hour, end in rolled if end == hour + HOUR]))
    if partial := [hour for hour, end in rolled if end != hour + HOUR]:
        rows = UsageLatencyHourly.objects.filter(hour__in=partial)
        buckets.latencies.append(_rolled_latencies(rows, "hour"))
    return raw


def _from_day_rollups(since: datetime, until: datetime, buckets: _Buckets) -> QuerySet | None:
    """Gather the rolled-up days; returns the UsageLog rows of the rest of the period."""
    days, raw = period_parts(since, until)
    if not days:
        return raw
    for row in UsageDaily.objects.filter(day__in=days).values("day").annotate(**_ROLLED):
        day = row.pop("day")
        buckets.sums[day] = unaliased(row)
    ended = dict(UsageRollupDay.objects.filter(day__in=days).values_list("day", "covered_until"))
    whole = [day for day in days if ended[day] == day_start(day + timedelta(days=1))]
    kept = _kept_p95("day", [day_start(day) for day in whole])
    buckets.p95s.update({at.date(): p95 for at, p95 in kept.items()})
    if partial := [day for day in days if day not in whole]:
        rows = UsageLatencyDaily.objects.filter(day__in=partial)
        buckets.latencies.append(_rolled_latencies(rows, "day"))
    return raw


def _from_log(raw: QuerySet, bucket: Any, buckets: _Buckets) -> None:
    """Add the UsageLog rows, per bucket (`bucket`: the expression truncating created_at)."""
    for row in raw.annotate(at=bucket).values("at").annotate(**_RAW):
        at = row.pop("at")
        buckets.sums[at] = metrics_add(buckets.sums.get(at, {}), row)
    buckets.latencies.append(
        provider_attempts(raw.annotate(at=bucket))
        .annotate(value=F("latency_ms"))
        .values("at", "value")
        .annotate(c=Count("id"))
        .values_list("at", "value", "c")
    )


def _point(start: Any, buckets: _Buckets) -> dict[str, Any]:
    row = buckets.sums.get(start, {})
    refused = row.get("quota_exceeded") or 0
    return {
        "start": start,
        "calls": row.get("calls") or 0,
        "errors": (row.get("errors") or 0) - refused,
        "quota_refusals": refused,
        "input_tokens": row.get("input_tokens") or 0,
        "output_tokens": row.get("output_tokens") or 0,
        "cost_usd": dollars(row.get("cost_usd")),
        "p95_ms": buckets.p95s.get(start),
    }


def _kept_p95(step: str, starts: list[datetime]) -> dict[datetime, float]:
    rows = UsageLatencyP95.objects.filter(step=step, start__in=starts)
    return {at.astimezone(UTC): p95 for at, p95 in rows.values_list("start", "p95_ms")}


# A rolled-up call counts at its latency bucket's midpoint (rollups.bucket_midpoint).
_MIDPOINT = ExpressionWrapper(
    F("bucket") + (Greatest(Value(1), F("bucket") / Value(100)) - Value(1)) / Value(2.0),
    output_field=FloatField(),
)


def _rolled_latencies(rows: QuerySet, at: str) -> QuerySet:
    return (
        rows.annotate(at=F(at), value=_MIDPOINT)
        .values("at", "value")
        .annotate(c=Sum("calls"))
        .values_list("at", "value", "c")
        .order_by()
    )


def _p95_each(parts: list[QuerySet], step: str) -> dict[Any, float]:
    """The p95 of each bucket's latencies (as `percentile`): the database sums the parts'
    (at, latency, calls) rows and ranks them, and returns only the one or two latencies around
    each bucket's p95 rank, a few rows a bucket however many calls it holds."""
    sqls, params = [], []
    for part in parts:
        sql, part_params = part.order_by().query.sql_with_params()
        sqls.append(sql)
        params.extend(part_params)
    sql = (
        "SELECT at, value, c, cum, n FROM ("
        " SELECT at, value, c, SUM(c) OVER (PARTITION BY at ORDER BY value) AS cum,"
        " SUM(c) OVER (PARTITION BY at) AS n FROM ("
        f"  SELECT at, value, SUM(c) AS c FROM ({' UNION ALL '.join(sqls)}) AS parts"
        "  GROUP BY at, value) AS grouped"
        ") AS ranked"
        # the rows holding ranks floor(p × (n − 1)) and ceil(p × (n − 1)), counted from 0
        " WHERE cum > %s * (n - 1) AND cum - c < %s * (n - 1) + 1"
        " ORDER BY at, value"
    )
    with connections[UsageLog.objects.db].cursor() as cursor:
        cursor.execute(sql, [*params, P95, P95])
        found = cursor.fetchall()
    around: dict[Any, list[tuple[float, int, int]]] = defaultdict(list)
    total: dict[Any, int] = {}
    for at, value, c, cum, n in found:
        key = _bucket_start(at, step)
        around[key].append((float(value), int(c), int(cum)))
        total[key] = int(n)
    return {key: _interpolated(rows, total[key]) for key, rows in around.items()}


def _interpolated(rows: list[tuple[float, int, int]], n: int) -> float:
    position = P95 * (n - 1)
    low = math.floor(position)

    def ranked(rank: int) -> float:
        return next(value for value, c, cum in rows if cum - c <= rank < cum)

    below, above = ranked(low), ranked(math.ceil(position))
    return round(below + (above - below) * (position - low), 1)


def _bucket_start(value: Any, step: str) -> Any:
    """A raw cursor's hour or day as the ORM gives it: an aware UTC datetime, or a date."""
    if isinstance(value, str):  # SQLite
        value = parse_datetime(value) or parse_date(value)
    if step == "day":
        return value.date() if isinstance(value, datetime) else value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _hour_starts(since: datetime, until: datetime) -> list[datetime]:
    hour, starts = _floor_hour(since), []
    while hour < until:
        starts.append(hour)
        hour += HOUR
    return starts


def _day_starts(since: datetime, until: datetime) -> list[date]:
    first, last = since.astimezone(UTC).date(), (until - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@one_snapshot
def top_error_codes(*, since: datetime, until: datetime, limit: int = 8) -> list[dict[str, Any]]:
    """The most frequent error codes of the period (quota refusals included, apart), with
    their share of all calls."""
    hours, raw = _hour_parts(since, until)
    counts: Counter = Counter()
    calls = 0
    if hours is not None:
        rolled = UsageHourly.objects.filter(hours)
        calls += rolled.aggregate(n=Sum("calls"))["n"] or 0
        for code, n in (
            rolled.exclude(error_code="").values_list("error_code").annotate(n=Sum("calls"))
        ):
            counts[code] += n
    if raw is not None:
        calls += raw.count()
        for code, n in raw.exclude(error_code="").values_list("error_code").annotate(n=Count("id")):
            counts[code] += n
    return [
        {
            "code": code,
            "count": n,
            "share": round(n / calls, 4) if calls else 0.0,
            "quota": code == QuotaExceeded.code,
        }
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    ]


@one_snapshot
def provider_glance(*, since: datetime, until: datetime) -> dict[int, dict[str, Any]]:
    """Per provider config id (configs of the database only): the attempts that reached it,
    their errors and error rate, their p95 latency and the cost of its calls over the period
    (the provider list's last 24 h)."""
    hours, raw = _hour_parts(since, until)
    fields = ("provider_type", "provider_config_id")
    found: dict[tuple, dict[str, Any]] = {}
    latencies: dict[tuple, Counter] = defaultdict(Counter)
    parts = []
    if hours is not None:
        parts.append(
            UsageHourly.objects.filter(hours)
            .exclude(provider_type="")
            .values(*fields)
            .annotate(
                calls=Sum("provider_calls"), errors=Sum("provider_errors"), cost=Sum("cost_usd")
            )
        )
        for *group, low, calls in (
            UsageLatencyHourly.objects.filter(hours)
            .values_list(*fields, "bucket")
            .annotate(calls=Sum("calls"))
            .order_by()
        ):
            latencies[tuple(group)][bucket_midpoint(low)] += calls
    if raw is not None:
        attempt = Q(cache_hit=False) & ~Q(error_code=QuotaExceeded.code)
        parts.append(
            raw.exclude(provider_type="")
            .values(*fields)
            .annotate(
                calls=Count("id", filter=attempt),
                errors=Count("id", filter=attempt & _ERROR),
                cost=Sum("cost_usd"),
            )
        )
        for *group, latency, calls in (
            provider_attempts(raw).values_list(*fields, "latency_ms").annotate(calls=Count("id"))
        ):
            latencies[tuple(group)][latency] += calls
    for rows in parts:
        for row in rows:
            key = tuple(row[f] for f in fields)
            found[key] = metrics_add(found.get(key, {}), row, keep=fields)
    names = provider_names(key[1] for key in found)
    result = {}
    for key, row in found.items():
        if key[1] is None:
            continue  # a provider configured by environment only: not on the list
        calls, errors = row["calls"] or 0, row["errors"] or 0
        counts = latencies.get(key)
        result[key[1]] = {
            "provider": provider_label(key[0], key[1], names),
            "calls": calls,
            "errors": errors,
            "error_rate": round(errors / calls, 4) if calls else 0.0,
            "p95_ms": round(percentile(sorted(counts.items()), P95), 1) if counts else None,
            "cost_usd": dollars(row["cost"]),
        }
    return result
