"""Every AI answer tells the caller what is left of their quota (X-Quota-* headers), the
streamed letter's included, worked out from the reservation's own statement."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Plan, QuotaCounter
from tests.fixtures.profiles import LETTER_URL
from tests.support.doubles import Reply, StreamReply

pytestmark = pytest.mark.django_db


def freemium() -> Plan:
    return Plan.objects.get(code="FREEMIUM")


def used_today(user) -> int:
    return QuotaCounter.objects.get(user=user, period="day").tokens_used


def test_a_letter_answer_carries_what_is_left_after_the_call(
    api_client, user, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(
        json.dumps(good_letter), input_tokens=1200, output_tokens=800, thinking_tokens=0
    )
    plan = freemium()

    response = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    assert used_today(user) == 2000
    assert response["X-Quota-Plan"] == "FREEMIUM"
    assert response["X-Quota-Daily-Tokens-Limit"] == str(plan.daily_token_limit)
    assert response["X-Quota-Daily-Tokens-Remaining"] == str(plan.daily_token_limit - 2000)
    assert response["X-Quota-Monthly-Tokens-Remaining"] == str(plan.monthly_token_limit - 2000)
    assert (
        0 < float(response["X-Quota-Monthly-Cost-Remaining"]) < float(plan.monthly_cost_limit_usd)
    )
    assert 0 < int(response["X-Quota-Daily-Reset"]) <= 86400
    assert len(response["X-Request-Id"]) == 36


def test_the_headers_cost_no_query_of_their_own_on_a_paid_call(
    api_client, user, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(json.dumps(good_letter))
    api_client.post(LETTER_URL, {"job_id": job.pk}, format="json")  # counters exist from here

    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(LETTER_URL, {"job_id": job.pk, "force": True}, format="json")

    assert response.status_code == 201 and "X-Quota-Daily-Tokens-Remaining" in response
    # The reservation's and the settlement's statements hold the counters; no read of them.
    reads = [q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT")]
    assert reads and not [sql for sql in reads if "quotacounter" in sql]


def test_the_streamed_letter_carries_the_quota_held_for_it(
    api_client, user, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    openai_double.default = StreamReply.of(json.dumps(good_letter))

    response = api_client.post(f"{LETTER_URL}/stream", {"job_id": job.pk}, format="json")

    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    remaining = int(response["X-Quota-Daily-Tokens-Remaining"])
    assert 0 <= remaining < freemium().daily_token_limit  # the estimate is held while it streams
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("event: start") and "event: done" in body


def test_a_free_answer_tells_the_quota_too(api_client, user, job, with_profile):
    response = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json")  # offline

    assert response.status_code == 201
    assert response["X-Quota-Daily-Tokens-Remaining"] == str(freemium().daily_token_limit)


def test_an_answer_without_an_ai_call_has_no_quota_headers(api_client, job):
    response = api_client.get(f"/api/v1/jobs/{job.pk}")

    assert response.status_code == 200 and "X-Quota-Plan" not in response
