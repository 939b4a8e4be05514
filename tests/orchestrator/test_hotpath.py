"""The fast paths (orchestrator/hotpath.py, billing/hotpath.py, the drafting query) give what
the plain ORM gives: the same rows, the same columns, on PostgreSQL and on SQLite. And the
start-up refuses a UsageLog whose save() logic or signals the fast INSERT would skip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import checks
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.utils import timezone

from billing.holds import HoldSpec
from billing.hotpath import prepared_cursor
from billing.models import Plan, QuotaCounter, QuotaHold
from billing.quotas import quota_reserve, quota_settle
from documents.models import MasterProfile
from documents.selectors import job_and_profile_for_drafting
from jobs.models import Job
from jobs.schemas import JOB_FIELDS, JOB_LISTS
from orchestrator.hotpath import as_stored, usage_insert
from orchestrator.models import UsageLog

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)  # replaced on both paths


def a_row(user, **fields) -> UsageLog:
    """An attempt's row with every kind of column set (money, times, texts, a foreign key)."""
    return UsageLog(
        user=user,
        provider_type="openai",
        model="gpt-4o-mini",
        task_type="extraction",
        plan="FREEMIUM",
        tier="fast",
        input_tokens=120,
        output_tokens=34,
        cached_input_tokens=7,
        total_tokens=154,
        cost_usd=Decimal("0.00012345"),
        price_source="genai-prices",
        latency_ms=321,
        status=UsageLog.Status.ERROR,
        error_code="provider_failed",
        error_message="unavailable (HTTP 503): try again",
        request_id="3f6c0f8e-2d7b-4a55-9a51-5b3c0c1d2e3f",
        attempt=2,
        created_at=WHEN,
        **fields,
    )


def columns(row: UsageLog) -> dict:
    """Every column of a stored row, as the database gives it back; its time (auto_now_add:
    the moment it was stored, on either path) only as recent or not."""
    stored = UsageLog.objects.filter(pk=row.pk).values().get()
    stored.pop("id")
    stored["created_at"] = abs(stored["created_at"] - timezone.now()) < dt.timedelta(minutes=1)
    return stored


def insert(row: UsageLog) -> UsageLog:
    with connection.cursor() as cursor:
        cursor.execute(*usage_insert(row))
        (row.pk,) = cursor.fetchone()
    return as_stored(row)


def test_the_fast_usage_insert_stores_what_save_stores(user):
    fast = insert(a_row(user))
    plain = a_row(user)
    plain.save()

    assert columns(fast) == columns(plain)
    assert columns(fast)["created_at"] is True
    assert fast.pk != plain.pk
    assert not fast._state.adding  # as save() leaves it: saving again updates the row
    fast.latency_ms = 999
    fast.save()
    assert UsageLog.objects.count() == 2
    assert UsageLog.objects.get(pk=fast.pk).latency_ms == 999


def test_a_fast_row_without_a_user_or_time_is_stored_as_the_orm_stores_it(db):
    fast = insert(a_row(None))
    plain = UsageLog.objects.create(**model_to_dict(a_row(None), exclude=["id"]))

    assert columns(fast) == columns(plain)
    assert columns(fast)["user_id"] is None


def test_the_settlement_stores_its_row_as_the_orm_stores_it(user):
    plan = Plan.objects.get(code="FREEMIUM")
    reservation = quota_reserve(
        user_id=user.pk, plan=plan, tokens=500, cost=Decimal("0.01"), hold=HoldSpec()
    )
    fast = a_row(user)
    (fast.pk,) = quota_settle(
        reservation, tokens=154, cost=Decimal("0.00012345"), along=usage_insert(fast)
    )
    plain = a_row(user)
    plain.save()

    assert columns(fast) == columns(plain)
    assert not QuotaHold.objects.exists()  # the settlement released its hold with it
    counters = QuotaCounter.objects.filter(user=user)
    assert {(c.tokens_used, c.tokens_reserved) for c in counters} == {(154, 0)}


def test_a_prepared_statement_answers_as_an_ordinary_one(user):
    insert(a_row(user))
    sql = "SELECT id, model, cost_usd, user_id FROM orchestrator_usagelog WHERE attempt = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [2])
        expected = cursor.fetchall()
    for _ in range(3):  # the first execution prepares, the next ones only execute
        with prepared_cursor() as cursor:
            cursor.execute(sql, [2])
            assert cursor.fetchall() == expected
    assert len(expected) == 1 and expected[0][1] == "gpt-4o-mini"


def test_the_drafting_query_reads_the_job_and_profile_the_orm_reads(user, other_user):
    job = Job.objects.create(
        owner=user,
        source=Job.Source.TEXT,
        title="Senior Backend Engineer",
        company="Acme Freight",
        location="London, UK",
        description="Acme Freight moves pallets across Europe.",
        requirements=["5+ years of Python"],
        skills=["Python", "Django"],
        keywords=["PostgreSQL"],
    )
    data = {"name": "Alice", "work": [{"employer": "Initech", "title": "Engineer"}]}
    MasterProfile.objects.create(user=user, data=data, version=3)
    MasterProfile.objects.create(user=other_user, data={"work": [{"employer": "Other"}]})

    fast_job, fast_profile = job_and_profile_for_drafting(user=user, job_id=job.pk)
    plain_job = Job.objects.get(owner=user, pk=job.pk)
    plain_profile = MasterProfile.objects.get(user=user)

    for name in ("id", "owner_id", *JOB_FIELDS, *JOB_LISTS):
        assert getattr(fast_job, name) == getattr(plain_job, name), name
    assert (fast_profile.pk, fast_profile.user_id, fast_profile.data, fast_profile.version) == (
        plain_profile.pk,
        plain_profile.user_id,
        plain_profile.data,
        plain_profile.version,
    )
    assert not fast_profile._state.adding and not fast_job._state.adding


def fast_insert_errors() -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks() if m.id == "orchestrator.E002"]


def test_the_start_up_is_clean_while_usage_rows_have_no_save_logic():
    assert fast_insert_errors() == []


@pytest.mark.parametrize("signal", [pre_save, post_save], ids=["pre_save", "post_save"])
def test_a_signal_receiver_on_usage_rows_fails_the_start_up(signal):
    def receiver(sender, **kwargs):
        pass

    signal.connect(receiver, sender=UsageLog)
    try:
        (error,) = fast_insert_errors()
    finally:
        signal.disconnect(receiver, sender=UsageLog)
    assert error.level == checks.ERROR
    assert "receiver" in error.msg and "orchestrator/hotpath.py" in error.msg
    assert fast_insert_errors() == []


def test_a_save_override_on_usage_rows_fails_the_start_up(monkeypatch):
    def save(self, *args, **kwargs):  # what a newcomer might add to the model
        super(UsageLog, self).save(*args, **kwargs)

    monkeypatch.setattr(UsageLog, "save", save, raising=False)
    (error,) = fast_insert_errors()
    assert "save() override" in error.msg
