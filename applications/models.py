"""Applications: which job the user applied to, with exactly which CV and letter versions, and
what became of it. Interview preps live in applications.interview.models."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from documents.models import DocumentVersion, EditedDocument

from .statuses import Status

# What the "Drafts and outcomes" report groups drafts by (ProducedByAI's fields).
DRAFT_KEYS = ("provider_type", "model", "tier", "prompt_version")


class Application(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SAVED)
    # The documents sent, pinned to the version the user had at that moment: later edits of
    # the CV or letter make new versions and leave what was sent alone.
    cv = models.ForeignKey(
        "cvs.CVDraft", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    cv_version = models.PositiveIntegerField(null=True, blank=True)
    letter = models.ForeignKey(
        "letters.CoverLetter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    letter_version = models.PositiveIntegerField(null=True, blank=True)
    # How much the user changed the AI's first draft before sending it (words inserted,
    # deleted or replaced; applications.editdistance), recorded when a version is pinned.
    cv_edit_distance = models.PositiveIntegerField(null=True, blank=True)
    letter_edit_distance = models.PositiveIntegerField(null=True, blank=True)
    # The sent drafts' own facts, copied when a version is pinned (drafts never change them):
    # when each was drafted and by which provider, model, tier and prompt version. The
    # "Drafts and outcomes" report (applications.outcomes) groups a hundred thousand
    # applications by them without joining the draft tables.
    cv_drafted_at = models.DateTimeField(null=True, blank=True)
    cv_provider_type = models.CharField(max_length=40, blank=True)
    cv_model = models.CharField(max_length=100, blank=True)
    cv_tier = models.CharField(max_length=10, blank=True)
    cv_prompt_version = models.CharField(max_length=40, blank=True)
    letter_drafted_at = models.DateTimeField(null=True, blank=True)
    letter_provider_type = models.CharField(max_length=40, blank=True)
    letter_model = models.CharField(max_length=100, blank=True)
    letter_tier = models.CharField(max_length=10, blank=True)
    letter_prompt_version = models.CharField(max_length=40, blank=True)
    reached_interview = models.BooleanField(default=False)
    applied_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status", "updated_at"]),
            # The outcomes report's sent applications, by when their draft was written; the
            # draft's id included, so the drafts sent are counted from the index alone.
            *(
                models.Index(
                    fields=[f"{link}_drafted_at"],
                    include=[link],
                    condition=models.Q(**{f"{link}__isnull": False}) & ~models.Q(status="saved"),
                    name=f"application_{link}_sent_idx",
                )
                for link in ("cv", "letter")
            ),
        ]

    def __str__(self) -> str:
        return f"Application to {self.job} ({self.status})"


class StatusChange(models.Model):
    """One move of an application's status; the first row is its creation."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class InterviewPrep(EditedDocument):
    """Likely interview questions for one application, each answer outline standing on the
    profile facts it cites."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_preps"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interview_preps"
    )

    def __str__(self) -> str:
        return f"Interview prep for {self.application.job}"


class InterviewPrepVersion(DocumentVersion):
    prep = models.ForeignKey(InterviewPrep, on_delete=models.CASCADE, related_name="versions")

    class Meta(DocumentVersion.Meta):
        constraints = [
            models.UniqueConstraint(fields=["prep", "number"], name="one_interview_prep_version")
        ]

    def __str__(self) -> str:
        return f"{self.prep} v{self.number}"
