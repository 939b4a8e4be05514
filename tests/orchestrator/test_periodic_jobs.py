"""A periodic job is declared once (`@periodic` in its app's periodic.py), and both schedulers
run it: Celery beat under its task name, and where no beat runs the embedded schedule, under
the same name and interval."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.celery import app, beat_schedule_from_periodic_jobs
from orchestrator import schedule

ROOT = Path(__file__).resolve().parents[2]
# Every periodic job: its task name (its app's first) and the setting of its interval.
JOBS = {
    "orchestrator.reaper": "REAPER_SECONDS",
    "orchestrator.provider_configs_retest": "PROVIDER_RETEST_SECONDS",
    "usage.alerts_check": "ALERT_CHECK_SECONDS",
    "usage.rollup_recent": "USAGE_ROLLUP_SECONDS",
    "usage.capture_purge": "AI_CAPTURE_PURGE_SECONDS",
    "privacy.data_retention_purge": "DATA_RETENTION_PURGE_SECONDS",
}


def test_beat_and_the_embedded_schedule_run_the_same_jobs_under_the_same_names(settings):
    beat_schedule_from_periodic_jobs(sender=app)  # as a worker or beat does when it starts

    beat = {
        name: (entry["task"], entry["schedule"]) for name, entry in app.conf.beat_schedule.items()
    }
    embedded = {name: (job.name, job.interval) for name, job in schedule.jobs().items()}

    assert beat == embedded
    assert {name: job.interval_setting for name, job in schedule.jobs().items()} == JOBS
    for name, setting in JOBS.items():
        assert beat[name] == (name, getattr(settings, setting))
        task = app.tasks[beat[name][0]]  # what a worker runs when beat sends the name
        assert task.name == name and task.ignore_result


def test_a_job_runs_as_a_celery_task_and_as_the_embedded_schedules_function(db):
    job = schedule.jobs()["usage.capture_purge"]

    assert app.tasks[job.name].delay().get() == 0  # eager in tests: nothing to purge
    assert job.run() == 0


@pytest.mark.slow
def test_celery_beat_sends_every_job_under_its_task_name(tmp_path):
    """A real `celery beat`, every interval 1 s, its broker in memory: it sends each job."""
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",  # beat reads no table
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": "",
        **{setting: "1" for setting in JOBS.values()},
    }
    log = (tmp_path / "beat.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
         "--schedule", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not all(f"Sending due task {name} ({name})" in _read(log) for name in JOBS):
            assert process.poll() is None, "beat died:\n" + _read(log)
            assert time.monotonic() < deadline, "not every job was sent:\n" + _read(log)
            time.sleep(0.25)
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _read(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()
