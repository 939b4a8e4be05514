from django.apps import AppConfig


class UsageConfig(AppConfig):
    """What AI calls cost and did: a user's usage API, the admin's reports, rollups and alerts."""

    name = "usage"
    verbose_name = "Usage"

    def ready(self) -> None:
        from orchestrator.schedule import job_register

        from .alerts import alerts_check
        from .rollups import usage_rollup_recent

        job_register("alerts_check", interval_setting="ALERT_CHECK_SECONDS", run=alerts_check)
        job_register(
            "usage_rollup", interval_setting="USAGE_ROLLUP_SECONDS", run=usage_rollup_recent
        )
