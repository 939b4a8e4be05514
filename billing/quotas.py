"""Quota limits and reservations: the limits a user's AI calls run under (`Limits`: their
plan's, with any of their own in its place); reserve before an AI call, settle to the real
usage after it.

Days and months are UTC. The check and the reservation happen in one transaction holding
the row locks on the user's two counters (day, month), always taken in that order so
concurrent calls queue instead of deadlocking; N calls racing for a quota that fits K let
exactly K through. Each reservation is also a QuotaHold row (billing/holds.py), written in the
same statement: it names the call and when it expires, so a reservation whose process died
is found and closed (orchestrator/reaper.py). Lock order everywhere: the call's hold, then
the day counter, then the month counter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.errors import QuotaExceeded
from core.money import usd

from .holds import HOLD_COLUMNS, HoldSpec, hold_values
from .hotpath import prepared_cursor
from .models import Plan, QuotaCounter, QuotaHold

DAY, MONTH = QuotaCounter.Period.DAY, QuotaCounter.Period.MONTH

LIMIT_NAMES = ("daily_tokens", "monthly_tokens", "monthly_cost_usd")
_PLAN_FIELDS = {
    "daily_tokens": "daily_token_limit",
    "monthly_tokens": "monthly_token_limit",
    "monthly_cost_usd": "monthly_cost_limit_usd",
}


@dataclass(frozen=True)
class OwnLimits:
    """A user's own limits (None: the plan's), small and immutable so that it is remembered
    and cached with the user's plan code."""

    daily_tokens: int | None = None
    monthly_tokens: int | None = None
    monthly_cost_usd: Decimal | None = None


@dataclass(frozen=True)
class Limits:
    """The limits in force (None: unlimited) and which of them are the user's own."""

    plan: Plan
    daily_tokens: int | None
    monthly_tokens: int | None
    monthly_cost_usd: Decimal | None
    own: frozenset[str] = frozenset()

    @classmethod
    def of(cls, plan: Plan, own: OwnLimits | None = None) -> Limits:
        values = {name: getattr(plan, field) for name, field in _PLAN_FIELDS.items()}
        mine = set()
        for name in LIMIT_NAMES:
            if own is not None and (value := getattr(own, name)) is not None:
                values[name] = value
                mine.add(name)
        return cls(plan=plan, **values, own=frozenset(mine))


@dataclass(frozen=True)
class Reservation:
    user_id: int
    day: dt.date
    month: dt.date
    tokens: int
    cost: Decimal
    request_id: str = ""  # its QuotaHold's
    # The counters just after reserving, this reservation included: today's tokens, this
    # month's tokens and cost. What is left is told from them without another query.
    totals: tuple[int, int, Decimal] | None = None


def period_starts(now: dt.datetime) -> tuple[dt.date, dt.date]:
    today = now.astimezone(dt.UTC).date()
    return today, today.replace(day=1)


def next_reset(now: dt.datetime, period: str) -> dt.datetime:
    """When the day or month (UTC) that `now` is in ends: its quota counter resets."""
    today, month = period_starts(now)
    if period == DAY:
        start = today + dt.timedelta(days=1)
    else:
        start = (month + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)


def _counters_create(user_id: int, day: dt.date, month: dt.date) -> None:
    """The day and month rows, where missing; in a transaction of their own, holding no lock
    on either row once done."""
    QuotaCounter.objects.bulk_create(
        [
            QuotaCounter(user_id=user_id, period=DAY, period_start=day),
            QuotaCounter(user_id=user_id, period=MONTH, period_start=month),
        ],
        ignore_conflicts=True,
    )


class _NoCounters(Exception):
    """The first call of a day or month: a counter row is missing."""


def quota_reserve(
    *,
    user_id: int,
    plan: Plan,
    tokens: int,
    cost: Decimal,
    own: OwnLimits | None = None,
    now: dt.datetime | None = None,
    hold: HoldSpec | None = None,
) -> Reservation:
    """Reserve against the plan's limits, or the user's own limits where they have some.
    `hold` says which call holds the reservation (a call of its own by default)."""
    now = now or timezone.now()
    day, month = period_starts(now)
    limits = Limits.of(plan, own)
    hold = hold or HoldSpec()
    held = hold_values(hold, user_id=user_id, day=day, month=month, tokens=tokens, cost=cost)
    reservation = Reservation(
        user_id=user_id, day=day, month=month, tokens=tokens, cost=cost, request_id=hold.request_id
    )
    if connection.vendor == "postgresql" and (
        totals := _reserve_if_fits(user_id, day, month, limits, tokens, cost, held)
    ):
        return replace(reservation, totals=totals)
    # The long way, which decides the same: the first call of a day or month (no rows yet)
    # and a refusal (its message needs the totals) are rare; SQLite always comes here.
    try:
        totals = _reserve_checked(limits, reservation, held, now)
    except _NoCounters:
        # Rolled back, so no lock is kept: the rows are created apart, and the second try
        # locks both in the one order (holding the month while waiting for the day would
        # deadlock with a call that locked the day first).
        _counters_create(user_id, day, month)
        totals = _reserve_checked(limits, reservation, held, now)
    return replace(reservation, totals=totals)


def _reserve_checked(
    limits: Limits, reservation: Reservation, held: list, now: dt.datetime
) -> tuple[int, int, Decimal]:
    """Reserve the long way and write the hold; answers the totals (Reservation.totals)."""
    with transaction.atomic():
        # The UPDATE takes both row locks (day, then month: one order for everybody) and
        # returns the new totals; over a limit, raising rolls the reservation back.
        r = reservation
        rows = _reserve(r.user_id, r.day, r.month, r.tokens, r.cost)
        if len(rows) < 2:
            raise _NoCounters
        _check(limits, rows[DAY], rows[MONTH], r.tokens, r.cost, now)
        QuotaHold.objects.create(**dict(zip(HOLD_COLUMNS, held, strict=True)))
    day_row, month_row = rows[DAY], rows[MONTH]
    return (
        day_row.tokens_used + day_row.tokens_reserved + r.tokens,
        month_row.tokens_used + month_row.tokens_reserved + r.tokens,
        month_row.cost_used_usd + month_row.cost_reserved_usd + r.cost,
    )


_TABLE = QuotaCounter._meta.db_table
_WHERE = """user_id = %s AND ((period = 'day' AND period_start = %s)
                              OR (period = 'month' AND period_start = %s))"""
_RETURNING = "RETURNING period, tokens_used, tokens_reserved, cost_used_usd, cost_reserved_usd"
# Every write to the pair on PostgreSQL first locks both rows in one fixed order (day, then
# month): a plain two-row UPDATE locks in scan order, which two transactions need not share,
# and a reservation meeting a settlement would deadlock. SQLite serialises writers.
_LOCKED = f"locked AS (SELECT id FROM {_TABLE} WHERE {_WHERE} ORDER BY period FOR UPDATE)"
_HOLDS = QuotaHold._meta.db_table
_HOLD_INSERT = f"INSERT INTO {_HOLDS} ({', '.join(HOLD_COLUMNS)})"


def _update_pair(
    user_id: int, day: dt.date, month: dt.date, assignments: str, values: list
) -> list[tuple]:
    """One UPDATE of the user's day and month rows (locked as _LOCKED says), returning their
    new totals."""
    if connection.vendor == "postgresql":
        sql = f"""WITH {_LOCKED}
                  UPDATE {_TABLE} SET {assignments} FROM locked
                  WHERE {_TABLE}.id = locked.id {_RETURNING}"""
        params = [user_id, day, month, *values]
    else:
        sql = f"UPDATE {_TABLE} SET {assignments} WHERE {_WHERE} {_RETURNING}"
        params = [*values, user_id, day, month]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Check and reserve in one autocommit statement: the common case of a call is one round trip
# and one commit instead of four round trips. The rows are locked in the fixed order first
# (as _LOCKED, also reading the totals), so the check sees totals nobody else can change
# before the UPDATE.
# Its commit does not wait for the disk (synchronous_commit off for this transaction only):
# a reservation lives only until its call settles, and the settlement's durable commit
# flushes it too. Only a crash of PostgreSQL itself can lose one, of a call begun in the
# last moments; that call still settles (reserved totals never go below zero) and is logged.
# Other sessions see the reservation at once, as with any commit.
# A limit is NULL when there is none.
_RESERVE_IF_FITS = f"""
    WITH no_flush AS (SELECT set_config('synchronous_commit', 'off', true)),
         locked AS (SELECT id, period, tokens_used + tokens_reserved + %s AS tokens,
                           cost_used_usd + cost_reserved_usd + %s AS cost
                    FROM {_TABLE} WHERE {_WHERE} ORDER BY period FOR UPDATE),
         fits AS (SELECT count(*) = 2 AND bool_and(CASE period
                      WHEN 'day' THEN %s::bigint IS NULL OR tokens <= %s::bigint
                      ELSE (%s::bigint IS NULL OR tokens <= %s::bigint)
                           AND (%s::numeric IS NULL OR cost <= %s::numeric) END) AS ok
                  FROM locked, no_flush),
         hold AS ({_HOLD_INSERT} SELECT {", ".join(["%s"] * len(HOLD_COLUMNS))} FROM fits
                  WHERE fits.ok)
    UPDATE {_TABLE}
    SET tokens_reserved = tokens_reserved + %s, cost_reserved_usd = cost_reserved_usd + %s
    FROM locked, fits WHERE {_TABLE}.id = locked.id AND fits.ok
    RETURNING locked.period, locked.tokens, locked.cost"""


def _reserve_if_fits(
    user_id: int,
    day: dt.date,
    month: dt.date,
    limits: Limits,
    tokens: int,
    cost: Decimal,
    held: list,
) -> tuple[int, int, Decimal] | None:
    """Reserve (and write its hold) when both counters exist and every limit still fits,
    answering the totals (Reservation.totals); None changes nothing."""
    day_tokens, month_tokens = limits.daily_tokens, limits.monthly_tokens
    month_cost = limits.monthly_cost_usd
    params = [tokens, cost, user_id, day, month, day_tokens, day_tokens]
    params += [month_tokens, month_tokens, month_cost, month_cost, *held, tokens, cost]
    with prepared_cursor() as cursor:
        cursor.execute(_RESERVE_IF_FITS, params)
        rows = {period: (total, spent) for period, total, spent in cursor.fetchall()}
    if len(rows) != 2:
        return None
    return rows[DAY][0], rows[MONTH][0], Decimal(rows[MONTH][1])


def _reserve(
    user_id: int, day: dt.date, month: dt.date, tokens: int, cost: Decimal
) -> dict[str, QuotaCounter]:
    found = _update_pair(
        user_id,
        day,
        month,
        "tokens_reserved = tokens_reserved + %s, cost_reserved_usd = cost_reserved_usd + %s",
        [tokens, cost],
    )
    # The totals include this reservation; _check wants what was there before it.
    return {
        period: QuotaCounter(
            period=period,
            tokens_used=used,
            tokens_reserved=reserved - tokens,
            cost_used_usd=Decimal(cost_used),
            cost_reserved_usd=Decimal(cost_reserved) - cost,
        )
        for period, used, reserved, cost_used, cost_reserved in found
    }


def _check(
    limits: Limits,
    day_row: QuotaCounter,
    month_row: QuotaCounter,
    tokens: int,
    cost: Decimal,
    now: dt.datetime,
) -> None:
    checks = [
        (
            DAY,
            "daily_tokens",
            "daily token",
            limits.daily_tokens,
            day_row.tokens_used,
            day_row.tokens_reserved,
            tokens,
        ),
        (
            MONTH,
            "monthly_tokens",
            "monthly token",
            limits.monthly_tokens,
            month_row.tokens_used,
            month_row.tokens_reserved,
            tokens,
        ),
        (
            MONTH,
            "monthly_cost_usd",
            "monthly cost",
            limits.monthly_cost_usd,
            month_row.cost_used_usd,
            month_row.cost_reserved_usd,
            cost,
        ),
    ]
    for period, name, label, limit, used, reserved, needed in checks:
        if limit is not None and used + reserved + needed > limit:
            reset = next_reset(now, period)
            seconds = max(1, int((reset - now).total_seconds()))
            shown = usd if "cost" in label else (lambda v: f"{v:,}")
            own = name in limits.own
            whose = "Your own" if own else f"Your {limits.plan.name} plan's"
            more = "ask us to raise it" if own else "upgrade your plan for more"
            raise QuotaExceeded(
                f"{whose} {label} limit of {shown(limit)} is reached "
                f"({shown(used)} used, {shown(reserved)} held by requests in progress, this "
                f"request needs about {shown(needed)}). It resets at "
                f"{reset:%Y-%m-%d %H:%M} UTC; {more}.",
                retry_after=seconds,
            )


# The settlement first deletes the call's hold (its lock comes first, as for the reaper),
# then locks the counters in their order and moves what the hold held from reserved to what
# the call used. A hold already gone (closed by the reaper as abandoned) releases nothing: the
# counters only count what was used. Never below zero: a reservation lost to a database crash
# (see _RESERVE_IF_FITS) must not leave a negative hold that lets later calls past the limit.
_SETTLE = f"""
    WITH released AS (DELETE FROM {_HOLDS} WHERE request_id = %s RETURNING tokens, cost_usd),
         locked AS (SELECT {_TABLE}.id, coalesce(released.tokens, 0) AS tokens,
                           coalesce(released.cost_usd, 0) AS cost
                    FROM {_TABLE} LEFT JOIN released ON true WHERE {_WHERE}
                    ORDER BY period FOR UPDATE OF {_TABLE}),
         settled AS (UPDATE {_TABLE}
                     SET tokens_reserved = greatest(tokens_reserved - locked.tokens, 0),
                         tokens_used = tokens_used + %s,
                         cost_reserved_usd = greatest(cost_reserved_usd - locked.cost, 0),
                         cost_used_usd = cost_used_usd + %s
                     FROM locked WHERE {_TABLE}.id = locked.id RETURNING 1)
    """


def quota_settle(
    reservation: Reservation,
    *,
    tokens: int,
    cost: Decimal,
    along: tuple[str, list] | None = None,
) -> tuple | None:
    """Swap the reservation for what the call really used (zero when nothing was spent).

    `along` is an INSERT ... RETURNING (sql, params) committed together with the settlement,
    e.g. the call's usage-log row; its returned row is returned. On PostgreSQL both go in one
    statement: one round trip and one commit for the end of every served call.
    """
    r = reservation
    if connection.vendor != "postgresql":
        return _settle_sqlite(r, tokens, cost, along)
    insert, insert_params = along or ("SELECT count(*) FROM settled", [])
    with prepared_cursor() as cursor:
        cursor.execute(
            _SETTLE + insert,
            [r.request_id, r.user_id, r.day, r.month, tokens, cost, *insert_params],
        )
        returned = cursor.fetchone()
    return returned if along is not None else None


def _settle_sqlite(
    r: Reservation, tokens: int, cost: Decimal, along: tuple[str, list] | None
) -> tuple | None:
    """quota_settle on SQLite, whose transactions serialise writers anyway."""
    returned = None
    with transaction.atomic(), connection.cursor() as cursor:
        if along is not None:
            cursor.execute(*along)
            returned = cursor.fetchone()
        held = QuotaHold.objects.filter(request_id=r.request_id).values_list("tokens", "cost_usd")
        held_tokens, held_cost = held.first() or (0, Decimal(0))
        QuotaHold.objects.filter(request_id=r.request_id).delete()
        assignments = (
            "tokens_reserved = MAX(tokens_reserved - %s, 0), tokens_used = tokens_used + %s, "
            "cost_reserved_usd = MAX(cost_reserved_usd - %s, 0), "
            "cost_used_usd = cost_used_usd + %s"
        )
        _update_pair(r.user_id, r.day, r.month, assignments, [held_tokens, tokens, held_cost, cost])
    return returned


def quota_reset(*, user_id: int, now: dt.datetime | None = None) -> int:
    """An admin's reset of the current day and month. Reservations in flight are kept so
    their settlement still balances."""
    now = now or timezone.now()
    day, month = period_starts(now)
    assignments = "tokens_used = 0, cost_used_usd = 0, reset_at = %s"
    return len(_update_pair(user_id, day, month, assignments, [now]))
