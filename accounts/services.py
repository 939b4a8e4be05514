"""Sign-up and token sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from billing.models import PlanCode
from billing.services import subscription_set_plan
from core.db import connection_release
from core.errors import InvalidInput, Unauthorized

from .hashing import hashing_slot


def user_register(*, username: str, email: str, password: str) -> tuple[Any, Token]:
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
        if user_model.objects.filter(username__iexact=username).exists():
            raise InvalidInput("This username is taken; choose another.")
        if user_model.objects.filter(email__iexact=email).exists():
            raise InvalidInput(
                "An account with this email address exists already; sign in instead."
            )
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:  # the same name registered a moment ago
            raise InvalidInput("This username is taken; choose another.") from None
        subscription_set_plan(user=candidate, plan_code=PlanCode.FREEMIUM)
        return candidate, Token.objects.create(user=candidate)


def auth_token_obtain(*, username: str, password: str) -> Token:
    """The user's API token (created on first use) for a right username and password."""
    user = authenticate(username=username, password=password)
    if user is None:
        raise Unauthorized("Wrong username or password.")
    token, _ = Token.objects.get_or_create(user=user)
    return token
