"""The gateway's periodic jobs (declared with orchestrator.schedule.periodic: Celery beat runs
them, or the embedded schedule where no beat runs)."""

from __future__ import annotations

from .reaper import reap_recent
from .schedule import periodic
from .services import provider_test_active


@periodic(interval_setting="REAPER_SECONDS")
def reaper() -> dict:
    """Close the holds and AI tasks whose process died, reconcile the quota counters; returns
    what was closed and repaired, for the worker's log."""
    return reap_recent().as_dict()


@periodic(interval_setting="PROVIDER_RETEST_SECONDS")
def provider_configs_retest() -> int:
    """Test every active config's credentials (a key revoked at the vendor raises the failing
    credentials alert before users meet it); returns how many failed, for the worker's log."""
    return sum(not result.ok for result in provider_test_active())
