"""A call's time budget and how its end is told to the client.

Each attempt may take at most what is left of the call's budget (AI_CALL_BUDGET): a vendor
that hangs costs the budget once, not the attempts' timeout each. When every provider said
"later" (429 rate limits) the client hears 503 with the vendor's Retry-After, not a 502: the
request was fine and will pass later.
"""

from __future__ import annotations

import math
import time
from typing import Any

from core import errors

from .providers import RATE_LIMITED

# An attempt begun with less budget left than this still gets this long: a vendor needs a
# moment to answer at all, and the budget is checked before an attempt begins.
MIN_ATTEMPT_SECONDS = 1.0
# What a rate-limited provider that named no wait is taken to mean.
DEFAULT_RETRY_AFTER = 5


def attempt_timeout(own: float, deadline: float) -> float:
    """The smaller of an attempt's own timeout and what is left of the call's budget (in
    whole seconds: adapters keep one SDK client per timeout, so its values must be few)."""
    left = deadline - time.monotonic()
    if left >= own:  # also a call with no budget (the credentials test: deadline infinite)
        return own
    return min(own, float(math.ceil(max(left, MIN_ATTEMPT_SECONDS))))


def busy_error(failures: list[Any]) -> errors.ServiceUnavailable | None:
    """503 with Retry-After when every failed attempt was a provider asking us to wait."""
    if not failures or any(f.kind != RATE_LIMITED for f in failures):
        return None
    waits = [f.retry_after for f in failures if f.retry_after]
    retry_after = math.ceil(max(waits)) if waits else DEFAULT_RETRY_AFTER
    return errors.ServiceUnavailable(
        "Every AI provider is rate limiting us right now; try again "
        f"in {retry_after} second{'s' if retry_after != 1 else ''}.",
        retry_after=retry_after,
    )
