"""A user's quota counter rows for the current UTC day and month, as the tests read them,
and a burst of concurrent calls against a quota."""

from __future__ import annotations

import threading

from django.db import connection
from django.utils import timezone

from billing.models import QuotaCounter
from billing.quotas import DAY, MONTH, period_starts
from core import errors
from orchestrator.services import generate


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


def concurrent_cv_drafts(*, user, prompt: str, calls: int = 50) -> list[str]:
    """`calls` CV drafts for one user let go at one instant, each on its own thread and
    database connection; what each ended as: "ok" or "quota" (refused)."""
    outcomes: list[str] = []
    start = threading.Barrier(calls)

    def one_call():
        try:
            start.wait()
            generate(user=user, task="cv_draft", prompt=prompt, max_tokens=1000, use_cache=False)
            outcomes.append("ok")
        except errors.QuotaExceeded:
            outcomes.append("quota")
        finally:
            connection.close()

    threads = [threading.Thread(target=one_call) for _ in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
