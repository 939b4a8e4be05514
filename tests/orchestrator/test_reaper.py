"""The reaper: a call whose process died leaves a hold that expires; the reaper turns it into
an ABANDONED usage row and releases it, fails AI tasks left running, and keeps the counters
equal to the usage log. `manage.py reconcile_usage` runs it on demand."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from billing.holds import HoldSpec
from billing.models import Plan, QuotaCounter, QuotaHold
from billing.quotas import quota_reserve, quota_reset
from core import errors
from orchestrator.models import AITask, UsageLog
from orchestrator.reaper import reap, reap_recent
from orchestrator.services import generate
from tests.support.doubles import Reply
from tests.support.quota import quota_counters

pytestmark = pytest.mark.django_db


def freemium(daily: int | None = 20_000) -> Plan:
    Plan.objects.filter(code="FREEMIUM").update(
        daily_token_limit=daily, monthly_token_limit=None, monthly_cost_limit_usd=None
    )
    return Plan.objects.get(code="FREEMIUM")


def dead_call(
    user, *, tokens=17_250, input_tokens=1_250, request_id="dead-call-1", config_id=None
) -> QuotaHold:
    """What a call whose process was killed mid-call leaves: its reservation and hold."""
    quota_reserve(
        user_id=user.pk,
        plan=freemium(),
        tokens=tokens,
        cost=Decimal("0.02"),
        hold=HoldSpec(
            request_id=request_id,
            input_tokens=input_tokens,
            task_type="cv_draft",
            plan="FREEMIUM",
            tier="fast",
            provider_type="openai",
            provider_config_id=config_id,
            model="gpt-4o-mini",
            prompt_version="cv_draft@2",
        ),
    )
    return QuotaHold.objects.get(request_id=request_id)


def reconcile(*args: str) -> dict:
    out = io.StringIO()
    call_command("reconcile_usage", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def later(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def test_a_reservation_is_a_hold_naming_its_call_owner_and_expiry(user, settings):
    settings.AI_CALL_BUDGET, settings.QUOTA_HOLD_MARGIN = 120, 60

    hold = dead_call(user)

    assert hold.user == user and hold.tokens == 17_250 and hold.task_type == "cv_draft"
    assert ":" in hold.owner  # host:pid of this process
    lifetime = (hold.expires_at - hold.created_at).total_seconds()
    assert lifetime == pytest.approx(180, abs=1)
    assert quota_counters(user_id=user.pk)["day"].tokens_reserved == 17_250


def test_a_served_call_leaves_no_hold(make_provider, openai_double, user):
    make_provider(openai_double)
    openai_double.script(Reply.ok("x", input_tokens=300, output_tokens=100, thinking_tokens=0))

    generate(user=user, task="extraction", prompt="hello")

    assert QuotaHold.objects.count() == 0
    assert quota_counters(user_id=user.pk)["day"].tokens_reserved == 0


def test_usage_and_the_quota_check_agree_on_what_a_call_in_flight_holds(api_client, user):
    dead_call(user, tokens=17_250)

    data = api_client.get("/api/v1/usage").json()["data"]

    assert data["held"]["daily_tokens"] == 17_250
    assert data["remaining"]["daily_tokens"] == 20_000 - 17_250
    with pytest.raises(errors.QuotaExceeded, match="17,250 held by requests in progress"):
        quota_reserve(user_id=user.pk, plan=freemium(), tokens=2_751, cost=Decimal(0))
    quota_reserve(user_id=user.pk, plan=freemium(), tokens=2_750, cost=Decimal(0))


def test_a_hold_is_kept_until_it_expires(user):
    dead_call(user)

    report = reap(now=later(60))

    assert report.holds_released == 0 and report.holds_open == 1
    assert not UsageLog.objects.filter(error_code="ABANDONED").exists()


def test_an_expired_hold_becomes_an_abandoned_row_and_its_tokens_are_released(
    api_client, user, settings, make_provider, openai_double
):
    config = make_provider(openai_double)
    dead_call(user, tokens=17_250, input_tokens=1_250, config_id=config.pk)

    report = reap(now=later(settings.AI_CALL_BUDGET + settings.QUOTA_HOLD_MARGIN + 1))

    assert report.holds_released == 1 and report.drift == []
    row = UsageLog.objects.get(error_code="ABANDONED")
    assert (row.user, row.request_id, row.task_type, row.status) == (
        user,
        "dead-call-1",
        "cv_draft",
        "error",
    )
    assert (row.input_tokens, row.total_tokens, row.model) == (1_250, 1_250, "gpt-4o-mini")
    assert row.provider_config_id == config.pk  # the provider it was routed to, as logged rows
    assert row.prompt_version == "cv_draft@2"  # the prompt the dead call sent
    assert row.cost_usd > 0 and "closed by the reaper" in row.error_message
    day = quota_counters(user_id=user.pk)["day"]
    assert (day.tokens_reserved, day.tokens_used) == (0, 1_250)
    assert not QuotaHold.objects.exists()
    data = api_client.get("/api/v1/usage").json()["data"]
    assert data["held"]["daily_tokens"] == 0
    assert data["remaining"]["daily_tokens"] == 20_000 - 1_250
    logs = api_client.get("/api/v1/usage/logs").json()["data"]
    shown = logs["results"] if isinstance(logs, dict) else logs
    assert shown[0]["error_code"] == "ABANDONED"


def test_attempts_logged_before_the_process_died_are_counted_with_the_abandoned_one(user):
    dead_call(user, input_tokens=1_000)
    UsageLog.objects.create(  # attempt 1 failed and was logged; attempt 2 never ended
        user=user,
        provider_type="openai",
        model="gpt-4o-mini",
        task_type="cv_draft",
        total_tokens=700,
        input_tokens=700,
        cost_usd=Decimal("0.001"),
        status="error",
        error_code="BAD_AI_OUTPUT",
        request_id="dead-call-1",
    )

    reap(now=later(3600))

    abandoned = UsageLog.objects.get(error_code="ABANDONED")
    assert abandoned.attempt == 2
    day = quota_counters(user_id=user.pk)["day"]
    assert (day.tokens_used, day.tokens_reserved) == (1_700, 0)
    assert reconcile()["counters_out_of_step"] == 0


def test_reconcile_usage_reports_and_repairs_drift_between_counters_and_the_log(user):
    dead_call(user, tokens=5_000)
    # Faults of the past: a hold lost with its counter still holding, and a charge with no row.
    QuotaHold.objects.all().delete()
    QuotaCounter.objects.filter(user=user).update(tokens_used=300)

    found = reconcile("--dry-run")

    assert found["counters_out_of_step"] == 2 and found["repaired"] is False
    day = next(d for d in found["drift"] if d["period"] == "day")
    assert (day["tokens_used"], day["tokens_reserved"]) == (300, 5_000)
    assert quota_counters(user_id=user.pk)["day"].tokens_reserved == 5_000  # only reported

    repaired = reconcile()

    assert repaired["counters_out_of_step"] == 2 and repaired["repaired"] is True
    for counter in quota_counters(user_id=user.pk).values():
        assert (counter.tokens_used, counter.tokens_reserved) == (0, 0)
    assert reconcile()["counters_out_of_step"] == 0


def test_reconcile_check_exits_non_zero_only_when_something_was_found(user):
    dead_call(user)
    QuotaHold.objects.all().delete()

    with pytest.raises(CommandError) as failed:
        call_command("reconcile_usage", "--check", stdout=io.StringIO())
    assert failed.value.returncode == 1
    call_command("reconcile_usage", "--check", stdout=io.StringIO())  # repaired: exit 0


def test_an_admins_quota_reset_is_not_undone_by_the_reconciliation(user):
    UsageLog.objects.create(
        user=user,
        provider_type="openai",
        task_type="cv_draft",
        total_tokens=900,
        status="success",
        request_id="r1",
    )
    QuotaCounter.objects.create(user=user, period="day", period_start=timezone.now().date())
    QuotaCounter.objects.filter(user=user).update(tokens_used=900)

    quota_reset(user_id=user.pk)

    assert reconcile()["counters_out_of_step"] == 0
    assert quota_counters(user_id=user.pk)["day"].tokens_used == 0


def test_tasks_left_running_or_pending_fail_as_abandoned_and_the_client_sees_it(
    api_client, user, settings
):
    running = AITask.objects.create(
        owner=user, kind="extraction", status="running", started_at=timezone.now(), runs=1
    )
    pending = AITask.objects.create(owner=user, kind="extraction")
    fresh = AITask.objects.create(
        owner=user, kind="extraction", status="running", started_at=timezone.now(), runs=1
    )
    AITask.objects.filter(pk=running.pk).update(started_at=later(-settings.AI_TASK_DEADLINE - 1))
    AITask.objects.filter(pk=pending.pk).update(created_at=later(-settings.AI_TASK_PENDING_MAX - 1))

    assert reconcile()["tasks_failed"] == 2

    for task in (running, pending):
        body = api_client.get(f"/api/v1/tasks/{task.pk}").json()["data"]
        assert (body["status"], body["error_code"]) == ("failed", "ABANDONED")
    fresh.refresh_from_db()
    assert fresh.status == "running"


def test_the_reaper_is_a_periodic_job_of_beat_and_of_the_embedded_schedule(settings):
    from orchestrator import schedule

    job = schedule.jobs()["orchestrator.reaper"]
    assert job.interval == settings.REAPER_SECONDS
    assert job.run() == reap_recent().as_dict()  # nothing to close: the same empty report


def test_the_periodic_run_reconciles_the_users_who_called_lately_and_leaks(user, other_user):
    dead_call(user, tokens=5_000)
    QuotaHold.objects.all().delete()  # a leak: the counter holds what no hold does
    today = timezone.now().date()
    for period, start in (("day", today), ("month", today.replace(day=1))):
        # Drift with no call lately: only the full run looks at it.
        QuotaCounter.objects.create(
            user=other_user, period=period, period_start=start, tokens_used=300
        )
    UsageLog.objects.create(
        user=other_user, provider_type="openai", task_type="cv_draft", request_id="old"
    )
    UsageLog.objects.filter(user=other_user).update(created_at=later(-3600))

    report = reap_recent()

    assert {d.user_id for d in report.drift} == {user.pk}
    assert quota_counters(user_id=user.pk)["day"].tokens_reserved == 0
    assert reconcile()["counters_out_of_step"] == 2  # the full run finds the other one
