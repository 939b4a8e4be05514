"""Sign-up and token sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from billing.models import PlanCode
from billing.services import subscription_set_plan
from core.errors import InvalidInput, Unauthorized

from .tokens import IssuedToken, token_issue

ACCOUNT_TAKEN = (
    "This username or email address cannot be used for a new account: choose another, or sign "
    "in if the account is yours."
)


@transaction.atomic
def user_register(*, username: str, email: str, password: str) -> tuple[Any, IssuedToken]:
    """A new user on the FREEMIUM plan, with an API token. Django's password rules apply."""
    user_model = get_user_model()
    username, email = username.strip(), user_model.objects.normalize_email(email.strip())
    # One message for both: which of the two is registered is not for a stranger to learn.
    if user_model.objects.filter(Q(username__iexact=username) | Q(email__iexact=email)).exists():
        raise InvalidInput(ACCOUNT_TAKEN)
    candidate = user_model(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise InvalidInput("The password is not accepted: " + " ".join(exc.messages)) from None
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(username=username, email=email, password=password)
    except IntegrityError:  # the same name registered a moment ago
        raise InvalidInput(ACCOUNT_TAKEN) from None
    subscription_set_plan(user=user, plan_code=PlanCode.FREEMIUM)
    return user, token_issue(user=user)


def auth_token_obtain(*, username: str, password: str) -> IssuedToken:
    """A new API token for this sign-in (device or session) for a right username and
    password; the tokens of the user's other sign-ins keep working."""
    user = authenticate(username=username, password=password)
    if user is None:
        raise Unauthorized("Wrong username or password.")
    return token_issue(user=user)
