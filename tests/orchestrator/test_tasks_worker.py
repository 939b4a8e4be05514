"""A real Celery worker, in its own process, completes an extraction queued through the API.

The worker talks to the Redis on 127.0.0.1:6379 (CELERY_TEST_BROKER_URL overrides it) and to
this test's PostgreSQL database; rows are committed (transaction=True) so it can see them.
Its queue has a unique name, so workers of other runs sharing the Redis cannot take our task.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from config.celery import app
from jobs.models import Job
from orchestrator.models import UsageLog
from tests.fixtures.jobs import EXTRACT
from tests.support.processes import database_url

ROOT = Path(__file__).resolve().parents[2]
POSTING = (ROOT / "tests" / "data" / "jobs" / "plain_posting.txt").read_text()
BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 60.0  # seconds for the worker to start and finish; it takes ~2 s here


def _broker_reachable() -> bool:
    parts = urlsplit(BROKER)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture
def worker(tmp_path):
    """A `celery worker` subprocess on a private queue; this process sends to that queue."""
    if not _broker_reachable():
        pytest.fail(f"No Redis at {BROKER}; the real-worker test needs it.")
    # An earlier transactional test may have flushed the migrations' plans and providers.
    call_command("seed_defaults", stdout=io.StringIO())
    queue = f"aiorch-test-{uuid.uuid4().hex[:12]}"
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
        "OFFLINE_PROVIDER_ENABLED": "true",
        # The developer's own keys must not reach a test worker.
        "GEMINI_API_KEY": "",
        "OPENAI_API_KEY": "",
        "ANTHROPIC_API_KEY": "",
    }
    log = (tmp_path / "worker.log").open("w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
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
    )
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    _reset_connections()
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    try:
        yield process, log
    finally:
        app.conf.update(saved)
        _reset_connections()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        # Our private queue's routing keys; nothing else in the shared Redis is touched.
        redis.Redis.from_url(BROKER).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


def _reset_connections() -> None:
    """Drop pooled broker connections so the next send uses the current broker_url."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def _worker_log(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-4000:]


# Skipped before any setup on SQLite: this transactional test's flush would recreate the
# content types under new ids and break later tests that restore serialized data.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The worker must share the test database; SQLite's is in memory. "
    "CI runs this on PostgreSQL (DATABASE_URL).",
)
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_completes_an_async_extraction(worker, api_client, user):
    process, log = worker

    response = api_client.post(EXTRACT + "?async=1", {"text": POSTING}, format="json")

    assert response.status_code == 202, response.json()
    assert response.json()["data"]["status"] == "pending"  # not run in this process
    deadline = time.monotonic() + TIMEOUT
    while True:
        task = api_client.get(response["Location"]).json()["data"]
        if task["status"] in ("succeeded", "failed"):
            break
        assert process.poll() is None, "the worker died:\n" + _worker_log(log)
        assert time.monotonic() < deadline, (
            f"task still {task['status']} after {TIMEOUT:.0f}s:\n" + _worker_log(log)
        )
        time.sleep(0.25)

    assert task["status"] == "succeeded", task
    assert task["result"]["title"] == "Frontend Developer"
    assert task["result"]["extracted_by"] == "offline"
    assert task["started_at"] and task["finished_at"]
    job = Job.objects.get(owner=user)
    assert job.pk == task["result"]["id"]
    row = UsageLog.objects.get(user=user)
    assert (row.task_type, row.status, row.provider_type) == ("extraction", "success", "offline")
    assert job.usage_log_id == row.pk
    assert "run_ai_task" in _worker_log(log)  # the worker, not this process, ran it
