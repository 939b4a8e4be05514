"""Every way a CV draft request can fail, each with its error code and status."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from billing.services import subscription_set_plan
from cvs.models import CVDraft
from orchestrator.models import UsageLog
from tests.fixtures.profiles import DRAFT_URL, GOOD_CV, SPARSE, vendor_bodies
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def error_of(response) -> tuple[int, str]:
    body = response.json()
    assert body["success"] is False
    assert body["message"]
    return response.status_code, body["error_code"]


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "job_id: This field is required."),
        ({"job_id": "seven"}, "job_id: A valid integer is required."),
        ({"job_id": 0}, "job_id: Ensure this value is greater than or equal to 1."),
        ({"job_id": 1, "force": "maybe"}, "force: Must be a valid boolean."),
    ],
)
def test_a_bad_request_body_is_invalid_input(api_client, with_profile, body, message):
    response = api_client.post(DRAFT_URL, body, format="json")

    assert error_of(response) == (400, "INVALID_INPUT")
    assert response.json()["message"] == message


def test_another_users_job_is_not_found(api_client, with_profile, other_user, make_job):
    theirs = make_job(other_user)

    response = api_client.post(DRAFT_URL, {"job_id": theirs.pk}, format="json")

    assert error_of(response) == (404, "NOT_FOUND")
    assert response.json()["message"] == "No such job."
    assert not UsageLog.objects.exists()


def test_a_missing_job_is_not_found(api_client, with_profile):
    response = api_client.post(DRAFT_URL, {"job_id": 987654}, format="json")

    assert error_of(response) == (404, "NOT_FOUND")


@pytest.mark.parametrize("profile", [None, {"basics": {"name": "Amara"}, "skills": []}])
def test_an_empty_profile_is_sent_to_be_filled_in_first(api_client, job, profile):
    if profile is not None:
        api_client.put("/api/v1/profile", {"data": profile}, format="json")

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert error_of(response) == (400, "INVALID_INPUT")
    assert "Fill in your profile first" in response.json()["message"]
    assert not UsageLog.objects.exists()


def test_a_profile_with_only_education_is_enough(api_client, job):
    api_client.put("/api/v1/profile", {"data": {"education": SPARSE["education"]}}, format="json")

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["data"]["content"]["experience"] == []


def test_drafting_needs_authentication(job):
    response = APIClient().post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert error_of(response) == (401, "UNAUTHORIZED")


def test_a_failing_provider_is_a_provider_error(
    api_client, settings, openai_double, make_provider, job, with_profile
):
    settings.OFFLINE_PROVIDER_ENABLED = False
    make_provider(openai_double)
    openai_double.default = Reply.error(503)

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert error_of(response) == (502, "PROVIDER_ERROR")
    assert "openai test is unavailable" in response.json()["message"]
    assert not CVDraft.objects.exists()
    errors = UsageLog.objects.filter(task_type="cv_draft", status="error")
    assert errors.count() == openai_double.request_count >= 1


def test_with_the_offline_provider_on_a_failing_vendor_falls_back_to_it(
    api_client, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    openai_double.default = Reply.error(503)

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["data"]["provider"] == "offline"


def test_no_provider_at_all_is_no_provider(api_client, settings, job, with_profile):
    settings.OFFLINE_PROVIDER_ENABLED = False

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert error_of(response) == (503, "NO_PROVIDER")


def test_an_answer_that_is_not_json_twice_is_bad_ai_output(
    api_client, settings, openai_double, make_provider, job, with_profile
):
    settings.OFFLINE_PROVIDER_ENABLED = False  # no other provider to fall through to
    make_provider(openai_double)
    openai_double.default = Reply.ok("Here is your CV: Amara Okafor, backend engineer.")

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert error_of(response) == (502, "BAD_AI_OUTPUT")
    assert "not valid JSON" in response.json()["message"]
    assert openai_double.request_count == 2
    assert not CVDraft.objects.exists()


def test_prose_from_a_compatible_server_falls_through_to_the_offline_provider(
    api_client, user, openai_double, make_provider, job, with_profile
):
    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")
    config = make_provider(
        openai_double,
        name="Local LLM",
        provider_type="openai_compatible",
        is_default=True,
        fast_model="llama3.1:8b",
        quality_model="qwen2.5:32b",
    )
    openai_double.default = Reply.ok("Here is your CV: Amara Okafor, backend engineer.")

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["data"]["provider"] == "offline"
    assert openai_double.request_count == 2  # the answer and its one repair
    rows = UsageLog.objects.filter(user=user).order_by("id")
    assert [(r.provider_type, r.tier, r.status, r.error_code) for r in rows] == [
        ("openai_compatible", "quality", "error", "BAD_AI_OUTPUT"),
        ("openai_compatible", "quality", "error", "BAD_AI_OUTPUT"),
        ("offline", "quality", "success", ""),
    ]
    assert rows[0].provider_config_id == rows[1].provider_config_id == config.pk


def test_a_bad_answer_is_retried_once_with_the_problem_fed_back(
    api_client, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    incomplete = {k: v for k, v in GOOD_CV.items() if k != "target"}
    openai_double.script(Reply.ok(json.dumps(incomplete)), Reply.ok(json.dumps(GOOD_CV)))

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["data"]["content"] == GOOD_CV
    assert "'target' is a required property" in vendor_bodies(openai_double)[1]


def test_a_malformed_vendor_body_twice_is_bad_ai_output(
    api_client, settings, anthropic_double, make_provider, job, with_profile
):
    settings.OFFLINE_PROVIDER_ENABLED = False
    make_provider(anthropic_double)
    anthropic_double.default = Reply.malformed()

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert error_of(response) == (502, "BAD_AI_OUTPUT")
    assert anthropic_double.request_count == 2


def test_drafting_is_rate_limited_per_user(api_client, other_client, settings, job, with_profile):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"ai_burst": "2/min", "ai_sustained": "500/day"},
    }

    codes = [
        api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json").status_code for _ in range(3)
    ]
    limited = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert codes == [201, 201, 429]
    assert error_of(limited) == (429, "RATE_LIMITED")
    assert int(limited["Retry-After"]) > 0
    # Another user has a budget of their own.
    assert other_client.post(DRAFT_URL, {"job_id": job.pk}, format="json").status_code == 404
