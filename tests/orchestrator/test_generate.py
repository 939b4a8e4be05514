"""generate() end to end: the real SDK of each vendor, against its double, logged in UsageLog."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from PIL import Image

from core import errors
from orchestrator.models import ProviderConfig, UsageLog
from orchestrator.services import generate
from tests.fixtures.vendors import TEST_KEYS
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_attempt_one_provider(settings):
    """These tests pin how one vendor answer maps to our result and log row; retries and
    fallback are specified in tests/orchestrator/test_resilience.py."""
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    settings.OFFLINE_PROVIDER_ENABLED = False


SCHEMA = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "skills": {"type": "array"}},
    "required": ["title", "skills"],
}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "PNG")
    return buffer.getvalue()


def only_log() -> UsageLog:
    rows = list(UsageLog.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def test_success_returns_text_tokens_cost_and_logs_one_row(any_double, make_provider, user):
    config = make_provider(any_double)
    any_double.script(
        Reply.ok("Hello from the vendor", input_tokens=1000, output_tokens=500, thinking_tokens=0)
    )

    result = generate(user=user, task="extraction", prompt="Say hello")

    assert result.text == "Hello from the vendor"
    assert (result.provider, result.model) == (config.provider_type, config.fast_model)
    assert (result.input_tokens, result.output_tokens) == (1000, 500)
    assert result.cost_usd > 0 and not result.cached
    log = only_log()
    assert log.status == "success" and log.user == user and log.provider_config == config
    assert (log.input_tokens, log.output_tokens, log.total_tokens) == (1000, 500, 1500)
    assert log.cost_usd == result.cost_usd
    assert (log.task_type, log.plan, log.tier, log.model) == (
        "extraction",
        "FREEMIUM",
        "fast",
        config.fast_model,
    )
    assert any_double.request_count == 1
    assert any_double.requests[0].api_key == TEST_KEYS[any_double.vendor]


def test_system_prompt_and_image_reach_the_vendor_in_its_own_format(
    any_double, make_provider, user
):
    make_provider(any_double)
    generate(
        user=user,
        task="extraction",
        prompt="What is this?",
        system_prompt="Be brief.",
        image=png_bytes(),
    )

    body = json.dumps(any_double.requests[0].body)
    assert "Be brief." in body and "What is this?" in body
    if any_double.vendor == "openai":
        assert "data:image/png;base64," in body
    elif any_double.vendor == "anthropic":
        assert '"media_type": "image/png"' in body and '"type": "base64"' in body
    else:
        assert "image/png" in body and ("inlineData" in body or "inline_data" in body)


def test_json_mode_asks_for_json_and_returns_parsed_data(any_double, make_provider, user):
    make_provider(any_double)
    answer = {"title": "Data Engineer", "skills": ["SQL", "Python"]}
    any_double.script(Reply.ok(json.dumps(answer)))

    result = generate(user=user, task="extraction", prompt="Extract", response_schema=SCHEMA)

    assert result.data == answer
    body = any_double.requests[0].body
    if any_double.vendor == "openai":
        # Strict structured output: every object closed (additionalProperties false).
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["strict"] is True
        assert body["response_format"]["json_schema"]["schema"] == {
            **SCHEMA,
            "additionalProperties": False,
        }
    elif any_double.vendor == "anthropic":
        assert body["output_config"]["format"] == {
            "type": "json_schema",
            "schema": {**SCHEMA, "additionalProperties": False},
        }
    else:
        config = body["generationConfig"]
        assert config["responseMimeType"] == "application/json"
        assert config["responseJsonSchema"] == SCHEMA


@pytest.mark.parametrize("answer", ["not json at all", '{"title": 5, "skills": []}'])
def test_invalid_json_twice_is_bad_ai_output_and_both_keep_their_cost(
    any_double, make_provider, user, answer
):
    make_provider(any_double)
    any_double.default = Reply.ok(answer, input_tokens=200, output_tokens=20)

    with pytest.raises(errors.BadAIOutput) as caught:
        generate(user=user, task="extraction", prompt="Extract", response_schema=SCHEMA)

    assert caught.value.code == "BAD_AI_OUTPUT" and caught.value.status == 502
    # The answer, then its one repair with the problem named; both are paid for and logged.
    assert any_double.request_count == 2
    assert "Your previous answer was rejected" in json.dumps(any_double.requests[1].body)
    rows = list(UsageLog.objects.order_by("id"))
    assert [(r.status, r.error_code, r.attempt) for r in rows] == [
        ("error", "BAD_AI_OUTPUT", 1),
        ("error", "BAD_AI_OUTPUT", 2),
    ]
    assert all(r.input_tokens == 200 and r.cost_usd > 0 for r in rows)


@pytest.mark.parametrize(
    ("reply", "error", "kind"),
    [
        (Reply.invalid_key(), errors.ProviderFailed, "auth"),
        (Reply.error(500), errors.ProviderFailed, "unavailable"),
        (Reply.error(503), errors.ProviderFailed, "unavailable"),
        (Reply.error(400, "bad field"), errors.ProviderFailed, "bad_request"),
    ],
    ids=["invalid-key", "500", "503", "400"],
)
def test_vendor_errors_map_to_our_errors_and_are_logged(
    any_double, make_provider, user, reply, error, kind
):
    make_provider(any_double)
    any_double.script(reply)

    with pytest.raises(error) as caught:
        generate(user=user, task="extraction", prompt="hello")

    log = only_log()
    assert log.status == "error" and log.error_code == caught.value.code == "PROVIDER_ERROR"
    if any_double.vendor == "gemini" and kind == "bad_request":
        kind = "bad_request"
    assert log.error_message.startswith(kind), log.error_message
    assert caught.value.status == 502


def test_a_vendor_asking_us_to_wait_with_no_fallback_left_is_a_503_with_its_retry_after(
    any_double, make_provider, user
):
    make_provider(any_double)
    any_double.script(Reply.rate_limited(retry_after=7))

    with pytest.raises(errors.ServiceUnavailable) as caught:
        generate(user=user, task="extraction", prompt="hello")

    assert caught.value.status == 503 and caught.value.headers == {"Retry-After": "7"}
    log = only_log()
    assert log.error_code == "PROVIDER_ERROR" and log.error_message.startswith("rate_limited")


def test_gemini_invalid_key_http_400_is_an_auth_error(gemini_double, make_provider, user):
    make_provider(gemini_double, api_key="AIzaWrongKeyForGemini000000000000000")
    gemini_double.expect_key = TEST_KEYS["gemini"]

    with pytest.raises(errors.ProviderFailed, match="credentials"):
        generate(user=user, task="extraction", prompt="hello")

    assert only_log().error_message.startswith("auth (HTTP 400)")


def test_wrong_key_never_appears_in_log_or_error(any_double, make_provider, user):
    wrong = {
        "openai": "sk-live-WRONGKEY1234567890abcd",
        "anthropic": "sk-ant-WRONGKEY1234567890",
        "gemini": "AIzaWRONGKEY12345678901234567890",
    }[any_double.vendor]
    make_provider(any_double, api_key=wrong)
    any_double.expect_key = "the-right-key"

    with pytest.raises(errors.ProviderFailed) as caught:
        generate(user=user, task="extraction", prompt="hello")

    log = only_log()
    for text in (log.error_message, caught.value.message, str(caught.value)):
        assert wrong not in text and wrong[-8:] not in text and wrong[:8] not in text


def test_timeout_is_provider_timeout(any_double, make_provider, user, settings):
    settings.AI_TIMEOUTS = {"default": 0.3}
    make_provider(any_double)
    any_double.script(Reply.slow(2.0))

    with pytest.raises(errors.ProviderTimeout) as caught:
        generate(user=user, task="cv_draft", prompt="hello")

    assert caught.value.status == 504
    log = only_log()
    assert log.error_code == "PROVIDER_TIMEOUT" and log.error_message.startswith("timeout")
    assert 250 <= log.latency_ms < 2000


def test_malformed_vendor_body_is_logged_as_an_error(any_double, make_provider, user):
    make_provider(any_double)
    any_double.default = Reply.malformed()

    with pytest.raises(errors.AppError) as caught:
        generate(user=user, task="extraction", prompt="hello")

    assert caught.value.code in ("BAD_AI_OUTPUT", "PROVIDER_ERROR")
    rows = list(UsageLog.objects.order_by("id"))
    assert rows and all(r.status == "error" and r.error_code == caught.value.code for r in rows)


def test_no_provider_is_a_clear_error_and_a_logged_row(db, user, settings):
    settings.OFFLINE_PROVIDER_ENABLED = False

    with pytest.raises(errors.NoProviderConfigured) as caught:
        generate(user=user, task="cv_draft", prompt="hello")

    assert caught.value.code == "NO_PROVIDER" and caught.value.status == 503
    log = only_log()
    assert (log.status, log.error_code, log.provider_type) == ("error", "NO_PROVIDER", "")


def test_pinned_provider_type_with_no_config_is_no_provider(db, user):
    with pytest.raises(errors.NoProviderConfigured, match="anthropic"):
        generate(user=user, task="extraction", prompt="hi", provider_type="anthropic")


def test_offline_provider_serves_out_of_the_box_and_says_so(db, user, settings):
    settings.OFFLINE_PROVIDER_ENABLED = True
    result = generate(user=user, task="provider_test", prompt="ping")

    assert result.provider == "offline" and result.cost_usd == Decimal(0)
    log = only_log()
    assert log.provider_type == "offline" and log.status == "success"
    assert log.provider_config == ProviderConfig.objects.get(provider_type="offline")
