"""Sign-up and token sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from billing.models import PlanCode
from billing.services import subscription_set_plan
from core.errors import InvalidInput, Unauthorized

from .tokens import IssuedToken, token_issue


@transaction.atomic
def user_register(*, username: str, email: str, password: str) -> tuple[Any, IssuedToken]:
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
    return user, token_issue(user=user)


def auth_token_obtain(*, username: str, password: str) -> IssuedToken:
    """A new API token for this sign-in (device or session) for a right username and
    password; the tokens of the user's other sign-ins keep working."""
    user = authenticate(username=username, password=password)
    if user is None:
        raise Unauthorized("Wrong username or password.")
    return token_issue(user=user)
