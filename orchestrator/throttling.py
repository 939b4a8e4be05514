"""Per-user request rates on the AI endpoints (DRF throttling in Django's cache → Redis).

Quotas cap what a plan may spend; these cap how fast, so one client cannot flood the
providers. Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (AI_THROTTLE_* env).
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class _AIThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        # Read at request time, not import time, so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AIBurstThrottle(_AIThrottle):
    scope = "ai_burst"


class AISustainedThrottle(_AIThrottle):
    scope = "ai_sustained"


AI_THROTTLES = [AIBurstThrottle, AISustainedThrottle]
