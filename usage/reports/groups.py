"""Totals and breakdowns of usage over a period: by plan, task, user, provider, model or day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncDate

from orchestrator.models import UsageLog
from usage.models import UsageDailyUser, UsageMonthlyUser
from usage.rollups import month_start

from .periods import (
    GROUP_BY,
    GROUP_FIELDS,
    LOG_METRICS,
    NO_PROVIDER,
    ROLLED_METRICS,
    dollars,
    log_window,
    metrics_add,
    metrics_of,
    null_sort_key,
    one_snapshot,
    per_user_rows,
    period_parts,
    provider_label,
    provider_names,
    rollup_rows,
    unaliased,
    whole_months,
)

# Calls made for no user: the credentials tests, run from the console or the daily re-test.
NO_USER = "system (no user)"


@one_snapshot
def usage_totals(*, since: datetime, until: datetime, user: Any = None) -> dict[str, Any]:
    """Calls, errors, tokens, cost and cache savings over the period, plus distinct users;
    one user's only when `user` is given (the API's own-usage view)."""
    days, raw = period_parts(since, until, user)
    if not days:
        row = raw.aggregate(**LOG_METRICS, users=Count("user", distinct=True))
        return {**metrics_of(row), "users": row["users"] or 0}
    rolled = rollup_rows(days, user)
    row = metrics_add(
        unaliased(rolled.aggregate(**ROLLED_METRICS)),
        raw.aggregate(**LOG_METRICS) if raw is not None else {},
    )
    # Distinct users cannot be added up per day: count the union of the ids.
    ids = [
        rows.filter(user_id__isnull=False).values_list("user_id")
        for rows in per_user_rows(days, user)
    ]
    if raw is not None:
        ids.append(raw.filter(user__isnull=False).values_list("user_id"))
    users = ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0].distinct()
    return {**metrics_of(row), "users": users.count()}


@one_snapshot
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
        period_parts(since, until, user)
        if user is None or group_by in ("day", "user")
        else ([], None)
    )
    if days and group_by == "user":
        rows = _user_groups(days, raw, user, limit)
    elif days:
        rows = _merged_groups(days, raw, group_by, user)[:limit]
    else:
        rows = _raw_groups(log_window(since, until, user), group_by, ordered=True)[:limit]
    return [
        {"key": key, "label": label, **metrics_of(row)}
        for (key, label), row in zip(_group_labels(group_by, rows), rows, strict=True)
    ]


def _raw_groups(rows: QuerySet, group_by: str, *, ordered: bool) -> list[dict[str, Any]]:
    if group_by == "day":
        rows = rows.annotate(day=TruncDate("created_at")).values("day")
        ordering: tuple[str, ...] = ("day",)
    else:
        fields = GROUP_FIELDS[group_by]
        rows = rows.values(*fields)
        ordering = ("-cost_usd", "-calls", *fields)
    rows = rows.annotate(**LOG_METRICS)
    return list(rows.order_by(*ordering) if ordered else rows)


def _merged_groups(
    days: list[date], raw: QuerySet | None, group_by: str, user: Any
) -> list[dict[str, Any]]:
    """Rollup groups plus UsageLog groups, in the order the database gives _raw_groups."""
    fields = GROUP_FIELDS[group_by]
    rolled = (
        rollup_rows(days, user, per_user=group_by == "user")
        .values(*fields)
        .annotate(**ROLLED_METRICS)
    )
    merged: dict[tuple, dict[str, Any]] = {}
    for row in [
        *map(unaliased, rolled),
        *(_raw_groups(raw, group_by, ordered=False) if raw is not None else []),
    ]:
        key = tuple(row[f] for f in fields)
        merged[key] = metrics_add(merged.get(key, {}), row, keep=fields)
    rows = list(merged.values())
    if group_by == "day":
        return sorted(rows, key=lambda r: r["day"])
    nulls_first = connections[UsageLog.objects.db].vendor != "postgresql"
    rows.sort(key=lambda r: tuple(null_sort_key(r[f], nulls_first) for f in fields))
    rows.sort(key=lambda r: (-(r["cost_usd"] or 0), -(r["calls"] or 0)))
    return rows


def _user_groups(
    days: list[date], raw: QuerySet | None, user: Any, limit: int | None
) -> list[dict[str, Any]]:
    """Per user, rollup and UsageLog rows summed, ordered and cut by the database in one
    statement: thousands of users, too many to merge in Python. Ties and NULL (anonymous) sort
    as in _raw_groups."""
    names = list(LOG_METRICS)
    parts = [rows.order_by() for rows in _user_rollup_parts(days, names)]
    if user is not None:
        parts = [rows.filter(user_id=user.pk) for rows in parts]
    if raw is not None:
        parts.append(raw.values("user_id").annotate(**LOG_METRICS).values_list("user_id", *names))
    return _summed_per_user(parts, names, limit)


def _user_rollup_parts(days: list[date], names: list[str]) -> list[QuerySet]:
    """The per-user rollup rows of those days, as (user_id, *names) rows to sum: whole months
    from the month rollup, the other days from the day rollup. A month mostly in the period is
    read as its month rows less (negated) its days outside: at most half a month of day rows,
    whatever the date."""
    months, rest, outside = whole_months(days)
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
    return parts


def _summed_per_user(
    parts: list[QuerySet], names: list[str], limit: int | None
) -> list[dict[str, Any]]:
    """The parts' rows summed per user by one UNION ALL statement, costliest first."""
    sqls, params = [], []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        sqls.append(sql)
        params.extend(part_params)
    sums = ", ".join(f"SUM({name})" for name in names)
    sql = (
        f"SELECT user_id, {sums} FROM ({' UNION ALL '.join(sqls)}) AS parts GROUP BY user_id "
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
    """Each group's (key, label): the key stable, for machines; the label for people."""
    return _LABELS[group_by](rows)


def _day_labels(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["day"].isoformat(),) * 2 for r in rows]


def _plan_labels(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["plan"], r["plan"] or "(none)") for r in rows]


def _task_labels(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["task_type"], r["task_type"]) for r in rows]


def _model_labels(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    keys = [f"{r['provider_type']}:{r['model']}" if r["provider_type"] else "" for r in rows]
    return [(key, key or NO_PROVIDER) for key in keys]


def _user_labels(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    # One query for the result's users rather than a join over the whole period.
    names = dict(
        get_user_model()
        .objects.filter(pk__in={r["user_id"] for r in rows})
        .values_list("pk", "username")
    )
    return [
        (
            str(r["user_id"] or ""),
            names.get(r["user_id"], f"#{r['user_id']}") if r["user_id"] else NO_USER,
        )
        for r in rows
    ]


def _provider_labels(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    names = provider_names(r["provider_config_id"] for r in rows)
    return [
        (
            f"{r['provider_type']}:{r['provider_config_id'] or 'env'}",
            provider_label(r["provider_type"], r["provider_config_id"], names),
        )
        for r in rows
    ]


_LABELS = {
    "day": _day_labels,
    "plan": _plan_labels,
    "task": _task_labels,
    "model": _model_labels,
    "user": _user_labels,
    "provider": _provider_labels,
}


@one_snapshot
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
                "cost_usd": row["cost_usd"] if row else dollars(0),
                "calls": row["calls"] if row else 0,
            }
        )
    return days
