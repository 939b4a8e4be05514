"""Where no Celery beat runs (`make run`: no broker), the server itself runs the alert check and
the usage rollups on their intervals, one process per run between several."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from orchestrator.models import ProviderConfig, ScheduledRun
from orchestrator.schedule import run_if_due
from tests.fixtures.usage import log_usage
from tests.support.processes import embedded_env, running_server
from usage.models import Alert, UsageRollupDay

# --- The lease --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_runs_once_per_interval_whichever_process_asks():
    runs = []

    assert run_if_due(job="check", interval=60, run=lambda: runs.append(1)) == 60
    # Another process (or this one again) a moment later: not due before the next interval.
    wait = run_if_due(job="check", interval=60, run=lambda: runs.append(2))

    assert runs == [1] and 60 < wait <= 62  # just after the runner's next start
    row = ScheduledRun.objects.get(job="check")
    assert row.finished_at is not None and row.error == ""

    ScheduledRun.objects.update(started_at=row.started_at - timedelta(seconds=60))
    assert run_if_due(job="check", interval=60, run=lambda: runs.append(3)) == 60
    assert runs == [1, 3]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_tried_again_next_interval():
    def broken():
        raise RuntimeError("the disk is full")

    assert run_if_due(job="rollup", interval=30, run=broken) == 30

    row = ScheduledRun.objects.get(job="rollup")
    assert row.error == "RuntimeError: the disk is full" and row.finished_at is not None


# --- A real server --------------------------------------------------------------------------


# Skipped before any setup on SQLite: its test database lives in this process's memory.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The server process must share the test database; CI runs this on PostgreSQL.",
)
@pytest.mark.slow
# Committed rows, so the server sees them. (No serialized_rollback, like the other transactional
# tests that run after billing's: it clashes with the content types their flush recreates.)
@pytest.mark.django_db(transaction=True)
def test_the_server_raises_alerts_and_rolls_up_usage_without_beat(tmp_path):
    config = ProviderConfig.objects.create(
        name="openai main", provider_type="openai", fast_model="gpt-4o-mini", quality_model="gpt-4o"
    )
    a_while_ago = timezone.now() - timedelta(minutes=5)
    for i in range(20):
        failed = i < 12  # 60%
        log_usage(
            at=a_while_ago,
            config=config,
            status="error" if failed else "success",
            error_code="PROVIDER_ERROR" if failed else "",
        )
    # `make run`'s environment: no broker, so no beat; nothing says EMBEDDED_SCHEDULE.
    env = embedded_env(ALERT_CHECK_SECONDS="1", USAGE_ROLLUP_SECONDS="1", ADMINS="")

    with running_server(tmp_path, env) as server:
        deadline = time.monotonic() + 30
        # A run rolls up yesterday, then today: wait for today's, which holds these calls.
        today = UsageRollupDay.objects.filter(day=timezone.now().date())
        while not (Alert.objects.exists() and today.exists()):
            assert server.process.poll() is None, "the server died:\n" + server.output()
            assert time.monotonic() < deadline, "nothing ran after 30 s:\n" + server.output()
            time.sleep(0.25)

    alert = Alert.objects.get()
    assert (alert.kind, alert.subject, alert.notified_at) == ("error_rate", "openai main", None)
    assert "12 of 20 calls to openai main failed" in alert.message
    assert today.exists()
    assert {"usage.alerts_check", "usage.rollup_recent"} <= set(
        ScheduledRun.objects.values_list("job", flat=True)
    )


def test_the_embedded_schedule_retests_credentials_daily(make_provider, openai_double, settings):
    from orchestrator import schedule

    config = make_provider(openai_double)
    openai_double.expect_key = "a key that was revoked at the vendor"
    job = schedule.jobs()["orchestrator.provider_configs_retest"]

    schedule.run_if_due(job=job.name, interval=job.interval, run=job.run)

    config.refresh_from_db()
    assert job.interval == settings.PROVIDER_RETEST_SECONDS == 24 * 3600
    assert config.last_test_status == ProviderConfig.TestStatus.FAILED
    assert ScheduledRun.objects.filter(job=job.name).exists()


@pytest.mark.django_db
def test_a_job_that_met_a_locked_database_is_tried_again_soon_not_next_interval():
    from django.db import OperationalError

    from orchestrator.schedule import RETRY_SOON

    def locked():
        raise OperationalError("database is locked")

    assert run_if_due(job="provider_retest", interval=86400, run=locked) == RETRY_SOON
    assert run_if_due(job="provider_retest", interval=86400, run=lambda: None) > RETRY_SOON

    # Any process that asks once RETRY_SOON has passed runs it.
    row = ScheduledRun.objects.get(job="provider_retest")
    ScheduledRun.objects.update(started_at=row.started_at - timedelta(seconds=RETRY_SOON))
    runs = []
    assert run_if_due(job="provider_retest", interval=86400, run=lambda: runs.append(1)) == 86400
    assert runs == [1]
