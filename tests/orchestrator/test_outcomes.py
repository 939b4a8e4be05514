"""Refusals, safety blocks, truncation and parameters a model does not take, end to end: the
real SDKs against doubles that answer each vendor's own shape (tests/support/doubles)."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings

from core import errors
from orchestrator.gateway.attempt import unsupported_for
from orchestrator.models import UsageLog
from orchestrator.resilience import breaker_state
from orchestrator.services import generate, provider_test
from orchestrator.streaming import StreamBroken, generate_stream
from tests.fixtures.jobs import EXTRACT
from tests.support.doubles import Reply, StreamReply
from usage.alerts import alerts_check
from usage.models import Alert

pytestmark = pytest.mark.django_db

PROBES = {  # what the credentials probe asks each default model to think
    "gpt-6-luna": lambda body: body["reasoning_effort"] == "none",
    "gpt-6.1-sol": lambda body: body["reasoning_effort"] == "low",
    "gemini-3.5-flash-lite": lambda body: (
        body["generationConfig"]["thinkingConfig"] == {"thinking_level": "MINIMAL"}
    ),
    "gemini-3.8-flash": lambda body: (
        body["generationConfig"]["thinkingConfig"] == {"thinking_level": "LOW"}
    ),
    "claude-haiku-5-5": lambda body: body["output_config"] == {"effort": "low"},
    "claude-sonnet-5-5": lambda body: body["output_config"] == {"effort": "low"},
}


# --------------------------------------------------------------------------- accepted values


def test_the_credentials_test_passes_for_every_default_model(any_double, make_provider):
    config = make_provider(
        any_double
    )  # the catalogue's defaults (tests/fixtures/vendors.py MODELS)

    result = provider_test(config=config)

    assert result.ok, result.message
    assert result.warnings == ()
    probes = [seen.body for seen in any_double.requests if seen.method == "POST"]
    models = [config.fast_model, config.quality_model]
    for model, body in zip(models, probes, strict=True):
        assert PROBES[model](body), (model, body)
        assert "thinking" not in body and "temperature" not in body


@pytest.mark.parametrize("model", ["gpt-6-luna", "gpt-6.1-sol"])
def test_the_credentials_test_passes_for_gpt6_models_an_admin_types(
    openai_double, make_provider, model
):
    config = make_provider(openai_double, fast_model=model, quality_model=model)

    assert provider_test(config=config).ok
    assert UsageLog.objects.get().status == "success"  # one model: one probe, no retry


def test_gemini_3_gets_no_temperature_below_its_default(gemini_double, make_provider, user):
    make_provider(gemini_double)

    generate(user=user, task="extraction", prompt="Say hello", temperature=0.2)
    generate(user=user, task="extraction", prompt="Say hello again", temperature=1.3)

    low, high = (seen.body["generationConfig"] for seen in gemini_double.requests[-2:])
    assert "temperature" not in low and high["temperature"] == 1.3


def test_anthropic_5_5_gets_an_effort_per_tier_and_no_thinking_switch(
    anthropic_double, make_provider, user
):
    from billing.services import subscription_set_plan

    make_provider(anthropic_double)
    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")  # fast extraction, quality CV

    generate(user=user, task="extraction", prompt="Extract this job")
    generate(user=user, task="cv_draft", prompt="Draft my CV")

    fast, quality = (seen.body for seen in anthropic_double.requests[-2:])
    assert (fast["model"], fast["output_config"]) == ("claude-haiku-5-5", {"effort": "low"})
    assert (quality["model"], quality["output_config"]) == (
        "claude-sonnet-5-5",
        {"effort": "medium"},
    )
    assert "thinking" not in fast and "thinking" not in quality


def test_anthropic_thinking_is_billed_as_output(anthropic_double, make_provider, user):
    make_provider(anthropic_double)
    anthropic_double.script(Reply.ok("Hi", output_tokens=50, thinking_tokens=400))

    result = generate(user=user, task="extraction", prompt="Say hello")

    assert (result.output_tokens, UsageLog.objects.get().output_tokens) == (450, 450)


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("shape", ["refusal", "blocked"])
def test_a_refusal_is_one_attempt_then_the_next_provider(
    request, make_provider, user, any_double, anthropic_double, shape
):
    fallback = (
        anthropic_double
        if any_double.vendor != "anthropic"
        else request.getfixturevalue("openai_double")
    )
    make_provider(any_double, name="First", priority=1)
    make_provider(fallback, name="Second", priority=2)
    any_double.script(getattr(Reply, shape)())

    result = generate(user=user, task="extraction", prompt="Say hello")

    assert result.provider == fallback.vendor and result.text == "OK"
    refused, served = UsageLog.objects.order_by("id")
    assert refused.error_code == "CONTENT_REFUSED" and refused.provider_type == any_double.vendor
    assert "FinishReason" not in refused.error_message
    assert served.status == "success"
    assert any_double.request_count == 1  # no repair, no retry


def test_gemini_names_its_block_reasons_by_their_values(gemini_double, make_provider, user):
    make_provider(gemini_double)
    gemini_double.script(Reply.refusal(), Reply.blocked())

    for _ in range(2):
        with pytest.raises(errors.ContentRefused):
            generate(user=user, task="extraction", prompt="Say hello", provider_type="gemini")

    messages = [row.error_message for row in UsageLog.objects.order_by("id")]
    assert "finish reason SAFETY" in messages[0]
    assert "blockReason SAFETY" in messages[1]


def test_six_refusals_in_a_row_leave_the_breaker_closed(openai_double, make_provider, user):
    config = make_provider(openai_double)
    openai_double.default = Reply.refusal()

    for n in range(6):
        with pytest.raises(errors.ContentRefused) as caught:
            generate(user=user, task="extraction", prompt=f"Request {n}")
        assert caught.value.status == 422

    assert breaker_state(config.pk) == "closed"
    assert UsageLog.objects.filter(error_code="CONTENT_REFUSED").count() == 6
    # The offline provider, last in the chain, did not answer in the refusing model's place.
    assert not UsageLog.objects.filter(provider_type="offline").exists()
    openai_double.default = Reply.ok("Hello")
    assert generate(user=user, task="extraction", prompt="A normal request").text == "Hello"


def test_when_every_provider_refuses_the_user_gets_a_422(
    api_client, openai_double, gemini_double, make_provider
):
    make_provider(gemini_double, priority=1)
    make_provider(openai_double, priority=2)
    gemini_double.default = Reply.blocked()
    openai_double.default = Reply.refusal()

    response = api_client.post(EXTRACT, {"text": "A posting for a role. " * 20}, format="json")

    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["error_code"] == "CONTENT_REFUSED"
    assert "declined" in body["message"]


def test_a_streamed_refusal_falls_through_to_the_next_provider(
    openai_double, anthropic_double, make_provider, user
):
    make_provider(anthropic_double, priority=1)
    make_provider(openai_double, priority=2)
    anthropic_double.script(Reply.refusal())

    stream = generate_stream(user=user, task="extraction", prompt="Say hello")

    assert "".join(stream) == "OK" and stream.result.provider == "openai"
    codes = [row.error_code for row in UsageLog.objects.order_by("id")]
    assert codes == ["CONTENT_REFUSED", ""]


# --------------------------------------------------------------------------- truncation


def test_a_cut_answer_with_no_room_left_falls_back_to_the_next_provider(
    gemini_double, openai_double, make_provider, user, monkeypatch
):
    from orchestrator import catalogue

    row = catalogue.CAPABILITIES[("gemini", "gemini-3.5-flash-lite")]
    # A model whose documented max output is the cap already asked for: no bigger cap exists.
    monkeypatch.setitem(
        catalogue.CAPABILITIES,
        ("gemini", "gemini-3.5-flash-lite"),
        type(row)(**{**row.__dict__, "max_output": settings.AI_DEFAULT_MAX_TOKENS}),
    )
    make_provider(gemini_double, priority=1)
    make_provider(openai_double, priority=2)
    gemini_double.script(Reply.truncated('{"title": "Sen'))

    result = generate(user=user, task="extraction", prompt="Say hello")

    assert result.provider == "openai"
    assert [r.error_code for r in UsageLog.objects.order_by("id")] == ["OUTPUT_TRUNCATED", ""]
    assert gemini_double.request_count == 1


# --------------------------------------------------------------------------- self-healing


def test_a_parameter_the_vendor_names_is_dropped_once_and_remembered(
    openai_double, make_provider, user
):
    # A model no capability row knows yet: it is sent a temperature, which it refuses.
    config = make_provider(openai_double, fast_model="gpt-7-nova", quality_model="gpt-7-nova")

    result = generate(user=user, task="extraction", prompt="Say hello", temperature=0.3)

    assert result.text == "OK"
    refused, served = UsageLog.objects.order_by("id")
    assert refused.error_code == "PROVIDER_ERROR" and "temperature" in refused.error_message
    assert served.status == "success"
    assert [("temperature" in s.body) for s in openai_double.requests] == [True, False]
    assert unsupported_for(provider_type="openai", model="gpt-7-nova") == ("temperature",)

    generate(user=user, task="extraction", prompt="Another", temperature=0.3)
    assert "temperature" not in openai_double.requests[-1].body  # one attempt, not two
    assert UsageLog.objects.count() == 3

    outcome = provider_test(config=config)
    assert outcome.ok
    assert any("gpt-7-nova refused temperature" in w for w in outcome.warnings)


def test_the_credentials_test_heals_a_refused_effort_and_warns(
    openai_double, make_provider, monkeypatch
):
    from orchestrator import catalogue

    # Suppose the catalogue still believed gpt-6.1-sol takes "none" as its least effort.
    wrong = catalogue.CAPABILITIES[("openai", "gpt-6.")]
    monkeypatch.setitem(
        catalogue.CAPABILITIES,
        ("openai", "gpt-6."),
        type(wrong)(**{**wrong.__dict__, "levels": ("none", *wrong.levels)}),
    )
    config = make_provider(openai_double, fast_model="gpt-6.1-sol", quality_model="gpt-6.1-sol")

    outcome = provider_test(config=config)

    assert outcome.ok, outcome.message
    assert outcome.warnings == (
        "gpt-6.1-sol refused reasoning_effort: calls to it now leave reasoning_effort out and "
        "run at the model's default. Check the model's documentation and the catalogue's "
        "capability row.",
    )
    efforts = [s.body.get("reasoning_effort") for s in openai_double.requests if s.body]
    assert efforts == ["none", None]
    config.refresh_from_db()
    assert config.last_test_warnings == list(outcome.warnings)


def test_healing_is_one_extra_attempt_never_a_loop(gemini_double, make_provider, user):
    make_provider(gemini_double)
    # The vendor names the thinking level, then refuses again for another reason.
    gemini_double.script(
        Reply("refused", 400, message="Thinking level LOW is not supported for this model."),
        Reply("refused", 400, message="Thinking level LOW is not supported for this model."),
    )

    with pytest.raises(errors.ProviderFailed):
        generate(user=user, task="extraction", prompt="Say hello", provider_type="gemini")

    assert gemini_double.request_count == 2
    bodies = [s.body["generationConfig"] for s in gemini_double.requests]
    assert "thinkingConfig" in bodies[0] and "thinkingConfig" not in bodies[1]


# --------------------------------------------------------------------------- vendor errors


def test_openai_insufficient_quota_is_billing_not_a_rate_limit(openai_double, make_provider, user):
    make_provider(openai_double)
    openai_double.default = Reply.insufficient_quota()

    with pytest.raises(errors.ProviderBilling) as caught:
        generate(user=user, task="extraction", prompt="Say hello", provider_type="openai")

    assert "billing" in caught.value.message
    assert "rate limiting" not in caught.value.message
    assert openai_double.request_count == 1  # waiting will not help
    assert UsageLog.objects.get().error_code == "PROVIDER_BILLING"
    alerts_check()
    assert Alert.objects.filter(kind=Alert.Kind.PROVIDER_BILLING).exists()


def test_openai_retry_after_ms_is_honoured(openai_double, make_provider, user):
    import time

    make_provider(openai_double)
    openai_double.script(Reply("rate_limited", 429, retry_after_ms=400), Reply.ok("later"))

    started = time.monotonic()
    assert generate(user=user, task="extraction", prompt="Say hello").text == "later"
    assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("Country, region, or territory not supported", "does not serve the region"),
        ("You are not allowed to sample from this model", "has not enabled this model"),
    ],
)
def test_a_403_for_a_region_or_a_model_says_so_not_check_the_key(
    openai_double, make_provider, user, message, says
):
    make_provider(openai_double)
    openai_double.default = Reply.error(403, message)

    with pytest.raises(errors.ProviderFailed) as caught:
        generate(user=user, task="extraction", prompt="Say hello", provider_type="openai")

    assert says in caught.value.message and "API key" not in caught.value.message


def test_the_gemini_sdk_logs_no_afc_line(gemini_double, make_provider, user, caplog):
    make_provider(gemini_double)

    with caplog.at_level(logging.INFO, logger="google_genai"):
        generate(user=user, task="extraction", prompt="Say hello")

    assert gemini_double.request_count == 1  # the call was made
    assert "AFC is enabled" not in caplog.text


# --------------------------------------------------------------------------- cut streams


def test_a_cut_anthropic_stream_is_billed_for_the_text_and_thinking_it_sent(
    anthropic_double, make_provider, user
):
    make_provider(anthropic_double)  # claude-haiku-5-5: thinks adaptively
    text = "Dear hiring manager, " * 12  # 252 characters, about 63 tokens
    anthropic_double.default = StreamReply.of(
        text,
        size=21,
        input_tokens=321,
        output_tokens=400,
        thinking_tokens=300,  # streamed first, as thinking_delta events
        fail_after=10,
        failure="cut",
    )

    stream = generate_stream(user=user, task="extraction", prompt="Write to them")
    with pytest.raises(StreamBroken):
        "".join(stream)

    row = UsageLog.objects.get()
    # Not message_start's 2: what the deltas carried (text and thinking), estimated, and said.
    assert row.input_tokens == 321
    thinking_sent = len("Let me think. " * 4)  # the double's thinking_delta text
    assert row.output_tokens >= (len(text[: 21 * 10]) + thinking_sent) // 4
    assert "tokens estimated" in row.error_message


def test_a_cut_openai_stream_s_estimate_counts_the_reasoning_before_the_first_piece(
    openai_double, make_provider, user
):
    make_provider(openai_double, fast_model="o3")
    text = "x" * 24 * 12
    openai_double.default = StreamReply.of(
        text, size=24, pause=0.01, first_after=0.3, fail_after=10, failure="cut"
    )

    stream = generate_stream(user=user, task="extraction", prompt="Write to them")
    with pytest.raises(StreamBroken):
        "".join(stream)

    row = UsageLog.objects.get()
    written = len(text[: 24 * 10]) // 4 + 1
    # About 6 tokens written every 10 ms: the 300 ms before the first piece were reasoning.
    assert row.output_tokens > written + 50
    assert "tokens estimated" in row.error_message


def test_an_anthropic_answer_lost_to_thinking_logs_the_thinking_it_paid_for(
    anthropic_double, make_provider, user
):
    make_provider(anthropic_double)
    anthropic_double.default = Reply.ok("never seen", thinking_tokens=10**6)

    with pytest.raises(errors.OutputTruncated):
        generate(
            user=user, task="extraction", prompt="Hi", max_tokens=400, provider_type="anthropic"
        )

    first, second = UsageLog.objects.order_by("id")
    assert "no answer written (400 output tokens, 400 of them thinking)" in first.error_message
    assert "(800 output tokens, 800 of them thinking)" in second.error_message
    assert [s.body["max_tokens"] for s in anthropic_double.requests] == [400, 800]


def test_a_stream_cut_at_the_cap_after_its_first_pieces_says_so(any_double, make_provider, user):
    make_provider(any_double)
    any_double.default = StreamReply.of(
        '{"title": "Senior Engineer", "sum', size=8, ending="truncated"
    )

    stream = generate_stream(user=user, task="extraction", prompt="Extract this job")
    with pytest.raises(StreamBroken) as caught:
        "".join(stream)

    assert caught.value.code == "OUTPUT_TRUNCATED"  # not "broke off" nor "not valid JSON"
    assert UsageLog.objects.get().error_code == "OUTPUT_TRUNCATED"


def test_an_effort_anthropic_refuses_is_left_out_once_and_remembered(
    anthropic_double, make_provider, user
):
    make_provider(anthropic_double)
    anthropic_double.script(
        Reply("refused", 400, message="output_config.effort: Input should be 'high' or 'max'")
    )

    assert generate(user=user, task="extraction", prompt="Say hello").text == "OK"

    first, second = (seen.body for seen in anthropic_double.requests)
    assert first["output_config"] == {"effort": "low"} and "output_config" not in second
    assert unsupported_for(provider_type="anthropic", model="claude-haiku-5-5") == ("effort",)
