"""The privacy app's periodic job (declared with orchestrator.schedule.periodic: Celery beat
runs it, or the embedded schedule where no beat runs)."""

from __future__ import annotations

from orchestrator.schedule import periodic

from . import services


@periodic(interval_setting="DATA_RETENTION_PURGE_SECONDS")
def data_retention_purge() -> dict[str, int]:
    """What nobody touched for DATA_RETENTION_DAYS goes; returns how many of each kind."""
    return services.data_retention_purge()
