"""Per-user request rates on the AI endpoints (AI_THROTTLE_BURST, AI_THROTTLE_SUSTAINED).

Quotas cap what a plan may spend; these cap how fast, so one client cannot flood the
providers. Both windows are checked, and the request counted in both, in one atomic step
(core/ratelimit.py: one Lua script, one Redis round trip per AI request; in the process's own
memory without Redis), so a burst of concurrent requests cannot pass the limit. A refused
request is not counted; its 429 says in Retry-After when a place frees up.
"""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from core.ratelimit import rate_window, windows_hit

SCOPES = ("ai_burst", "ai_sustained")


class AIRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request, view) -> bool:
        user = getattr(request, "user", None)
        ident = str(user.pk) if user is not None and user.is_authenticated else None
        ident = ident or f"anon-{self.get_ident(request)}"
        windows = [w for scope in SCOPES if (w := rate_window(scope, ident)) is not None]
        self._wait = windows_hit(windows).wait
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


AI_THROTTLES = [AIRateThrottle]
