from __future__ import annotations

from django.utils import timezone

from .models import Plan, PlanCode, Subscription


def plan_for_user(*, user) -> Plan:
    """The plan of the user's active subscription; FREEMIUM without one (or for no user)."""
    if user is not None and user.pk is not None:
        subscription = (
            Subscription.objects.select_related("plan")
            .filter(user=user, status=Subscription.Status.ACTIVE)
            .first()
        )
        if subscription and (
            subscription.current_period_end is None
            or subscription.current_period_end > timezone.now()
        ):
            return subscription.plan
    return Plan.objects.get(code=PlanCode.FREEMIUM)
