from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class OrchestratorConfig(AppConfig):
    name = "orchestrator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing.models import Plan

        from . import checks, snapshot  # noqa: F401 - importing checks registers them
        from .models import ModelPrice, ProviderConfig, RoutingRule

        for model in (Plan, RoutingRule, ModelPrice, ProviderConfig):
            for signal in (post_save, post_delete):
                signal.connect(snapshot.bump, sender=model, dispatch_uid=f"bump-{model.__name__}")
