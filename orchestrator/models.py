"""The gateway's data: provider configs and model prices, routing rules, the usage log (one row
per attempt) and the prompts and answers captured with it, the fields that say which AI produced
a product row, background AI tasks, the embedded schedule's leases and the configuration's
version. Alerts, their thresholds and the usage rollups are the usage app's (usage/models.py).

Longer than our usual modules: Django finds an app's models in one module, and these are
small, each with the reason for its fields beside them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

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
    # The prompt version the call sent ("cover_letter@3", orchestrator.registry.PromptChoice).
    prompt_version = models.CharField(max_length=40, blank=True)
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


class UsageCapture(models.Model):
    """What one attempt sent and got back, kept only when AI_CAPTURE_PAYLOADS is on and only for
    AI_CAPTURE_DAYS (the scheduled purge deletes older rows). Apart from UsageLog so the log row
    stays narrow and a call pays one more insert only when capture is on. Keys are scrubbed
    before the text is stored; only superusers see it."""

    usage_log = models.OneToOneField(
        UsageLog, primary_key=True, on_delete=models.CASCADE, related_name="capture"
    )
    system_prompt = models.TextField(blank=True)
    prompt = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"capture of usage log {self.usage_log_id}"


class ProducedByAI(models.Model):
    """Which AI call produced a product row (a job's fields, a CV, a letter): the prompt version
    the call sent (AIResult.prompt_version), the provider type and model that answered, and
    the usage log row of the attempt. One set of fields, one name, in every app."""

    prompt_version = models.CharField(max_length=40, blank=True)
    # A provider type, or how a row was made without AI (a job read from the page's
    # JSON-LD: "jsonld").
    provider_type = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=100, blank=True)
    usage_log = models.ForeignKey(
        "orchestrator.UsageLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The usage row's tier and cost, kept with the row it produced: the reports on what drafts
    # became (applications.outcomes) group a hundred thousand of them without joining the log.
    tier = models.CharField(max_length=10, blank=True)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)

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
    runs = models.PositiveSmallIntegerField(default=0)  # a killed worker's task runs again

    class Meta:
        ordering = ["-created_at"]
        verbose_name, verbose_name_plural = "AI task", "AI tasks"

    def __str__(self) -> str:
        return f"{self.kind} task {self.id} ({self.status})"


# The first values of the alert thresholds (usage.models.AlertThresholds) come from settings;
# migration 0015, which created that table while it was this app's, names this function.
def _setting(name: str):
    return getattr(settings, name)


class ScheduledRun(models.Model):
    """When a periodic job last started where no Celery beat runs it (orchestrator/schedule.py).
    The row is the lease that lets one of several server processes run it per interval."""

    job = models.CharField(max_length=50, primary_key=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.job} started {self.started_at:%Y-%m-%d %H:%M:%S}"


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
