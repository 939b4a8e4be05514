"""Usage over time: the dashboard's time series (calls, errors, quota refusals, p95 latency,
cost, tokens), its top error codes, and each provider config's recent calls, error rate, p95
and cost for the provider list.

Per hour for periods up to 48 hours, per UTC day beyond. As in the other reports, a period is read
from the rollups where they cover it and from UsageLog for the rest, and the two are added:
days from the daily rollups, hours from the hourly ones (usage/rollups.py builds both with the
day, to the same watermark). An hour is read from its rollup when it starts inside the period
and what the rollup holds of it ends inside the period; the partial first hour of a rolling
window and the minutes after the watermark come from UsageLog. Percentiles are computed as in
usage.reports (rolled-up calls at their latency bucket's midpoint, within 1%); a whole rolled-up
hour's or day's p95 is read as kept with its rollup, the others are ranked by the database.

One module of ~380 lines: its three selectors share the split of a period into rolled-up hours
and the log, and the ranking of latencies; apart, each would import the others' internals.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
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
from .periods import _add, _money, _one_snapshot, _parts, _provider_label, _provider_labels

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
    rolled: list[tuple[datetime, datetime]] = []  # each hour's [start, end of what it holds)
    for day, covered_until in sorted(
        UsageRollupDay.objects.filter(day__gte=since.date(), day__lte=until.date()).values_list(
            "day", "covered_until"
        )
    ):
        for offset in range(24):
            hour = day_start(day) + offset * HOUR
            end = min(hour + HOUR, covered_until)
            if hour >= since and hour < covered_until and end <= until:
                rolled.append((hour, end))
    if not rolled:
        return rolled, None, _window(since, until)
    hours, runs, gaps, start = None, [], [], since
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
    for first, last in runs:
        run = Q(hour__gte=first, hour__lte=last)
        hours = run if hours is None else hours | run
    if not gaps:
        return rolled, hours, None
    where = Q()
    for low, high in gaps:
        where |= Q(created_at__gte=low, created_at__lt=high)
    return rolled, hours, UsageLog.objects.filter(where).order_by()


def _window(since: datetime, until: datetime) -> QuerySet:
    return UsageLog.objects.filter(created_at__gte=since, created_at__lt=until).order_by()


def _unalias(row: dict[str, Any]) -> dict[str, Any]:
    return {name.removeprefix("sum_"): value for name, value in row.items()}


@_one_snapshot
def usage_trend(*, since: datetime, until: datetime) -> dict[str, Any]:
    """The period's buckets (hours up to 48 h, UTC days beyond), each present even when idle:
    calls, errors apart from quota refusals, quota refusals, input and output tokens, cost and
    the p95 latency of the attempts that reached a provider (None without any)."""
    step = trend_step(since=since, until=until)
    sums: dict[Any, dict[str, Any]] = {}
    latencies: list[QuerySet] = []  # (at, latency, calls) rows, the p95 ranked by the database
    # A whole rolled-up hour or day has its p95 kept (UsageLatencyP95); the others, partly
    # rolled up or read from the log, are ranked from their latencies.
    p95s: dict[Any, float] = {}
    if step == "hour":
        rolled, hours, raw = _hour_split(since, until)
        bucket = TruncHour("created_at", tzinfo=UTC)
        if hours is not None:
            for row in UsageHourly.objects.filter(hours).values("hour").annotate(**_ROLLED):
                hour = row.pop("hour")
                sums[hour] = _unalias(row)
            whole = [hour for hour, end in rolled if end == hour + HOUR]
            p95s.update(_kept_p95("hour", whole))
            if partial := [hour for hour, end in rolled if end != hour + HOUR]:
                latencies.append(
                    _rolled_latencies(UsageLatencyHourly.objects.filter(hour__in=partial), "hour")
                )
        starts: list[Any] = _hour_starts(since, until)
    else:
        days, raw = _parts(since, until)
        bucket = TruncDate("created_at")
        if days:
            for row in UsageDaily.objects.filter(day__in=days).values("day").annotate(**_ROLLED):
                day = row.pop("day")
                sums[day] = _unalias(row)
            ended = dict(
                UsageRollupDay.objects.filter(day__in=days).values_list("day", "covered_until")
            )
            whole = [day for day in days if ended[day] == day_start(day + timedelta(days=1))]
            kept = _kept_p95("day", [day_start(day) for day in whole])
            p95s.update({at.date(): p95 for at, p95 in kept.items()})
            if partial := [day for day in days if day not in whole]:
                latencies.append(
                    _rolled_latencies(UsageLatencyDaily.objects.filter(day__in=partial), "day")
                )
        starts = _day_starts(since, until)
    if raw is not None:
        for row in raw.annotate(at=bucket).values("at").annotate(**_RAW):
            at = row.pop("at")
            sums[at] = _add(sums.get(at, {}), row)
        latencies.append(
            provider_attempts(raw.annotate(at=bucket))
            .annotate(value=F("latency_ms"))
            .values("at", "value")
            .annotate(c=Count("id"))
            .values_list("at", "value", "c")
        )
    if latencies:
        p95s.update(_p95_each(latencies, step))
    points = []
    for start in starts:
        row = sums.get(start, {})
        refused = row.get("quota_exceeded") or 0
        points.append(
            {
                "start": start,
                "calls": row.get("calls") or 0,
                "errors": (row.get("errors") or 0) - refused,
                "quota_refusals": refused,
                "input_tokens": row.get("input_tokens") or 0,
                "output_tokens": row.get("output_tokens") or 0,
                "cost_usd": _money(row.get("cost_usd")),
                "p95_ms": p95s.get(start),
            }
        )
    return {"step": step, "points": points}


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


@_one_snapshot
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


@_one_snapshot
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
            found[key] = _add(found.get(key, {}), row, keep=fields)
    names = _provider_labels(key[1] for key in found)
    result = {}
    for key, row in found.items():
        if key[1] is None:
            continue  # a provider configured by environment only: not on the list
        calls, errors = row["calls"] or 0, row["errors"] or 0
        counts = latencies.get(key)
        result[key[1]] = {
            "provider": _provider_label(key[0], key[1], names),
            "calls": calls,
            "errors": errors,
            "error_rate": round(errors / calls, 4) if calls else 0.0,
            "p95_ms": round(percentile(sorted(counts.items()), P95), 1) if counts else None,
            "cost_usd": _money(row["cost"]),
        }
    return result
