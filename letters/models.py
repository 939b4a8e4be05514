from django.conf import settings
from django.db import models

from documents.models import DocumentVersion, EditedDocument

from .schemas import TONES


class CoverLetter(EditedDocument):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cover_letters"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="cover_letters")
    tone = models.CharField(max_length=20, choices=[(t, t.capitalize()) for t in TONES])

    def __str__(self) -> str:
        return f"{self.tone} letter for {self.job}"


class CoverLetterVersion(DocumentVersion):
    letter = models.ForeignKey(CoverLetter, on_delete=models.CASCADE, related_name="versions")

    class Meta(DocumentVersion.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "number"], name="one_cover_letter_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} v{self.number}"
