"""What the alert check finds: each condition worth an admin's attention at a moment, against
the admin's thresholds (AlertThresholds, with latency thresholds per task and tier). A pure read;
usage.alerts.check stores and sends what it finds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from core.money import usd
from orchestrator.models import ProviderConfig
from orchestrator.snapshot import config_key_unreadable
from usage import reports
from usage.models import Alert, AlertThresholds

from .latency import latency_over_thresholds

TRAILING_DAYS = 7


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: str
    message: str
    value: float | Decimal | None = None
    threshold: float | Decimal | None = None


def alert_thresholds() -> AlertThresholds:
    """The admin's thresholds; the ALERT_* settings until they are first saved there."""
    return AlertThresholds.objects.filter(pk=AlertThresholds.singleton_instance_id).first() or (
        AlertThresholds()
    )


def alert_recipients() -> list[str]:
    """Where alert mail goes: ADMINS, as "Name <address>"."""
    return [f"{name} <{address}>" for name, address in settings.ADMINS]


def alert_findings(*, now: datetime, thresholds: AlertThresholds | None = None) -> list[Finding]:
    """Every alert condition true at `now` (pure read; alerts_check stores and sends)."""
    thresholds = thresholds or alert_thresholds()
    since = now - timedelta(minutes=thresholds.window_minutes)
    active = list(ProviderConfig.objects.filter(is_active=True))
    spike = _cost_spike(now, factor=Decimal(str(thresholds.cost_spike_factor)))
    return [
        *_error_rates(since, now, thresholds),
        *_latencies(since, now, thresholds),
        *([spike] if spike else []),
        *_quota_refusals(since, now, thresholds),
        *_billing_failures(since, now, thresholds.window_minutes),
        *_unreadable_keys(active),
        *_failed_tests(active),
    ]


def _error_rates(since: datetime, now: datetime, thresholds: AlertThresholds) -> list[Finding]:
    # Quota refusals are not provider errors (they have their own alert).
    limit, window = thresholds.error_rate, thresholds.window_minutes
    return [
        Finding(
            Alert.Kind.ERROR_RATE,
            row["provider"],
            f"{row['errors']} of {row['calls']} calls to {row['provider']} failed in the "
            f"last {window} min ({row['error_rate']:.1%}; threshold {limit:.0%}).",
            row["error_rate"],
            limit,
        )
        for row in reports.error_rate_by_provider(since=since, until=now)
        if row["calls"] >= thresholds.min_calls and row["error_rate"] > limit
    ]


def _latencies(since: datetime, now: datetime, thresholds: AlertThresholds) -> list[Finding]:
    findings = []
    for row in latency_over_thresholds(
        since=since,
        until=now,
        general_ms=thresholds.p95_latency_ms,
        min_calls=thresholds.min_calls,
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
                f"last {thresholds.window_minutes} min (threshold {row['threshold']} ms).",
                row["p95"],
                row["threshold"],
            )
        )
    return findings


def _quota_refusals(since: datetime, now: datetime, thresholds: AlertThresholds) -> list[Finding]:
    refused = reports.quota_exceeded_count(since=since, until=now)
    if refused < thresholds.quota_refusals:
        return []
    return [
        Finding(
            Alert.Kind.QUOTA_EXCEEDED,
            "quotas",
            f"{refused} request(s) were refused in the last {thresholds.window_minutes} min "
            "because a plan's quota was used up.",
            refused,
            thresholds.quota_refusals,
        )
    ]


def _billing_failures(since: datetime, now: datetime, window: int) -> list[Finding]:
    # One refused attempt is enough: a vendor does not refuse billing by chance.
    return [
        Finding(
            Alert.Kind.PROVIDER_BILLING,
            row["provider"],
            f"{row['provider']} refused {row['failures']} call(s) in the last {window} min "
            "for the account's billing; fix the billing or credit at the vendor. "
            f"Last error: {row['message']}",
            row["failures"],
        )
        for row in reports.billing_failures(since=since, until=now)
    ]


def _unreadable_keys(active: list[ProviderConfig]) -> list[Finding]:
    return [
        Finding(
            Alert.Kind.PROVIDER_TEST_FAILED,
            config.name,
            f"The API key of {config.name} cannot be decrypted with "
            "FIELD_ENCRYPTION_KEYS (was the key that encrypted it removed?); every call "
            "skips this provider. Enter its API key again.",
        )
        for config in active
        if config_key_unreadable(config)
    ]


def _failed_tests(active: list[ProviderConfig]) -> list[Finding]:
    findings = []
    for config in active:
        if config.last_test_status != ProviderConfig.TestStatus.FAILED:
            continue
        if config_key_unreadable(config):
            continue  # said above, with what to do
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
