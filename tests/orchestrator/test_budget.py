"""The call budget is the budget: each attempt waits at most what is left of it, the offline
provider still answers once it is spent, and the circuit breaker's own troubles never fail a
request."""

from __future__ import annotations

import threading
import time

import pytest

from core.prompting import block
from orchestrator.models import UsageLog
from orchestrator.resilience import breaker_record_failure, breaker_record_success
from orchestrator.services import generate
from tests.support.doubles import Reply
from tests.support.own_redis import own_redis  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def test_a_hanging_vendor_costs_the_budget_once_and_the_offline_provider_still_answers(
    make_provider, openai_double, user, settings
):
    settings.OFFLINE_PROVIDER_ENABLED = True
    settings.AI_TIMEOUTS = {"default": 10.0, "extraction": 10.0}
    settings.AI_CALL_BUDGET = 1.5
    settings.AI_MAX_ATTEMPTS_PER_PROVIDER = 3
    make_provider(openai_double)
    openai_double.default = Reply.slow(5.0)

    started = time.monotonic()
    posting = "Backend Engineer\nCompany: Acme Freight\nLocation: London\n\nBuild our APIs."
    result = generate(user=user, task="extraction", prompt=block("posting", posting))
    took = time.monotonic() - started

    assert result.provider == "offline"
    rows = list(UsageLog.objects.values_list("provider_type", "error_code", "latency_ms"))
    # Three attempts of the vendor's 5 s would take 15 s; the budget is 1.5 s (a busy machine
    # adds some).
    assert took < 6, (f"{took:.1f} s: an attempt outlived the call budget", rows)
    timed_out = UsageLog.objects.filter(provider_type="openai", error_code="PROVIDER_TIMEOUT")
    assert timed_out.count() >= 1


def test_concurrent_breaker_updates_on_redis_never_raise(own_redis, settings, caplog):  # noqa: F811
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.PooledRedisCache", "LOCATION": own_redis.url}
    }
    settings.AI_BREAKER_THRESHOLD = 3
    errors: list[BaseException] = []

    def hammer(n: int) -> None:
        try:
            for i in range(100):
                if (i + n) % 3:
                    breaker_record_failure("race-route")
                else:
                    breaker_record_success("race-route", True)
        except BaseException as exc:  # noqa: BLE001 - the point is that nothing escapes
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert not [r for r in caplog.records if "Circuit breaker" in r.getMessage()]
