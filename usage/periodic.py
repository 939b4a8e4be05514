"""The usage app's periodic jobs (declared with orchestrator.schedule.periodic: Celery beat runs
them, or the embedded schedule where no beat runs)."""

from __future__ import annotations

from orchestrator.schedule import periodic

from . import alerts, capture, rollups


@periodic(interval_setting="ALERT_CHECK_SECONDS")
def alerts_check() -> int:
    """The alert check; returns how many alerts are open, for the worker's log."""
    return len(alerts.alerts_check())


@periodic(interval_setting="USAGE_ROLLUP_SECONDS")
def rollup_recent() -> int:
    """Yesterday's and today's rollups rebuilt; returns the rows written, for the worker's log."""
    return sum(rollups.usage_rollup_recent().values())


@periodic(interval_setting="AI_CAPTURE_PURGE_SECONDS")
def capture_purge() -> int:
    """Captured prompts and answers older than AI_CAPTURE_DAYS deleted; returns how many."""
    return capture.usage_capture_purge()
