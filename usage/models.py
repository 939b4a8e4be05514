"""What the usage reports read besides the gateway's UsageLog: daily and hourly rollups, alerts
and their thresholds.

They were the orchestrator app's models and keep its tables (db_table): moving them moved no
data (migrations usage 0001 and orchestrator 0017 change Django's state only).
"""

from functools import partial

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from solo.models import SingletonModel


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
    """What the alert check (usage/alerts.py) calls worth an admin's attention, edited in
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


# --- Daily usage rollups (usage/rollups.py writes them, usage/reports/ reads them) -


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
