"""A user's quota counter rows for the current UTC day and month, as the tests read them."""

from __future__ import annotations

from django.utils import timezone

from billing.models import QuotaCounter
from billing.quotas import DAY, MONTH, period_starts


def quota_counters(*, user_id: int) -> dict[str, QuotaCounter]:
    """The day and month rows; an unsaved zero row stands for one not written yet."""
    day, month = period_starts(timezone.now())
    starts = {DAY: day, MONTH: month}
    found = {
        row.period: row
        for row in QuotaCounter.objects.filter(user_id=user_id)
        if starts.get(row.period) == row.period_start
    }
    return {
        period: found.get(period) or QuotaCounter(user_id=user_id, period=period, period_start=day)
        for period, day in starts.items()
    }
