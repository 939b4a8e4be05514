"""The alert check: each condition fires on crafted rows, is stored and mailed once, is not
duplicated by the next run, and resolves when the condition clears."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from orchestrator.models import ProviderConfig
from tests.fixtures.usage import log_usage
from usage import periodic, reports
from usage.alerts import alert_resolve, alert_thresholds, alerts_check
from usage.models import Alert, AlertThresholds
from usage.rollups import usage_rollup

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]


@pytest.fixture
def openai_config(db):
    return ProviderConfig.objects.create(
        name="openai main",
        provider_type="openai",
        fast_model="gpt-4o-mini",
        quality_model="gpt-4o",
        last_test_status="ok",
    )


def calls(config, *, count, errors=0, latency_ms=100, minutes_ago=10):
    for i in range(count):
        log_usage(
            at=NOW - timedelta(minutes=minutes_ago),
            config=config,
            provider_type=config.provider_type,
            latency_ms=latency_ms,
            status="error" if i < errors else "success",
            error_code="PROVIDER_ERROR" if i < errors else "",
        )


def test_a_high_error_rate_opens_one_alert_mailed_once_then_resolves(openai_config):
    calls(openai_config, count=20, errors=3)  # 15% of 20 calls

    opened = alerts_check(now=NOW)

    assert [(a.kind, a.subject) for a in opened] == [("error_rate", "openai main")]
    alert = Alert.objects.get()
    assert alert.value == Decimal("0.15") and alert.threshold == Decimal("0.1")
    assert "3 of 20 calls to openai main failed" in alert.message
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert "1 alert firing" in mail.outbox[0].subject
    assert "openai main" in mail.outbox[0].body and "15.0%" in mail.outbox[0].body

    again = alerts_check(now=NOW + timedelta(minutes=5))

    assert [a.pk for a in again] == [alert.pk]
    assert Alert.objects.count() == 1 and len(mail.outbox) == 1
    alert.refresh_from_db()
    assert alert.last_seen == NOW + timedelta(minutes=5) and alert.first_seen == NOW

    # An hour later the failing calls have left the window.
    assert alerts_check(now=NOW + timedelta(minutes=75)) == []

    alert.refresh_from_db()
    assert alert.resolved_at == NOW + timedelta(minutes=75)
    assert len(mail.outbox) == 2 and "1 resolved" in mail.outbox[1].subject


def test_few_calls_do_not_page_anyone(openai_config):
    calls(openai_config, count=2, errors=1)

    assert alerts_check(now=NOW) == []
    assert mail.outbox == []


def test_an_error_rate_at_the_threshold_is_not_an_alert(openai_config):
    calls(openai_config, count=20, errors=2)  # exactly 10%

    assert alerts_check(now=NOW) == []


def test_a_slow_provider_alerts_on_p95(openai_config):
    calls(openai_config, count=18, latency_ms=800)
    calls(openai_config, count=2, latency_ms=9000)  # p95 at rank 18.05 → 9000 ms

    opened = alerts_check(now=NOW)

    assert [(a.kind, a.subject) for a in opened] == [("latency", "openai main")]
    assert opened[0].value == Decimal("9000") and opened[0].threshold == Decimal("5000")
    assert "p95 latency of openai main is 9000 ms" in opened[0].message


def test_a_fast_provider_does_not(openai_config):
    calls(openai_config, count=30, latency_ms=4000)

    assert alerts_check(now=NOW) == []


def _spend(day_offset: int, cost: str, hour: int = 9):
    day = NOW.replace(hour=hour) - timedelta(days=day_offset)
    log_usage(at=day, cost=cost)


def test_todays_cost_over_twice_the_weekly_average_alerts(db):
    for days_ago in range(1, 8):
        _spend(days_ago, "1.00")  # average day: $1.00
    _spend(0, "2.50")

    opened = alerts_check(now=NOW)

    assert [(a.kind, a.subject) for a in opened] == [("cost_spike", "daily cost")]
    assert opened[0].value == Decimal("2.5") and opened[0].threshold == Decimal("2")
    assert "2.5× the average day" in opened[0].message


def test_normal_spending_does_not_alert(db):
    for days_ago in range(1, 8):
        _spend(days_ago, "1.00")
    _spend(0, "1.50")

    assert alerts_check(now=NOW) == []


def test_the_first_day_of_use_is_no_spike(db):
    _spend(0, "5.00")

    assert alerts_check(now=NOW) == []


def test_quota_refusals_alert(db, user):
    log_usage(
        at=NOW - timedelta(minutes=5),
        user=user,
        provider_type="",
        model="",
        status="error",
        error_code="QUOTA_EXCEEDED",
    )

    opened = alerts_check(now=NOW)

    assert [(a.kind, a.subject, a.value) for a in opened] == [
        ("quota_exceeded", "quotas", Decimal("1"))
    ]
    assert "1 request(s) were refused" in opened[0].message


def test_failing_credentials_alert_until_a_test_passes(openai_config):
    ProviderConfig.objects.filter(pk=openai_config.pk).update(
        last_test_status="failed",
        last_tested_at=NOW,
        last_test_message="openai main: failed — auth: Incorrect API key provided",
    )
    ProviderConfig.objects.create(
        name="old",
        provider_type="anthropic",
        is_active=False,
        fast_model="a",
        quality_model="b",
        last_test_status="failed",
    )

    opened = alerts_check(now=NOW)

    # The inactive config's failure is nobody's problem.
    assert [(a.kind, a.subject) for a in opened] == [("provider_test_failed", "openai main")]
    assert "Incorrect API key" in opened[0].message

    ProviderConfig.objects.filter(pk=openai_config.pk).update(last_test_status="ok")
    assert alerts_check(now=NOW + timedelta(minutes=5)) == []
    assert Alert.objects.get().resolved_at is not None


def test_a_persisting_alert_is_mailed_again_after_the_repeat_interval(openai_config, settings):
    settings.ALERT_REPEAT_HOURS = 6
    ProviderConfig.objects.filter(pk=openai_config.pk).update(last_test_status="failed")

    alerts_check(now=NOW)
    alerts_check(now=NOW + timedelta(hours=1))
    assert len(mail.outbox) == 1

    alerts_check(now=NOW + timedelta(hours=6, minutes=5))

    assert len(mail.outbox) == 2 and Alert.objects.count() == 1


def test_a_manually_resolved_alert_reopens_while_the_condition_lasts(openai_config):
    ProviderConfig.objects.filter(pk=openai_config.pk).update(last_test_status="failed")
    alerts_check(now=NOW)

    assert alert_resolve(alerts=Alert.objects.all()) == 1
    alerts_check(now=NOW + timedelta(minutes=5))

    assert Alert.objects.count() == 2
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 1
    assert len(mail.outbox) == 2


def test_several_conditions_go_out_in_one_mail(openai_config, user):
    calls(openai_config, count=20, errors=10)
    log_usage(
        at=NOW - timedelta(minutes=5),
        user=user,
        provider_type="",
        model="",
        status="error",
        error_code="QUOTA_EXCEEDED",
    )

    opened = alerts_check(now=NOW)

    assert {a.kind for a in opened} == {"error_rate", "quota_exceeded"}
    assert len(mail.outbox) == 1 and "2 alerts firing" in mail.outbox[0].subject


def test_the_periodic_job_runs_the_check_as_a_celery_task(openai_config):
    ProviderConfig.objects.filter(pk=openai_config.pk).update(last_test_status="failed")

    result = periodic.alerts_check.delay()  # eager in tests

    assert result.get() == 1
    assert Alert.objects.filter(kind="provider_test_failed").exists()


# --- Notifications, quota refusals, thresholds from the admin --------------------------------


def test_with_no_admins_an_alert_is_kept_but_not_marked_notified(openai_config, settings):
    settings.ADMINS = []
    calls(openai_config, count=20, errors=3)

    opened = alerts_check(now=NOW)

    assert [(a.kind, a.notified_at) for a in opened] == [("error_rate", None)]
    assert Alert.objects.get().notified_at is None and mail.outbox == []

    settings.ADMINS = [("Ops", "ops@example.com")]
    alerts_check(now=NOW + timedelta(minutes=5))

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ops@example.com"]
    assert Alert.objects.get().notified_at == NOW + timedelta(minutes=5)


def refusals(config, *, count, user):
    """Quota refusals logged against the route the request was meant for."""
    for _ in range(count):
        log_usage(
            at=NOW - timedelta(minutes=5),
            user=user,
            config=config,
            provider_type=config.provider_type,
            status="error",
            error_code="QUOTA_EXCEEDED",
        )


def test_quota_refusals_are_not_provider_errors(openai_config, user):
    calls(openai_config, count=20)
    refusals(openai_config, count=5, user=user)

    opened = alerts_check(now=NOW)

    assert [a.kind for a in opened] == ["quota_exceeded"]
    [row] = reports.error_rate_by_provider(since=NOW - timedelta(hours=1), until=NOW)
    assert (row["provider"], row["calls"], row["errors"]) == ("openai main", 20, 0)


def test_rolled_up_days_leave_quota_refusals_out_of_error_rates_too(openai_config, user):
    calls(openai_config, count=20, errors=1)
    refusals(openai_config, count=5, user=user)
    usage_rollup(day=NOW.date())
    day = datetime.combine(NOW.date(), time.min, tzinfo=UTC)

    [row] = reports.error_rate_by_provider(since=day, until=day + timedelta(days=1))

    assert (row["calls"], row["errors"], row["error_rate"]) == (20, 1, 0.05)
    assert reports.quota_exceeded_count(since=day, until=day + timedelta(days=1)) == 5


def test_thresholds_saved_in_the_admin_replace_the_environments(openai_config, settings):
    settings.ALERT_ERROR_RATE = 0.10
    calls(openai_config, count=20, errors=3)  # 15%
    thresholds = AlertThresholds.get_solo()  # the admin page's row, from the environment
    assert (thresholds.error_rate, thresholds.min_calls) == (0.10, 20)
    thresholds.error_rate = 0.20
    thresholds.save()

    assert alerts_check(now=NOW) == []

    thresholds.error_rate, thresholds.window_minutes = 0.12, 5
    thresholds.save()
    assert alerts_check(now=NOW) == []  # the calls were 10 minutes ago

    thresholds.window_minutes = 15
    thresholds.save()
    [alert] = alerts_check(now=NOW)
    assert (alert.kind, alert.threshold) == ("error_rate", Decimal("0.12"))
    assert "threshold 12%" in alert.message


def test_until_saved_the_thresholds_are_the_environments(settings, db):
    settings.ALERT_ERROR_RATE, settings.ALERT_REPEAT_HOURS = 0.3, 2

    thresholds = alert_thresholds()

    assert (thresholds.error_rate, thresholds.repeat_hours) == (0.3, 2)
    assert not AlertThresholds.objects.exists()
