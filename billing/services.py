from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from orchestrator.errors import InvalidInput, Unauthorized

from .models import Plan, PlanCode, Subscription


@transaction.atomic
def subscription_set_plan(*, user, plan_code: str) -> Subscription:
    """Move the user to a plan: the active subscription ends, a new one starts now. A user
    already on that plan keeps their subscription (it is returned unchanged)."""
    try:
        plan = Plan.objects.get(code=plan_code.upper())
    except Plan.DoesNotExist:
        codes = ", ".join(Plan.objects.values_list("code", flat=True))
        raise InvalidInput(f"Unknown plan {plan_code!r}; choose one of {codes}.") from None
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


@transaction.atomic
def user_register(*, username: str, email: str, password: str) -> tuple[Any, Token]:
    """A new user on the FREEMIUM plan, with an API token. Django's password rules apply."""
    user_model = get_user_model()
    username, email = username.strip(), user_model.objects.normalize_email(email.strip())
    if user_model.objects.filter(username__iexact=username).exists():
        raise InvalidInput("This username is taken; choose another.")
    if user_model.objects.filter(email__iexact=email).exists():
        raise InvalidInput("An account with this email address exists already; sign in instead.")
    candidate = user_model(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise InvalidInput("The password is not accepted: " + " ".join(exc.messages)) from None
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(username=username, email=email, password=password)
    except IntegrityError:  # the same name registered a moment ago
        raise InvalidInput("This username is taken; choose another.") from None
    subscription_set_plan(user=user, plan_code=PlanCode.FREEMIUM)
    return user, Token.objects.create(user=user)


def auth_token_obtain(*, username: str, password: str) -> Token:
    """The user's API token (created on first use) for a right username and password."""
    user = authenticate(username=username, password=password)
    if user is None:
        raise Unauthorized("Wrong username or password.")
    token, _ = Token.objects.get_or_create(user=user)
    return token
