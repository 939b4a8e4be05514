"""Own limits set by another process (a staff member's shell, another server) reach a running
server within a second, with no Redis, as a plan change does. (In tests/orchestrator/: like
every transactional test without serialized_rollback, it runs after billing's.)"""

from __future__ import annotations

import time

import httpx

from tests.orchestrator.test_cross_process import PROMISED, alice, server  # noqa: F401
from tests.orchestrator.test_cross_process import pytestmark as cross_process_marks
from tests.support.processes import manage

pytestmark = cross_process_marks

SET_OWN_LIMITS = """
from billing.models import UserLimits
UserLimits.objects.update_or_create(user_id={user_id}, defaults={{"daily_token_limit": 1234}})
"""


def usage_limits(running, headers) -> dict:
    response = httpx.get(running.base_url + "/api/v1/usage", headers=headers, timeout=30)
    assert response.status_code == 200, response.text + running.output()
    return response.json()["data"]["limits"]


def test_own_limits_set_in_another_process_reach_the_server_within_a_second(alice, server):  # noqa: F811
    user, _, headers = alice
    assert usage_limits(server, headers)["own"] == []  # the server remembers the plan's

    done = manage("shell", "-c", SET_OWN_LIMITS.format(user_id=user.pk), env=server.env)

    assert done.returncode == 0, done.stderr
    started = time.monotonic()
    while (limits := usage_limits(server, headers))["own"] == [] and (
        time.monotonic() - started < PROMISED + 3
    ):
        time.sleep(0.1)
    waited = time.monotonic() - started
    assert limits["own"] == ["daily_tokens"] and limits["daily_tokens"] == 1234
    assert waited < PROMISED, f"took {waited:.1f}s"
