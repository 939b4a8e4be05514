"""What an AI endpoint answers with, from the request's validated params: the synchronous view
and the background task's runner (registered in the app's ready()) both use it, so a task's
result is exactly the endpoint's `data`."""

from __future__ import annotations

from typing import Any

from .serializers import CVDraftSerializer
from .services import cv_draft_create


def cv_draft_from_params(*, user: Any, job_id: int, force: bool = False) -> dict:
    """The endpoint's `data` for a new draft: the sync view and the Celery task both use it."""
    return dict(CVDraftSerializer(cv_draft_create(user=user, job_id=job_id, force=force)).data)
