"""The connections the vendor SDKs open: through the outbound address policy.

A provider's base URL is checked when staff save it and before "Test now"
(orchestrator.snapshot); the SDK clients then keep a connection pool for many calls, opening new
connections long after that check. Each new connection resolves the host again, vets every
address and dials only those (core.outbound.CheckedBackend), so a base URL whose DNS is later
pointed at an internal address (rebinding) is refused at connect. PROVIDER_ALLOWED_HOSTS names
the internal servers (a self-hosted Ollama or vLLM) a base URL may reach.

The installed openai, anthropic and google-genai SDKs ride on httpx2 / httpcore2.

A streamed answer that ends with `data: [DONE]` (OpenAI's Chat Completions and the servers
compatible with it) is read to the end of its body when the SDK closes it. openai-python's
sync `Stream` stops reading at [DONE] and closes the response with the HTTP/1.1 chunked body's
last bytes unread (openai/_streaming.py, `Stream.__stream__`; its async twin drains them), and
httpcore then drops the connection instead of returning it to the pool: every streamed letter
paid a new TCP connection and TLS handshake before its first token (openai/openai-python#3440;
the maintainers leave the fix to the transport). After [DONE] a server has nothing left to send
but the body's end, so this costs no wait; a few chunks at most are read, and anything
unexpected drops the connection as before, the answer already whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpcore2
import httpx2
from django.conf import settings

from core.outbound import checked_transport

# The SDKs' own defaults (openai/_constants.py, anthropic/_constants.py): a caller's transport
# replaces the pool they would have built with them.
LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)


# An event stream whose last bytes were this is at its end but for the body's terminator.
_DONE = b"data: [DONE]"
_DRAIN_CHUNKS = 8


def provider_transport() -> Any:
    checked = checked_transport(
        httpx2,
        httpcore2,
        allowed_hosts=lambda: settings.PROVIDER_ALLOWED_HOSTS,
        limits=LIMITS,
    )
    return EventStreamTransport(checked)


class EventStreamTransport(httpx2.BaseTransport):
    """The checked transport, whose event streams are read to their end after [DONE]."""

    def __init__(self, transport: httpx2.BaseTransport) -> None:
        self._transport = transport

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self._transport.handle_request(request)
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            response.stream = ReadToEndAfterDone(response.stream)
        return response

    def close(self) -> None:
        self._transport.close()


class ReadToEndAfterDone(httpx2.SyncByteStream):
    """A response body that, closed right after its `data: [DONE]`, first reads its end, so
    its connection goes back to the pool."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._chunks: Iterator[bytes] | None = None
        self._tail = b""

    def __iter__(self) -> Iterator[bytes]:
        self._chunks = iter(self._stream)
        for chunk in self._chunks:
            self._tail = (self._tail + chunk[-64:])[-64:]  # no copy of a whole chunk
            yield chunk

    def close(self) -> None:
        try:
            if self._chunks is not None and self._tail.rstrip().endswith(_DONE):
                for _ in itertools.islice(self._chunks, _DRAIN_CHUNKS):
                    pass
        except (httpx2.HTTPError, httpx2.StreamError):
            pass  # the answer is whole: the connection is dropped, as without this
        finally:
            self._stream.close()
