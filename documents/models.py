"""The master profile every document is written from, and the bases of the documents the AI
writes for a job (a CV draft in cvs, a cover letter in letters, an interview prep in
applications): their latest content and every saved version."""

from django.conf import settings
from django.db import models

from orchestrator.models import ProducedByAI


class MasterProfile(models.Model):
    """The user's master profile in JSON Resume shape; `version` changes on every edit.
    Written through the profile API (cvs), read by every document."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="master_profile"
    )
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "cvs_masterprofile"  # the table it had in cvs, kept with its rows

    def __str__(self) -> str:
        return f"Profile of {self.user} v{self.version}"


class EditedDocument(ProducedByAI):
    """A document the AI wrote and the user may edit (a CV, a cover letter): its latest content
    and warnings, which version that is, and the profile version it was written from. Every
    version is kept in a DocumentVersion row."""

    profile_version = models.PositiveIntegerField()
    content = models.JSONField(default=dict)
    warnings = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class DocumentVersion(models.Model):
    """One saved state of an EditedDocument: version 1 is what the AI wrote, each user edit
    adds one."""

    number = models.PositiveIntegerField()
    content = models.JSONField()
    warnings = models.JSONField(default=list, blank=True)
    edited_by_user = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["number"]
