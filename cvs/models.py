from django.conf import settings
from django.db import models

from orchestrator.models import ProducedByAI


class MasterProfile(models.Model):
    """The user's master profile in JSON Resume shape; `version` changes on every edit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="master_profile"
    )
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user} v{self.version}"


class CVDraft(ProducedByAI):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cv_drafts"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="cv_drafts")
    profile_version = models.PositiveIntegerField()
    # The latest version's content and warnings; every version is kept in CVDraftVersion.
    content = models.JSONField(default=dict)
    warnings = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"CV for {self.job}"


class CVDraftVersion(models.Model):
    """One saved state of a CV draft: version 1 is what the AI wrote, each user edit adds one."""

    draft = models.ForeignKey(CVDraft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    warnings = models.JSONField(default=list, blank=True)
    edited_by_user = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="one_cv_draft_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"
