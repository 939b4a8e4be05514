"""API tokens: one per sign-in (a device or a session), stored as a digest (django-rest-knox),
with a sliding expiry, and revoked on sign-out, on request, and all at once when the password
changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from knox.models import AuthToken


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once: only its digest is stored
    expiry: datetime | None


def token_issue(*, user: Any) -> IssuedToken:
    """A new token for one device or session; the user's other tokens keep working."""
    row, token = AuthToken.objects.create(user=user)
    return IssuedToken(token=token, expiry=row.expiry)


def token_list(*, user: Any) -> list[AuthToken]:
    """The user's tokens that have not expired, newest first."""
    return list(
        AuthToken.objects.filter(user=user).exclude(expiry__lt=timezone.now()).order_by("-created")
    )


def token_revoke(*, user: Any, token_id: str) -> bool:
    """Revoke one of the user's tokens by its id (the first characters of the token, which
    `token_list` shows); whether there was one."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_id).delete()
    return bool(deleted)


def tokens_revoke_all(*, user: Any) -> int:
    """Sign the user out everywhere: every token stops working."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def revoke_tokens_on_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save of the user model: a new password (set_password, as the admin, `changepassword`
    and the password forms do) ends every session token. A hash upgraded at sign-in keeps
    them: Django clears the pending password before that save."""
    if instance.pk is None or getattr(instance, "_password", None) is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "password" not in update_fields:
        return
    tokens_revoke_all(user=instance)
