"""Telling people about alerts: each alert's news goes to every active channel that takes its
kind, and is tried again on later checks, waiting longer each time, until the channel accepts
it. An alert counts as notified only once a channel has accepted it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.secrets import scrub
from usage.models import Alert, AlertChannel, AlertDelivery

from .channels import DeliveryFailed, News, channel_send

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
MAX_ATTEMPTS = 12  # then the delivery stays failed, with its last error, in the admin
CLAIM = timedelta(minutes=5)  # longer than a send to every channel can take

DEFAULT_CHANNEL_NAME = "Email to ADMINS"


def alert_channels_active() -> list[AlertChannel]:
    """The channels alerts go to. Before any is configured, mail to ADMINS (if set) is one,
    made on first need so that it shows, and can be changed, in the admin."""
    if not AlertChannel.objects.exists() and settings.ADMINS:
        AlertChannel.objects.get_or_create(
            name=DEFAULT_CHANNEL_NAME, defaults={"kind": AlertChannel.Kind.EMAIL}
        )
    return list(AlertChannel.objects.filter(is_active=True))


def alert_deliveries_queue(
    *, firing: list[Alert], resolved: list[Alert], repeat: timedelta, now: datetime
) -> None:
    """Queue the news of alerts that fire and are due a notification (never notified, or
    notified longer than `repeat` ago) and of those that resolved."""
    channels = alert_channels_active()
    for alert in firing:
        if alert.notified_at is not None and now - alert.notified_at < repeat:
            continue
        if alert.notified_at is not None:  # a repeat: the channels that took it hear again
            alert.deliveries.filter(event="firing", delivered_at__isnull=False).update(
                delivered_at=None, attempts=0, last_error="", next_attempt_at=now
            )
        _queue(alert, AlertDelivery.Event.FIRING, channels, now)
    for alert in resolved:
        _queue(alert, AlertDelivery.Event.RESOLVED, channels, now)


def _queue(alert: Alert, event: str, channels: list[AlertChannel], now: datetime) -> None:
    for channel in channels:
        if channel.takes(alert.kind):
            AlertDelivery.objects.get_or_create(
                alert=alert, channel=channel, event=event, defaults={"next_attempt_at": now}
            )


def alert_deliveries_send(*, now: datetime | None = None) -> int:
    """Send what is due, one message per channel; returns how many deliveries were accepted."""
    now = now or timezone.now()
    due = (
        AlertDelivery.objects.filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(channel__is_active=True)
        .select_related("alert", "channel")
        .order_by("id")
    )
    # Claimed under row locks, so a check started meanwhile (the button, another process)
    # skips them instead of sending them twice; a process that dies while sending leaves them
    # to be tried again once the claim runs out.
    with transaction.atomic():
        claimed = list(due.select_for_update(skip_locked=True, of=("self",)))
        AlertDelivery.objects.filter(pk__in=[d.pk for d in claimed]).update(
            next_attempt_at=now + CLAIM
        )
    by_channel: dict[int, list[AlertDelivery]] = defaultdict(list)
    for delivery in claimed:
        by_channel[delivery.channel_id].append(delivery)
    accepted = 0
    for deliveries in by_channel.values():
        channel = deliveries[0].channel
        news = News(
            firing=[d.alert for d in deliveries if d.event == AlertDelivery.Event.FIRING],
            resolved=[d.alert for d in deliveries if d.event == AlertDelivery.Event.RESOLVED],
            links=_links(),
        )
        ids = [d.pk for d in deliveries]
        try:
            channel_send(channel=channel, news=news)
        except DeliveryFailed as exc:
            for delivery in deliveries:
                attempts = delivery.attempts + 1
                AlertDelivery.objects.filter(pk=delivery.pk).update(
                    attempts=attempts,
                    last_error=scrub(str(exc))[:2000],
                    last_attempt_at=now,
                    next_attempt_at=now + _wait(attempts),
                )
            continue
        AlertDelivery.objects.filter(pk__in=ids).update(
            delivered_at=now, last_attempt_at=now, attempts=deliveries[0].attempts + 1
        )
        Alert.objects.filter(pk__in=[a.pk for a in news.firing]).update(notified_at=now)
        accepted += len(ids)
    return accepted


def _wait(attempts: int) -> timedelta:
    """1 min after the first failure, then 2, 4, 8... up to an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _links() -> str:
    return (
        f"All alerts: {reverse('admin:usage_alert_changelist')} · "
        f"dashboard: {reverse('admin:orchestrator_usage_dashboard')}"
    )


def alert_channel_test(*, channel: AlertChannel, now: datetime | None = None) -> None:
    """Send a made-up alert to the channel (nothing is stored); DeliveryFailed says why the
    channel did not accept it."""
    now = now or timezone.now()
    sample = Alert(
        kind=Alert.Kind.ERROR_RATE,
        subject="test",
        message=f"A test of the alert channel “{channel.name}”: no action needed.",
        first_seen=now,
        last_seen=now,
    )
    channel_send(channel=channel, news=News(firing=[sample], resolved=[], links=_links()))
