"""Benchmark 3: every dashboard report over 100k and 1M UsageLog rows.

Runs in its own database (BENCH_REPORTS_DATABASE_URL, default aiorch_bench_reports), which it
empties: 10k users and 100k rows by COPY, VACUUM ANALYZE, time each report over the
dashboard's "Last 30 days" and "Last 90 days" (median of 5 after a warm-up), the trends also
over the last 24 and 48 hours (hour by hour) and the provider list's figures over the last 24;
then 900k more rows and the same again. EXPLAIN (ANALYZE, BUFFERS) of every query at the
largest size goes to bench/out/.

    python -m bench.report_queries [--quick] [--json FILE]
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable

from bench import env
from bench.stats import phase_main, record, table

TARGET_MS, GROWTH = 300.0, 3.0
RUNS = 5


def _queries() -> dict[str, Callable[[dict], object]]:
    from usage import reports

    found: dict[str, Callable[[dict], object]] = {
        "usage_totals": lambda w: reports.usage_totals(**w),
        "cost_per_day": lambda w: reports.cost_per_day(**w),
    }
    for group in ("plan", "task", "user", "provider", "model", "day"):
        limit = 10 if group == "user" else None  # the dashboard's top users
        found[f"usage_by({group})"] = lambda w, g=group, n=limit: reports.usage_by(
            **w, group_by=g, limit=n
        )
    found["error_rate_by_provider"] = lambda w: reports.error_rate_by_provider(**w)
    found["latency_percentiles(model)"] = lambda w: reports.latency_percentiles(**w, per="model")
    found["latency_percentiles(provider)"] = lambda w: reports.latency_percentiles(
        **w, per="provider"
    )
    found["cache_savings"] = lambda w: reports.cache_savings(**w)
    found["quota_exceeded_count"] = lambda w: reports.quota_exceeded_count(**w)
    found.update(_trend_queries())
    return found


def _trend_queries() -> dict[str, Callable[[dict], object]]:
    from usage import reports

    return {
        "usage_trend": lambda w: reports.usage_trend(**w),
        "top_error_codes": lambda w: reports.top_error_codes(**w),
        "provider_glance": lambda w: reports.provider_glance(**w),
    }


# The trends also over the dashboard's hourly periods (the others keep to 30 and 90 days); the
# provider list asks provider_glance for the last 24 hours only.
HOURLY_WINDOWS = ("24h", "48h")
ONLY_HOURLY = ("provider_glance",)


def _runs(window: str) -> dict[str, Callable[[dict], object]]:
    """The queries measured over a window."""
    queries = _queries()
    if window in HOURLY_WINDOWS:
        trend = _trend_queries()
        return {name: queries[name] for name in trend if window == "24h" or name not in ONLY_HOURLY}
    return {name: query for name, query in queries.items() if name not in ONLY_HOURLY}


# What the admin usage dashboard runs for one page view (usage/dashboard/views.py).
DASHBOARD = (
    "usage_totals",
    "cost_per_day",
    "cache_savings",
    "usage_by(plan)",
    "usage_by(task)",
    "usage_by(user)",
    "error_rate_by_provider",
    "latency_percentiles(model)",
    "quota_exceeded_count",
    "usage_trend",
    "top_error_codes",
)


def _median_ms(call: Callable[[], object]) -> float:
    call()  # warm-up: plans cached, pages in shared buffers / the OS cache
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _windows() -> dict[str, dict]:
    """The dashboard's own "Last 30 days" and "Last 90 days" (whole UTC days, today so far)."""
    from usage.dashboard.forms import PeriodForm

    now = dt.datetime.now(dt.UTC)
    windows = {}
    for period in ("24h", "30d", "90d"):
        since, until = PeriodForm({"period": period}).window(now=now)
        windows[period] = {"since": since, "until": until}
    windows["48h"] = {"since": now - dt.timedelta(hours=48), "until": now}
    return dict(sorted(windows.items(), key=lambda item: item[1]["until"] - item[1]["since"]))


def measure(label: str) -> dict[tuple[str, str], float]:
    times = {}
    for window, bounds in _windows().items():
        for name, query in _runs(window).items():
            times[(name, window)] = _median_ms(lambda q=query, b=bounds: q(b))
        if window in HOURLY_WINDOWS:
            continue
        times[("whole dashboard", window)] = sum(times[(q, window)] for q in DASHBOARD)
        print(
            f"reports at {label}, {window}: dashboard {times[('whole dashboard', window)]:.0f} ms",
            flush=True,
        )
    return times


def explain_all(label: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every SQL statement each report runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for window, bounds in _windows().items():
        for name, query in _runs(window).items():
            with CaptureQueriesContext(connection) as captured:
                query(bounds)
            plans = []
            with connection.cursor() as cursor:
                for statement in captured.captured_queries:
                    sql = statement["sql"]
                    if not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plans.append(sql + "\n\n" + "\n".join(r[0] for r in cursor.fetchall()))
            safe = name.replace("(", "_").replace(")", "")
            (env.OUT / f"explain_{safe}_{window}_{label}.txt").write_text("\n\n---\n\n".join(plans))


def roll_up_all_days() -> float:
    """What the beat task keeps done in production: every day rolled up, today to a minute
    before now (rollups.WATERMARK_MARGIN); the reports read only the rest from the log."""
    from usage.rollups import usage_log_days, usage_rollup

    started = time.perf_counter()
    span = usage_log_days()
    if span is not None:
        day, today = span[0], dt.datetime.now(dt.UTC).date()
        while day <= today:
            usage_rollup(day=day)
            day += dt.timedelta(days=1)
    return time.perf_counter() - started


def run(*, quick: bool) -> tuple[list[dict], str]:
    from django.db import connection

    from bench import fixtures, usage_loader

    with connection.cursor() as cursor:
        tables = ["orchestrator_usagelog", "auth_user", *usage_loader.rollup_tables()]
        cursor.execute(f"TRUNCATE {', '.join(tables)}, orchestrator_usagerollupday CASCADE")
    configs = fixtures.provider_configs(
        {v: f"http://127.0.0.1:9/{v}" for v in ("openai", "anthropic", "gemini")}
    )
    config_ids = {vendor: config.pk for vendor, (config, _) in configs.items()}
    from orchestrator.models import ProviderConfig

    offline = ProviderConfig.objects.filter(provider_type="offline").first()
    if offline:
        config_ids["offline"] = offline.pk
    started = time.perf_counter()
    users = usage_loader.load_users(10_000)
    usage_loader.load_usage(100_000, users=users, config_ids=config_ids, seed=1)
    usage_loader.vacuum_analyze()
    load_small = time.perf_counter() - started
    print(f"loaded 10k users + 100k rows in {load_small:.1f} s", flush=True)
    rollup_times = {"100k": roll_up_all_days()}
    usage_loader.vacuum_analyze()
    sizes = {"100k": measure("100k")}
    load_big = None
    if not quick:
        started = time.perf_counter()
        usage_loader.load_usage(900_000, users=users, config_ids=config_ids, seed=2)
        usage_loader.vacuum_analyze()
        load_big = time.perf_counter() - started
        print(f"loaded 900k more rows in {load_big:.1f} s", flush=True)
        rollup_times["1M"] = roll_up_all_days()
        usage_loader.vacuum_analyze()
        sizes["1M"] = measure("1M")
    largest = list(sizes)[-1]
    explain_all(largest)

    records, rows = [], []
    misses = []
    for window in _windows():
        whole = [] if window in HOURLY_WINDOWS else ["whole dashboard"]
        for name in [*_runs(window), *whole]:
            small = sizes["100k"][(name, window)]
            big = sizes.get("1M", {}).get((name, window))
            ratio = big / small if big is not None and small > 0 else None
            rows.append(
                (
                    name,
                    window,
                    f"{small:.1f}",
                    "—" if big is None else f"{big:.1f}",
                    "—" if ratio is None else f"{ratio:.1f}×",
                )
            )
            records.append(record(f"report {name} {window} @100k", small, "ms", group="reports"))
            if big is None:
                continue
            dashboard = name == "whole dashboard"
            records.append(
                record(
                    f"report {name} {window} @1M",
                    big,
                    "ms",
                    target=None if dashboard else f"<= {TARGET_MS:g} ms",
                    check=None if dashboard else (lambda v: v <= TARGET_MS),
                    group="reports",
                )
            )
            records.append(
                record(
                    f"report {name} {window} growth 1M/100k",
                    ratio,
                    "x",
                    target=None if dashboard else f"<= {GROWTH:g}x",
                    check=None if dashboard else (lambda v: v <= GROWTH),
                    group="reports",
                )
            )
            if not dashboard and (big > TARGET_MS or ratio > GROWTH):
                misses.append(f"{name} ({window}): {big:.0f} ms, {ratio:.1f}×")
    loads = f"10k users + 100k rows loaded and vacuumed in {load_small:.1f} s"
    if load_big is not None:
        loads += f"; 900k more in {load_big:.1f} s ({900_000 / load_big:,.0f} rows/s)"
    loads += (
        "; then every day rolled up into the daily tables, today up to a minute before the "
        "rollup, as the beat task keeps them in production ("
        + ", ".join(f"{seconds:.1f} s at {size}" for size, seconds in rollup_times.items())
        + "); the reports read from the log only what the rollups leave out (the minutes "
        "since the last rollup; a custom period's partial first or last day)"
    )
    for size, seconds in rollup_times.items():
        records.append(record(f"rollup of all days @{size}", seconds * 1000, "ms", group="reports"))
    parts = [
        "### 3. Reports at scale (ms, median of 5 after a warm-up)",
        "Every selector of `usage/reports/` and `usage/trends.py` as the dashboard calls it "
        '(Python post-processing included), over the dashboard\'s "Last 30 days" and "Last 90 '
        'days" (whole UTC days, today so far included); the trends also over the last 24 and '
        "48 hours (hour by hour), and `provider_glance` (the provider list) over the last 24. "
        f"{loads}; VACUUM ANALYZE after each load. The data: 10k users with heavy-tailed "
        "activity, recent days 3× busier than the oldest, 2% errors (20% of them quota "
        "refusals), 20% cache hits, log-normal latencies, costs from ModelPrice. "
        '"whole dashboard" = the selectors one admin dashboard view runs.',
        table(("report", "window", "100k rows", "1M rows", "1M/100k"), rows),
    ]
    if quick:
        parts.append(
            "Quick mode: 100k rows only; the 1M figures and their targets need a full run."
        )
    elif misses:
        parts.append(
            "Over target (≤ 300 ms at 1M and ≤ 3× the 100k time): "
            + "; ".join(misses)
            + ". EXPLAIN ANALYZE of each in bench/out/."
        )
    return records, "\n\n".join(parts)


def main() -> None:
    phase_main(run, description=__doc__, database=env.REPORTS_DB)


if __name__ == "__main__":
    main()
