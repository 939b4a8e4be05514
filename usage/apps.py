from django.apps import AppConfig


class UsageConfig(AppConfig):
    """What AI calls cost and did: a user's usage API."""

    name = "usage"
    verbose_name = "Usage"
