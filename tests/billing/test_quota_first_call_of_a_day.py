"""The first calls of a UTC day: the month's counter exists, the day's does not yet."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from billing.models import Plan, QuotaCounter
from billing.quotas import MONTH, period_starts, quota_reserve, quota_settle

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no lock order"
)
USERS, CALLS, DAYS = 3, 10, 4


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_first_calls_of_a_day_all_pass_for_each_user(django_user_model):
    plan = Plan.objects.get(code="FREEMIUM")
    Plan.objects.filter(pk=plan.pk).update(daily_token_limit=None, monthly_token_limit=None)
    plan.refresh_from_db()
    users = [django_user_model.objects.create_user(f"first-{n}") for n in range(USERS)]
    day, month = period_starts(timezone.now())
    failures: list[Exception] = []
    served: list[int] = []

    def first_call(user_id: int, start: threading.Barrier) -> None:
        try:
            start.wait()
            held = quota_reserve(user_id=user_id, plan=plan, tokens=100, cost=Decimal("0.01"))
            quota_settle(held, tokens=40, cost=Decimal("0.004"))
            served.append(user_id)
        except Exception as exc:  # a deadlock is an OperationalError: a 503 for the user
            failures.append(exc)
        finally:
            connection.close()

    for _ in range(DAYS):  # each round is a new day: only the month's row is there
        QuotaCounter.objects.filter(period="day").delete()
        for user in users:
            QuotaCounter.objects.get_or_create(user=user, period=MONTH, period_start=month)
        start = threading.Barrier(USERS * CALLS)
        threads = [
            threading.Thread(target=first_call, args=(user.pk, start))
            for user in users
            for _ in range(CALLS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert failures == []
    assert len(served) == USERS * CALLS * DAYS
    for user in users:
        today = QuotaCounter.objects.get(user=user, period="day", period_start=day)
        assert (today.tokens_used, today.tokens_reserved) == (CALLS * 40, 0)
