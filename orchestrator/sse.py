"""Server-sent events for the endpoints that stream an AI answer while it is written.

A client asks with `Accept: text/event-stream` or `?stream=1`. Whatever fails before the
first event (a bad request, the quota, every provider failing) is the usual JSON error
envelope with its HTTP status; from then on the answer is `200 text/event-stream` and a
failure is an `error` event, the last one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from core.errors import AppError

logger = logging.getLogger(__name__)

EVENT_STREAM = "text/event-stream"
STREAM_VALUES = {"1", "true", "yes"}


def wants_stream(request: Request) -> bool:
    if request.query_params.get("stream", "").strip().lower() in STREAM_VALUES:
        return True
    return EVENT_STREAM in request.headers.get("Accept", "")


class StreamNegotiation(DefaultContentNegotiation):
    """`Accept: text/event-stream` is answered by the view itself with a stream; the errors
    before it are JSON envelopes, so the JSON renderer stands for it here."""

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        if EVENT_STREAM in request.headers.get("Accept", ""):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


def event_stream_response(events: Iterator[tuple[str, dict]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_encoded(events), content_type=EVENT_STREAM)
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx would otherwise hold events back
    return response


def _encoded(events: Iterator[tuple[str, dict]]) -> Iterator[bytes]:
    """Each event in the SSE wire format; an unexpected failure is an `error` event too, so
    a stream never just stops. Closing this (the client went away) closes `events`."""
    try:
        for name, data in events:
            yield event_bytes(name, data)
    except AppError as exc:
        yield event_bytes("error", {"error_code": exc.code, "message": exc.message})
    except Exception:
        logger.exception("A streamed answer failed")
        yield event_bytes(
            "error", {"error_code": AppError.code, "message": AppError.default_message}
        )
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()


def event_bytes(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, default=str)}\n\n".encode()
