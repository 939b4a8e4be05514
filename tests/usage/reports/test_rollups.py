"""The reports give the same numbers from the daily rollups as from UsageLog alone; latency
percentiles within the 1% their buckets allow.

The clock stands at noon (UTC) today, so today's rollup covers [midnight, 11:59) whatever the
hour the suite runs at.
"""

import random
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from tests.fixtures.usage import log_usage, two_providers
from usage import periodic, reports
from usage.models import UsageDaily, UsageDailyUser, UsageLatencyDaily, UsageRollupDay
from usage.rollups import (
    WATERMARK_MARGIN,
    bucket_high,
    day_start,
    latency_bucket,
    usage_rollup,
)

TODAY = timezone.now().astimezone(UTC).date()


def day(back: int):
    return TODAY - timedelta(days=back)


def at(back: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0) -> datetime:
    return day_start(day(back)) + timedelta(
        hours=hour, minutes=minute, seconds=second, microseconds=us
    )


NOW = at(0, 12)


@pytest.fixture
def noon(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def spread(db, noon, user, other_user):
    """Rows over the last seven UTC days and today: errors, cache hits, quota refusals, three
    users (one anonymous), two plans, DB and env providers, rows on midnight boundaries.
    Each day has 8 plan/task/provider/model groups, odd days a 9th (mistral, cache hits only)."""
    openai, claude = two_providers()
    claude_kw = dict(config=claude, provider_type="anthropic", model="claude-sonnet-4-5")
    for back in range(7, -1, -1):
        n = back + 1
        log_usage(at=at(back), user=user, config=openai, input_tokens=10 * n, output_tokens=n,
                  cost=f"0.0000{n}123")  # fmt: skip
        log_usage(at=at(back, 6, 30), user=other_user, plan="PRO_MONTHLY", task="cv_draft",
                  input_tokens=1000, output_tokens=300 + n, cost=f"0.01{n}50001",
                  latency_ms=400, **claude_kw)  # fmt: skip
        log_usage(at=at(back, 9), user=user, config=openai, task="cv_draft", status="error",
                  error_code="PROVIDER_ERROR", latency_ms=300)  # fmt: skip
        log_usage(at=at(back, 11), user=other_user, plan="PRO_MONTHLY", task="cover_letter",
                  cache_hit=True, saved=f"0.00{n}10000", **claude_kw)  # fmt: skip
        log_usage(at=at(back, 14), user=user, provider_type="", model="", status="error",
                  error_code="QUOTA_EXCEEDED")  # fmt: skip
        log_usage(at=at(back, 17), task="provider_test", provider_type="gemini",
                  model="gemini-2.5-flash", input_tokens=10, output_tokens=2,
                  cost="0.00000800")  # fmt: skip
        log_usage(at=at(back, 23, 59, 59), user=other_user, model="gpt-4o", config=openai,
                  input_tokens=n, cost="0.00000001")  # fmt: skip
        log_usage(at=at(back, 23, 59, 59, 999999), user=user, plan="PRO_MONTHLY",
                  provider_type="gemini", model="gemini-2.5-pro", input_tokens=7,
                  cost="0.00000070")  # fmt: skip
        if back % 2:  # a provider seen only through cache hits on some days
            log_usage(at=at(back, 12), provider_type="mistral", model="small", cache_hit=True,
                      saved="0.00000300")  # fmt: skip
    return {"openai": openai, "claude": claude}


def everything(since: datetime, until: datetime, alice, bob) -> dict:
    """Every sum/count selector, as the dashboard, the CSV export and the command call them."""
    window = {"since": since, "until": until}
    return {
        "totals": reports.usage_totals(**window),
        "alice": reports.usage_totals(**window, user=alice),
        **{g: reports.usage_by(**window, group_by=g) for g in reports.GROUP_BY},
        "top_user": reports.usage_by(**window, group_by="user", limit=1),
        "top_plan": reports.usage_by(**window, group_by="plan", limit=1),
        "alice_days": reports.usage_by(**window, group_by="day", user=alice),
        "bob_user": reports.usage_by(**window, group_by="user", user=bob),
        "bob_tasks": reports.usage_by(**window, group_by="task", user=bob),
        "per_day": reports.cost_per_day(**window),
        "bob_per_day": reports.cost_per_day(**window, user=bob),
        "errors": reports.error_rate_by_provider(**window),
        "cache": reports.cache_savings(**window),
        "quota": reports.quota_exceeded_count(**window),
        "latency": reports.latency_percentiles(**window),
        "latency_per_provider": reports.latency_percentiles(**window, per="provider"),
    }


def assert_same(rolled: dict, raw: dict) -> None:
    """Every sum and count equal; latencies from buckets within 1% of percentile_cont."""
    assert rolled.keys() == raw.keys()
    for name in raw:
        if not name.startswith("latency"):
            assert rolled[name] == raw[name], name
            continue
        assert len(rolled[name]) == len(raw[name])
        for approx, exact in zip(rolled[name], raw[name], strict=True):
            ps = ("p50", "p95", "p99")
            assert {k: v for k, v in approx.items() if k not in ps} == {
                k: v for k, v in exact.items() if k not in ps
            }
            for p in ps:
                assert abs(approx[p] - exact[p]) <= 0.01 * exact[p], (name, p, approx, exact)


WINDOWS = {
    "whole days": (at(6), at(1)),
    "partial first and last day": (at(6, 6, 30), at(1, 14)),
    "to now, today included": (at(4, 11), NOW),
    "past the newest watermark": (at(2, 11), NOW + timedelta(hours=1)),
    "a day that is not rolled up in the middle": (at(7, 23, 59, 59), at(0)),
    "one whole day": (at(3), at(2)),
    "inside one day": (at(3, 6), at(3, 18)),
}


@pytest.mark.parametrize("name", WINDOWS)
def test_reports_are_identical_from_the_rollups(spread, user, other_user, name):
    since, until = WINDOWS[name]
    raw = everything(since, until, user, other_user)
    assert raw["totals"]["calls"] > 0

    for back in (7, 6, 4, 3, 2, 1, 0):  # day 5 left out: read from UsageLog
        usage_rollup(day=day(back))
    assert_same(everything(since, until, user, other_user), raw)

    for back in (6, 3, 1, 0):  # rolling up again changes nothing
        usage_rollup(day=day(back))
    assert_same(everything(since, until, user, other_user), raw)


def test_rolled_days_are_read_from_the_rollup(spread, user, other_user):
    """Proof the rollup is read at all: a day's totals survive its log rows being deleted."""
    from orchestrator.models import UsageLog

    window = {"since": at(3), "until": at(2)}
    before = reports.usage_totals(**window)
    usage_rollup(day=day(3))
    UsageLog.objects.filter(created_at__gte=at(3), created_at__lt=at(2)).delete()
    assert reports.usage_totals(**window) == before
    assert UsageDaily.objects.filter(day=day(3)).count() == 9
    assert UsageDailyUser.objects.filter(day=day(3)).count() == 3  # alice, bob, anonymous


def test_a_late_row_counts_once_its_day_is_rolled_up_again(spread, user, other_user):
    window = {"since": at(5), "until": at(1)}
    for back in (5, 4, 3, 2):
        usage_rollup(day=day(back))
    late = log_usage(at=at(3, 8), user=user, config=spread["openai"], cost="0.50000000")
    # Only what the rollup holds is read for a rolled-up day: the late row is not there yet.
    stale = reports.usage_totals(**window)
    UsageRollupDay.objects.all().delete()  # no markers: everything from UsageLog
    raw = everything(window["since"], window["until"], user, other_user)
    assert raw["totals"]["cost_usd"] == stale["cost_usd"] + late.cost_usd
    assert raw["totals"]["calls"] == stale["calls"] + 1

    usage_rollup(day=day(3))
    for back in (5, 4, 2):
        usage_rollup(day=day(back))
    assert_same(everything(window["since"], window["until"], user, other_user), raw)


def test_today_is_read_from_the_rollup_up_to_its_watermark(spread, user, other_user):
    window = {"since": at(0), "until": NOW}
    raw = everything(at(0), NOW, user, other_user)
    usage_rollup(day=day(0))
    marker = UsageRollupDay.objects.get(day=day(0))
    assert marker.covered_until == NOW - WATERMARK_MARGIN
    # The morning's four groups are in the rollup; the rows from 14:00 on are not.
    assert UsageDaily.objects.filter(day=day(0)).count() == 4
    assert_same(everything(at(0), NOW, user, other_user), raw)

    from orchestrator.models import UsageLog

    UsageLog.objects.filter(created_at__gte=at(0), created_at__lt=marker.covered_until).delete()
    assert reports.usage_totals(**window) == raw["totals"]


def test_a_partly_rolled_up_day_adds_the_rows_after_its_watermark(spread, user, other_user):
    usage_rollup(day=day(0))
    # Written after the rollup: two calls later this morning, one in the watermark's margin.
    log_usage(at=NOW - timedelta(seconds=30), user=user, config=spread["openai"],
              cost="0.25000000", latency_ms=900)  # fmt: skip
    log_usage(at=NOW + timedelta(minutes=5), user=other_user, config=spread["openai"],
              cost="0.12500000", latency_ms=1200)  # fmt: skip
    rolled = everything(at(1, 12), at(0, 13), user, other_user)
    UsageRollupDay.objects.all().delete()
    raw = everything(at(1, 12), at(0, 13), user, other_user)
    assert_same(rolled, raw)
    assert raw["totals"]["calls"] == 5 + 4 + 2  # yesterday from noon, this morning, the two


def test_a_row_committed_late_inside_the_margin_is_not_lost(spread, user):
    """A row is committed a moment after its created_at; one created just before a rollup
    but committed after it is still read from UsageLog, the watermark lying before it."""
    usage_rollup(day=day(0))
    before = reports.usage_totals(since=at(0), until=NOW)
    log_usage(at=NOW - WATERMARK_MARGIN / 2, user=user, cost="0.50000000")
    after = reports.usage_totals(since=at(0), until=NOW)
    assert after["calls"] == before["calls"] + 1
    assert after["cost_usd"] == before["cost_usd"] + Decimal("0.5")


def test_a_day_rolled_up_before_it_ended_is_completed_from_the_log(
    spread, user, other_user, monkeypatch
):
    from orchestrator.models import UsageLog

    monkeypatch.setattr(timezone, "now", lambda: at(2, 12))  # its last rollup ran at noon
    usage_rollup(day=day(2))
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    assert UsageDaily.objects.filter(day=day(2)).count() == 4  # the morning's groups
    totals = reports.usage_totals(since=at(2), until=at(1))
    assert totals["calls"] == 8
    # The morning comes from the rollup, the afternoon from UsageLog.
    UsageLog.objects.filter(created_at__gte=at(2), created_at__lt=at(2, 11, 59)).delete()
    assert reports.usage_totals(since=at(2), until=at(1)) == totals
    UsageLog.objects.filter(created_at__gte=at(2, 11, 59), created_at__lt=at(1)).delete()
    assert reports.usage_totals(since=at(2), until=at(1))["calls"] == 4


def test_the_command_rolls_up_every_day_with_usage(spread):
    out = StringIO()
    call_command("rollup_usage", "--all", stdout=out)
    text = out.getvalue()
    assert f"{day(7)}: 9 rollup rows (1/8)" in text
    assert f"{day(0)}: 4 rollup rows (8/8)" in text  # today up to its watermark
    assert "Rolled up 8 day(s), 64 rollup rows" in text  # 7 days × 8, mistral on 4, 4 today
    assert set(UsageRollupDay.objects.values_list("day", flat=True)) == {day(b) for b in range(8)}
    assert UsageDaily.objects.count() == 64


def test_the_command_defaults_to_yesterday_and_today_and_takes_dates(spread):
    out = StringIO()
    call_command("rollup_usage", stdout=out)
    assert set(UsageRollupDay.objects.values_list("day", flat=True)) == {day(1), day(0)}
    assert "Rolled up 2 day(s), 13 rollup rows" in out.getvalue()

    out = StringIO()
    call_command("rollup_usage", "--since", str(day(5)), "--until", str(day(4)), stdout=out)
    assert "Rolled up 2 day(s), 17 rollup rows" in out.getvalue()
    assert UsageRollupDay.objects.count() == 4


def test_the_command_refuses_bad_dates(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("rollup_usage", "--since", "2026-02-30")
    with pytest.raises(CommandError, match="must not be after"):
        call_command("rollup_usage", "--since", "2026-03-02", "--until", "2026-03-01")
    out = StringIO()
    call_command("rollup_usage", "--all", stdout=out)
    assert "nothing to roll up" in out.getvalue()


def test_the_periodic_job_rolls_up_yesterday_and_today(spread):
    assert periodic.rollup_recent.delay().get() == 13  # 4 this morning, 9 yesterday (mistral)
    assert set(UsageRollupDay.objects.values_list("day", flat=True)) == {day(1), day(0)}
    assert UsageDaily.objects.filter(day=day(1), provider_type="mistral").get().cache_hits == 1


def test_latency_buckets_are_exact_below_200_ms_and_at_most_1_percent_wide():
    assert [latency_bucket(ms) for ms in range(200)] == list(range(200))
    for ms in (200, 201, 999, 1000, 1009, 1010, 45_123, 2**31 - 2**25):
        low = latency_bucket(ms)
        assert low <= ms <= bucket_high(low)
        assert bucket_high(low) - low <= 0.01 * low
        assert latency_bucket(bucket_high(low) + 1) == bucket_high(low) + 1  # no gap


def test_percentiles_of_rolled_up_days_stay_within_1_percent(db, noon):
    from orchestrator.models import UsageLog

    rng = random.Random(5)
    latencies = [int(rng.lognormvariate(0, 1.0) * 1500) for _ in range(997)] + [7, 150, 45_000]
    rows = [
        UsageLog(provider_type="openai", model=("gpt-4o", "gpt-4o-mini")[i % 2],
                 task_type="extraction", status="success", request_id=str(i), latency_ms=ms)
        for i, ms in enumerate(latencies)
    ]  # fmt: skip
    UsageLog.objects.bulk_create(rows)
    UsageLog.objects.update(created_at=at(2, 10))
    window = {"since": at(3), "until": at(1)}
    exact = {per: reports.latency_percentiles(**window, per=per) for per in ("model", "provider")}

    usage_rollup(day=day(2))
    for per in ("model", "provider"):
        rolled = reports.latency_percentiles(**window, per=per)
        assert [r["calls"] for r in rolled] == [r["calls"] for r in exact[per]]
        for approx, true in zip(rolled, exact[per], strict=True):
            for p in ("p50", "p95", "p99"):
                assert abs(approx[p] - true[p]) <= 0.01 * true[p], (per, p, approx, true)
    assert UsageLatencyDaily.objects.filter(day=day(2)).count() < 1000  # buckets, not calls


def test_whole_months_are_read_from_the_per_user_month_rollup(db, noon, user, other_user):
    from usage.models import UsageLatencyMonthly, UsageMonthlyUser

    def on(month: int, day_: int, hour: int = 12) -> datetime:
        return datetime(2026, month, day_, hour, tzinfo=UTC)

    for month, day_, who, cost, latency in [
        (2, 27, user, "0.10000000", 900),
        (3, 1, user, "0.20000000", 1234),
        (3, 1, None, "0.00100000", 250),
        (3, 15, other_user, "0.05000000", 4321),
        (3, 31, other_user, "0.40000000", 777),
        (4, 1, user, "0.30000000", 2000),
        (4, 2, other_user, "0.00200000", 60),
    ]:
        log_usage(at=on(month, day_), user=who, cost=cost, input_tokens=10, latency_ms=latency)
    windows = [(on(3, 1, 0), on(4, 1, 0)), (on(2, 28, 0), on(4, 2, 0)), (on(3, 5), on(4, 1, 13))]
    raw = [everything(since, until, user, other_user) for since, until in windows]

    day_ = date(2026, 2, 27)
    while day_ <= date(2026, 4, 3):
        usage_rollup(day=day_)
        day_ += timedelta(days=1)
    assert UsageMonthlyUser.objects.filter(month=date(2026, 3, 1)).count() == 3
    assert UsageLatencyMonthly.objects.filter(month=date(2026, 3, 1)).count() == 4
    for (since, until), expected in zip(windows, raw, strict=True):
        assert_same(everything(since, until, user, other_user), expected)

    # A late row is in the month rows once its day is rolled up again.
    march = {"since": on(3, 1, 0), "until": on(4, 1, 0)}
    log_usage(at=on(3, 15, 20), user=user, cost="1.00000000")
    usage_rollup(day=date(2026, 3, 15))
    by_user = reports.usage_by(**march, group_by="user")
    assert [(r["label"], r["calls"], r["cost_usd"]) for r in by_user] == [
        ("alice", 2, Decimal("1.2")),
        ("bob", 2, Decimal("0.45")),
        ("system (no user)", 1, Decimal("0.001")),
    ]
    # Whole March is read from the month rows: its days' rows are not needed.
    latency = reports.latency_percentiles(**march)
    UsageDailyUser.objects.filter(day__month=3).delete()
    UsageLatencyDaily.objects.filter(day__month=3).delete()
    assert reports.usage_by(**march, group_by="user") == by_user
    assert reports.usage_totals(**march)["users"] == 2
    assert reports.latency_percentiles(**march) == latency
    assert latency[0]["calls"] == 5


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs concurrent PostgreSQL transactions (SQLite serialises writers); CI runs this.",
)
# Committed rows, so every thread's connection sees them. (No serialized_rollback: it clashes
# with the content types an earlier transactional test's flush recreates; this test needs none
# of the seeded defaults.)
@pytest.mark.django_db(transaction=True)
def test_rollups_running_at_once_count_every_row_once(user, other_user):
    """The beat task and a `rollup_usage` run, or two workers, may roll up at the same time:
    each rebuilds shared rows (a day's, its month's) by delete-then-insert."""
    from usage.models import UsageMonthlyUser

    days = [date(2026, 3, d) for d in range(2, 8)]
    for n, day_ in enumerate(days):
        for who in (user, other_user):
            log_usage(at=day_start(day_) + timedelta(hours=3), user=who, input_tokens=n + 1)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def roll(offset: int) -> None:
        try:
            for round_ in range(2 * len(days)):  # each thread rolls up every day, twice
                start.wait(timeout=30)  # every round, four days of one month begin together
                usage_rollup(day=days[(round_ + offset) % len(days)])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=roll, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    calls = UsageDailyUser.objects.filter(day__in=days).values_list("day", "user_id", "calls")
    assert sorted(calls) == sorted((d, u.pk, 1) for d in days for u in (user, other_user))
    month = UsageMonthlyUser.objects.filter(month=date(2026, 3, 1))
    assert sorted(month.values_list("user_id", "calls")) == sorted(
        [(user.pk, len(days)), (other_user.pk, len(days))]
    )
