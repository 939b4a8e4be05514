from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput

from .models import Plan, Subscription


@transaction.atomic
def subscription_set_plan(*, user, plan_code: str) -> Subscription:
    """Move the user to a plan: the active subscription ends, a new one starts now. A user
    already on that plan keeps their subscription (it is returned unchanged)."""
    try:
        plan = Plan.objects.get(code=plan_code.upper())
    except Plan.DoesNotExist:
        codes = ", ".join(Plan.objects.values_list("code", flat=True))
        raise InvalidInput(f'Unknown plan "{plan_code}"; choose one of {codes}.') from None
    now = timezone.now()
    active = Subscription.objects.select_for_update().filter(
        user=user, status=Subscription.Status.ACTIVE
    )
    current = active.first()
    if current is not None and current.plan_id == plan.pk and _running(current, now):
        return current
    active.update(status=Subscription.Status.CANCELED, current_period_end=now)
    return Subscription.objects.create(user=user, plan=plan, current_period_start=now)


def _running(subscription: Subscription, now) -> bool:
    end = subscription.current_period_end
    return end is None or end > now
