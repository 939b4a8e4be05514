from django.conf import settings
from django.db import models
from django.db.models import Q

from orchestrator.models import ProducedByAI


class Job(ProducedByAI):
    class Source(models.TextChoices):
        URL = "url", "URL"
        TEXT = "text", "Pasted text"
        IMAGE = "image", "Screenshot"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    source_url = models.URLField(max_length=2000, blank=True)
    source_url_hash = models.CharField(max_length=64, blank=True)
    source_text = models.TextField(blank=True)
    image_sha256 = models.CharField(max_length=64, blank=True)

    title = models.CharField(max_length=300, blank=True)
    company = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=300, blank=True)
    employment_type = models.CharField(max_length=100, blank=True)
    salary = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    requirements = models.JSONField(default=list, blank=True)
    skills = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)

    raw_ai_output = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source_url_hash"],
                condition=~Q(source_url_hash=""),
                name="one_job_per_user_url",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.company}" if self.company else self.title or f"Job {self.pk}"
