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
from core.db import connection_release
from core.errors import InvalidInput, Unauthorized

from .hashing import hashing_slot
from .tokens import IssuedToken, token_issue

ACCOUNT_TAKEN = (
    "This username or email address cannot be used for a new account: choose another, or sign "
    "in if the account is yours."
)


def user_register(*, username: str, email: str, password: str) -> tuple[Any, IssuedToken]:
    """A new user on the FREEMIUM plan, with an API token. Django's password rules apply.

    The password is hashed first, with no database connection held and no transaction open
    (a hash takes ~0.3 s of CPU; inside the write transaction it held SQLite's one write lock,
    or a pooled PostgreSQL connection, that long); the writes then take milliseconds."""
    user_model = get_user_model()
    username, email = username.strip(), user_model.objects.normalize_email(email.strip())
    candidate = user_model(username=user_model.normalize_username(username), email=email)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise InvalidInput("The password is not accepted: " + " ".join(exc.messages)) from None
    connection_release()
    with hashing_slot():
        candidate.set_password(password)
    with transaction.atomic():
        # One message for both: which of the two is registered is not for a stranger to learn.
        taken = Q(username__iexact=candidate.username) | Q(email__iexact=email)
        if user_model.objects.filter(taken).exists():
            raise InvalidInput(ACCOUNT_TAKEN)
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:  # the same name registered a moment ago
            raise InvalidInput(ACCOUNT_TAKEN) from None
        subscription_set_plan(user=candidate, plan_code=PlanCode.FREEMIUM)
        return candidate, token_issue(user=candidate)


def auth_token_obtain(*, username: str, password: str) -> IssuedToken:
    """A new API token for this sign-in (device or session) for a right username and
    password; the tokens of the user's other sign-ins keep working."""
    user = authenticate(username=username, password=password)
    if user is None:
        raise Unauthorized("Wrong username or password.")
    return token_issue(user=user)
