"""POST /api/v1/job-extractor/extract with pasted text or a screenshot, and the input rules."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from jobs.models import Job
from tests.fixtures.api import assert_error, usage_rows
from tests.fixtures.jobs import EXTRACT, job_answer, png, upload
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db

POSTING = (Path(__file__).resolve().parents[1] / "data" / "jobs" / "plain_posting.txt").read_text()
RELEVANT = json.dumps({"is_job_posting": True, "reason": "A job advertisement with text."})


# --- Text ------------------------------------------------------------------------------------


def test_pasted_text_goes_to_the_ai_and_becomes_a_job(api_client, ai, user):
    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    job = response.json()["data"]
    assert job["source"] == "text"
    assert job["source_url"] == ""
    assert job["title"] == "Customer Success Manager"  # the double's answer
    assert job["extracted_by"] == "openai"
    assert job["model"] == "gpt-6-luna"
    assert "Lumen Labs makes accessibility testing tools" in json.dumps(ai.requests[0].body)
    [row] = usage_rows(user)
    assert Job.objects.get(pk=job["id"]).usage_log_id == row.pk


def test_pasted_text_with_only_the_offline_provider_is_extracted_offline(api_client):
    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    job = response.json()["data"]
    assert job["extracted_by"] == "offline"
    assert job["prompt_version"] == "extraction@1"
    assert job["title"] == "Frontend Developer"
    assert job["company"] == "Lumen Labs"
    assert "React" in job["skills"]


def test_pasted_text_twice_makes_two_jobs(api_client, ai):
    first = api_client.post(EXTRACT, {"text": POSTING}, format="json")
    second = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert first.status_code == second.status_code == 201
    assert first.json()["data"]["id"] != second.json()["data"]["id"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "text is empty"),
        ("   \n\t  ", "text is empty"),
        ("Engineer wanted", "too short (15 characters)"),
        ("x" * 50_001, "too long (50001 characters)"),
    ],
)
def test_text_outside_the_limits_is_invalid_input(api_client, ai, text, words):
    response = api_client.post(EXTRACT, {"text": text}, format="json")

    assert_error(response, 400, "INVALID_INPUT", words)
    assert ai.request_count == 0
    assert Job.objects.count() == 0


def test_the_limits_come_from_settings(api_client, ai, settings):
    settings.TEXT_MIN_CHARS = 10
    settings.TEXT_MAX_CHARS = 20

    assert api_client.post(EXTRACT, {"text": "Engineer wanted"}, format="json").status_code == 201
    assert_error(
        api_client.post(EXTRACT, {"text": "Senior engineer wanted now"}, format="json"),
        400,
        "INVALID_INPUT",
        "the limit is 20 characters",
    )


# --- The one-input rule ----------------------------------------------------------------------


def test_no_input_names_the_rule(api_client, ai):
    assert_error(
        api_client.post(EXTRACT, {}, format="json"),
        400,
        "INVALID_INPUT",
        "exactly one of url, text or image",
    )


def test_two_inputs_name_the_rule_and_the_culprits(api_client, ai):
    response = api_client.post(
        EXTRACT, {"url": "https://jobs.example.com/1", "text": POSTING}, format="json"
    )

    assert_error(
        response, 400, "INVALID_INPUT", "exactly one of url, text or image", "url and text"
    )


def test_text_and_image_together_are_refused(api_client, ai):
    response = api_client.post(
        EXTRACT, {"text": POSTING, "image": upload(png())}, format="multipart"
    )

    assert_error(response, 400, "INVALID_INPUT", "text and image")
    assert ai.request_count == 0


def test_a_malformed_json_body_is_invalid_input(api_client):
    response = api_client.generic("POST", EXTRACT, "{not json", content_type="application/json")

    assert_error(response, 400, "INVALID_INPUT")


# --- Image -----------------------------------------------------------------------------------


@pytest.mark.parametrize("vendor", ["openai", "anthropic", "gemini"])
def test_a_screenshot_is_checked_then_read_by_a_vision_provider(
    vendor, request, api_client, make_provider, user
):
    double = request.getfixturevalue(f"{vendor}_double")
    make_provider(double)
    double.script(Reply.ok(RELEVANT), Reply.ok(job_answer(title="Screenshot Engineer")))
    image = png()

    response = api_client.post(EXTRACT, {"image": upload(image)}, format="multipart")

    assert response.status_code == 201, response.json()
    job = response.json()["data"]
    assert job["source"] == "image"
    assert job["title"] == "Screenshot Engineer"
    assert job["extracted_by"] == vendor
    check, extraction = double.requests
    encodings = (base64.b64encode(image).decode(), base64.urlsafe_b64encode(image).decode())
    for seen in (check, extraction):
        assert any(encoded in json.dumps(seen.body) for encoded in encodings)
    assert "Is the attached image a job posting?" in json.dumps(check.body)
    assert [row.task_type for row in usage_rows(user)] == ["image_check", "extraction"]
    stored = Job.objects.get(pk=job["id"])
    import hashlib

    assert stored.image_sha256 == hashlib.sha256(image).hexdigest()


def test_an_image_that_is_not_a_job_posting_is_refused_with_the_reason(
    api_client, openai_double, make_provider
):
    make_provider(openai_double)
    openai_double.script(
        Reply.ok(json.dumps({"is_job_posting": False, "reason": "It shows a cat on a sofa."}))
    )

    response = api_client.post(EXTRACT, {"image": upload(png(text="meow"))}, format="multipart")

    assert_error(
        response, 400, "INVALID_INPUT", "does not look like a job posting", "cat on a sofa"
    )
    assert openai_double.request_count == 1  # no extraction after a failed check
    assert Job.objects.count() == 0


def test_a_screenshot_with_only_the_offline_provider_says_a_vision_provider_is_needed(api_client):
    response = api_client.post(EXTRACT, {"image": upload(png())}, format="multipart")

    assert_error(response, 503, "NO_PROVIDER", "vision-capable")
    assert Job.objects.count() == 0


def test_text_bytes_named_png_are_not_an_image(api_client, ai):
    fake = upload(b"<html>definitely not a picture</html>" * 20, "posting.png")

    response = api_client.post(EXTRACT, {"image": fake}, format="multipart")

    assert_error(response, 400, "INVALID_INPUT", "not a readable image")
    assert ai.request_count == 0


def test_an_oversized_image_is_refused_before_any_ai_call(api_client, ai, settings):
    big = png() + b"\0" * settings.IMAGE_MAX_BYTES

    response = api_client.post(EXTRACT, {"image": upload(big)}, format="multipart")

    assert_error(response, 400, "INVALID_INPUT", "larger than 5 MB")
    assert ai.request_count == 0


def test_an_empty_upload_is_refused(api_client, ai):
    response = api_client.post(EXTRACT, {"image": upload(b"")}, format="multipart")

    assert_error(response, 400, "INVALID_INPUT", "empty")


# --- Bad answers and provider failures ------------------------------------------------------


def test_bad_json_twice_is_bad_ai_output_after_one_retry_with_the_problem(
    api_client, ai, user, settings
):
    settings.OFFLINE_PROVIDER_ENABLED = False  # no other provider to fall through to
    ai.script(Reply.ok("Sure! Here is the job: title=Engineer"), Reply.ok('{"title": 3}'))

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert_error(response, 502, "BAD_AI_OUTPUT")
    rows = usage_rows(user)
    assert [(r.status, r.error_code) for r in rows] == [("error", "BAD_AI_OUTPUT")] * 2
    retry = json.dumps(ai.requests[1].body)
    assert "Your previous answer was rejected" in retry
    assert "not valid JSON" in retry
    assert Job.objects.count() == 0


def test_bad_json_twice_falls_through_to_the_next_provider(api_client, ai, user):
    ai.default = Reply.ok("Sure! Here is the job: title=Engineer")

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["data"]["extracted_by"] == "offline"
    assert ai.request_count == 2  # the answer and its one repair, then the next provider
    rows = usage_rows(user)
    assert [(r.provider_type, r.status, r.error_code) for r in rows] == [
        ("openai", "error", "BAD_AI_OUTPUT"),
        ("openai", "error", "BAD_AI_OUTPUT"),
        ("offline", "success", ""),
    ]


def test_bad_json_then_a_good_answer_is_a_job(api_client, ai, user):
    ai.script(Reply.ok('```json\n{"title": "half'), Reply.ok(job_answer(title="Fixed")))

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["data"]["title"] == "Fixed"
    first, second = usage_rows(user)
    assert (first.status, second.status) == ("error", "success")
    assert Job.objects.get().usage_log_id == second.pk


def test_a_failing_provider_is_a_provider_error_envelope(api_client, ai, settings):
    settings.OFFLINE_PROVIDER_ENABLED = False  # no fallback to hide the failure
    settings.AI_RETRY_BASE_DELAY = 0.0
    ai.default = Reply.error(503)

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert_error(response, 502, "PROVIDER_ERROR", "unavailable")
    assert Job.objects.count() == 0
    assert {row.status for row in usage_rows()} == {"error"}


def test_too_many_extractions_in_a_minute_are_rate_limited(api_client, ai, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"ai_burst": "2/min", "ai_sustained": "100/day"},
    }
    for _ in range(2):
        assert api_client.post(EXTRACT, {"text": POSTING}, format="json").status_code == 201

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert_error(response, 429, "RATE_LIMITED", "try again in")
    assert int(response["Retry-After"]) > 0
    assert Job.objects.count() == 2


def test_the_daily_rate_limits_too_and_a_refused_request_takes_no_place(api_client, ai, settings):
    def rates(burst: str, sustained: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"ai_burst": burst, "ai_sustained": sustained},
        }

    def extract():
        return api_client.post(EXTRACT, {"text": POSTING}, format="json")

    rates("2/min", "3/day")
    assert [extract().status_code for _ in range(3)] == [201, 201, 429]  # the minute's 2
    rates("100/min", "3/day")

    assert extract().status_code == 201  # the refusal took none of the day's 3
    refused = extract()

    assert_error(refused, 429, "RATE_LIMITED", "try again in")
    # The day's first request frees its place a day after it was made.
    assert 86_000 < int(refused["Retry-After"]) <= 86_401
    assert Job.objects.count() == 3


def test_an_exhausted_quota_is_quota_exceeded_not_an_ai_call(api_client, ai):
    from billing.models import Plan

    plan = Plan.objects.get(code="FREEMIUM")
    plan.daily_token_limit = 100  # far below one extraction's estimate
    plan.save()

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert_error(response, 429, "QUOTA_EXCEEDED")
    assert response["Retry-After"]
    assert ai.request_count == 0
    assert Job.objects.count() == 0
