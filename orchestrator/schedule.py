"""Periodic jobs: their one declaration (`@periodic`), and the embedded schedule that runs them
where no Celery beat does.

An app declares each of its periodic jobs once, in its `periodic.py`:

    @periodic(interval_setting="ALERT_CHECK_SECONDS")
    def alerts_check() -> int: ...

That makes the function the Celery task `<app>.<function>` (`usage.alerts_check`; renaming the
function renames the task), which Celery beat runs every ALERT_CHECK_SECONDS (config/celery.py
builds the beat schedule from these declarations), and a job of the embedded schedule below,
under the same name and interval. The apps' `periodic.py` modules are found as the admin finds
`admin.py`: imported by jobs(), and by config/celery.py before beat or a worker starts.

The embedded schedule: the embedded default (`make run`: no broker, so no worker and no beat)
and any server without a beat. config/wsgi.py and config/asgi.py call start() as they build the
application, so it runs in server processes only (runserver, gunicorn, an ASGI server), never
in a management command, a Celery worker or the test suite; and only with EMBEDDED_SCHEDULE on
(by default: tasks run eagerly). Each process runs one daemon thread. A job's ScheduledRun row
is its lease: a process runs the job only if one UPDATE moves the row's start from before
(now - interval) to now, so several server processes on one database run each job once per
interval between them, and a restarted server does not run it again early.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import Task, shared_task
from django.conf import settings
from django.db import OperationalError, connections
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import ScheduledRun

logger = logging.getLogger(__name__)

# The server answers its first requests before the jobs take the database.
FIRST_RUN_AFTER = 5.0  # seconds, or the job's interval if shorter
FOLLOWER_DELAY = 2.0  # seconds
# A job that could not start or failed because the database was busy or away (SQLite's
# "database is locked", a PostgreSQL restart) is tried again this soon, not an interval later
# (the credentials re-test's interval is a day).
RETRY_SOON = 30.0  # seconds, or the job's interval if shorter

_started = False
_start_lock = threading.Lock()


@dataclass(frozen=True)
class PeriodicJob:
    """One periodic job: its task name (`<app>.<function>`, Celery's and the embedded
    schedule's), the setting that holds its interval in seconds, and the function it runs."""

    name: str
    interval_setting: str
    run: Callable[[], object]

    @property
    def interval(self) -> float:
        return float(getattr(settings, self.interval_setting))


_jobs: dict[str, PeriodicJob] = {}


def periodic(*, interval_setting: str) -> Callable[[Callable[[], object]], Task]:
    """Declare the function a periodic job run every `interval_setting` seconds: the Celery
    task `<app>.<function>` (run by beat) and a job of the embedded schedule. The function
    takes no arguments; what it returns is only written to the worker's log. Returns the
    Celery task (`.delay()` queues a run by hand)."""

    def declare(run: Callable[[], object]) -> Task:
        name = f"{run.__module__.split('.')[0]}.{run.__name__}"
        _jobs[name] = PeriodicJob(name=name, interval_setting=interval_setting, run=run)
        return shared_task(name=name, ignore_result=True)(run)

    return declare


def jobs() -> dict[str, PeriodicJob]:
    """Every periodic job the apps declare, by task name."""
    autodiscover_modules("periodic")  # each app's periodic.py, imported once
    return dict(_jobs)


def beat_schedule() -> dict[str, dict]:
    """Celery beat's schedule (app.conf.beat_schedule): every job, under its task name."""
    return {job.name: {"task": job.name, "schedule": job.interval} for job in jobs().values()}


def start() -> bool:
    """Start this process's scheduler thread, once, when EMBEDDED_SCHEDULE is on."""
    global _started
    if not settings.EMBEDDED_SCHEDULE:
        return False
    with _start_lock:
        if _started:
            return False
        _started = True
    threading.Thread(target=_loop, name="embedded-schedule", daemon=True).start()
    logger.info("Embedded schedule started: %s run in this server.", ", ".join(sorted(jobs())))
    return True


def _loop() -> None:
    schedule = jobs()
    begun = time.monotonic()
    due = {job.name: begun + min(job.interval, FIRST_RUN_AFTER) for job in schedule.values()}
    while True:
        time.sleep(max(min(due.values()) - time.monotonic(), 0))
        for job in schedule.values():
            if due[job.name] <= time.monotonic():
                wait = run_if_due(job=job.name, interval=job.interval, run=job.run)
                due[job.name] = time.monotonic() + wait
        # This thread's connection goes back (to the pool, or closed) between runs.
        connections.close_all()


def run_if_due(*, job: str, interval: float, run: Callable[[], object]) -> float:
    """Run the job if no process started it in the last `interval` seconds; returns the
    seconds until it is next due."""
    now = timezone.now()
    try:
        started = _claim(job=job, interval=interval, now=now)
        if started != now:  # another process runs it
            # Wake a little after that process will have claimed the next run: the check is
            # then a read. (On SQLite a write meeting that process's running job could make
            # the job fail with "database is locked".)
            due = started + timedelta(seconds=interval + FOLLOWER_DELAY) - now
            return max(due.total_seconds(), 1.0)
        error, retry = "", False
        try:
            run()
        except Exception as exc:
            logger.exception("Scheduled job %s failed", job)
            error, retry = f"{type(exc).__name__}: {exc}", isinstance(exc, OperationalError)
        runs = ScheduledRun.objects.filter(job=job, started_at=now)
        if retry:  # due again in RETRY_SOON, for whichever process asks first
            soon = min(RETRY_SOON, interval)
            runs.update(
                started_at=now - timedelta(seconds=interval - soon),
                finished_at=timezone.now(),
                error=error,
            )
            return soon
        runs.update(finished_at=timezone.now(), error=error)
    except Exception:  # the database is busy or away: try again soon
        logger.exception("Scheduled job %s could not start; trying again soon", job)
        return min(RETRY_SOON, float(interval))
    return float(interval)


def _claim(*, job: str, interval: float, now: datetime) -> datetime:
    """`now` if this process may run the job; else when the process that runs it started."""
    before = now - timedelta(seconds=interval)
    last = ScheduledRun.objects.filter(job=job).values_list("started_at", flat=True).first()
    if last is None:
        run, _ = ScheduledRun.objects.get_or_create(job=job, defaults={"started_at": now})
        return run.started_at
    if last > before:
        return last
    # Due: the first process to move the start takes the run.
    if ScheduledRun.objects.filter(job=job, started_at__lte=before).update(
        started_at=now, finished_at=None, error=""
    ):
        return now
    return ScheduledRun.objects.values_list("started_at", flat=True).get(job=job)


def scheduled_runs() -> dict[str, ScheduledRun]:
    return {run.job: run for run in ScheduledRun.objects.all()}
