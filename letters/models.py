from django.conf import settings
from django.db import models

from orchestrator.models import ProducedByAI

from .schemas import TONES


class CoverLetter(ProducedByAI):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cover_letters"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="cover_letters")
    tone = models.CharField(max_length=20, choices=[(t, t.capitalize()) for t in TONES])
    profile_version = models.PositiveIntegerField()
    # The latest version's content and warnings; every version is kept in CoverLetterVersion.
    content = models.JSONField(default=dict)
    warnings = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.tone} letter for {self.job}"


class CoverLetterVersion(models.Model):
    """One saved state of a letter: version 1 is what the AI wrote, each user edit adds one."""

    letter = models.ForeignKey(CoverLetter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    warnings = models.JSONField(default=list, blank=True)
    edited_by_user = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "number"], name="one_cover_letter_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} v{self.number}"
