"""What an AI endpoint answers with, from the request's validated params: the synchronous view
and the background task's runner (registered in the app's ready()) both use it, so a task's
result is exactly the endpoint's `data`."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from core.errors import InvalidInput

from .serializers import JobSerializer
from .services import job_extract


def job_extract_from_params(
    *,
    user: Any,
    url: str | None = None,
    text: str | None = None,
    image_b64: str | None = None,
    force: bool = False,
) -> dict:
    """The Celery runner: the same extraction, answered with the endpoint's `data`."""
    image = None
    if image_b64 is not None:
        try:
            image = base64.b64decode(image_b64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("The queued image is not valid base64.") from None
    extraction = job_extract(user=user, url=url, text=text, image=image, force=force)
    return dict(JobSerializer(extraction.job).data)
