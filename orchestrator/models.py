"""The gateway's data: provider configs and model prices, routing rules, the usage log (one row
per attempt), background AI tasks, alerts and their thresholds, the daily usage rollups.

Longer than our usual modules: Django finds an app's models in one module, and these are
small, each with the reason for its fields beside them.
"""

import uuid
from functools import partial

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from solo.models import SingletonModel

from billing.models import Plan

from . import crypto
from .registry import task_choices


class ProviderType(models.TextChoices):
    GEMINI = "gemini", "Google Gemini"
    OPENAI = "openai", "OpenAI"
    ANTHROPIC = "anthropic", "Anthropic Claude"
    OPENAI_COMPATIBLE = "openai_compatible", "OpenAI-compatible server"
    OFFLINE = "offline", "Offline (built in)"


class Tier(models.TextChoices):
    FAST = "fast", "Fast"
    QUALITY = "quality", "Quality"


class ProviderConfig(models.Model):
    class TestStatus(models.TextChoices):
        UNTESTED = "untested", "Untested"
        OK = "ok", "OK"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=100, unique=True)
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    # Only the Fernet token is stored; the last four characters are kept apart so lists can
    # show a fingerprint without decrypting anything.
    api_key_encrypted = models.TextField(blank=True, editable=False)
    api_key_last4 = models.CharField(max_length=4, blank=True, editable=False)
    base_url = models.URLField(blank=True)
    fast_model = models.CharField(max_length=100)
    quality_model = models.CharField(max_length=100)
    priority = models.PositiveIntegerField(default=100, help_text="Lower runs first.")
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False)
    last_tested_at = models.DateTimeField(null=True, blank=True)
    last_test_status = models.CharField(
        max_length=10, choices=TestStatus.choices, default=TestStatus.UNTESTED
    )
    last_test_message = models.TextField(blank=True)
    # What the last passing test found wrong with the models (missing from the key's model list,
    # retiring, unpriced): the config works, but an admin should act.
    last_test_warnings = models.JSONField(default=list, blank=True)
    # Saved from the admin as "active once a test passes": the first passing test activates it.
    activate_when_tested = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_provider"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def set_api_key(self, plaintext: str) -> None:
        self.api_key_encrypted = crypto.encrypt(plaintext) if plaintext else ""
        self.api_key_last4 = plaintext[-4:] if plaintext else ""

    @property
    def api_key(self) -> str:
        return crypto.decrypt(self.api_key_encrypted) if self.api_key_encrypted else ""

    @property
    def key_fingerprint(self) -> str:
        return f"…{self.api_key_last4}" if self.api_key_last4 else ""


class RoutingRule(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="routing_rules")
    task = models.CharField(max_length=20, choices=task_choices)
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.FAST)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "task"], name="one_rule_per_plan_task")
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} / {self.task} → {self.tier}"


class ModelPrice(models.Model):
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    model = models.CharField(max_length=100)
    input_per_million = models.DecimalField(max_digits=12, decimal_places=6)
    output_per_million = models.DecimalField(max_digits=12, decimal_places=6)
    cached_input_per_million = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider_type", "model"]
        constraints = [
            models.UniqueConstraint(fields=["provider_type", "model"], name="one_price_per_model")
        ]

    def __str__(self) -> str:
        return f"{self.provider_type}:{self.model}"


class UsageLog(models.Model):
    """One row per AI attempt, served or failed, cache hits and quota refusals included."""

    class Status(models.TextChoices):
        SUCCESS = "success", "Success"
        ERROR = "error", "Error"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="usage_logs",
        db_index=False,  # (user, created_at) below serves every lookup by user
    )
    provider_config = models.ForeignKey(
        ProviderConfig, null=True, blank=True, on_delete=models.SET_NULL, related_name="usage_logs"
    )
    provider_type = models.CharField(max_length=20, blank=True)
    model = models.CharField(max_length=100, blank=True)
    task_type = models.CharField(max_length=20)
    plan = models.CharField(max_length=20, blank=True)  # the plan at the time of the call
    tier = models.CharField(max_length=10, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cached_input_tokens = models.PositiveIntegerField(default=0)
    total_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    # Who priced cost_usd (orchestrator/pricing.py): "admin", "genai-prices", "free" (offline),
    # or "unpriced" (an estimate at the ceiling price); blank when no tokens were spent.
    price_source = models.CharField(max_length=20, blank=True)
    saved_cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    error_code = models.CharField(max_length=30, blank=True)
    error_message = models.TextField(blank=True)
    cache_hit = models.BooleanField(default=False)
    request_id = models.CharField(max_length=36)
    attempt = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            # Exact lookups only (admin search, one call's attempts): a plain index, not
            # db_index, which on PostgreSQL adds an unused LIKE-pattern index as well.
            models.Index(fields=["request_id"], name="usagelog_request_id"),
            models.Index(fields=["provider_type", "created_at"]),
            models.Index(fields=["task_type", "created_at"]),
            models.Index(fields=["plan", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.task_type} {self.provider_type}:{self.model} {self.status}"


class ProducedByAI(models.Model):
    """Which AI call produced a product row (a job's fields, a CV, a letter): the prompt wording
    (the VERSION of the app's prompts module), the provider type and model that answered, and
    the usage log row of the attempt. One set of fields, one name, in every app."""

    prompt_version = models.CharField(max_length=40, blank=True)
    # A provider type, or how a row was made without AI (a job read from the page's
    # JSON-LD: "jsonld").
    provider_type = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=100, blank=True)
    usage_log = models.ForeignKey(
        "orchestrator.UsageLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class AITask(models.Model):
    """An AI request run by a Celery worker; the client polls it at /api/v1/tasks/{id}."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ai_tasks"
    )
    kind = models.CharField(max_length=20, choices=task_choices)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    result = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=30, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} task {self.id} ({self.status})"


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
        verbose_name = verbose_name_plural = "alert thresholds"

    def __str__(self) -> str:
        return "Alert thresholds"


class ScheduledRun(models.Model):
    """When a periodic job last started where no Celery beat runs it (orchestrator/schedule.py).
    The row is the lease that lets one of several server processes run it per interval."""

    job = models.CharField(max_length=50, primary_key=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.job} started {self.started_at:%Y-%m-%d %H:%M:%S}"


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
        indexes = [models.Index(fields=["day", "user_id"])]

    def __str__(self) -> str:
        return f"{self.day} user {self.user_id}"


class UsageMonthlyUser(UsageSums):
    """UsageDailyUser summed per UTC month: a per-user report over whole months reads a row
    per user and month instead of one per user and active day."""

    month = models.DateField()  # its first day
    user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
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
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.provider_type}:{self.model} {self.bucket} ms"


class UsageRollupDay(models.Model):
    """A UTC day that has been rolled up: its rollup rows hold the UsageLog rows created from
    the day's start until covered_until (the day's end once the day was over when it ran)."""

    day = models.DateField(primary_key=True)
    rolled_at = models.DateTimeField()
    covered_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} rolled up {self.rolled_at:%Y-%m-%d %H:%M}"


class ConfigVersion(models.Model):
    """One row whose token changes with every save of the configuration each process keeps in
    its snapshot (plans, routing rules, prices, provider configs; orchestrator/snapshot.py).

    It lives in the database, not in a cache, so that every process using this database sees
    it, with or without Redis; and it changes in the edit's own transaction, so a process that
    reads the new token also reads the edit.
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"configuration version {self.token}"
