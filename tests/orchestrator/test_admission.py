"""Overload is shed early and honestly: beyond the AI calls and streams a process (or all of
them) may have in flight, a request is refused at once with 503 and Retry-After, before its
quota and before any vendor call."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection

from accounts.tokens import token_issue
from core import errors
from core.prompting import block
from orchestrator.models import UsageLog
from orchestrator.streaming import generate_stream
from tests.fixtures.jobs import job_answer
from tests.support.doubles import Reply
from tests.support.own_redis import own_redis  # noqa: F401 - a fixture
from tests.support.processes import embedded_env, running_server

POSTING = block("posting", "Backend Engineer\nCompany: Acme Freight\nLocation: London\n\nAPIs.")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The server process must share the test database; CI runs this on PostgreSQL.",
)
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_calls_beyond_the_bound_are_refused_at_once_before_any_vendor_call(
    tmp_path, user, make_provider, openai_double
):
    from django.core.management import call_command

    call_command("seed_defaults")  # the plans (a transactional test before may have flushed)
    make_provider(openai_double)
    openai_double.default = Reply.slow(2.0, then=Reply.ok(job_answer()))
    token = token_issue(user=user).token
    env = embedded_env(AI_MAX_CALLS_IN_FLIGHT="2", OFFLINE_PROVIDER_ENABLED="false")

    with running_server(tmp_path, env) as server, ThreadPoolExecutor(6) as pool:

        def extract(n: int) -> tuple[httpx.Response, float]:
            started = time.monotonic()
            response = httpx.post(
                server.base_url + "/api/v1/job-extractor/extract",
                json={"text": f"Backend Engineer at Acme Freight in London, posting {n}."},
                headers={"Authorization": f"Token {token}"},
                timeout=60,
            )
            return response, time.monotonic() - started

        answers = list(pool.map(extract, range(6)))

    served = [r for r, _ in answers if r.status_code == 201]
    refused = [(r, took) for r, took in answers if r.status_code == 503]
    assert (len(served), len(refused)) == (2, 4), [r.text for r, _ in answers]
    for response, took in refused:
        assert response.json()["error_code"] == "SERVICE_UNAVAILABLE"
        assert int(response.headers["Retry-After"]) > 0
        assert took < 1.5, "a refusal does not wait for the calls in flight"
    assert openai_double.request_count == 2
    assert UsageLog.objects.filter(error_code="SERVICE_UNAVAILABLE").count() == 4


@pytest.mark.django_db
def test_streams_beyond_the_per_process_bound_are_refused_until_one_ends(user, settings):
    settings.AI_MAX_STREAMS_IN_FLIGHT = 2

    first = generate_stream(user=user, task="extraction", prompt=POSTING, use_cache=False)
    second = generate_stream(user=user, task="extraction", prompt=POSTING, use_cache=False)
    with pytest.raises(errors.ServiceUnavailable) as caught:
        generate_stream(user=user, task="extraction", prompt=POSTING, use_cache=False)
    assert caught.value.status == 503 and int(caught.value.headers["Retry-After"]) > 0

    "".join(first)  # read to its end: its slot is free again
    third = generate_stream(user=user, task="extraction", prompt=POSTING, use_cache=False)
    second.close()
    third.close()


@pytest.mark.django_db
def test_streams_beyond_the_total_bound_are_refused_across_processes(
    user,
    settings,
    own_redis,  # noqa: F811
):
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.PooledRedisCache", "LOCATION": own_redis.url}
    }
    settings.AI_MAX_STREAMS_IN_FLIGHT = 10
    settings.AI_MAX_STREAMS_TOTAL = 2
    # Another process holds one stream: its lease is in Redis.
    own_redis_client = __import__("redis").Redis.from_url(own_redis.url)
    from core.shared_state import redis_key
    from orchestrator.resilience import STREAMS_KEY

    own_redis_client.zadd(redis_key(STREAMS_KEY), {"another-process": time.time() * 1000})

    mine = generate_stream(user=user, task="extraction", prompt=POSTING, use_cache=False)
    with pytest.raises(errors.ServiceUnavailable):
        generate_stream(user=user, task="extraction", prompt=POSTING, use_cache=False)

    mine.close()
    generate_stream(user=user, task="extraction", prompt=POSTING, use_cache=False).close()
