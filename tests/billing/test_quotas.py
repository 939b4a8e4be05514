"""Quotas: reserve before the call, settle after, refuse with 429 when a limit would pass."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from billing.models import Plan, QuotaCounter
from billing.quotas import quota_reserve, quota_reset, quota_settle
from core import errors
from orchestrator.models import UsageLog
from orchestrator.request import AIRequest
from orchestrator.services import generate
from tests.support.doubles import Reply
from tests.support.quota import concurrent_cv_drafts, quota_counters

pytestmark = pytest.mark.django_db


def set_limits(daily=None, monthly=None, cost=None) -> Plan:
    Plan.objects.filter(code="FREEMIUM").update(
        daily_token_limit=daily, monthly_token_limit=monthly, monthly_cost_limit_usd=cost
    )
    return Plan.objects.get(code="FREEMIUM")


def test_a_call_reserves_then_settles_to_the_real_usage(make_provider, openai_double, user):
    make_provider(openai_double)
    openai_double.script(Reply.ok("x", input_tokens=300, output_tokens=100, thinking_tokens=0))

    result = generate(user=user, task="extraction", prompt="hello")

    counters = quota_counters(user_id=user.pk)
    for period in ("day", "month"):
        assert counters[period].tokens_used == 400 and counters[period].tokens_reserved == 0
        assert counters[period].cost_used_usd == result.cost_usd
        assert counters[period].cost_reserved_usd == 0


def test_a_failed_call_releases_its_reservation(make_provider, openai_double, user, settings):
    settings.OFFLINE_PROVIDER_ENABLED = False
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    make_provider(openai_double)
    openai_double.script(Reply.error(500))

    with pytest.raises(errors.ProviderFailed):
        generate(user=user, task="extraction", prompt="hello")

    day = quota_counters(user_id=user.pk)["day"]
    assert (day.tokens_used, day.tokens_reserved, day.cost_reserved_usd) == (0, 0, 0)


def test_over_quota_is_429_with_the_limit_reset_time_and_a_logged_row(
    make_provider, openai_double, user
):
    make_provider(openai_double)
    set_limits(daily=1000)

    with pytest.raises(errors.QuotaExceeded) as caught:
        generate(user=user, task="extraction", prompt="hello", max_tokens=2000)

    error = caught.value
    assert (error.status, error.code) == (429, "QUOTA_EXCEEDED")
    assert "daily token limit of 1,000" in error.message and "resets at" in error.message
    assert 0 < int(error.headers["Retry-After"]) <= 24 * 3600
    assert openai_double.request_count == 0  # no provider call
    row = UsageLog.objects.get()
    assert (row.status, row.error_code, row.provider_type) == ("error", "QUOTA_EXCEEDED", "")


def test_the_monthly_cost_limit_is_enforced(user):
    plan = set_limits(cost=Decimal("0.50"))
    quota_reserve(user_id=user.pk, plan=plan, tokens=10, cost=Decimal("0.40"))

    with pytest.raises(errors.QuotaExceeded, match=r"monthly cost limit of \$0.50"):
        quota_reserve(user_id=user.pk, plan=plan, tokens=10, cost=Decimal("0.20"))


def test_days_and_months_are_utc_and_reset_at_the_boundary(user):
    plan = set_limits(daily=100, monthly=150)
    late = dt.datetime(2026, 3, 31, 23, 59, tzinfo=dt.UTC)
    quota_settle(
        quota_reserve(user_id=user.pk, plan=plan, tokens=100, cost=Decimal(0), now=late),
        tokens=100,
        cost=Decimal(0),
    )

    with pytest.raises(errors.QuotaExceeded) as caught:
        quota_reserve(user_id=user.pk, plan=plan, tokens=1, cost=Decimal(0), now=late)
    assert caught.value.headers["Retry-After"] == "60"  # midnight UTC is a minute away

    next_day = late + dt.timedelta(minutes=2)  # 1 April: a new day and a new month
    quota_reserve(user_id=user.pk, plan=plan, tokens=100, cost=Decimal(0), now=next_day)


def test_an_admin_reset_clears_used_but_keeps_reservations_in_flight(user):
    plan = set_limits(daily=1000)
    done = quota_reserve(user_id=user.pk, plan=plan, tokens=600, cost=Decimal(0))
    quota_settle(done, tokens=600, cost=Decimal(0))
    in_flight = quota_reserve(user_id=user.pk, plan=plan, tokens=300, cost=Decimal(0))

    quota_reset(user_id=user.pk)

    day = quota_counters(user_id=user.pk)["day"]
    assert (day.tokens_used, day.tokens_reserved) == (0, 300)
    quota_settle(in_flight, tokens=250, cost=Decimal(0))
    day = quota_counters(user_id=user.pk)["day"]
    assert (day.tokens_used, day.tokens_reserved) == (250, 0)


def test_a_call_whose_reservation_was_lost_settles_without_a_negative_hold(user):
    """A reservation's commit does not wait for the disk, so a database crash may lose it;
    its call still settles: the tokens count as used and the hold stays at zero (a negative
    hold would let later calls past the limit)."""
    plan = set_limits(daily=10_000)
    lost = quota_reserve(user_id=user.pk, plan=plan, tokens=3000, cost=Decimal("0.30"))
    held = quota_reserve(user_id=user.pk, plan=plan, tokens=2000, cost=Decimal("0.20"))
    # What a crash leaves: the first reservation never happened.
    QuotaCounter.objects.filter(user=user).update(
        tokens_reserved=2000, cost_reserved_usd=Decimal("0.20")
    )

    quota_settle(lost, tokens=2500, cost=Decimal("0.25"))

    day = quota_counters(user_id=user.pk)["day"]
    assert (day.tokens_used, day.tokens_reserved) == (2500, 0)
    assert (day.cost_used_usd, day.cost_reserved_usd) == (Decimal("0.25"), 0)
    # The limit still holds: 2,500 used, so 7,500 fit and 7,501 do not.
    quota_settle(held, tokens=0, cost=Decimal(0))
    quota_reserve(user_id=user.pk, plan=plan, tokens=7500, cost=Decimal(0))
    with pytest.raises(errors.QuotaExceeded):
        quota_reserve(user_id=user.pk, plan=plan, tokens=1, cost=Decimal(0))


# Skipped before any setup on SQLite: a transactional test's flush recreates the content
# types under new ids, which breaks a later test that restores serialized data.
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL row locks (SQLite serialises writers); CI runs this.",
)


# serialized_rollback: the flush after a committing test must not rebuild content types
# under new ids, which breaks later tests that restore serialized data.
@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_50_concurrent_calls_for_a_quota_that_fits_10_let_exactly_10_through(
    make_provider, openai_double, user
):
    make_provider(openai_double)
    request = AIRequest(task="extraction", prompt="x" * 400, max_tokens=1000)
    per_call = request.estimated_tokens()
    set_limits(daily=10 * per_call)
    # The vendor reports exactly the estimate, so settling cannot free room for an 11th.
    openai_double.default = Reply.slow(
        0.05,
        then=Reply.ok("ok", input_tokens=per_call - 1000, output_tokens=1000, thinking_tokens=0),
    )
    outcomes = concurrent_cv_drafts(user=user, prompt=request.prompt)

    assert (outcomes.count("ok"), outcomes.count("quota")) == (10, 40)
    assert openai_double.request_count == 10
    day = quota_counters(user_id=user.pk)["day"]
    logged = sum(UsageLog.objects.filter(status="success").values_list("total_tokens", flat=True))
    assert day.tokens_used == logged == 10 * per_call and day.tokens_reserved == 0
    assert UsageLog.objects.filter(error_code="QUOTA_EXCEEDED").count() == 40


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reservations_and_settlements_racing_on_one_users_rows_never_deadlock(user):
    plan = set_limits()
    errors_seen: list[Exception] = []
    start = threading.Barrier(16)

    def pairs():
        try:
            start.wait()
            for _ in range(25):
                held = quota_reserve(user_id=user.pk, plan=plan, tokens=100, cost=Decimal("0.01"))
                quota_settle(held, tokens=40, cost=Decimal("0.004"))
        except Exception as exc:  # a deadlock surfaces as an OperationalError
            errors_seen.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pairs) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors_seen == []
    for counter in quota_counters(user_id=user.pk).values():
        assert (counter.tokens_used, counter.tokens_reserved) == (16 * 25 * 40, 0)
        assert counter.cost_used_usd == Decimal("1.6") and counter.cost_reserved_usd == 0
