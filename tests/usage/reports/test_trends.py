"""Usage over time, top error codes and the provider list's figures: known numbers, the same
sums as the period reports, and the same from the hourly and daily rollups as from UsageLog."""

from datetime import timedelta
from decimal import Decimal

import pytest

from orchestrator.models import UsageLog
from tests.fixtures.usage import SINCE, UNTIL, log_usage
from tests.fixtures.usage import at as march
from tests.usage.reports.test_rollups import NOW, at, day, noon, spread  # noqa: F401 - fixtures
from usage import reports
from usage.models import UsageHourly
from usage.rollups import usage_rollup

WINDOW = {"since": SINCE, "until": UNTIL}


def test_per_day_calls_errors_refusals_cost_tokens_and_p95(known_usage):
    trend = reports.usage_trend(**WINDOW)

    assert trend["step"] == "day"
    rows = [
        (p["start"].isoformat(), p["calls"], p["errors"], p["quota_refusals"], p["cost_usd"])
        for p in trend["points"]
    ]
    assert rows == [
        ("2026-03-01", 3, 1, 0, Decimal("0.00013500")),
        ("2026-03-02", 3, 0, 0, Decimal("0.01072500")),
        ("2026-03-03", 2, 0, 1, Decimal("0.00000800")),
    ]
    first, second, third = trend["points"]
    assert (first["input_tokens"], first["output_tokens"]) == (300, 150)
    # attempts that reached a provider: 100, 200, 300 ms; the cache hit of the 2nd is left out
    assert first["p95_ms"] == 290.0 and second["p95_ms"] == 970.0 and third["p95_ms"] == 150.0


def test_up_to_48_hours_the_steps_are_hours_every_one_present(known_usage):
    trend = reports.usage_trend(since=march(1, 0), until=march(3, 0))

    assert trend["step"] == "hour" and len(trend["points"]) == 48
    busy = {p["start"].hour: p["calls"] for p in trend["points"][:24] if p["calls"]}
    assert busy == {10: 1, 11: 1, 12: 1}
    assert trend["points"][12]["errors"] == 1 and trend["points"][12]["p95_ms"] == 300.0
    assert trend["points"][0]["p95_ms"] is None  # no calls: no latency, not zero
    assert reports.trend_step(since=march(1, 0), until=march(3, 0, 1)) == "day"


def test_top_error_codes_with_their_share_of_calls(known_usage):
    assert reports.top_error_codes(**WINDOW) == [
        {"code": "PROVIDER_ERROR", "count": 1, "share": 0.125, "quota": False},
        {"code": "QUOTA_EXCEEDED", "count": 1, "share": 0.125, "quota": True},
    ]


def test_provider_glance_per_config(known_usage):
    glance = reports.provider_glance(**WINDOW)

    openai, claude = known_usage["openai"], known_usage["claude"]
    assert glance[openai.pk] == {
        "provider": "openai main",
        "calls": 4,
        "errors": 1,
        "error_rate": 0.25,
        "p95_ms": 895.0,
        "cost_usd": Decimal("0.00036000"),
    }
    assert glance[claude.pk]["calls"] == 1  # its cache hit reached no provider
    assert glance[claude.pk]["cost_usd"] == Decimal("0.01050000")
    assert None not in glance  # the env-only gemini test is not a config of the list


WINDOWS = {
    "the last 24 hours": (NOW - timedelta(hours=24), NOW),
    "48 hours of whole hours": (at(2), NOW),
    "past the newest watermark": (at(1, 11, 30), NOW + timedelta(hours=1)),
    "whole days": (at(6), at(1)),
    "to now, today included": (at(4, 11), NOW),
}


def everything(since, until) -> dict:
    window = {"since": since, "until": until}
    return {
        "trend": reports.usage_trend(**window),
        "errors": reports.top_error_codes(**window),
        "glance": reports.provider_glance(**window),
    }


def _without_p95(value):
    if isinstance(value, dict):
        return {k: _without_p95(v) for k, v in value.items() if k != "p95_ms"}
    if isinstance(value, list):
        return [_without_p95(v) for v in value]
    return value


def _p95s(result) -> list:
    return [p["p95_ms"] for p in result["trend"]["points"]] + [
        g["p95_ms"] for _, g in sorted(result["glance"].items())
    ]


@pytest.mark.parametrize("name", WINDOWS)
def test_the_same_from_the_rollups_as_from_the_log(spread, name):  # noqa: F811
    since, until = WINDOWS[name]
    raw = everything(since, until)
    for back in range(7, -1, -1):
        usage_rollup(day=day(back))
    rolled = everything(since, until)

    assert _without_p95(rolled) == _without_p95(raw)
    for approx, exact in zip(_p95s(rolled), _p95s(raw), strict=True):
        assert (approx is None) == (exact is None)
        if exact is not None:
            assert abs(approx - exact) <= 0.01 * exact
    # and the trend adds up to the period's own reports
    totals = reports.usage_totals(since=since, until=until)
    refused = reports.quota_exceeded_count(since=since, until=until)
    points = rolled["trend"]["points"]
    assert sum(p["calls"] for p in points) == totals["calls"] > 0
    assert sum(p["quota_refusals"] for p in points) == refused
    assert sum(p["errors"] for p in points) == totals["errors"] - refused
    assert sum(p["cost_usd"] for p in points) == totals["cost_usd"]
    assert sum(p["input_tokens"] + p["output_tokens"] for p in points) == totals["total_tokens"]


def test_rolled_up_hours_are_read_from_the_hourly_rollup(spread):  # noqa: F811
    usage_rollup(day=day(1))
    window = {"since": at(1), "until": at(0)}
    before = everything(**window)
    UsageLog.objects.filter(created_at__gte=at(1), created_at__lt=at(0)).delete()

    assert UsageHourly.objects.filter(hour__gte=at(1), hour__lt=at(0)).exists()
    assert everything(**window) == before
    assert sum(p["calls"] for p in before["trend"]["points"]) == 9  # day 1 has 9 rows


def test_an_hour_and_a_day_read_partly_from_the_rollup_and_partly_from_the_log(spread):  # noqa: F811
    usage_rollup(day=day(0))  # today up to a minute before noon
    # after its watermark (a row created before it but written later waits for the next rollup)
    log_usage(at=NOW - timedelta(seconds=30), input_tokens=5, cost="0.5", latency_ms=10)
    log_usage(at=NOW - timedelta(seconds=45), input_tokens=5, cost="0.25", latency_ms=10)

    for since, step in ((NOW - timedelta(hours=3), timedelta(hours=1)), (at(2), timedelta(days=1))):
        until = NOW + timedelta(minutes=1)
        for point in reports.usage_trend(since=since, until=until)["points"]:
            start = point["start"]
            start = start if step.seconds else at(0) - timedelta(days=(day(0) - start).days)
            rows = UsageLog.objects.filter(
                created_at__gte=max(start, since), created_at__lt=min(start + step, until)
            )
            assert point["calls"] == rows.count(), start
            assert point["cost_usd"] == sum(r.cost_usd for r in rows), start
    last_hour = reports.usage_trend(since=NOW - timedelta(hours=3), until=NOW)["points"][-1]
    assert last_hour["calls"] == 3 and last_hour["cost_usd"] == Decimal("0.75")  # + a cache hit
