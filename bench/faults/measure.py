"""What a fault left behind, counted from the database with plain SQL (no Django in this
process while faults run): the usage rows of one fault's users, the quota they still hold,
their background tasks that never ended, and their counters against their usage log.

Every count is over the users of one fault only (usernames starting with its prefix), so a
fault's leftovers never reach the next one's figures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg

USERS = "SELECT id FROM auth_user WHERE username LIKE %(prefix)s"

# Attempts that reached the vendor double: the fault's users' rows of its provider config (a
# cache hit, a quota refusal and an open circuit make rows of their own, but no vendor call).
# The server's own credentials tests belong to no user, and the double leaves them out too.
# Grouped by outcome (the error code, or the status of a row without one), so a fault whose
# rows outnumber the calls the double saw says which rows those are.
VENDOR_ROWS = f"""
    SELECT coalesce(nullif(error_code, ''), status), count(*) FROM orchestrator_usagelog
    WHERE user_id IN ({USERS}) AND provider_config_id = %(config)s AND NOT cache_hit
    GROUP BY 1 ORDER BY 2 DESC"""

# Quota still held once every request has ended: a hold nobody will settle.
HELD = f"""
    SELECT coalesce(sum(tokens_reserved), 0), count(*) FILTER (WHERE tokens_reserved > 0)
    FROM billing_quotacounter WHERE period = 'day' AND user_id IN ({USERS})"""

STUCK = f"""
    SELECT count(*) FROM orchestrator_aitask
    WHERE status IN ('pending', 'running') AND owner_id IN ({USERS})"""

# Tokens each counter says were used against the tokens of the usage rows of the same user and
# period (UTC days and months, as the counters count them); a counter with no rows, and rows
# with no counter, count too. The offline provider's answers are free: logged, but they take no
# quota (whatever price row an admin gave them).
DRIFT = f"""
    WITH logged AS (
        SELECT user_id, period, period_start, sum(total_tokens) AS tokens
        FROM (SELECT user_id, total_tokens,
                     (created_at AT TIME ZONE 'UTC')::date AS day
              FROM orchestrator_usagelog
              WHERE user_id IN ({USERS}) AND NOT cache_hit
                    AND provider_type <> 'offline') AS rows,
             LATERAL (VALUES ('day', day),
                             ('month', date_trunc('month', day)::date)) AS p(period, period_start)
        GROUP BY user_id, period, period_start),
    counted AS (
        SELECT user_id, period, period_start, tokens_used AS tokens
        FROM billing_quotacounter WHERE user_id IN ({USERS}))
    SELECT coalesce(sum(abs(coalesce(c.tokens, 0) - coalesce(l.tokens, 0))), 0),
           count(*) FILTER (WHERE coalesce(c.tokens, 0) <> coalesce(l.tokens, 0))
    FROM counted c FULL JOIN logged l USING (user_id, period, period_start)"""


@dataclass(frozen=True)
class Leftovers:
    vendor_rows: int  # usage rows of attempts that reached the vendor
    outcomes: tuple[tuple[str, int], ...]  # those rows by error code (or status), most first
    held_tokens: int
    holding_users: int
    stuck_tasks: int
    drift_tokens: int
    drifting_counters: int

    @property
    def clean(self) -> bool:
        return not (self.held_tokens or self.stuck_tasks or self.drift_tokens)


def leftovers(database_url: str, *, prefix: str, config_id: int, timeout: float = 60) -> Leftovers:
    """The counts for the users whose names start with `prefix`; retried while the database
    is unreachable (a fault may just have restarted it)."""
    params = {"prefix": prefix.replace("_", r"\_") + "%", "config": config_id}
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
                outcomes = tuple(conn.execute(VENDOR_ROWS, params).fetchall())
                held, holding = conn.execute(HELD, params).fetchone()
                stuck = conn.execute(STUCK, params).fetchone()[0]
                drift, drifting = conn.execute(DRIFT, params).fetchone()
            rows = sum(count for _, count in outcomes)
            return Leftovers(rows, outcomes, int(held), holding, stuck, int(drift), drifting)
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
