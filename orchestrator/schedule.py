"""The periodic jobs (alert check, usage rollups, the daily credentials re-test) where no
Celery beat runs them: the embedded default (`make run`: no broker, so no worker and no beat)
and any server without one.

config/wsgi.py and config/asgi.py call start() as they build the application, so it runs in
server processes only (runserver, gunicorn, an ASGI server), never in a management command, a
Celery worker or the test suite; and only with EMBEDDED_SCHEDULE on (by default: tasks run
eagerly). Each process runs one daemon thread. A job's ScheduledRun row is its lease: a
process runs the job only if one UPDATE moves the row's start from before (now - interval) to
now, so several server processes on one database run each job once per interval between them,
and a restarted server does not run it again early.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import OperationalError, connections
from django.utils import timezone

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


# Job name -> (the setting that holds its interval in seconds, what it runs), as the apps
# register them in their AppConfig.ready(); Celery beat's schedule runs the same functions.
_jobs: dict[str, tuple[str, Callable[[], object]]] = {}


def job_register(name: str, *, interval_setting: str, run: Callable[[], object]) -> None:
    _jobs[name] = (interval_setting, run)


def jobs() -> dict[str, tuple[float, Callable[[], object]]]:
    """Job name -> (interval in seconds, what it runs)."""
    return {name: (getattr(settings, setting), run) for name, (setting, run) in _jobs.items()}


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
    logger.info("Embedded schedule started: alert check and usage rollups run in this server.")
    return True


def _loop() -> None:
    schedule = jobs()
    begun = time.monotonic()
    due = {name: begun + min(interval, FIRST_RUN_AFTER) for name, (interval, _) in schedule.items()}
    while True:
        time.sleep(max(min(due.values()) - time.monotonic(), 0))
        for name, (interval, run) in schedule.items():
            if due[name] <= time.monotonic():
                due[name] = time.monotonic() + run_if_due(job=name, interval=interval, run=run)
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
