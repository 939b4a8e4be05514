"""Per-user request rates on the AI endpoints (DRF throttling in Django's cache → Redis).

Quotas cap what a plan may spend; these cap how fast, so one client cannot flood the
providers. Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (AI_THROTTLE_* env).

Both rates (burst, sustained) are DRF's own sliding windows, checked by one throttle: as two
DRF throttles they read and wrote the cache once each per window, four Redis round trips on
every AI request; together they take two (one read, one write). A refused request is not
counted against either window.
"""

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, UserRateThrottle


class _Window(UserRateThrottle):
    def get_rate(self) -> str | None:
        # Read at request time, not import time, so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class _Burst(_Window):
    scope = "ai_burst"


class _Sustained(_Window):
    scope = "ai_sustained"


class AIRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self.windows = [w for w in (_Burst(), _Sustained()) if w.rate is not None]
        self.full: list[_Window] = []

    def allow_request(self, request, view) -> bool:
        for window in self.windows:
            window.key = window.get_cache_key(request, view)
        windows = [w for w in self.windows if w.key is not None]
        if not windows:
            return True
        found = cache.get_many([w.key for w in windows])
        now = _Window.timer()
        for window in windows:
            window.now = now
            window.history = [t for t in found.get(window.key, []) if t > now - window.duration]
        self.full = [w for w in windows if len(w.history) >= w.num_requests]
        if self.full:
            return False
        for window in windows:
            window.history.insert(0, now)
        # One timeout for both: the longest window's (a stale timestamp is dropped on read).
        timeout = max(w.duration for w in windows)
        cache.set_many({w.key: w.history for w in windows}, timeout=timeout)
        return True

    def wait(self) -> float | None:
        waits = [w.wait() for w in self.full]
        return max((w for w in waits if w is not None), default=None)


AI_THROTTLES = [AIRateThrottle]
