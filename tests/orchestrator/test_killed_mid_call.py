"""Processes killed in the middle of an AI call, for real: a server SIGKILLed while the vendor
thinks, a Celery worker's child killed mid-task, a whole worker killed. Every vendor call is
still in the usage log once the reaper has run, no hold outlives its call, the counters agree
with the log, and every task reaches an end state."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import httpx
import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from kombu import pools

from accounts.tokens import token_issue
from billing.models import QuotaHold
from config.celery import app
from orchestrator.models import AITask, UsageLog
from orchestrator.reaper import reap
from tests.fixtures.jobs import EXTRACT, job_answer
from tests.orchestrator.test_tasks_worker import (
    BROKER,
    POSTING,
    ROOT,
    _broker_reachable,
    _reset_connections,
)
from tests.support.doubles import Reply
from tests.support.processes import database_url, embedded_env, running_server
from tests.support.quota import quota_counters

TIMEOUT = 60.0

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Other processes must share the test database; CI runs this on PostgreSQL.",
    ),
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def paid(openai_double, make_provider, user):
    """An OpenAI provider (the double) first in the chain, committed for other processes."""
    call_command("seed_defaults", stdout=io.StringIO())
    make_provider(openai_double)
    openai_double.default = Reply.ok(job_answer(), input_tokens=500, output_tokens=120)
    return openai_double


def wait_for(condition, what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def after_every_hold_expired() -> dt.datetime:
    from django.conf import settings

    return timezone.now() + dt.timedelta(
        seconds=settings.AI_CALL_BUDGET + settings.QUOTA_HOLD_MARGIN + 1
    )


def assert_counters_agree_with_the_log(user) -> None:
    logged = sum(
        UsageLog.objects.filter(user=user)
        .exclude(provider_type="offline")
        .values_list("total_tokens", flat=True)
    )
    for counter in quota_counters(user_id=user.pk).values():
        assert (counter.tokens_used, counter.tokens_reserved) == (logged, 0)
    assert reap().drift == []


def test_a_server_killed_while_the_vendor_thinks_leaves_a_hold_the_reaper_logs(
    paid, user, tmp_path
):
    paid.script(Reply.slow(15))
    token = token_issue(user=user).token
    with running_server(tmp_path, embedded_env(EMBEDDED_SCHEDULE="false")) as server:

        def extract() -> None:
            try:
                httpx.post(
                    server.base_url + EXTRACT,
                    json={"text": POSTING},
                    headers={"Authorization": f"Token {token}"},
                    timeout=30,
                )
            except httpx.TransportError:
                pass  # the server dies under the request

        client = threading.Thread(target=extract)
        client.start()
        wait_for(lambda: paid.request_count == 1, "the vendor call")
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        client.join(timeout=30)
        killed_pid = server.process.pid

    hold = QuotaHold.objects.get(user=user)
    assert hold.owner.endswith(f":{killed_pid}") and hold.task_type == "extraction"
    assert quota_counters(user_id=user.pk)["day"].tokens_reserved == hold.tokens
    assert not UsageLog.objects.filter(user=user).exists()  # the call died before its row

    report = reap(now=after_every_hold_expired())

    assert report.holds_released == 1
    row = UsageLog.objects.get(user=user)
    assert (row.error_code, row.provider_type, row.request_id) == (
        "ABANDONED",
        "openai",
        hold.request_id,
    )
    assert row.input_tokens == hold.input_tokens > 0
    assert row.prompt_version == hold.prompt_version
    assert hold.prompt_version.startswith("extraction@")  # the prompt the dead call sent
    assert not QuotaHold.objects.exists()
    assert_counters_agree_with_the_log(user)


def _reset_broker_pools() -> None:
    """As _reset_connections, and kombu's process-wide pools too: a second worker in one
    session would otherwise be sent to through a producer pool the first one's reset closed."""
    _reset_connections()
    pools.reset()


def start_worker(tmp_path, pool: str):
    """A `celery worker` on a private queue (as tests/orchestrator/test_tasks_worker.py)."""
    queue = f"aiorch-test-{uuid.uuid4().hex[:12]}"
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "PROVIDER_ALLOWED_HOSTS": "127.0.0.1",  # the vendor doubles
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": "cache+memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": "",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "GEMINI_API_KEY": "",
        "OPENAI_API_KEY": "",
        "ANTHROPIC_API_KEY": "",
    }
    log = (tmp_path / f"worker-{pool}.log").open("w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log, queue


@pytest.fixture
def worker_of(tmp_path):
    if not _broker_reachable():
        pytest.fail(f"No Redis at {BROKER}; the real-worker tests need it.")
    started = []
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }

    def start(pool: str):
        process, log, queue = start_worker(tmp_path, pool)
        started.append((process, log, queue))
        _reset_broker_pools()
        app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
        return process, log

    yield start
    app.conf.update(saved)
    _reset_broker_pools()
    for process, log, queue in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()
        redis.Redis.from_url(BROKER).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(line) for line in out.stdout.split()]


def poll_task(api_client, url: str) -> dict:
    task: dict = {}

    def ended() -> bool:
        task.update(api_client.get(url).json()["data"])
        return task["status"] in ("succeeded", "failed")

    wait_for(ended, "the task to end")
    return task


def test_a_task_whose_worker_process_is_killed_runs_again_and_succeeds(
    paid, worker_of, api_client, user
):
    process, log = worker_of("prefork")
    paid.script(Reply.slow(15))  # the first run's call hangs; the re-run's is answered

    response = api_client.post(EXTRACT + "?async=1", {"text": POSTING}, format="json")
    assert response.status_code == 202, response.json()
    wait_for(lambda: paid.request_count == 1, "the first run's vendor call")
    (child,) = children(process.pid)
    os.kill(child, signal.SIGKILL)

    task = poll_task(api_client, response["Location"])

    assert task["status"] == "succeeded", task
    assert AITask.objects.get().runs == 2
    assert paid.request_count == 2
    # The killed run's call is logged once the reaper closes its hold; the re-run's is served.
    reap(now=after_every_hold_expired())
    codes = sorted(UsageLog.objects.filter(user=user).values_list("error_code", flat=True))
    assert codes == ["", "ABANDONED"]
    assert_counters_agree_with_the_log(user)


def test_a_task_whose_whole_worker_is_killed_is_failed_by_the_reaper(
    paid, worker_of, api_client, user, settings
):
    process, log = worker_of("solo")
    paid.script(Reply.slow(15))

    response = api_client.post(EXTRACT + "?async=1", {"text": POSTING}, format="json")
    wait_for(lambda: paid.request_count == 1, "the vendor call")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert api_client.get(response["Location"]).json()["data"]["status"] == "running"

    later = timezone.now() + dt.timedelta(seconds=settings.AI_TASK_DEADLINE + 1)
    report = reap(now=max(later, after_every_hold_expired()))

    assert (report.tasks_failed, report.holds_released) == (1, 1)
    task = api_client.get(response["Location"]).json()["data"]
    assert (task["status"], task["error_code"]) == ("failed", "ABANDONED")
    assert UsageLog.objects.get(user=user).error_code == "ABANDONED"
    assert_counters_agree_with_the_log(user)
