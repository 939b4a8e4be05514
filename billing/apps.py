from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_plan(sender, instance, **kwargs) -> None:
    from .selectors import forget_plan

    forget_plan(user_id=instance.user_id)


class BillingConfig(AppConfig):
    name = "billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .models import Subscription

        post_save.connect(_forget_plan, sender=Subscription, dispatch_uid="forget-plan-save")
        post_delete.connect(_forget_plan, sender=Subscription, dispatch_uid="forget-plan-del")
