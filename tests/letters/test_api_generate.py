"""POST /api/v1/cover-letter/generate: a letter that keeps the rules, in the tone asked for."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from billing.services import subscription_set_plan
from letters.models import CoverLetter
from letters.rules import body_word_count, letter_problems
from letters.schemas import TONES
from orchestrator.models import UsageLog
from tests.fixtures.letters import as_written
from tests.fixtures.profiles import LETTER_URL, vendor_bodies
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def generate(client, job, **fields):
    return client.post(LETTER_URL, {"job_id": job.pk, **fields}, format="json")


@pytest.mark.parametrize("tone", TONES)
def test_the_offline_provider_writes_a_letter_that_keeps_the_rules(
    api_client, job, with_profile, tone
):
    response = generate(api_client, job, tone=tone)

    assert response.status_code == 201, response.json()
    assert response.json()["message"] == "Cover letter written."
    letter = response.json()["data"]
    assert letter["tone"] == tone
    assert letter["provider"] == "offline"
    assert letter["prompt_version"] == "cover_letter@1"
    assert letter["warnings"] == []
    content = letter["content"]
    assert letter_problems(content) == []
    assert len(content["paragraphs"]) == 3
    assert 220 <= letter["word_count"] <= 320
    assert letter["word_count"] == body_word_count(content)
    assert "Acme Freight" in content["subject"]
    assert content["signature"] == "Amara Okafor"
    log = UsageLog.objects.get(pk=CoverLetter.objects.get(pk=letter["id"]).usage_log_id)
    assert (log.task_type, log.status) == ("cover_letter", "success")


def test_each_tone_reads_differently(api_client, job, with_profile):
    letters = {t: generate(api_client, job, tone=t).json()["data"]["content"] for t in TONES}

    assert len({letter["paragraphs"][0] for letter in letters.values()}) == len(TONES)
    assert len({letter["sign_off"] for letter in letters.values()}) == len(TONES)
    assert "thrilled" in letters["enthusiastic"]["paragraphs"][0]


def test_the_tone_defaults_to_professional(api_client, job, with_profile):
    response = generate(api_client, job)

    assert response.json()["data"]["tone"] == "professional"


def test_the_text_field_is_the_whole_letter_with_blank_lines_between_parts(
    api_client, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(json.dumps(good_letter))

    letter = generate(api_client, job).json()["data"]

    assert as_written(letter["content"]) == good_letter
    assert letter["word_count"] == 264
    assert letter["text"] == "\n\n".join(
        [
            "Subject: Application for Senior Backend Engineer at Acme Freight",
            "Dear Hiring Manager,",
            *good_letter["paragraphs"],
            "Sincerely,",
            "Amara Okafor",
        ]
    )


def test_a_two_paragraph_letter_is_regenerated_once_with_the_rule_named(
    api_client, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    two = dict(good_letter, paragraphs=good_letter["paragraphs"][:2])
    openai_double.script(Reply.ok(json.dumps(two)), Reply.ok(json.dumps(good_letter)))

    response = generate(api_client, job)

    assert response.status_code == 201
    assert response.json()["data"]["warnings"] == []
    assert as_written(response.json()["data"]["content"]) == good_letter
    assert openai_double.request_count == 2
    assert "The body has 2 paragraphs; it needs exactly 3" in vendor_bodies(openai_double)[1]


def test_a_letter_that_breaks_a_rule_twice_comes_with_warnings(
    api_client, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    two = dict(good_letter, paragraphs=good_letter["paragraphs"][:2])
    openai_double.default = Reply.ok(json.dumps(two))

    response = generate(api_client, job)

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "Cover letter written with warnings: check them before you send it."
    assert body["data"]["warnings"] == [
        "The body has 2 paragraphs; it needs exactly 3.",
        "The body has 191 words; it needs 220 to 320.",
    ]
    assert openai_double.request_count == 2
    assert CoverLetter.objects.get(pk=body["data"]["id"]).warnings == body["data"]["warnings"]


def test_a_greeting_inside_a_paragraph_is_caught(
    api_client, anthropic_double, make_provider, job, with_profile, good_letter
):
    make_provider(anthropic_double)
    stray = json.loads(json.dumps(good_letter))
    stray["paragraphs"][1] = "Dear Ms Rivera, " + stray["paragraphs"][1]
    anthropic_double.default = Reply.ok(json.dumps(stray))

    response = generate(api_client, job)

    assert response.json()["data"]["warnings"] == [
        "Paragraph 2 contains a greeting; the greeting belongs only at the top of the letter."
    ]
    assert "Paragraph 2 contains a greeting" in vendor_bodies(anthropic_double)[1]


def test_a_sign_off_inside_a_paragraph_is_caught_and_fixed(
    api_client, gemini_double, make_provider, job, with_profile, good_letter
):
    make_provider(gemini_double)
    stray = json.loads(json.dumps(good_letter))
    stray["paragraphs"][2] += " Kind regards, Amara"
    gemini_double.script(Reply.ok(json.dumps(stray)), Reply.ok(json.dumps(good_letter)))

    response = generate(api_client, job)

    assert response.json()["data"]["warnings"] == []
    assert gemini_double.request_count == 2


def test_a_pro_user_gets_the_quality_model_for_letters(
    api_client, user, openai_double, make_provider, job, with_profile, good_letter
):
    subscription_set_plan(user=user, plan_code="PRO_ANNUAL")
    make_provider(openai_double)
    openai_double.default = Reply.ok(json.dumps(good_letter))

    response = generate(api_client, job, tone="concise")

    assert openai_double.requests[0].body["model"] == "gpt-6.1-sol"
    assert response.json()["data"]["model"] == "gpt-6.1-sol"
    assert "concise" in vendor_bodies(openai_double)[0]


@pytest.mark.parametrize("tone", ["sarcastic", "Professional", ""])
def test_an_unknown_tone_is_refused_with_the_allowed_ones(
    api_client, openai_double, make_provider, job, with_profile, tone
):
    make_provider(openai_double)

    response = generate(api_client, job, tone=tone)

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_INPUT"
    assert response.json()["message"] == (
        f'tone: "{tone}" is not a tone; choose one of professional, enthusiastic, concise, '
        "friendly."
    )
    assert openai_double.request_count == 0


def test_a_missing_job_id_is_invalid_input(api_client, with_profile):
    response = api_client.post(LETTER_URL, {"tone": "friendly"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "job_id: This field is required."


def test_another_users_job_is_not_found(api_client, with_profile, other_user, make_job):
    response = generate(api_client, make_job(other_user))

    assert response.status_code == 404
    assert response.json()["error_code"] == "NOT_FOUND"


def test_an_empty_profile_is_sent_to_be_filled_in_first(api_client, job):
    response = generate(api_client, job)

    assert response.status_code == 400
    assert "Fill in your profile first" in response.json()["message"]


def test_letters_need_authentication(job):
    response = APIClient().post(LETTER_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHORIZED"


def test_a_failing_provider_is_a_provider_error(
    api_client, settings, openai_double, make_provider, job, with_profile
):
    settings.OFFLINE_PROVIDER_ENABLED = False
    make_provider(openai_double)
    openai_double.default = Reply.error(503)

    response = generate(api_client, job)

    assert response.status_code == 502
    assert response.json()["error_code"] == "PROVIDER_ERROR"
    assert not CoverLetter.objects.exists()


def test_an_answer_that_is_not_json_twice_is_bad_ai_output(
    api_client, settings, openai_double, make_provider, job, with_profile
):
    settings.OFFLINE_PROVIDER_ENABLED = False  # no other provider to fall through to
    make_provider(openai_double)
    openai_double.default = Reply.ok('{"subject": "Application", "greeting": ')

    response = generate(api_client, job)

    assert response.status_code == 502
    assert response.json()["error_code"] == "BAD_AI_OUTPUT"
    assert openai_double.request_count == 2
    assert not CoverLetter.objects.exists()


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
    openai_double.default = Reply.ok("Dear hiring manager, I would love to work for you.")

    response = generate(api_client, job)

    assert response.status_code == 201, response.json()
    letter = response.json()["data"]
    assert letter["provider"] == "offline" and letter["warnings"] == []
    assert openai_double.request_count == 2  # the answer and its one repair
    rows = UsageLog.objects.filter(user=user).order_by("id")
    assert [(r.provider_type, r.status, r.error_code) for r in rows] == [
        ("openai_compatible", "error", "BAD_AI_OUTPUT"),
        ("openai_compatible", "error", "BAD_AI_OUTPUT"),
        ("offline", "success", ""),
    ]
    assert rows[0].provider_config_id == rows[1].provider_config_id == config.pk
