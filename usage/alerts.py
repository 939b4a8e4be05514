"""The alert check: conditions worth an admin's attention, stored as Alert rows and sent to
the alert channels (mail, webhooks: usage.alert_delivery).

Run every ALERT_CHECK_SECONDS by Celery beat (usage.alert_tasks), or where no beat runs
by the server itself (orchestrator/schedule.py), and by `manage.py check_alerts`. Each run
compares what it finds with the open alerts: a new condition opens an alert and sends it, a
persisting one only moves `last_seen` (and is sent again after the repeat interval), a cleared
one is resolved and the resolution sent. The thresholds are edited in the admin
(AlertThresholds, with latency thresholds per task and tier). With no channel configured, mail
goes to ADMINS; with neither, alerts are only listed in the admin and `notified_at` stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.money import usd
from orchestrator.models import ProviderConfig
from orchestrator.routes import config_key_unreadable
from usage.models import Alert, AlertThresholds

from . import reports
from .alert_delivery import alert_deliveries_queue, alert_deliveries_send
from .alert_latency import latency_over_thresholds

TRAILING_DAYS = 7


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: str
    message: str
    value: float | Decimal | None = None
    threshold: float | Decimal | None = None


def _decimal(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


def alert_thresholds() -> AlertThresholds:
    """The admin's thresholds; the ALERT_* settings until they are first saved there."""
    return AlertThresholds.objects.filter(pk=AlertThresholds.singleton_instance_id).first() or (
        AlertThresholds()
    )


def alert_recipients() -> list[str]:
    """Where alert mail goes: ADMINS, as "Name <address>"."""
    return [f"{name} <{address}>" for name, address in settings.ADMINS]


def alert_findings(*, now: datetime, thresholds: AlertThresholds | None = None) -> list[Finding]:
    """Every alert condition true at `now` (pure read; alerts_check stores and mails)."""
    thresholds = thresholds or alert_thresholds()
    window = thresholds.window_minutes
    since = now - timedelta(minutes=window)
    min_calls = thresholds.min_calls
    findings = []

    # Quota refusals are not provider errors (they have their own alert below).
    rate_limit = thresholds.error_rate
    for row in reports.error_rate_by_provider(since=since, until=now):
        if row["calls"] >= min_calls and row["error_rate"] > rate_limit:
            findings.append(
                Finding(
                    Alert.Kind.ERROR_RATE,
                    row["provider"],
                    f"{row['errors']} of {row['calls']} calls to {row['provider']} failed in the "
                    f"last {window} min ({row['error_rate']:.1%}; threshold {rate_limit:.0%}).",
                    row["error_rate"],
                    rate_limit,
                )
            )

    for row in latency_over_thresholds(
        since=since, until=now, general_ms=thresholds.p95_latency_ms, min_calls=min_calls
    ):
        what, subject = row["provider"], row["provider"]
        if row["task"]:  # a task and tier with a threshold of its own
            what = f"{row['task']} ({row['tier']}) calls to {row['provider']}"
            subject = f"{row['provider']} · {row['task']} ({row['tier']})"
        findings.append(
            Finding(
                Alert.Kind.LATENCY,
                subject,
                f"p95 latency of {what} is {row['p95']:.0f} ms over {row['calls']} calls in the "
                f"last {window} min (threshold {row['threshold']} ms).",
                row["p95"],
                row["threshold"],
            )
        )

    if spike := _cost_spike(now, factor=Decimal(str(thresholds.cost_spike_factor))):
        findings.append(spike)

    refused = reports.quota_exceeded_count(since=since, until=now)
    if refused >= thresholds.quota_refusals:
        findings.append(
            Finding(
                Alert.Kind.QUOTA_EXCEEDED,
                "quotas",
                f"{refused} request(s) were refused in the last {window} min because a plan's "
                "quota was used up.",
                refused,
                thresholds.quota_refusals,
            )
        )

    for row in reports.billing_failures(since=since, until=now):
        # One refused attempt is enough: a vendor does not refuse billing by chance.
        findings.append(
            Finding(
                Alert.Kind.PROVIDER_BILLING,
                row["provider"],
                f"{row['provider']} refused {row['failures']} call(s) in the last {window} min "
                "for the account's billing; fix the billing or credit at the vendor. "
                f"Last error: {row['message']}",
                row["failures"],
            )
        )

    active = list(ProviderConfig.objects.filter(is_active=True))
    for config in active:
        if config_key_unreadable(config):
            findings.append(
                Finding(
                    Alert.Kind.PROVIDER_TEST_FAILED,
                    config.name,
                    f"The API key of {config.name} cannot be decrypted with "
                    "FIELD_ENCRYPTION_KEYS (was the key that encrypted it removed?); every call "
                    "skips this provider. Enter its API key again.",
                )
            )
    failing = [
        config
        for config in active
        if config.last_test_status == ProviderConfig.TestStatus.FAILED
        and not config_key_unreadable(config)
    ]
    for config in failing:
        tested = f"{config.last_tested_at:%Y-%m-%d %H:%M} UTC" if config.last_tested_at else "?"
        findings.append(
            Finding(
                Alert.Kind.PROVIDER_TEST_FAILED,
                config.name,
                f"The last credentials test of {config.name} ({tested}) failed: "
                f"{config.last_test_message}",
            )
        )
    return findings


def _cost_spike(now: datetime, *, factor: Decimal) -> Finding | None:
    """Today's spend so far against the average full day of the week before."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    trailing = reports.usage_totals(since=today - timedelta(days=TRAILING_DAYS), until=today)
    average = trailing["cost_usd"] / TRAILING_DAYS
    spent = reports.usage_totals(since=today, until=now)["cost_usd"]
    # With no history there is no average to compare with; the first day of use is no spike.
    if average <= 0 or spent <= factor * average:
        return None
    return Finding(
        Alert.Kind.COST_SPIKE,
        "daily cost",
        f"Today's cost so far, {usd(spent)}, is {spent / average:.1f}× the average day of the "
        f"last {TRAILING_DAYS} days ({usd(average)}; threshold {factor}×).",
        spent,
        factor * average,
    )


def alerts_check(*, now: datetime | None = None) -> list[Alert]:
    """Store what alert_findings reports, resolve what cleared, send the news to the alert
    channels (and what earlier checks could not send); returns the open alerts."""
    now = now or timezone.now()
    thresholds = alert_thresholds()
    repeat = timedelta(hours=thresholds.repeat_hours)
    findings = {(f.kind, f.subject): f for f in alert_findings(now=now, thresholds=thresholds)}
    firing, resolved = [], []
    with transaction.atomic():
        for (kind, subject), finding in findings.items():
            values = {
                "message": finding.message,
                "value": _decimal(finding.value),
                "threshold": _decimal(finding.threshold),
                "last_seen": now,
            }
            alert, created = Alert.objects.get_or_create(
                kind=kind,
                subject=subject,
                resolved_at=None,
                defaults={**values, "first_seen": now},
            )
            if not created:
                Alert.objects.filter(pk=alert.pk).update(**values)
                for name, value in values.items():
                    setattr(alert, name, value)
            firing.append(alert)
        for alert in Alert.objects.filter(resolved_at__isnull=True).exclude(
            pk__in=[a.pk for a in firing]
        ):
            alert.resolved_at = now
            alert.save(update_fields=["resolved_at"])
            resolved.append(alert)
    alert_deliveries_queue(firing=firing, resolved=resolved, repeat=repeat, now=now)
    alert_deliveries_send(now=now)
    notified = dict(
        Alert.objects.filter(pk__in=[a.pk for a in firing]).values_list("pk", "notified_at")
    )
    for alert in firing:
        alert.notified_at = notified.get(alert.pk)
    return firing


def alerts_open() -> QuerySet:
    return Alert.objects.filter(resolved_at__isnull=True).order_by("-last_seen")


def alert_resolve(*, alerts: QuerySet, now: datetime | None = None) -> int:
    """An admin marks alerts handled; a condition still true opens a new alert next check."""
    return alerts.filter(resolved_at__isnull=True).update(resolved_at=now or timezone.now())
