"""Throttles of sign-in and sign-up (DRF throttling in Django's cache, so shared through Redis).

- Failed sign-ins, per username and per client address: only failures count, so a user who
  types the right password is never slowed down by their own successes; once either window is
  full every attempt is refused, the right password included, until the window slides on.
- Sign-ups per client address: every attempt counts (it also bounds probing which usernames
  and emails exist).

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (AUTH_* env); a scope without a rate
is not throttled. A refusal is 429 RATE_LIMITED with Retry-After (core/api.py).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


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


class _RateFromSettings(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read at request time, not import time, so settings changes apply; no rate, no limit.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_address(request)


class SignUpsPerAddress(_RateFromSettings):
    scope = "auth_signup_address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _FailureThrottle(_RateFromSettings):
    """Refuses while the window of recorded failures is full; a request alone adds nothing."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return len(self.history) < self.num_requests

    def record_failure(self, request, view) -> None:
        if self.rate is None or (key := self.get_cache_key(request, view)) is None:
            return
        now = self.timer()
        history = [t for t in self.cache.get(key, []) if t > now - self.duration]
        self.cache.set(key, [now, *history], self.duration)


class SignInFailuresPerAddress(_FailureThrottle):
    scope = "auth_signin_failures_address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInFailuresPerUsername(_FailureThrottle):
    scope = "auth_signin_failures_username"

    def get_cache_key(self, request, view) -> str | None:
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None  # the serializer refuses it; nothing to count against
        # Usernames are matched case-insensitively at sign-up; hashed, so any text is a safe key.
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def clear(self, request, view) -> None:
        """A right password for this username forgets its failures (not its address's)."""
        if self.rate is not None and (key := self.get_cache_key(request, view)) is not None:
            self.cache.delete(key)


SIGN_IN_THROTTLES = [SignInFailuresPerAddress, SignInFailuresPerUsername]
SIGN_UP_THROTTLES = [SignUpsPerAddress]
