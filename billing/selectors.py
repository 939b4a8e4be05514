from __future__ import annotations

from .models import Subscription


def subscription_active(*, user) -> Subscription | None:
    return (
        Subscription.objects.select_related("plan")
        .filter(user=user, status=Subscription.Status.ACTIVE)
        .first()
    )
