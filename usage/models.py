"""Where alerts go (channels), what became of each notification (deliveries), and latency
thresholds per task and tier. The alerts themselves and the other thresholds are
orchestrator.models.Alert and AlertThresholds."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from orchestrator.models import Alert, AlertThresholds, Tier
from orchestrator.registry import task_choices


class AlertChannel(models.Model):
    """One place alerts are sent: mail, a Slack-compatible webhook or a plain JSON webhook."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack-compatible webhook"
        WEBHOOK = "webhook", "JSON webhook"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A webhook URL is a credential (a Slack URL embeds its token): stored encrypted like an
    # API key, shown by its hint only.
    url_encrypted = models.TextField(blank=True, editable=False)
    url_hint = models.CharField(max_length=120, blank=True, editable=False)
    addresses = models.TextField(
        blank=True,
        help_text="Email: addresses, one per line or comma-separated; empty: ADMINS.",
    )
    alert_kinds = models.JSONField(
        default=list, blank=True, help_text="The kinds of alert sent here; none ticked: all."
    )
    allow_private_network = models.BooleanField(
        default=False,
        help_text="Webhooks only: allow a URL on this machine or a private network (loopback, "
        "10.0.0.0/8, 192.168.0.0/16...). Off, such a URL is refused when sending.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def takes(self, kind: str) -> bool:
        return not self.alert_kinds or kind in self.alert_kinds


class AlertDelivery(models.Model):
    """One alert's news (it fires, it resolved) to one channel: tried on each alert check
    until the channel accepts it, with a growing wait between tries."""

    class Event(models.TextChoices):
        FIRING = "firing", "Firing"
        RESOLVED = "resolved", "Resolved"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(AlertChannel, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=10, choices=Event.choices)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "alert deliveries"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "channel", "event"], name="one_delivery_per_alert_channel_event"
            )
        ]
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.alert} ({self.event}) to {self.channel}"


class LatencyThreshold(models.Model):
    """The p95 latency above which one task on one tier alerts, in place of the general
    threshold: a quality CV draft is not an extraction."""

    thresholds = models.ForeignKey(
        AlertThresholds, on_delete=models.CASCADE, related_name="latency_thresholds"
    )
    task = models.CharField(max_length=20, choices=task_choices)
    tier = models.CharField(max_length=10, choices=Tier.choices)
    p95_latency_ms = models.PositiveIntegerField(
        "p95 latency above (ms)", validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["task", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "tier"], name="one_latency_threshold_per_task_tier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} ({self.tier}): {self.p95_latency_ms} ms"
