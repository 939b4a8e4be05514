"""What the usage reports read besides the gateway's UsageLog: daily and hourly rollups, alerts
and their thresholds (with latency thresholds per task and tier), and where alerts go: channels
and each alert's deliveries to them.

They were the orchestrator app's models and keep its tables (db_table): moving them moved no
data (migrations usage 0001 and orchestrator 0017 change Django's state only).
"""

from functools import partial

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from solo.models import SingletonModel

from orchestrator.models import Tier
from orchestrator.registry import task_choices


class Alert(models.Model):
    """A condition the periodic check found (high error rate, slow provider, cost spike...).

    One open row per (kind, subject): a condition that persists updates `last_seen` instead of
    adding rows, and is mailed again only after ALERT_REPEAT_HOURS.
    """

    class Kind(models.TextChoices):
        ERROR_RATE = "error_rate", "Provider error rate"
        LATENCY = "latency", "Provider p95 latency"
        COST_SPIKE = "cost_spike", "Cost spike"
        QUOTA_EXCEEDED = "quota_exceeded", "Quota exceeded"
        PROVIDER_TEST_FAILED = "provider_test_failed", "Provider credentials failing"
        PROVIDER_BILLING = "provider_billing", "Provider account billing"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    subject = models.CharField(max_length=200, help_text="What it is about, e.g. a provider.")
    message = models.TextField()
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    threshold = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "orchestrator_alert"
        ordering = ["-last_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_alert_per_kind_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


def _setting(name: str):
    return getattr(settings, name)


class AlertThresholds(SingletonModel):
    """What the alert check (usage/alerts/) calls worth an admin's attention, edited in
    the admin. The ALERT_* settings give the first values: until the row exists (the admin page
    creates it), the check reads them from the environment."""

    error_rate = models.FloatField(
        "provider error rate above",
        default=partial(_setting, "ALERT_ERROR_RATE"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of a provider's calls that failed, 0.10 = 10%. Quota refusals are not "
        "provider errors and do not count.",
    )
    p95_latency_ms = models.PositiveIntegerField(
        "p95 latency above (ms)", default=partial(_setting, "ALERT_P95_LATENCY_MS")
    )
    cost_spike_factor = models.FloatField(
        "today's cost above (× the average day of the last 7)",
        default=partial(_setting, "ALERT_COST_SPIKE_FACTOR"),
        validators=[MinValueValidator(1)],
    )
    quota_refusals = models.PositiveIntegerField(
        "quota refusals in the window, at least",
        default=partial(_setting, "ALERT_QUOTA_EXCEEDED_MIN"),
        validators=[MinValueValidator(1)],
    )
    window_minutes = models.PositiveIntegerField(
        "window (minutes)",
        default=partial(_setting, "ALERT_WINDOW_MINUTES"),
        validators=[MinValueValidator(1)],
        help_text="Error rates, latencies and quota refusals are counted over this window.",
    )
    min_calls = models.PositiveIntegerField(
        "fewest calls to judge a provider",
        default=partial(_setting, "ALERT_MIN_CALLS"),
        help_text="Below this many calls in the window, a provider's error rate and latency "
        "raise no alert: one error in two calls must not page anyone.",
    )
    repeat_hours = models.FloatField(
        "mail a still-open alert again after (hours)",
        default=partial(_setting, "ALERT_REPEAT_HOURS"),
        validators=[MinValueValidator(0)],
    )

    class Meta:
        db_table = "orchestrator_alertthresholds"
        verbose_name = verbose_name_plural = "alert thresholds"

    def __str__(self) -> str:
        return "Alert thresholds"


# --- Daily usage rollups (usage/rollups/ writes them, usage/reports/ reads them) -


class UsageSums(models.Model):
    """The sums both rollups keep (rollups._SUMS fills them)."""

    calls = models.BigIntegerField(default=0)
    errors = models.BigIntegerField(default=0)
    cache_hits = models.BigIntegerField(default=0)
    input_tokens = models.BigIntegerField(default=0)
    output_tokens = models.BigIntegerField(default=0)
    total_tokens = models.BigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=18, decimal_places=8, default=0)
    saved_cost_usd = models.DecimalField(max_digits=18, decimal_places=8, default=0)

    class Meta:
        abstract = True


class UsageDaily(UsageSums):
    """UsageLog summed per UTC day and report dimension, so reports over months do not scan
    every attempt. The extra counters are the filtered sums the report selectors compute."""

    day = models.DateField()
    plan = models.CharField(max_length=20, blank=True)
    task_type = models.CharField(max_length=20)
    provider_type = models.CharField(max_length=20, blank=True)
    # Not a FK: a rollup row outlives the config, as the log row's SET_NULL would lose the id.
    provider_config_id = models.BigIntegerField(null=True, blank=True)
    model = models.CharField(max_length=100, blank=True)
    quota_exceeded = models.BigIntegerField(default=0)
    provider_calls = models.BigIntegerField(default=0)  # not a cache hit nor a quota refusal
    provider_errors = models.BigIntegerField(default=0)  # of those, failed
    successes = models.BigIntegerField(default=0)
    success_cache_hits = models.BigIntegerField(default=0)
    success_saved_cost_usd = models.DecimalField(max_digits=18, decimal_places=8, default=0)

    class Meta:
        db_table = "orchestrator_usagedaily"
        unique_together = [
            ("day", "plan", "task_type", "provider_type", "provider_config_id", "model")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.task_type} {self.provider_type}:{self.model}"


class UsageDailyUser(UsageSums):
    """UsageLog summed per UTC day and user (null: anonymous), for per-user reports."""

    day = models.DateField()
    user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "orchestrator_usagedailyuser"
        indexes = [models.Index(fields=["day", "user_id"])]

    def __str__(self) -> str:
        return f"{self.day} user {self.user_id}"


class UsageMonthlyUser(UsageSums):
    """UsageDailyUser summed per UTC month: a per-user report over whole months reads a row
    per user and month instead of one per user and active day."""

    month = models.DateField()  # its first day
    user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "orchestrator_usagemonthlyuser"
        indexes = [models.Index(fields=["month", "user_id"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} user {self.user_id}"


class UsageLatencyDaily(models.Model):
    """Per UTC day, provider config and model: how many attempts that reached a provider took
    a latency in each bucket (rollups.latency_bucket), so percentiles are a sum of counts."""

    day = models.DateField()
    provider_type = models.CharField(max_length=20)
    provider_config_id = models.BigIntegerField(null=True, blank=True)
    model = models.CharField(max_length=100, blank=True)
    bucket = models.PositiveIntegerField()  # the bucket's lowest latency in ms
    calls = models.BigIntegerField()

    class Meta:
        db_table = "orchestrator_usagelatencydaily"
        unique_together = [("day", "provider_type", "provider_config_id", "model", "bucket")]

    def __str__(self) -> str:
        return f"{self.day} {self.provider_type}:{self.model} {self.bucket} ms"


class UsageLatencyMonthly(models.Model):
    """UsageLatencyDaily summed per UTC month, for percentiles over whole months."""

    month = models.DateField()  # its first day
    provider_type = models.CharField(max_length=20)
    provider_config_id = models.BigIntegerField(null=True, blank=True)
    model = models.CharField(max_length=100, blank=True)
    bucket = models.PositiveIntegerField()
    calls = models.BigIntegerField()

    class Meta:
        db_table = "orchestrator_usagelatencymonthly"
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.provider_type}:{self.model} {self.bucket} ms"


class UsageHourly(models.Model):
    """UsageLog summed per UTC hour, provider config, model and error code: the dashboard's
    hourly trends, its top error codes and the provider list's last 24 hours read these rows,
    a few dozen an hour, instead of every attempt. Built with the day's rollup (same watermark):
    the hour holding the watermark holds the rows created before it."""

    hour = models.DateTimeField()
    provider_type = models.CharField(max_length=20, blank=True)
    provider_config_id = models.BigIntegerField(null=True, blank=True)  # not a FK (UsageDaily)
    model = models.CharField(max_length=100, blank=True)
    error_code = models.CharField(max_length=30, blank=True)
    calls = models.BigIntegerField(default=0)
    errors = models.BigIntegerField(default=0)
    quota_exceeded = models.BigIntegerField(default=0)
    provider_calls = models.BigIntegerField(default=0)  # not a cache hit nor a quota refusal
    provider_errors = models.BigIntegerField(default=0)
    input_tokens = models.BigIntegerField(default=0)
    output_tokens = models.BigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=18, decimal_places=8, default=0)

    class Meta:
        indexes = [models.Index(fields=["hour"])]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h {self.provider_type}:{self.model} {self.error_code}"


class UsageLatencyHourly(models.Model):
    """Per UTC hour and provider config: attempts that reached a provider per latency bucket
    (as UsageLatencyDaily), for hourly p95 and the provider list's last 24 hours."""

    hour = models.DateTimeField()
    provider_type = models.CharField(max_length=20)
    provider_config_id = models.BigIntegerField(null=True, blank=True)
    bucket = models.PositiveIntegerField()
    calls = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["hour"])]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h {self.provider_type} {self.bucket} ms"


class UsageLatencyP95(models.Model):
    """The p95 latency of each rolled-up hour and day (attempts that reached a provider, from
    the latency buckets), so a trend reads one row per hour or day."""

    step = models.CharField(max_length=4)  # "hour" or "day"
    start = models.DateTimeField()
    calls = models.BigIntegerField()
    p95_ms = models.FloatField()

    class Meta:
        unique_together = [("step", "start")]

    def __str__(self) -> str:
        return f"p95 of the {self.step} from {self.start:%Y-%m-%d %H:%M}: {self.p95_ms} ms"


class UsageRollupDay(models.Model):
    """A UTC day that has been rolled up: its rollup rows hold the UsageLog rows created from
    the day's start until covered_until (the day's end once the day was over when it ran)."""

    day = models.DateField(primary_key=True)
    rolled_at = models.DateTimeField()
    covered_until = models.DateTimeField()

    class Meta:
        db_table = "orchestrator_usagerollupday"

    def __str__(self) -> str:
        return f"{self.day} rolled up {self.rolled_at:%Y-%m-%d %H:%M}"


# --- Where alerts go, and latency thresholds per task and tier -----------------------------


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
