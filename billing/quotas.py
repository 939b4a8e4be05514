"""Quota reservations: reserve before an AI call, settle to the real usage after it.

Days and months are UTC. The check and the reservation happen in one transaction holding
the row locks on the user's two counters (day, month), always taken in that order so
concurrent calls queue instead of deadlocking; N calls racing for a quota that fits K let
exactly K through.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import QuotaExceeded
from core.money import usd

from .limits import Limits, OwnLimits
from .models import Plan, QuotaCounter

DAY, MONTH = QuotaCounter.Period.DAY, QuotaCounter.Period.MONTH


@dataclass(frozen=True)
class Reservation:
    user_id: int
    day: dt.date
    month: dt.date
    tokens: int
    cost: Decimal
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


def _counters(user_id: int, day: dt.date, month: dt.date) -> list[QuotaCounter]:
    query = (
        QuotaCounter.objects.filter(user_id=user_id)
        .filter(Q(period=DAY, period_start=day) | Q(period=MONTH, period_start=month))
        .order_by("period")
    )
    rows = list(query)
    if len(rows) < 2:
        QuotaCounter.objects.bulk_create(
            [
                QuotaCounter(user_id=user_id, period=DAY, period_start=day),
                QuotaCounter(user_id=user_id, period=MONTH, period_start=month),
            ],
            ignore_conflicts=True,
        )
        rows = list(query.all())  # a fresh query: the first one's result is cached
    return rows


def quota_reserve(
    *,
    user_id: int,
    plan: Plan,
    tokens: int,
    cost: Decimal,
    own: OwnLimits | None = None,
    now: dt.datetime | None = None,
) -> Reservation:
    """Reserve against the plan's limits, or the user's own limits where they have some."""
    now = now or timezone.now()
    day, month = period_starts(now)
    limits = Limits.of(plan, own)
    if connection.vendor == "postgresql" and (
        totals := _reserve_if_fits(user_id, day, month, limits, tokens, cost)
    ):
        return Reservation(
            user_id=user_id, day=day, month=month, tokens=tokens, cost=cost, totals=totals
        )
    # The long way, which decides the same: the first call of a day or month (no rows yet)
    # and a refusal (its message needs the totals) are rare; SQLite always comes here.
    with transaction.atomic():
        # The UPDATE takes both row locks (day, then month: one order for everybody) and
        # returns the new totals; over a limit, raising rolls the reservation back.
        rows = _reserve(user_id, day, month, tokens, cost)
        if len(rows) < 2:
            _counters(user_id, day, month)  # first call of the day or month
            rows = _reserve(user_id, day, month, tokens, cost)
        _check(limits, rows[DAY], rows[MONTH], tokens, cost, now)
    day_row, month_row = rows[DAY], rows[MONTH]
    totals = (
        day_row.tokens_used + day_row.tokens_reserved + tokens,
        month_row.tokens_used + month_row.tokens_reserved + tokens,
        month_row.cost_used_usd + month_row.cost_reserved_usd + cost,
    )
    return Reservation(
        user_id=user_id, day=day, month=month, tokens=tokens, cost=cost, totals=totals
    )


_TABLE = QuotaCounter._meta.db_table
_WHERE = """user_id = %s AND ((period = 'day' AND period_start = %s)
                              OR (period = 'month' AND period_start = %s))"""
_RETURNING = "RETURNING period, tokens_used, tokens_reserved, cost_used_usd, cost_reserved_usd"
# Every write to the pair on PostgreSQL first locks both rows in one fixed order (day, then
# month): a plain two-row UPDATE locks in scan order, which two transactions need not share,
# and a reservation meeting a settlement would deadlock. SQLite serialises writers.
_LOCKED = f"locked AS (SELECT id FROM {_TABLE} WHERE {_WHERE} ORDER BY period FOR UPDATE)"


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
                  FROM locked, no_flush)
    UPDATE {_TABLE}
    SET tokens_reserved = tokens_reserved + %s, cost_reserved_usd = cost_reserved_usd + %s
    FROM locked, fits WHERE {_TABLE}.id = locked.id AND fits.ok
    RETURNING locked.period, locked.tokens, locked.cost"""


def _reserve_if_fits(
    user_id: int, day: dt.date, month: dt.date, limits: Limits, tokens: int, cost: Decimal
) -> tuple[int, int, Decimal] | None:
    """Reserve when both counters exist and every limit still fits, answering the totals
    (Reservation.totals); None changes nothing."""
    day_tokens, month_tokens = limits.daily_tokens, limits.monthly_tokens
    month_cost = limits.monthly_cost_usd
    params = [tokens, cost, user_id, day, month, day_tokens, day_tokens]
    params += [month_tokens, month_tokens, month_cost, month_cost, tokens, cost]
    with connection.cursor() as cursor:
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


def _settle_assignments() -> str:
    """Never below zero: a reservation lost to a database crash (see _RESERVE_IF_FITS) must
    not leave a negative hold that lets later calls past the limit."""
    floor = "GREATEST" if connection.vendor == "postgresql" else "MAX"  # SQLite's is MAX
    return (
        f"tokens_reserved = {floor}(tokens_reserved - %s, 0), tokens_used = tokens_used + %s, "
        f"cost_reserved_usd = {floor}(cost_reserved_usd - %s, 0), "
        "cost_used_usd = cost_used_usd + %s"
    )


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
    values = [reservation.tokens, tokens, reservation.cost, cost]
    pair = [reservation.user_id, reservation.day, reservation.month]
    if along is None:
        _update_pair(*pair, _settle_assignments(), values)
        return None
    insert, insert_params = along
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""WITH {_LOCKED},
                         settled AS (UPDATE {_TABLE} SET {_settle_assignments()} FROM locked
                                     WHERE {_TABLE}.id = locked.id)
                    {insert}""",
                [*pair, *values, *insert_params],
            )
            return cursor.fetchone()
        with transaction.atomic():
            cursor.execute(insert, insert_params)
            returned = cursor.fetchone()
            _update_pair(*pair, _settle_assignments(), values)
        return returned


def quota_reset(*, user_id: int, now: dt.datetime | None = None) -> int:
    """An admin's reset of the current day and month. Reservations in flight are kept so
    their settlement still balances."""
    day, month = period_starts(now or timezone.now())
    return len(_update_pair(user_id, day, month, "tokens_used = 0, cost_used_usd = 0", []))
