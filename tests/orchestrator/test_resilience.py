"""Retries, fallback and the circuit breaker, against vendor doubles with scripted faults.

Every test ends on the invariant: UsageLog rows == attempts the doubles saw + cache hits +
quota refusals. Nothing is lost.
"""

from __future__ import annotations

import time

import pytest

from core import errors
from orchestrator.models import UsageLog
from orchestrator.resilience import breaker_state
from orchestrator.services import generate
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vendors_only(settings):
    settings.OFFLINE_PROVIDER_ENABLED = False
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 3


@pytest.fixture
def two_providers(make_provider, openai_double, anthropic_double):
    primary = make_provider(openai_double, name="Primary OpenAI", is_default=True)
    secondary = make_provider(anthropic_double, name="Secondary Claude", priority=20)
    return primary, secondary


def assert_nothing_lost(*doubles):
    seen = sum(d.request_count for d in doubles)
    hits = UsageLog.objects.filter(cache_hit=True).count()
    refusals = UsageLog.objects.filter(error_code="QUOTA_EXCEEDED").count()
    assert UsageLog.objects.count() == seen + hits + refusals


def test_503_three_times_is_retried_then_served_by_the_second_provider(
    two_providers, openai_double, anthropic_double, user
):
    openai_double.script(Reply.error(503), Reply.error(503), Reply.error(503))
    anthropic_double.script(Reply.ok("from claude"))

    result = generate(user=user, task="extraction", prompt="hello")

    assert (result.text, result.provider) == ("from claude", "anthropic")
    assert (openai_double.request_count, anthropic_double.request_count) == (3, 1)
    rows = list(UsageLog.objects.order_by("attempt"))
    assert [(r.provider_type, r.status, r.attempt) for r in rows] == [
        ("openai", "error", 1),
        ("openai", "error", 2),
        ("openai", "error", 3),
        ("anthropic", "success", 4),
    ]
    assert len({r.request_id for r in rows}) == 1
    assert_nothing_lost(openai_double, anthropic_double)


@pytest.mark.parametrize(
    "reply",
    [Reply.invalid_key(), Reply.insufficient_quota(), Reply.error(400)],
    ids=["401", "insufficient_quota", "400"],
)
def test_non_retryable_errors_skip_to_the_next_provider_without_retrying(
    two_providers, openai_double, anthropic_double, user, reply
):
    openai_double.script(reply)

    result = generate(user=user, task="extraction", prompt="hello")

    assert result.provider == "anthropic"
    assert (openai_double.request_count, anthropic_double.request_count) == (1, 1)
    assert_nothing_lost(openai_double, anthropic_double)


def test_all_providers_down_is_provider_error_with_every_attempt_logged(
    two_providers, openai_double, anthropic_double, user
):
    openai_double.default = Reply.error(500)
    anthropic_double.default = Reply.overloaded()

    with pytest.raises(errors.ProviderFailed) as caught:
        generate(user=user, task="extraction", prompt="hello")

    assert caught.value.code == "PROVIDER_ERROR"
    assert "Primary OpenAI" in caught.value.message and "Secondary Claude" in caught.value.message
    assert (openai_double.request_count, anthropic_double.request_count) == (3, 3)
    assert UsageLog.objects.filter(status="error").count() == 6
    assert_nothing_lost(openai_double, anthropic_double)


def test_all_timeouts_is_provider_timeout(
    two_providers, openai_double, anthropic_double, user, settings
):
    settings.AI_TIMEOUTS = {"default": 0.2}
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    openai_double.default = anthropic_double.default = Reply.slow(1.0)

    with pytest.raises(errors.ProviderTimeout):
        generate(user=user, task="extraction", prompt="hello")

    assert_nothing_lost(openai_double, anthropic_double)


def test_a_slow_provider_is_cut_off_at_the_timeout_and_the_next_one_serves(
    two_providers, openai_double, anthropic_double, user, settings
):
    settings.AI_TIMEOUTS = {"default": 0.3}
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    openai_double.script(Reply.slow(3.0))

    result = generate(user=user, task="extraction", prompt="hello")

    assert result.provider == "anthropic"
    timed_out = UsageLog.objects.get(provider_type="openai")
    assert timed_out.error_code == "PROVIDER_TIMEOUT" and timed_out.latency_ms < 2000
    assert_nothing_lost(openai_double, anthropic_double)


def test_retry_after_is_honoured(two_providers, openai_double, anthropic_double, user):
    openai_double.script(Reply.rate_limited(retry_after=1), Reply.ok("after waiting"))

    started = time.monotonic()
    result = generate(user=user, task="extraction", prompt="hello")

    assert result.text == "after waiting" and openai_double.request_count == 2
    assert time.monotonic() - started >= 1.0  # behaviour (it waited), not a speed target
    assert_nothing_lost(openai_double, anthropic_double)


def test_a_retry_after_beyond_the_limit_moves_on_instead_of_waiting(
    two_providers, openai_double, anthropic_double, user, settings
):
    settings.AI_RETRY_AFTER_MAX = 5
    openai_double.script(Reply.rate_limited(retry_after=3600))

    result = generate(user=user, task="extraction", prompt="hello")

    assert result.provider == "anthropic" and openai_double.request_count == 1


def test_breaker_opens_after_n_failures_then_half_opens_after_the_cooldown(
    two_providers, openai_double, anthropic_double, user, settings
):
    primary, _ = two_providers
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    settings.AI_BREAKER_THRESHOLD = 2
    settings.AI_BREAKER_COOLDOWN = 1
    openai_double.default = Reply.error(503)

    for n in range(2):
        assert generate(user=user, task="extraction", prompt=f"call {n}").provider == "anthropic"
    assert breaker_state(primary.pk) == "open" and openai_double.request_count == 2

    # Open: the primary is skipped without a request.
    assert generate(user=user, task="extraction", prompt="call 2").provider == "anthropic"
    assert openai_double.request_count == 2

    time.sleep(1.1)
    assert breaker_state(primary.pk) == "half-open"
    openai_double.default = Reply.ok("primary is back")
    # One trial call decides: it succeeds, the breaker closes.
    assert generate(user=user, task="extraction", prompt="call 3").provider == "openai"
    assert breaker_state(primary.pk) == "closed"
    assert_nothing_lost(openai_double, anthropic_double)


def test_a_failed_half_open_trial_reopens_the_breaker(
    two_providers, openai_double, anthropic_double, user, settings
):
    primary, _ = two_providers
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    settings.AI_BREAKER_THRESHOLD = 1
    settings.AI_BREAKER_COOLDOWN = 1
    openai_double.default = Reply.error(500)
    generate(user=user, task="extraction", prompt="a")
    time.sleep(1.1)

    generate(user=user, task="extraction", prompt="b")  # the trial, which fails

    assert openai_double.request_count == 2 and breaker_state(primary.pk) == "open"


def test_every_circuit_open_is_a_logged_503_that_says_when_to_come_back(
    make_provider, openai_double, user, settings
):
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    settings.AI_BREAKER_THRESHOLD = 1
    settings.AI_BREAKER_COOLDOWN = 60
    make_provider(openai_double)
    openai_double.default = Reply.error(503)
    with pytest.raises(errors.ProviderFailed):
        generate(user=user, task="extraction", prompt="a")

    with pytest.raises(errors.ServiceUnavailable, match="paused") as caught:
        generate(user=user, task="extraction", prompt="b")

    assert caught.value.status == 503 and caught.value.headers == {"Retry-After": "60"}
    assert openai_double.request_count == 1
    last = UsageLog.objects.order_by("-id").first()
    assert last.status == "error" and "circuit open" in last.error_message


def test_fallback_keeps_the_users_tier(two_providers, openai_double, anthropic_double, user):
    from billing.services import subscription_set_plan

    subscription_set_plan(user=user, plan_code="PRO_ANNUAL")
    openai_double.script(Reply.error(503), Reply.error(503), Reply.error(503))

    result = generate(user=user, task="cv_draft", prompt="hello")

    assert (result.provider, result.model) == ("anthropic", "claude-sonnet-5-5")
    assert anthropic_double.requests[0].body["model"] == "claude-sonnet-5-5"


def test_the_offline_provider_is_the_last_resort(make_provider, openai_double, user, settings):
    settings.OFFLINE_PROVIDER_ENABLED = True
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 1
    make_provider(openai_double)
    openai_double.script(Reply.error(503))

    result = generate(user=user, task="provider_test", prompt="ping")

    assert result.provider == "offline"
    assert list(UsageLog.objects.order_by("id").values_list("provider_type", "status")) == [
        ("openai", "error"),
        ("offline", "success"),
    ]
