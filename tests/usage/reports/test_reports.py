"""The report selectors against hand-computed numbers (see the rows in fixtures.usage.known_usage).

The same expectations hold on SQLite and PostgreSQL: costs are exact Decimals, percentiles are
percentile_cont's linear interpolation on both.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.fixtures.usage import SINCE, UNTIL, log_usage
from usage import reports

pytestmark = pytest.mark.django_db
WINDOW = {"since": SINCE, "until": UNTIL}


def test_totals_cover_only_the_period(known_usage):
    totals = reports.usage_totals(**WINDOW)

    assert totals == {
        "calls": 8,
        "errors": 2,
        "cache_hits": 1,
        "input_tokens": 1610,
        "output_tokens": 952,
        "total_tokens": 2562,
        "cost_usd": Decimal("0.010868"),
        "saved_cost_usd": Decimal("0.0105"),
        "error_rate": 0.25,
        "users": 2,
    }


def test_totals_of_an_empty_period_are_zero(db):
    totals = reports.usage_totals(**WINDOW)

    assert totals["calls"] == 0 and totals["cost_usd"] == Decimal(0)
    assert totals["error_rate"] == 0.0 and totals["users"] == 0


def test_cost_by_plan(known_usage):
    rows = reports.usage_by(**WINDOW, group_by="plan")

    assert [(r["key"], r["calls"], r["errors"], r["cost_usd"]) for r in rows] == [
        ("PRO_MONTHLY", 3, 0, Decimal("0.010725")),
        ("FREEMIUM", 5, 2, Decimal("0.000143")),
    ]


def test_cost_by_task(known_usage):
    rows = reports.usage_by(**WINDOW, group_by="task")

    assert [(r["key"], r["calls"], r["cost_usd"]) for r in rows] == [
        ("cv_draft", 2, Decimal("0.0105")),
        ("cover_letter", 2, Decimal("0.000225")),
        ("extraction", 3, Decimal("0.000135")),
        ("provider_test", 1, Decimal("0.000008")),
    ]
    cover = rows[1]
    assert (cover["cache_hits"], cover["saved_cost_usd"]) == (1, Decimal("0.0105"))


def test_cost_by_user_names_users_and_honours_the_limit(known_usage, user, other_user):
    rows = reports.usage_by(**WINDOW, group_by="user")

    assert [(r["label"], r["calls"], r["cost_usd"]) for r in rows] == [
        ("bob", 3, Decimal("0.010725")),
        ("alice", 4, Decimal("0.000135")),
        ("system (no user)", 1, Decimal("0.000008")),
    ]
    assert rows[0]["key"] == str(other_user.pk)
    top = reports.usage_by(**WINDOW, group_by="user", limit=1)
    assert [r["label"] for r in top] == ["bob"]


def test_cost_by_provider_names_db_configs_and_env_providers(known_usage):
    rows = reports.usage_by(**WINDOW, group_by="provider")

    assert [(r["label"], r["calls"], r["cost_usd"]) for r in rows] == [
        ("claude", 2, Decimal("0.0105")),
        ("openai main", 4, Decimal("0.00036")),
        ("gemini (env)", 1, Decimal("0.000008")),
        ("(no provider)", 1, Decimal("0")),
    ]


def test_cost_by_model(known_usage):
    rows = reports.usage_by(**WINDOW, group_by="model")

    assert [(r["key"], r["calls"]) for r in rows] == [
        ("anthropic:claude-sonnet-4-5", 2),
        ("openai:gpt-4o-mini", 4),
        ("gemini:gemini-2.5-flash", 1),
        ("", 1),
    ]


def test_cost_by_day_in_date_order(known_usage):
    rows = reports.usage_by(**WINDOW, group_by="day")

    assert [(r["key"], r["calls"], r["cost_usd"]) for r in rows] == [
        ("2026-03-01", 3, Decimal("0.000135")),
        ("2026-03-02", 3, Decimal("0.010725")),
        ("2026-03-03", 2, Decimal("0.000008")),
    ]


def test_an_unknown_grouping_is_refused(db):
    with pytest.raises(ValueError, match="group_by must be one of"):
        reports.usage_by(**WINDOW, group_by="colour")


def test_cost_per_day_fills_idle_days_with_zero(known_usage):
    days = reports.cost_per_day(since=SINCE - timedelta(days=1), until=UNTIL + timedelta(days=1))

    assert [(d["day"], d["calls"], d["cost_usd"]) for d in days] == [
        (date(2026, 2, 28), 1, Decimal("1")),
        (date(2026, 3, 1), 3, Decimal("0.000135")),
        (date(2026, 3, 2), 3, Decimal("0.010725")),
        (date(2026, 3, 3), 2, Decimal("0.000008")),
        (date(2026, 3, 4), 1, Decimal("2")),
    ]


def test_error_rate_per_provider_counts_attempts_that_reached_it(known_usage):
    rows = reports.error_rate_by_provider(**WINDOW)

    # The cache hit and the quota refusal never reached a provider.
    assert [(r["provider"], r["calls"], r["errors"], r["error_rate"]) for r in rows] == [
        ("openai main", 4, 1, 0.25),
        ("claude", 1, 0, 0.0),
        ("gemini (env)", 1, 0, 0.0),
    ]


def test_latency_percentiles_per_provider_and_model(known_usage):
    rows = reports.latency_percentiles(**WINDOW)

    # openai main: 100, 200, 300, 1000 ms. p50 at rank 1.5 → 250; p95 at rank 2.85 →
    # 300 + 0.85 × 700 = 895; p99 at rank 2.97 → 300 + 0.97 × 700 = 979.
    assert rows == [
        {
            "provider": "claude",
            "provider_type": "anthropic",
            "config_id": known_usage["claude"].pk,
            "model": "claude-sonnet-4-5",
            "calls": 1,
            "p50": 400.0,
            "p95": 400.0,
            "p99": 400.0,
        },
        {
            "provider": "gemini (env)",
            "provider_type": "gemini",
            "config_id": None,
            "model": "gemini-2.5-flash",
            "calls": 1,
            "p50": 150.0,
            "p95": 150.0,
            "p99": 150.0,
        },
        {
            "provider": "openai main",
            "provider_type": "openai",
            "config_id": known_usage["openai"].pk,
            "model": "gpt-4o-mini",
            "calls": 4,
            "p50": 250.0,
            "p95": 895.0,
            "p99": 979.0,
        },
    ]


def test_percentiles_interpolate_between_ranks(db):
    # Ten attempts of 10..100 ms, written out of order.
    for latency in (70, 10, 100, 40, 20, 90, 30, 60, 80, 50):
        log_usage(at=datetime(2026, 3, 2, 12, tzinfo=UTC), latency_ms=latency)
    # A second model of the same provider does not mix in.
    log_usage(at=datetime(2026, 3, 2, 12, tzinfo=UTC), model="gpt-4o", latency_ms=5000)

    rows = reports.latency_percentiles(**WINDOW, per="model")
    by_provider = reports.latency_percentiles(**WINDOW, per="provider")

    mini = next(r for r in rows if r["model"] == "gpt-4o-mini")
    # Ranks 4.5, 8.55 and 8.91 of the sorted values.
    assert (mini["calls"], mini["p50"], mini["p95"], mini["p99"]) == (10, 55.0, 95.5, 99.1)
    # Per provider the 5000 ms call is the 11th value: ranks 5, 9.5 and 9.9.
    assert [(r["calls"], r["p50"], r["p95"], r["p99"]) for r in by_provider] == [
        (11, 60.0, 2550.0, 4510.0)
    ]


def test_percentile_helper_matches_percentile_cont():
    # Values come as (value, how many times) pairs in value order.
    assert reports.percentile([(7, 1)], 0.99) == 7
    assert reports.percentile([(1, 1), (2, 1)], 0.5) == 1.5
    assert reports.percentile([(10, 1), (20, 1), (30, 1), (40, 1)], 0.0) == 10
    assert reports.percentile([(10, 1), (20, 1), (30, 1), (40, 1)], 1.0) == 40
    # 10, 20, 20, 20, 40: rank 3.8 lies between the last 20 and the 40.
    assert reports.percentile([(10, 1), (20, 3), (40, 1)], 0.95) == 20 + 0.8 * 20


def test_cache_savings(known_usage):
    savings = reports.cache_savings(**WINDOW)

    # Served answers: rows 1, 2, 4, 5 and the cache hit (the credentials test is not one).
    assert savings == {"answers": 5, "hits": 1, "hit_ratio": 0.2, "saved_usd": Decimal("0.0105")}


def test_quota_exceeded_count(known_usage):
    assert reports.quota_exceeded_count(**WINDOW) == 1
    assert reports.quota_exceeded_count(since=UNTIL, until=UNTIL + timedelta(days=1)) == 0


def test_usage_rows_export_plain_decimal_strings(known_usage):
    from orchestrator.models import UsageLog

    rows = list(reports.usage_rows(queryset=UsageLog.objects.filter(cost_usd=Decimal("0.000008"))))

    assert len(rows) == 1
    row = dict(zip(reports.CSV_COLUMNS, rows[0], strict=True))
    assert row["cost_usd"] == "0.00000800" and row["provider_type"] == "gemini"
    assert row["username"] == "" and row["cache_hit"] == "false"


def test_csv_cells_cannot_become_spreadsheet_formulas():
    lines = list(reports.csv_lines(["a", "b"], [["=HYPERLINK(1)", Decimal("1E-7")]]))

    assert lines == ["a,b\r\n", "'=HYPERLINK(1),0.0000001\r\n"]


def test_one_users_usage(known_usage, user, other_user):
    totals = reports.usage_totals(**WINDOW, user=other_user)
    by_task = reports.usage_by(**WINDOW, group_by="task", user=user)
    days = reports.cost_per_day(**WINDOW, user=other_user)

    assert (totals["calls"], totals["cost_usd"], totals["users"]) == (3, Decimal("0.010725"), 1)
    assert [(r["key"], r["calls"]) for r in by_task] == [("extraction", 3), ("cv_draft", 1)]
    assert [d["calls"] for d in days] == [0, 3, 0]
