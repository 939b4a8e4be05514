from django.conf import settings
from django.db import models
from django.db.models import Q


class PlanCode(models.TextChoices):
    FREEMIUM = "FREEMIUM", "Freemium"
    PAYGO = "PAYGO", "Pay as you go"
    PRO_MONTHLY = "PRO_MONTHLY", "Pro (monthly)"
    PRO_ANNUAL = "PRO_ANNUAL", "Pro (annual)"


class Plan(models.Model):
    code = models.CharField(max_length=20, choices=PlanCode.choices, unique=True)
    name = models.CharField(max_length=100)
    # Empty limit = unlimited. Token limits count input + output tokens.
    daily_token_limit = models.PositiveBigIntegerField(null=True, blank=True)
    monthly_token_limit = models.PositiveBigIntegerField(null=True, blank=True)
    monthly_cost_limit_usd = models.DecimalField(
        max_digits=12, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CANCELED = "canceled", "Canceled"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="active"), name="one_active_subscription"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.plan.code} ({self.status})"


class QuotaCounter(models.Model):
    """A user's tokens and dollars for one UTC day or month: used, plus reserved by calls
    in flight. Reservations are made under a row lock so concurrent calls cannot overspend."""

    class Period(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quota_counters"
    )
    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    tokens_used = models.BigIntegerField(default=0)
    tokens_reserved = models.BigIntegerField(default=0)
    cost_used_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    cost_reserved_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    # An admin's reset (quota_reset): the usage log before it no longer counts here, which
    # the reconciliation with the log must know.
    reset_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "period_start"], name="one_counter_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.period} {self.period_start}"


class UserLimits(models.Model):
    """One user's own limits, in place of their plan's: an empty field keeps the plan's value.
    The quota reservation enforces them with the same atomic rules as a plan's limits."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="own_limits"
    )
    daily_token_limit = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Empty: the plan's daily token limit."
    )
    monthly_token_limit = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Empty: the plan's monthly token limit."
    )
    monthly_cost_limit_usd = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Empty: the plan's monthly cost limit.",
    )
    reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "user's own limits"

    def __str__(self) -> str:
        return f"{self.user}"


class QuotaHold(models.Model):
    """What one AI call in flight holds on its user's day and month counters (their
    `*_reserved` columns are the sum of these rows). Written with the reservation, in its
    statement, before any vendor is called, and deleted with the settlement: a hold still here
    after `expires_at` belongs to a call whose process died, and the reaper closes it as an
    abandoned call (orchestrator/reaper.py)."""

    # One index only (the key), as every call writes and deletes a row: the table holds only
    # the calls in flight, so the reaper's and the admin's other lookups scan it.
    request_id = models.CharField(max_length=36, primary_key=True)  # the call's usage rows'
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quota_holds",
        db_index=False,
    )
    day = models.DateField()
    month = models.DateField()
    tokens = models.BigIntegerField()
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8)
    # What the call sends, estimated from the request: the abandoned call's usage row.
    input_tokens = models.PositiveIntegerField(default=0)
    task_type = models.CharField(max_length=20, blank=True)
    plan = models.CharField(max_length=20, blank=True)
    tier = models.CharField(max_length=10, blank=True)
    provider_type = models.CharField(max_length=20, blank=True)
    # The provider config the call was routed to (an id, not a key: billing sits below the
    # gateway that owns the configs), so the abandoned call's row names it as a logged one does.
    provider_config_id = models.PositiveBigIntegerField(null=True, blank=True)
    model = models.CharField(max_length=100, blank=True)
    prompt_version = models.CharField(max_length=40, blank=True)  # "cover_letter@3"
    owner = models.CharField(max_length=100, blank=True, help_text="host:pid of the process")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.tokens:,} tokens held by {self.request_id}"
