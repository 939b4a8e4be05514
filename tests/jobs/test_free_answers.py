"""Free answers (the offline provider, JSON-LD) spend no token or cost quota.

They are still logged (an offline answer is a UsageLog row like any other) and the per-user
request throttle still applies.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import Plan
from orchestrator.models import UsageLog
from tests.fixtures.api import assert_error
from tests.fixtures.jobs import EXTRACT, html_route
from tests.support.doubles import Reply
from tests.support.quota import quota_counters

pytestmark = pytest.mark.django_db

PAGES = 12  # a Freemium day of 20,000 tokens used to refuse the seventh offline page


def counters(user) -> list[tuple[int, int, Decimal, Decimal]]:
    """(tokens used, tokens held, cost used, cost held) of the user's day and month."""
    rows = quota_counters(user_id=user.pk).values()
    return [(r.tokens_used, r.tokens_reserved, r.cost_used_usd, r.cost_reserved_usd) for r in rows]


@pytest.fixture
def pages(job_site):
    for n in range(PAGES + 1):
        job_site.routes[f"/job/{n}"] = html_route("brightside_no_jsonld.html")
    return job_site


def test_a_new_freemium_user_without_any_key_extracts_page_after_page(
    api_client, user, pages, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"ai_burst": f"{PAGES}/min", "ai_sustained": "500/day"},
    }

    statuses = [
        api_client.post(EXTRACT, {"url": pages.url(f"/job/{n}")}, format="json").status_code
        for n in range(PAGES)
    ]

    assert statuses == [201] * PAGES
    rows = UsageLog.objects.filter(user=user)
    assert rows.count() == PAGES
    assert {(r.provider_type, r.status) for r in rows} == {("offline", "success")}
    assert all(r.total_tokens > 0 for r in rows)  # logged with what the provider reports
    assert counters(user) == [(0, 0, 0, 0)] * 2
    usage = api_client.get("/api/v1/usage").json()["data"]
    assert usage["remaining"]["daily_tokens"] == 20_000
    # The request throttle still counts free answers.
    refused = api_client.post(EXTRACT, {"url": pages.url(f"/job/{PAGES}")}, format="json")
    assert_error(refused, 429, "RATE_LIMITED")


def test_a_used_up_quota_does_not_refuse_an_offline_only_chain(api_client, user, pages):
    Plan.objects.filter(code="FREEMIUM").update(daily_token_limit=100)

    response = api_client.post(EXTRACT, {"url": pages.url("/job/0")}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["data"]["extracted_by"] == "offline"


def test_a_json_ld_page_takes_no_quota(api_client, user, job_site):
    response = api_client.post(EXTRACT, {"url": job_site.url("/acme")}, format="json")

    assert response.json()["data"]["extracted_by"] == "jsonld"
    assert counters(user) == [(0, 0, 0, 0)] * 2


def test_a_reservation_for_a_failing_vendor_is_released_when_offline_answers(
    api_client, user, pages, ai, settings
):
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    ai.default = Reply.error(503)

    response = api_client.post(EXTRACT, {"url": pages.url("/job/0")}, format="json")

    assert response.json()["data"]["extracted_by"] == "offline"
    assert counters(user) == [(0, 0, 0, 0)] * 2


def test_tokens_a_vendor_spent_count_but_the_offline_answer_does_not(api_client, user, pages, ai):
    ai.default = Reply.ok("no JSON here", input_tokens=500, output_tokens=120, thinking_tokens=0)

    response = api_client.post(EXTRACT, {"url": pages.url("/job/0")}, format="json")

    assert response.json()["data"]["extracted_by"] == "offline"
    vendor_cost = sum(r.cost_usd for r in UsageLog.objects.filter(provider_type="openai"))
    # The answer and its repair, 620 tokens each; nothing held any more.
    assert counters(user)[0] == (2 * 620, 0, vendor_cost, 0) and vendor_cost > 0


def test_with_a_vendor_in_the_chain_a_used_up_quota_is_still_refused(api_client, user, pages, ai):
    Plan.objects.filter(code="FREEMIUM").update(daily_token_limit=100)

    response = api_client.post(EXTRACT, {"url": pages.url("/job/0")}, format="json")

    assert_error(response, 429, "QUOTA_EXCEEDED")
    assert ai.request_count == 0
