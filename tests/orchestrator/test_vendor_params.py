"""What each vendor takes and answers per model, end to end through generate() and the
credentials test, against doubles that enforce the vendors' rules."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from billing.services import subscription_set_plan
from core import errors
from orchestrator.models import UsageLog
from orchestrator.services import generate, provider_test
from tests.fixtures.jobs import png, upload
from tests.support.doubles import Reply
from tests.support.quota import quota_counters
from usage.alerts import alerts_check
from usage.models import Alert

pytestmark = pytest.mark.django_db

THINKING_MODELS = [
    ("openai", "gpt-5-mini"),
    ("openai", "gpt-5.2"),
    ("openai", "o3"),
    ("gemini", "gemini-2.5-flash"),
    ("gemini", "gemini-2.5-pro"),
    ("gemini", "gemini-3.8-flash"),
    ("gemini", "gemini-3-pro-preview"),
]


@pytest.mark.parametrize(("vendor", "model"), THINKING_MODELS)
def test_the_credentials_test_passes_on_a_thinking_model(request, make_provider, vendor, model):
    double = request.getfixturevalue(f"{vendor}_double")
    config = make_provider(double, fast_model=model)

    result = provider_test(config=config)

    assert result.ok, result.message
    assert f"OK ({model} answered" in result.message
    config.refresh_from_db()
    assert config.last_test_status == "ok"


def test_a_reasoning_model_is_not_sent_temperature(openai_double, make_provider, user):
    make_provider(openai_double, fast_model="gpt-5-mini")

    result = generate(user=user, task="extraction", prompt="Say hello", temperature=0.3)

    assert result.text == "OK" and result.provider == "openai"
    body = openai_double.requests[-1].body
    assert "temperature" not in body
    assert body["reasoning_effort"] == "low"
    # Reasoning and answer share the cap, which is what the quota reserved.
    assert body["max_completion_tokens"] == settings.AI_DEFAULT_MAX_TOKENS
    assert UsageLog.objects.get().status == "success"


def test_a_classic_model_still_gets_its_temperature(openai_double, make_provider, user):
    make_provider(openai_double, fast_model="gpt-4o-mini")

    generate(user=user, task="extraction", prompt="Say hello", temperature=0.3)

    body = openai_double.requests[-1].body
    assert body["temperature"] == 0.3 and "reasoning_effort" not in body


@pytest.mark.parametrize("vendor", ["openai", "gemini"])
def test_thinking_tokens_are_billed_as_output(request, make_provider, user, vendor):
    double = request.getfixturevalue(f"{vendor}_double")
    model = {"openai": "o3", "gemini": "gemini-3.8-flash"}[vendor]
    make_provider(double, fast_model=model)
    double.script(Reply.ok("Hi", input_tokens=100, output_tokens=50, thinking_tokens=400))

    result = generate(user=user, task="extraction", prompt="Say hello")

    row = UsageLog.objects.get()
    assert (result.output_tokens, row.output_tokens) == (450, 450)
    assert row.total_tokens == 550


def test_an_answer_lost_to_reasoning_is_asked_again_once_with_twice_the_cap(
    openai_double, make_provider, user
):
    make_provider(openai_double, fast_model="o3")
    cap = settings.AI_DEFAULT_MAX_TOKENS
    openai_double.script(Reply.ok("never seen", thinking_tokens=cap), Reply.ok("Hello"))

    result = generate(user=user, task="extraction", prompt="Say hello", provider_type="openai")

    assert result.text == "Hello"
    first, second = UsageLog.objects.order_by("id")
    assert (first.error_code, second.status) == ("OUTPUT_TRUNCATED", "success")
    assert (
        "no answer written" in first.error_message
        and f"{cap} of them thinking" in first.error_message
    )
    sent = [seen.body["max_completion_tokens"] for seen in openai_double.requests[-2:]]
    assert sent == [cap, 2 * cap]
    # The vendor bills the reasoning all the same: the row and the quota count it.
    assert first.output_tokens >= cap and first.cost_usd > 0
    spent = sum(r.input_tokens + r.output_tokens for r in (first, second))
    assert quota_counters(user_id=user.pk)["day"].tokens_used == spent


def test_an_answer_lost_to_reasoning_twice_is_output_truncated_not_bad_json(
    openai_double, make_provider, user
):
    make_provider(openai_double, fast_model="o3")
    openai_double.default = Reply.ok("never seen", thinking_tokens=10**6)

    with pytest.raises(errors.OutputTruncated) as caught:
        generate(user=user, task="extraction", prompt="Say hello", provider_type="openai")

    assert caught.value.status == 502 and "length limit" in caught.value.message
    assert [r.error_code for r in UsageLog.objects.all()] == ["OUTPUT_TRUNCATED"] * 2


@pytest.mark.parametrize(
    ("vendor", "model", "sent"),
    [
        ("gemini", "gemini-3.8-flash", lambda body: body["generationConfig"]["thinkingConfig"]),
        ("openai", "gpt-6.1-sol", lambda body: body["reasoning_effort"]),
    ],
)
def test_the_quality_tier_thinks_more_than_the_fast_tier(
    request, make_provider, user, vendor, model, sent
):
    double = request.getfixturevalue(f"{vendor}_double")
    make_provider(double, fast_model=model, quality_model=model)
    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")  # fast extraction, quality CV

    generate(user=user, task="extraction", prompt="Extract this job")
    generate(user=user, task="cv_draft", prompt="Draft my CV")

    fast, quality = (sent(seen.body) for seen in double.requests[-2:])
    assert [row.tier for row in UsageLog.objects.order_by("id")] == ["fast", "quality"]
    assert (fast, quality) in (
        ({"thinking_level": "LOW"}, {"thinking_level": "MEDIUM"}),
        ("low", "medium"),
    )


def test_gemini_output_is_capped_at_what_the_quota_reserved(gemini_double, make_provider, user):
    make_provider(gemini_double, fast_model="gemini-2.5-flash")

    generate(user=user, task="extraction", prompt="Say hello")

    # Thinking and answer share maxOutputTokens; without a cap a thinking model could spend
    # more than the reservation made for AI_DEFAULT_MAX_TOKENS of output.
    config = gemini_double.requests[-1].body["generationConfig"]
    assert config["maxOutputTokens"] == settings.AI_DEFAULT_MAX_TOKENS
    assert config["thinkingConfig"] == {"thinking_budget": settings.AI_DEFAULT_MAX_TOKENS // 4}


# --------------------------------------------------------------------------- Gemini 429 detail


def test_a_gemini_retry_delay_in_the_body_is_honoured(gemini_double, make_provider, user):
    make_provider(gemini_double)
    gemini_double.script(Reply.rate_limited(retry_after=0.4), Reply.ok("after the wait"))

    started = time.monotonic()
    result = generate(user=user, task="extraction", prompt="Say hello")

    assert result.text == "after the wait"
    assert time.monotonic() - started >= 0.4
    assert gemini_double.request_count == 2


def test_a_long_gemini_retry_delay_moves_on_to_the_next_provider(
    gemini_double, openai_double, make_provider, user
):
    make_provider(gemini_double, priority=1)
    make_provider(openai_double, priority=2)
    gemini_double.script(Reply.rate_limited(retry_after=settings.AI_RETRY_AFTER_MAX + 30))

    result = generate(user=user, task="extraction", prompt="Say hello")

    assert result.provider == "openai"
    assert gemini_double.request_count == 1


def test_a_gemini_per_day_quota_is_not_retried(gemini_double, openai_double, make_provider, user):
    make_provider(gemini_double, priority=1)
    make_provider(openai_double, priority=2)
    gemini_double.default = Reply.insufficient_quota()

    result = generate(user=user, task="extraction", prompt="Say hello")

    assert result.provider == "openai"
    assert gemini_double.request_count == 1
    failed = UsageLog.objects.get(provider_type="gemini")
    assert failed.status == "error" and "429" in failed.error_message


# --------------------------------------------------------------------------- Anthropic 402


def test_anthropic_billing_error_has_its_own_code_and_alert(anthropic_double, make_provider, user):
    make_provider(anthropic_double, name="Claude main")
    anthropic_double.default = Reply.billing()

    with pytest.raises(errors.ProviderBilling) as caught:
        generate(user=user, task="extraction", prompt="Say hello", provider_type="anthropic")

    assert caught.value.code == "PROVIDER_BILLING" and caught.value.status == 502
    assert "billing" in caught.value.message
    assert anthropic_double.request_count == 1  # waiting will not pay the bill
    row = UsageLog.objects.get()
    assert row.error_code == "PROVIDER_BILLING" and "HTTP 402" in row.error_message
    assert "credit balance is too low" in row.error_message  # the vendor's sentence, not a dict
    assert "{'type'" not in row.error_message

    alerts_check(now=timezone.now() + timedelta(seconds=1))

    alert = Alert.objects.get(kind=Alert.Kind.PROVIDER_BILLING)
    assert alert.subject == "Claude main"
    assert "billing" in alert.message and "credit balance is too low" in alert.message


def test_a_billing_error_reaches_the_client_as_provider_billing(
    api_client, anthropic_double, make_provider
):
    make_provider(anthropic_double)
    anthropic_double.default = Reply.billing()
    # A screenshot: the offline provider cannot read one, so nothing hides the vendor's answer.
    screenshot = upload(png())

    response = api_client.post(
        "/api/v1/job-extractor/extract", {"image": screenshot}, format="multipart"
    )

    body = response.json()
    assert response.status_code == 502, body
    assert body["success"] is False and body["error_code"] == "PROVIDER_BILLING"
    assert "billing" in body["message"]
