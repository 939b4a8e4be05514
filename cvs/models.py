from django.conf import settings
from django.db import models

from documents.models import DocumentVersion, EditedDocument


class CVDraft(EditedDocument):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cv_drafts"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="cv_drafts")

    class Meta(EditedDocument.Meta):
        verbose_name, verbose_name_plural = "CV draft", "CV drafts"

    def __str__(self) -> str:
        return f"CV for {self.job}"


class CVDraftVersion(DocumentVersion):
    draft = models.ForeignKey(CVDraft, on_delete=models.CASCADE, related_name="versions")

    class Meta(DocumentVersion.Meta):
        verbose_name, verbose_name_plural = "CV draft version", "CV draft versions"
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="one_cv_draft_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"


class ProfileVersion(models.Model):
    """One saved state of a user's master profile. Every change keeps the state before it, so
    an import, or any edit, can be undone by restoring an earlier number."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_versions"
    )
    number = models.PositiveIntegerField()
    data = models.JSONField()
    source = models.CharField(max_length=16, default="edit")  # edit, import, restore
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "number"], name="one_profile_version_number")
        ]

    def __str__(self) -> str:
        return f"Profile of {self.owner} v{self.number}"


class ProfileImport(models.Model):
    """A CV file read into a draft of the profile; nothing reaches the profile until it is
    applied. The file itself is not kept, only what was read from it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_imports"
    )
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=16)
    draft = models.JSONField()
    confidence = models.JSONField(default=dict)
    unread = models.JSONField(default=list)
    ai_filled = models.JSONField(default=list, blank=True)
    applied_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.filename} by {self.owner}"
