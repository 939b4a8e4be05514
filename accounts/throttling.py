"""Throttles of sign-in and sign-up, each check one atomic step (core/shared_state.py: shared
through Redis, or per process without it).

- Failed sign-ins, per username and per client address: a sign-in is counted as a failure
  from the moment it is let through, and taken back when the password is right. So a burst of
  concurrent wrong passwords cannot all pass before the first is counted, and a user who
  types the right password is never slowed down by their own successes. Once either window
  is full every attempt is refused, the right password included, until the window slides on.
  The right password also forgets the username's failures (not the address's).
- Sign-ups per client address: every attempt counts (it also bounds probing which usernames
  and emails exist).

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (AUTH_* env); a scope without a rate
is not throttled. A refusal is 429 RATE_LIMITED with Retry-After (core/api.py).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from core.shared_state import Window, rate_window, windows_clear, windows_forget, windows_hit

SIGN_UP_SCOPE = "auth_signup_address"
ADDRESS_SCOPE, USERNAME_SCOPE = "auth_signin_failures_address", "auth_signin_failures_username"


def client_address(request) -> str:
    """The client's IP address: the socket's peer, unless settings say proxies stand in front.

    With NUM_PROXIES = n > 0 the address is the n-th entry from the right of the header named by
    CLIENT_IP_HEADER (what the nearest trusted proxy appended); entries further left are the
    client's own claims and are never trusted. With 0, forwarding headers are ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    num_proxies = settings.NUM_PROXIES
    if not num_proxies:
        return remote
    meta_name = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    addresses = [a.strip() for a in request.META.get(meta_name, "").split(",") if a.strip()]
    if not addresses:
        return remote
    return addresses[-min(num_proxies, len(addresses))]


def _username_ident(request) -> str | None:
    username = request.data.get("username") if hasattr(request.data, "get") else None
    if not isinstance(username, str) or not username.strip():
        return None  # the serializer refuses it; nothing to count against
    # Usernames are matched case-insensitively at sign-up; hashed, so any text is a safe key.
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


class _Throttle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: float | None = None

    def wait(self) -> float | None:
        return self._wait


class SignUpsPerAddress(_Throttle):
    def allow_request(self, request, view) -> bool:
        window = rate_window(SIGN_UP_SCOPE, client_address(request))
        self._wait = windows_hit([window] if window else []).wait
        return self._wait is None


class SignInFailures(_Throttle):
    """Both windows of failed sign-ins (per address, per username), checked and counted at
    once; `succeeded` takes the count back."""

    def __init__(self) -> None:
        super().__init__()
        self._address: Window | None = None
        self._username: Window | None = None
        self._member = ""

    def allow_request(self, request, view) -> bool:
        self._address = rate_window(ADDRESS_SCOPE, client_address(request))
        ident = _username_ident(request)
        self._username = rate_window(USERNAME_SCOPE, ident) if ident else None
        hit = windows_hit(self._windows())
        self._wait, self._member = hit.wait, hit.member
        return hit.wait is None

    def _windows(self) -> list[Window]:
        return [w for w in (self._address, self._username) if w is not None]

    def not_a_failure(self) -> None:
        """The attempt was refused before its password was checked (a malformed request)."""
        windows_forget(self._windows(), self._member)

    def succeeded(self) -> None:
        """A right password: this attempt is no failure, and the username's failures go."""
        if self._address is not None:
            windows_forget([self._address], self._member)
        if self._username is not None:
            windows_clear([self._username])


SIGN_IN_THROTTLES = [SignInFailures]
SIGN_UP_THROTTLES = [SignUpsPerAddress]
