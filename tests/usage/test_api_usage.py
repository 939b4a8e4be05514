"""GET /api/v1/usage and /api/v1/usage/logs: a user's own calls, tokens and cost, and limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from billing.services import subscription_set_plan
from orchestrator.models import ProviderConfig, UsageLog
from tests.fixtures.api import assert_error
from usage.selectors import usage_summary

pytestmark = pytest.mark.django_db


def log(
    user, task: str, tokens: tuple[int, int], cost: str, at: dt.datetime | None = None, **fields
) -> UsageLog:
    fields.setdefault("status", "success")
    row = UsageLog.objects.create(
        user=user,
        task_type=task,
        provider_type="openai",
        model="gpt-4o-mini",
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        total_tokens=sum(tokens),
        cost_usd=Decimal(cost),
        request_id="r",
        **fields,
    )
    if at is not None:  # created_at is auto_now_add; move the row in time afterwards
        UsageLog.objects.filter(pk=row.pk).update(created_at=at)
    return row


def start_of_month(now: dt.datetime) -> dt.datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def test_usage_counts_my_calls_today_and_this_month_against_my_plan(api_client, user, other_user):
    last_month = start_of_month(timezone.now()) - dt.timedelta(seconds=1)
    log(user, "extraction", (1000, 200), "0.00080000")
    log(user, "cv_draft", (3000, 1500), "0.01234567")
    log(user, "extraction", (0, 0), "0", status="error", error_code="PROVIDER_ERROR")
    # A cache hit spends nothing: no tokens, no cost, only what it saved.
    log(user, "extraction", (0, 0), "0", cache_hit=True, saved_cost_usd=Decimal("0.0008"))
    log(user, "extraction", (99_999, 1), "9.99999999", at=last_month)
    log(other_user, "extraction", (50_000, 50_000), "5.00000000")

    response = api_client.get("/api/v1/usage")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["plan"] == {
        "code": "FREEMIUM",
        "name": "Freemium",
        "daily_token_limit": 20_000,
        "monthly_token_limit": 200_000,
        "monthly_cost_limit_usd": "1.000000",
    }
    for period in ("today", "month"):
        usage = data[period]
        assert usage["calls"] == 4
        assert usage["errors"] == 1
        assert usage["cache_hits"] == 1
        assert (usage["input_tokens"], usage["output_tokens"], usage["tokens"]) == (
            4000,
            1700,
            5700,
        )
        assert usage["cost_usd"] == "0.01314567"
        assert usage["by_task"] == [
            {"task": "cv_draft", "calls": 1, "errors": 0, "tokens": 4500, "cost_usd": "0.01234567"},
            {
                "task": "extraction",
                "calls": 3,
                "errors": 1,
                "tokens": 1200,
                "cost_usd": "0.00080000",
            },
        ]
    assert data["remaining"] == {
        "daily_tokens": 20_000 - 5700,
        "monthly_tokens": 200_000 - 5700,
        "monthly_cost_usd": "0.98685433",
    }


def test_remaining_never_goes_below_zero_and_follows_the_plan(api_client, user):
    log(user, "cv_draft", (30_000, 0), "2.00000000")

    data = api_client.get("/api/v1/usage").json()["data"]
    assert data["remaining"] == {
        "daily_tokens": 0,
        "monthly_tokens": 170_000,
        "monthly_cost_usd": "0.00000000",
    }

    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")
    data = api_client.get("/api/v1/usage").json()["data"]
    assert data["plan"]["code"] == "PRO_MONTHLY"
    assert data["remaining"]["daily_tokens"] == 1_000_000 - 30_000


def test_a_new_user_has_used_nothing(api_client):
    data = api_client.get("/api/v1/usage").json()["data"]

    assert data["today"]["calls"] == data["month"]["calls"] == 0
    assert data["today"]["cost_usd"] == "0.00000000"
    assert data["today"]["by_task"] == []
    assert data["remaining"]["daily_tokens"] == 20_000


def test_days_and_months_are_utc_periods(user):
    now = dt.datetime(2026, 3, 15, 0, 30, tzinfo=dt.UTC)
    log(user, "extraction", (10, 0), "0.00000010", at=now - dt.timedelta(minutes=40))  # 14th
    log(user, "extraction", (20, 0), "0.00000020", at=now - dt.timedelta(days=14))  # 1st
    log(user, "extraction", (40, 0), "0.00000040", at=now - dt.timedelta(days=15))  # February
    log(user, "extraction", (80, 0), "0.00000080", at=now)

    summary = usage_summary(user=user, now=now)

    assert summary["today"].start == dt.datetime(2026, 3, 15, tzinfo=dt.UTC)
    assert summary["today"].tokens == 80
    assert summary["month"].start == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert summary["month"].tokens == 110
    assert summary["month"].cost_usd == Decimal("0.00000110")


def test_logs_list_my_rows_newest_first_without_provider_internals(api_client, user, other_user):
    config = ProviderConfig.objects.create(
        name="Team OpenAI", provider_type="openai", fast_model="gpt-4o-mini", quality_model="gpt-4o"
    )
    old = log(
        user,
        "extraction",
        (10, 5),
        "0.00000100",
        provider_config=config,
        at=timezone.now() - dt.timedelta(hours=1),
    )
    new = log(
        user,
        "cv_draft",
        (0, 0),
        "0",
        status="error",
        error_code="PROVIDER_TIMEOUT",
        error_message="timeout: The AI provider did not answer in time.",
        provider_config=config,
    )
    log(other_user, "extraction", (1, 1), "0.1")

    response = api_client.get("/api/v1/usage/logs")

    assert response.status_code == 200
    page = response.json()["data"]
    assert page["count"] == 2
    assert [row["id"] for row in page["results"]] == [new.pk, old.pk]
    latest = page["results"][0]
    assert latest["error_code"] == "PROVIDER_TIMEOUT"
    assert latest["status"] == "error"
    assert page["results"][1]["cost_usd"] == "0.00000100"
    assert page["results"][1]["total_tokens"] == 15
    assert "provider_config" not in latest and "provider_config_id" not in latest
    assert "Team OpenAI" not in response.content.decode()
    assert "user" not in latest


def test_usage_needs_credentials():
    anonymous = APIClient()

    assert_error(anonymous.get("/api/v1/usage"), 401, "UNAUTHORIZED")
    assert_error(anonymous.get("/api/v1/usage/logs"), 401, "UNAUTHORIZED")
