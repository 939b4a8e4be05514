"""Prompt versions, the live one per task, their evaluations and the experiments between them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from orchestrator.registry import FAST, QUALITY, task_choices


class PromptVersion(models.Model):
    """One wording of a task's prompt. Editable until first used (made live, put in an
    experiment or evaluated); from then on an edit in the admin saves a new version, so every
    usage row's `prompt_version` names the text that was really sent."""

    task = models.CharField(max_length=20, choices=task_choices)
    number = models.PositiveIntegerField()
    system_prompt = models.TextField()
    # `$name` placeholders over the variables the task's code passes (core.prompting).
    user_template = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="prompt_version_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How usage rows, product rows and cache keys name it."""
        return f"{self.task}@{self.number}"


class PromptLive(models.Model):
    """The version a task's calls use outside an experiment."""

    task = models.CharField(max_length=20, primary_key=True, choices=task_choices)
    version = models.ForeignKey(PromptVersion, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(auto_now=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why a superuser made it live although its evaluation missed the gate.
    override_note = models.TextField(blank=True)

    class Meta:
        verbose_name, verbose_name_plural = "live prompt", "live prompts"

    def __str__(self) -> str:
        return f"{self.version.label} live"


class Evaluation(models.Model):
    """One run of a version over its task's evaluation set (manage.py eval_prompts)."""

    version = models.ForeignKey(PromptVersion, on_delete=models.CASCADE, related_name="evaluations")
    provider = models.CharField(max_length=40)
    cases = models.PositiveIntegerField()
    figures = models.JSONField(default=dict)  # grader name -> share of cases passed (0..1)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal(0))
    latency_ms = models.PositiveIntegerField(default=0)  # mean per case
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"evaluation of {self.version.label} on {self.provider}"


class PromptGate(models.Model):
    """One row: how far below the live version's figure a candidate may fall on any grader
    and still be made live (0.02 = two points of a pass rate)."""

    tolerance = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal("0.02"))

    class Meta:
        verbose_name = verbose_name_plural = "promotion gate"

    def __str__(self) -> str:
        return f"promotion gate (tolerance {self.tolerance})"


class Experiment(models.Model):
    """A task's traffic split between versions, sticky per user, while it runs."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        STOPPED = "stopped", "Stopped"

    task = models.CharField(max_length=20, choices=task_choices)
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(status="running"), name="one_running_per_task"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ExperimentArm(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="arms")
    version = models.ForeignKey(PromptVersion, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField()
    # In place of the routing matrix's tier for this arm's calls; blank: the plan's.
    tier = models.CharField(
        max_length=10, blank=True, choices=[(FAST, "fast"), (QUALITY, "quality")]
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.version.label} {self.percent}%" + (f" ({self.tier})" if self.tier else "")
