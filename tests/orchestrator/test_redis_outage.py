"""Redis is an accelerator: while it is away every request is still answered (throttles,
result cache, circuit breaker and plan cache work per process), the outage is logged once and
readable as a flag, and shared state resumes on its own when Redis is back."""

from __future__ import annotations

import logging
import time

import pytest
from rest_framework.test import APIClient

from core import shared_state
from orchestrator.models import UsageLog
from tests.fixtures.jobs import EXTRACT, job_answer
from tests.support.doubles import Reply
from tests.support.own_redis import own_redis  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

POSTING = (
    "Customer Success Manager\nCompany: Brightside Software\nLocation: Nairobi\n\n"
    "Own a portfolio of clinic accounts. Requirements: 3+ years in customer success. {n}"
)
OUTAGE_WARNING = "Redis is unreachable"


@pytest.fixture
def redis_cache(own_redis, settings):  # noqa: F811 - the fixture above
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.PooledRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    settings.PLAN_CACHE_SECONDS = 300
    yield own_redis
    # A test that ends mid-outage must not leave the next one degraded.
    if shared_state.redis_degraded():
        own_redis.start()
        time.sleep(shared_state.RETRY_SECONDS + 0.1)
        from django.core.cache import cache

        cache.get("anything")


@pytest.fixture
def ai(openai_double, make_provider):
    """A paid provider first in the chain: answers are charged, cached and counted."""
    make_provider(openai_double)
    openai_double.default = Reply.ok(job_answer(), input_tokens=500, output_tokens=120)
    return openai_double


def _extract(client: APIClient, n: int):
    return client.post(EXTRACT, {"text": POSTING.format(n=n)}, format="json")


def test_with_redis_killed_ai_calls_sign_ins_sign_ups_and_usage_are_answered(
    redis_cache, ai, api_client, user, caplog
):
    assert _extract(api_client, 0).status_code == 201
    assert redis_cache.keys(), "the cache, throttles and plan cache live in Redis"
    assert not shared_state.redis_degraded()

    redis_cache.kill()
    caplog.set_level(logging.WARNING, logger="core.shared_state")
    anonymous = APIClient()
    answers = [_extract(api_client, n).status_code for n in range(1, 6)]
    answers.append(_extract(api_client, 1).status_code)  # a result-cache hit, locally
    signed_in = anonymous.post(
        "/api/v1/auth/token", {"username": "alice", "password": "alice-pass-123"}, format="json"
    )
    signed_up = anonymous.post(
        "/api/v1/auth/register",
        {"username": "dora", "email": "dora@example.com", "password": "plum-Orchard-77"},
        format="json",
    )
    usage = api_client.get("/api/v1/usage")

    assert answers == [201] * 6
    assert (signed_in.status_code, signed_up.status_code, usage.status_code) == (200, 201, 200)
    assert UsageLog.objects.filter(user=user, cache_hit=True).count() == 1
    assert shared_state.redis_degraded()
    assert shared_state.redis_status()["fallbacks"] > 0
    warnings = [r for r in caplog.records if OUTAGE_WARNING in r.getMessage()]
    assert len(warnings) == 1, "the outage is logged once, not per request"


def test_shared_state_resumes_on_its_own_when_redis_is_back(redis_cache, ai, api_client, caplog):
    redis_cache.kill()
    assert _extract(api_client, 0).status_code == 201
    assert shared_state.redis_degraded()

    redis_cache.start()  # an empty Redis on the same port, as after a restart
    time.sleep(shared_state.RETRY_SECONDS + 0.1)
    caplog.set_level(logging.WARNING, logger="core.shared_state")

    assert _extract(api_client, 1).status_code == 201
    assert not shared_state.redis_degraded()
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert redis_cache.keys(), "throttles and caches write to Redis again"


def test_a_plan_change_made_during_the_outage_is_not_undone_by_redis_coming_back(
    redis_cache, ai, api_client, user
):
    from billing.services import subscription_set_plan
    from orchestrator.snapshot import plan_for_user

    assert _extract(api_client, 0).status_code == 201  # the FREEMIUM plan now cached in Redis
    redis_cache.process.send_signal(19)  # SIGSTOP: Redis hangs, its data kept
    try:
        subscription_set_plan(user=user, plan_code="PRO_MONTHLY")
        assert shared_state.redis_degraded()
    finally:
        redis_cache.process.send_signal(18)  # SIGCONT
    time.sleep(shared_state.RETRY_SECONDS + 0.1)
    assert _extract(api_client, 1).status_code == 201  # Redis answers again
    from orchestrator import snapshot

    snapshot.forget()

    assert not shared_state.redis_degraded()
    assert plan_for_user(user=user).code == "PRO_MONTHLY"
