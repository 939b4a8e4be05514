from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_plan(sender, instance, **kwargs) -> None:
    from .snapshot import forget_plan

    forget_plan(user_id=instance.user_id)


class OrchestratorConfig(AppConfig):
    name = "orchestrator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing.models import Plan, Subscription, UserLimits

        from . import checks, snapshot  # noqa: F401 - importing checks registers them
        from .models import ModelPrice, ProviderConfig, RoutingRule

        for model in (Plan, RoutingRule, ModelPrice, ProviderConfig):
            for signal in (post_save, post_delete):
                signal.connect(snapshot.bump, sender=model, dispatch_uid=f"bump-{model.__name__}")
        # A user's plan and own limits are remembered per process (orchestrator.snapshot): a
        # change of either forgets them.
        post_save.connect(_forget_plan, sender=Subscription, dispatch_uid="forget-plan-save")
        post_delete.connect(_forget_plan, sender=Subscription, dispatch_uid="forget-plan-del")
        post_save.connect(_forget_plan, sender=UserLimits, dispatch_uid="forget-limits-save")
        post_delete.connect(_forget_plan, sender=UserLimits, dispatch_uid="forget-limits-del")
