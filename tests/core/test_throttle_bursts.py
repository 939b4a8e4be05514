"""Throttles hold under bursts: concurrent requests against a real server cannot pass a limit,
with Redis (shared by every process) and without (per process), and a refusal says when to
come back."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.core.management import call_command
from django.db import connection

from accounts.tokens import token_issue
from tests.support.own_redis import own_redis  # noqa: F401 - a fixture
from tests.support.processes import embedded_env, running_server

pytestmark = [
    # Skipped before any setup on SQLite: its test database lives in this process's memory.
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="The server process must share the test database; CI runs this on PostgreSQL.",
    ),
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

BURST = 30
POSTING = (
    "Senior Backend Engineer\nCompany: Acme Freight\nLocation: London, UK\n\n"
    "You will build the Django REST APIs behind our freight network. Requirements: Python. {n}"
)


@pytest.fixture(params=["redis", "no redis"])
def server_env(request, tmp_path):
    env = embedded_env(
        AI_THROTTLE_BURST="20/min",
        AUTH_SIGNIN_FAILURES_PER_USERNAME="10/hour",
        AUTH_SIGNIN_FAILURES_PER_ADDRESS="1000/hour",
        AUTH_SIGNUPS_PER_ADDRESS="10/hour",
    )
    if request.param == "redis":
        redis = request.getfixturevalue("own_redis")
        env.update(REDIS_URL=redis.url, CELERY_TASK_ALWAYS_EAGER="true")
    return env


def _all_at_once(send, count: int = BURST) -> list[httpx.Response]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(send, range(count)))


def _assert_refusals_say_when(answers: list[httpx.Response]) -> None:
    refused = [r for r in answers if r.status_code == 429]
    assert refused and all(r.json()["error_code"] == "RATE_LIMITED" for r in refused)
    assert all(int(r.headers["Retry-After"]) > 0 for r in refused)


def test_bursts_of_sign_ups_wrong_passwords_and_ai_calls_cannot_pass_the_limits(
    server_env, tmp_path, user
):
    call_command("seed_defaults")  # the plans (a transactional test before may have flushed)
    token = token_issue(user=user).token
    with running_server(tmp_path, server_env) as server:
        api = server.base_url + "/api/v1"

        def sign_up(n: int) -> httpx.Response:
            body = {"username": f"u{n}", "email": f"u{n}@example.com", "password": "plum-Orchard-7"}
            return httpx.post(f"{api}/auth/register", json=body, timeout=120)

        def wrong_password(n: int) -> httpx.Response:
            body = {"username": "alice", "password": f"not-her-password-{n}"}
            return httpx.post(f"{api}/auth/token", json=body, timeout=120)

        def extract(n: int) -> httpx.Response:
            return httpx.post(
                f"{api}/job-extractor/extract",
                json={"text": POSTING.format(n=n)},
                headers={"Authorization": f"Token {token}"},
                timeout=120,
            )

        sign_ups = _all_at_once(sign_up)
        wrong = _all_at_once(wrong_password)
        calls = _all_at_once(extract)

    assert sorted(r.status_code for r in sign_ups) == [201] * 10 + [429] * 20, sign_ups[0].text
    assert sorted(r.status_code for r in wrong) == [401] * 10 + [429] * 20
    assert sorted(r.status_code for r in calls) == [201] * 20 + [429] * 10
    for answers in (sign_ups, wrong, calls):
        _assert_refusals_say_when(answers)
