"""Captured prompts and answers (AI_CAPTURE_PAYLOADS): kept AI_CAPTURE_DAYS days, then deleted
by the scheduled purge (Celery beat, or the embedded schedule where no beat runs)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from orchestrator.models import UsageCapture


def usage_capture_purge(*, now: datetime | None = None) -> int:
    """Delete the captures older than AI_CAPTURE_DAYS; returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AI_CAPTURE_DAYS)
    deleted, _ = UsageCapture.objects.filter(created_at__lt=cutoff).delete()
    return deleted
