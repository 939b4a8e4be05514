"""A user's own limits in place of their plan's: enforced by the same atomic reservation,
remembered with the plan (no query per call), shown on GET /api/v1/usage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Plan, UserLimits
from billing.quotas import quota_reserve
from core import errors
from orchestrator.models import UsageLog
from orchestrator.request import AIRequest
from orchestrator.services import generate
from orchestrator.snapshot import limits_for_user, plan_and_own_limits
from tests.billing.test_quotas import POSTGRESQL_ONLY
from tests.support.doubles import Reply
from tests.support.quota import concurrent_cv_drafts, quota_counters

pytestmark = pytest.mark.django_db


def freemium(daily=None, monthly=None, cost=None) -> Plan:
    Plan.objects.filter(code="FREEMIUM").update(
        daily_token_limit=daily, monthly_token_limit=monthly, monthly_cost_limit_usd=cost
    )
    return Plan.objects.get(code="FREEMIUM")


def test_a_lower_own_daily_limit_refuses_what_the_plan_allows(make_provider, openai_double, user):
    make_provider(openai_double)
    freemium(daily=1_000_000)
    UserLimits.objects.create(user=user, daily_token_limit=1000)

    with pytest.raises(errors.QuotaExceeded) as caught:
        generate(user=user, task="extraction", prompt="hello", max_tokens=2000)

    assert caught.value.status == 429
    assert "Your own daily token limit of 1,000 is reached" in caught.value.message
    assert openai_double.request_count == 0
    assert UsageLog.objects.get().error_code == "QUOTA_EXCEEDED"


def test_a_higher_own_limit_lets_through_what_the_plan_refuses(make_provider, openai_double, user):
    make_provider(openai_double)
    freemium(daily=1000)
    openai_double.script(Reply.ok("x", input_tokens=1500, output_tokens=500, thinking_tokens=0))
    UserLimits.objects.create(user=user, daily_token_limit=10_000)

    generate(user=user, task="extraction", prompt="hello", max_tokens=2000)

    assert quota_counters(user_id=user.pk)["day"].tokens_used == 2000


def test_an_empty_own_field_keeps_the_plans_value(user):
    freemium(daily=100_000, cost=Decimal("0.50"))
    UserLimits.objects.create(user=user, monthly_token_limit=5_000_000)

    limits = limits_for_user(user=user)
    plan, own = plan_and_own_limits(user=user)
    with pytest.raises(errors.QuotaExceeded, match=r"Freemium plan's monthly cost limit of \$0.50"):
        quota_reserve(user_id=user.pk, plan=plan, own=own, tokens=10, cost=Decimal("0.51"))
    assert (limits.daily_tokens, limits.monthly_tokens) == (100_000, 5_000_000)
    assert limits.monthly_cost_usd == Decimal("0.50") and limits.own == {"monthly_tokens"}


def test_an_edit_of_own_limits_reaches_the_next_call_with_no_query_per_call(
    make_provider, openai_double, user
):
    make_provider(openai_double)
    freemium(daily=1_000_000)
    openai_double.default = Reply.ok("x", input_tokens=10, output_tokens=10, thinking_tokens=0)
    generate(user=user, task="extraction", prompt="warm", use_cache=False)

    with CaptureQueriesContext(connection) as calls:
        generate(user=user, task="extraction", prompt="again", use_cache=False)
    assert not [q for q in calls.captured_queries if "billing_userlimits" in q["sql"]]

    own = UserLimits.objects.create(user=user, daily_token_limit=30)  # the signal forgets
    with pytest.raises(errors.QuotaExceeded, match="Your own daily token limit of 30"):
        generate(user=user, task="extraction", prompt="refused", use_cache=False)

    own.delete()
    generate(user=user, task="extraction", prompt="the plan's again", use_cache=False)


def test_usage_shows_the_limits_in_force_and_which_are_my_own(api_client, user):
    freemium(daily=20_000, monthly=200_000, cost=Decimal("1"))
    UserLimits.objects.create(user=user, daily_token_limit=500, monthly_cost_limit_usd=Decimal(5))

    data = api_client.get("/api/v1/usage").json()["data"]

    assert data["plan"]["daily_token_limit"] == 20_000  # the plan's own value, for reference
    assert data["limits"] == {
        "daily_tokens": 500,
        "monthly_tokens": 200_000,
        "monthly_cost_usd": "5.00000000",
        "own": ["daily_tokens", "monthly_cost_usd"],
    }
    assert data["remaining"]["daily_tokens"] == 500
    assert data["remaining"]["monthly_cost_usd"] == "5.00000000"


def test_without_own_limits_usage_says_none_are_own(api_client, user):
    data = api_client.get("/api/v1/usage").json()["data"]

    assert data["limits"]["own"] == []
    assert data["limits"]["daily_tokens"] == data["plan"]["daily_token_limit"]


# serialized_rollback: see test_quotas' concurrent test.
@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_50_concurrent_calls_for_an_own_limit_that_fits_10_let_exactly_10_through(
    make_provider, openai_double, user
):
    make_provider(openai_double)
    request = AIRequest(task="extraction", prompt="x" * 400, max_tokens=1000)
    per_call = request.estimated_tokens()
    freemium(daily=1000 * per_call)  # the plan would let all 50 through
    UserLimits.objects.create(user=user, daily_token_limit=10 * per_call)
    openai_double.default = Reply.slow(
        0.05,
        then=Reply.ok("ok", input_tokens=per_call - 1000, output_tokens=1000, thinking_tokens=0),
    )
    outcomes = concurrent_cv_drafts(user=user, prompt=request.prompt)

    assert (outcomes.count("ok"), outcomes.count("quota")) == (10, 40)
    assert openai_double.request_count == 10
    day = quota_counters(user_id=user.pk)["day"]
    assert day.tokens_used == 10 * per_call and day.tokens_reserved == 0
