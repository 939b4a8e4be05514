"""What an AI endpoint answers with, from the request's validated params: the synchronous view
and the background task's runner (registered in the app's ready()) both use it, so a task's
result is exactly the endpoint's `data`."""

from __future__ import annotations

from typing import Any

from .serializers import CoverLetterSerializer
from .services import DEFAULT_TONE, letter_generate


def letter_generate_from_params(
    *, user: Any, job_id: int, tone: str = DEFAULT_TONE, force: bool = False
) -> dict:
    """The endpoint's `data` for a new letter: the sync view and the Celery task both use it."""
    letter = letter_generate(user=user, job_id=job_id, tone=tone, force=force)
    return dict(CoverLetterSerializer(letter).data)
