"""Benchmark 4: quota reserve + settle pairs per second from 16 threads.

Hot: all 16 threads reserve for ONE user (one pair of counter rows, locked in turn). Cold: one
user per thread (no contention). Each thread has its own PostgreSQL connection (Django opens
one per thread). The plan has limits, so the check runs too; they are high enough never to
refuse.

    python -m bench.quota [--quick] [--json FILE]
"""

from __future__ import annotations

import threading
import time
import traceback
from decimal import Decimal

from bench import env
from bench.stats import ms, phase_main, record, summary, table

THREADS = 16
TOKENS, COST = 5_000, Decimal("0.00412")
TARGET = 500.0  # reservations per second on the hot row


def _hammer(user_ids: list[int], seconds: float) -> tuple[int, float, list[float], int]:
    """Pairs done by all threads, elapsed wall time, per-pair latency (ms) and the number of
    pairs that failed with a database deadlock (counted, not fatal: that is a finding)."""
    from django.db import OperationalError, connection

    from billing.models import Plan
    from billing.quotas import quota_reserve, quota_settle

    barrier = threading.Barrier(len(user_ids) + 1)
    counts = [0] * len(user_ids)
    deadlocks = [0] * len(user_ids)
    latencies: list[list[float]] = [[] for _ in user_ids]
    errors: list[BaseException] = []
    stop = threading.Event()

    def worker(slot: int, user_id: int) -> None:
        try:
            plan = Plan.objects.get(code="PRO_ANNUAL")
            for _ in range(10):  # connect + create the counters first
                try:
                    quota_settle(
                        quota_reserve(user_id=user_id, plan=plan, tokens=1, cost=COST),
                        tokens=1,
                        cost=COST,
                    )
                    break
                except OperationalError as exc:
                    if "deadlock" not in str(exc):
                        raise
            barrier.wait()
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    reservation = quota_reserve(
                        user_id=user_id, plan=plan, tokens=TOKENS, cost=COST
                    )
                    quota_settle(reservation, tokens=TOKENS // 2, cost=COST / 2)
                except OperationalError as exc:
                    if "deadlock" not in str(exc):
                        raise
                    deadlocks[slot] += 1
                    continue
                latencies[slot].append((time.perf_counter() - started) * 1000)
                counts[slot] += 1
        except BaseException as exc:  # reported by the caller; a dead thread must not hang it
            errors.append(exc)
            traceback.print_exc()
            barrier.abort()
            stop.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, uid)) for i, uid in enumerate(user_ids)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
        started = time.perf_counter()
        time.sleep(seconds)
    except threading.BrokenBarrierError:
        started = time.perf_counter()
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return sum(counts), elapsed, [x for per in latencies for x in per], sum(deadlocks)


def run(*, quick: bool) -> tuple[list[dict], str]:
    from bench import fixtures
    from billing.models import Plan

    seconds = 3.0 if quick else 10.0
    plan = Plan.objects.get(code="PRO_ANNUAL")
    plan.daily_token_limit = plan.monthly_token_limit = 10**15  # checked, never reached
    plan.monthly_cost_limit_usd = Decimal("999999.99")
    plan.save()
    users = [fixtures.bench_user(f"bench-quota-{i:02d}").pk for i in range(THREADS)]
    records, rows = [], []
    for label, ids in (("hot row: 1 user", [users[0]] * THREADS), ("16 users", users)):
        pairs, elapsed, lat, deadlocks = _hammer(ids, seconds)
        rate = pairs / elapsed
        s = summary(lat)
        rows.append(
            (
                label,
                THREADS,
                f"{elapsed:.1f}",
                pairs,
                f"{rate:,.0f}",
                ms(s["p50"]),
                ms(s["p99"]),
                deadlocks,
            )
        )
        hot = label.startswith("hot")
        records.append(
            record(
                f"quota reserve+settle/s, {label}",
                rate,
                "pairs/s",
                target=f">= {TARGET:g}/s" if hot else None,
                check=(lambda v: v >= TARGET) if hot else None,
                group="quota",
            )
        )
        records.append(record(f"quota reserve+settle p99, {label}", s["p99"], "ms", group="quota"))
        records.append(
            record(
                f"quota deadlocks, {label}",
                deadlocks,
                "errors",
                target="0",
                check=lambda v: v == 0,
                group="quota",
            )
        )
        print(
            f"quota {label}: {rate:,.0f} pairs/s (p50 {s['p50']:.2f} ms, p99 "
            f"{s['p99']:.2f} ms), {deadlocks} deadlocks",
            flush=True,
        )
    fixtures.unlimited_plan()
    markdown = "\n\n".join(
        [
            "### 4. Quota hot row",
            f"`billing.quotas.quota_reserve` + `quota_settle` pairs from {THREADS} threads, each "
            f"with its own PostgreSQL connection, {seconds:g} s per case. The reserve locks the "
            "user's day and month counter rows (SELECT … FOR UPDATE) and checks the plan's limits.",
            table(
                ("case", "threads", "seconds", "pairs", "pairs/s", "p50 ms", "p99 ms", "deadlocks"),
                rows,
            ),
            "A deadlock aborts that pair's reserve or settle (PostgreSQL picks a victim after "
            "deadlock_timeout, 1 s); pairs/s counts completed pairs only.",
        ]
    )
    return records, markdown


def main() -> None:
    phase_main(run, description=__doc__, database=env.MAIN_DB)


if __name__ == "__main__":
    main()
