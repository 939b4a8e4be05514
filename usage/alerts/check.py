"""The alert check: conditions worth an admin's attention, stored as Alert rows and sent to
the alert channels (mail, webhooks: usage.alerts.delivery).

Run every ALERT_CHECK_SECONDS by Celery beat (the periodic job usage.alerts_check), or where no
beat runs by the server itself (orchestrator/schedule.py), and by `manage.py check_alerts`. Each run
compares what it finds with the open alerts: a new condition opens an alert and sends it, a
persisting one only moves `last_seen` (and is sent again after the repeat interval), a cleared
one is resolved and the resolution sent. The thresholds are edited in the admin
(AlertThresholds, with latency thresholds per task and tier). With no channel configured, mail
goes to ADMINS; with neither, alerts are only listed in the admin and `notified_at` stays empty.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from usage.models import Alert

from .delivery import alert_deliveries_queue, alert_deliveries_send
from .findings import alert_findings, alert_thresholds


def _decimal(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


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
