from django.apps import AppConfig


class UsageConfig(AppConfig):
    """What AI calls cost and did: a user's usage API, the admin's usage log, dashboard and
    reports, the rollups they read, alerts and where they go (periodic jobs: periodic.py)."""

    name = "usage"
    verbose_name = "Usage"
