"""Password hashing (deliberately slow) holds no database connection: a burst of wrong
passwords leaves everyone else's requests answered as usual."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.core.management import call_command
from django.db import connection

from accounts.tokens import token_issue
from tests.support.processes import embedded_env, running_server

pytestmark = [
    # Skipped before any setup on SQLite: its test database lives in this process's memory.
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="The server process must share the test database; CI runs this on PostgreSQL.",
    ),
    pytest.mark.slow,
    # Committed rows, so the server sees them. Restored from the snapshot afterwards, as the
    # billing tests that run after it are: a plain transactional test's flush would recreate
    # the content types under new ids, and their restore would clash with them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_forty_wrong_sign_ins_at_once_leave_a_signed_in_users_requests_answered(tmp_path, user):
    call_command("seed_defaults")  # the plans (a transactional test before may have flushed)
    token = token_issue(user=user).token
    env = embedded_env(
        # A small pool, so that connections held through hashing would run out at once.
        DB_POOL_MAX_SIZE="4",
        DB_POOL_MIN_SIZE="1",
        DB_POOL_TIMEOUT="3",
        AUTH_SIGNIN_FAILURES_PER_ADDRESS="1000/hour",
    )
    with running_server(tmp_path, env) as server, ThreadPoolExecutor(41) as pool:
        base = server.base_url + "/api/v1"

        def wrong_sign_in(n: int) -> int:
            body = {"username": f"nobody{n}", "password": "not-the-password-1"}
            return httpx.post(f"{base}/auth/token", json=body, timeout=300).status_code

        def usage_while_it_lasts() -> list[tuple[int, float]]:
            seen = []
            time.sleep(0.5)  # the burst has begun
            for _ in range(5):
                started = time.monotonic()
                response = httpx.get(
                    f"{base}/usage", headers={"Authorization": f"Token {token}"}, timeout=60
                )
                seen.append((response.status_code, time.monotonic() - started))
            return seen

        burst = [pool.submit(wrong_sign_in, n) for n in range(40)]
        bystander = pool.submit(usage_while_it_lasts)

        assert [f.result() for f in burst] == [401] * 40
        answers = bystander.result()
        assert [status for status, _ in answers] == [200] * 5, answers
        # Within the pool's timeout: no request waited for a connection held by a hash.
        assert max(seconds for _, seconds in answers) < 3.0, answers
