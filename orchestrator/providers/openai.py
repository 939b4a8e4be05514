"""OpenAI Chat Completions, and any OpenAI-compatible server (Ollama, vLLM, OpenRouter).

A streamed answer that ends with `data: [DONE]` (OpenAI's Chat Completions and the servers
compatible with it) is read to the end of its body when the SDK closes it. openai-python's
sync `Stream` stops reading at [DONE] and closes the response with the HTTP/1.1 chunked body's
last bytes unread (openai/_streaming.py, `Stream.__stream__`; its async twin drains them), and
httpcore then drops the connection instead of returning it to the pool: every streamed letter
paid a new TCP connection and TLS handshake before its first token (openai/openai-python#3440;
the maintainers leave the fix to the transport): this adapter's client reads it
(`EventStreamTransport`). After [DONE] a server has nothing left to send but the body's end,
so this costs no wait; a few chunks at most are read, and anything unexpected drops the
connection as before, the answer already whole.
"""

from __future__ import annotations

import base64
import itertools
import json
import time
from collections.abc import Generator, Iterator
from functools import lru_cache
from typing import Any

import httpx2
import openai

from ..catalogue import capabilities
from ..request import AIRequest
from . import (
    BAD_OUTPUT,
    BAD_REQUEST,
    BILLING,
    REFUSED,
    STREAM_TRANSPORT_ERRORS,
    TIMEOUT,
    TRUNCATED,
    UNAVAILABLE,
    ProviderError,
    ProviderReply,
    StreamStopped,
    broken_stream,
    scrub,
    truncated_message,
)
from .base import VendorAdapter
from .images import LIMITS, ImageUnfit, fit_image
from .network import provider_transport
from .schemas import drop_nulls_text, openai_strict

# A cap this small is a probe (the credentials test asks for 16 tokens): the model reasons as
# little as it may, and gets this much room on top so its reasoning cannot eat the answer.
PROBE_CAP = 256
PROBE_ROOM = 1024


@lru_cache(maxsize=32)
def _client(api_key: str, base_url: str, timeout: float) -> openai.OpenAI:
    # One client per credential: it owns the connection pool. max_retries=0 because every
    # retry is the orchestrator's, so each attempt is logged and counted.
    return openai.OpenAI(
        api_key=api_key or "not-needed",
        base_url=base_url or None,
        timeout=timeout,
        max_retries=0,
        http_client=openai.DefaultHttpxClient(transport=EventStreamTransport(provider_transport())),
    )


# An event stream whose last bytes were this is at its end but for the body's terminator.
_DONE = b"data: [DONE]"
_DRAIN_CHUNKS = 8


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


class OpenAIAdapter(VendorAdapter):
    compatible = False

    def __init__(self, *, api_key: str, base_url: str | None = None, timeout: float = 60.0):
        self.api_key = api_key
        self.client = _client(api_key, base_url or "", timeout)

    def list_models(self) -> dict[str, str | None]:
        """The models this key can use (GET /v1/models): id -> announced shutdown date."""
        try:
            return {m.id: getattr(m, "shutdown_date", None) for m in self.client.models.list()}
        except openai.APIError as exc:
            raise self._error(exc) from None

    def generate(self, request: AIRequest, *, model: str, tier: str = "fast") -> ProviderReply:
        messages = self._messages(request)
        kwargs = self._params(request, model, tier)
        try:
            response = self.client.chat.completions.create(model=model, messages=messages, **kwargs)
        except openai.APIError as exc:
            raise self._error(exc) from None
        except json.JSONDecodeError:
            raise ProviderError(BAD_OUTPUT, "The provider's answer was not valid JSON.") from None
        if not response.choices:
            raise ProviderError(BAD_OUTPUT, "The provider returned no choices.")
        usage = response.usage
        details = getattr(usage, "prompt_tokens_details", None)
        reasoning = getattr(
            getattr(usage, "completion_tokens_details", None), "reasoning_tokens", 0
        )
        choice = response.choices[0]
        reply = ProviderReply(
            text=choice.message.content or "",
            input_tokens=usage.prompt_tokens if usage else 0,
            # completion_tokens includes the reasoning tokens (CompletionUsage in
            # openai/types/completion_usage.py breaks them out in completion_tokens_details):
            # they are billed as output, so cost and quota count them.
            output_tokens=usage.completion_tokens if usage else 0,
            cached_input_tokens=(getattr(details, "cached_tokens", 0) or 0) if details else 0,
            thinking_tokens=reasoning or 0,
        )
        _check_ending(choice.message.refusal, choice.finish_reason, reply)
        if request.json_schema is not None and not self.compatible:
            reply.text = drop_nulls_text(reply.text, request.json_schema)
        return reply

    def _params(self, request: AIRequest, model: str, tier: str = "fast") -> dict[str, Any]:
        """The request's parameters: only what the model's capability row says it takes, less
        what a vendor has refused for this model before (`omit`, see gateway/attempt.py)."""
        if self.compatible:
            return _classic_params(request)
        temperature, omit, json_schema = request.temperature, request.omit, request.json_schema
        row = capabilities("openai", model)
        # Always a cap, the one the quota reserved: reasoning tokens come out of it too, so
        # answer and reasoning together stay within the reservation.
        cap = request.most_tokens
        probe = cap <= PROBE_CAP
        # Room for a probe whatever the row says: a model no row knows yet may reason too.
        kwargs: dict[str, Any] = {"max_completion_tokens": cap + (PROBE_ROOM if probe else 0)}
        if row.control is not None:
            effort = row.least if probe else (row.quality if tier == "quality" else row.fast)
            if effort is not None and "reasoning_effort" not in omit:
                kwargs["reasoning_effort"] = effort
        if temperature is not None and row.sampling and "temperature" not in omit:
            kwargs["temperature"] = temperature
        if json_schema is not None:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": "result",
                    "schema": openai_strict(json_schema),
                    "strict": True,
                },
            }
        return kwargs

    def stream(
        self, request: AIRequest, *, model: str, tier: str = "fast"
    ) -> Generator[str, None, ProviderReply]:
        """generate() as a stream of chat.completion.chunk events; usage comes in the last
        chunk, which has no choices, when asked for with stream_options.include_usage
        (openai/types/chat/chat_completion_chunk.py)."""
        messages = self._messages(request)
        kwargs = self._params(request, model, tier)
        seen = _StreamSeen(_Clock(reasoning="reasoning_effort" in kwargs or self._reasons(model)))
        try:
            chunks = self.client.chat.completions.create(
                model=model,
                messages=messages,
                stream=True,
                stream_options={"include_usage": True},
                **kwargs,
            )
            with chunks:
                for chunk in chunks:
                    yield from seen.feed(chunk)
        except StreamStopped as stop:
            raise broken_stream(stop.error, seen.pieces, seen.estimated()) from None
        except (*STREAM_TRANSPORT_ERRORS, openai.APIError, json.JSONDecodeError) as exc:
            error = self._stream_error(exc, bool(seen.pieces))
            raise broken_stream(error, seen.pieces, seen.estimated()) from None
        usage = seen.usage
        usage.text = "".join(seen.pieces)
        if seen.refusal or seen.finish in ("content_filter", "length"):
            _check_ending(seen.refusal, seen.finish, usage)
        if request.json_schema is not None and not self.compatible:
            usage.text = drop_nulls_text(usage.text, request.json_schema)
        return usage

    def _stream_error(self, exc: Exception, written: bool) -> ProviderError:
        """What broke a stream (after some text was `written`, or before), as our error."""
        if isinstance(exc, json.JSONDecodeError):
            return ProviderError(BAD_OUTPUT, "The provider's answer was not valid JSON.")
        if not isinstance(exc, openai.APIError):
            return ProviderError(UNAVAILABLE, "The connection to the provider broke.")
        error = self._error(exc)
        if written and isinstance(exc, openai.APIConnectionError) and error.kind != TIMEOUT:
            return ProviderError(UNAVAILABLE, "The connection to the provider broke.")
        if written and not isinstance(exc, openai.APIStatusError | openai.APIConnectionError):
            # An `error` event inside the stream (openai/_streaming.py raises it as a bare
            # APIError): the vendor broke off its answer.
            message = scrub(exc.message, self.api_key)
            return ProviderError(UNAVAILABLE, f"The provider broke off its answer: {message}")
        return error

    def _reasons(self, model: str) -> bool:
        return not self.compatible and capabilities("openai", model).control is not None

    def _messages(self, request: AIRequest) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        if request.system_prompt:
            messages.append({"role": "system", "content": request.system_prompt})
        if request.image is None:
            messages.append({"role": "user", "content": request.prompt})
        else:
            try:
                image, mime = fit_image(
                    request.image, request.image_mime or "image/png", LIMITS["openai"]
                )
            except ImageUnfit as exc:
                raise ProviderError(BAD_REQUEST, str(exc)) from None
            data_url = f"data:{mime or 'image/png'};base64,{base64.b64encode(image).decode()}"
            messages.append(
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": request.prompt},
                        {"type": "image_url", "image_url": {"url": data_url}},
                    ],
                }
            )
        return messages

    def _error(self, exc: openai.APIError) -> ProviderError:
        message = scrub(getattr(exc, "message", None) or str(exc), self.api_key)
        code = getattr(exc, "code", None)
        if code == "insufficient_quota":
            # A 429 whose error.code says the account is out of credit: billing, not load
            # (OpenAI's error-code guide); waiting will not help, an admin must pay.
            return ProviderError(BILLING, message, status=429, retryable=False)
        error = self._sdk_error(exc, openai, message)
        if code in ("unsupported_parameter", "unsupported_value") and getattr(exc, "param", None):
            # error.param names what the model does not take (e.g. "reasoning_effort").
            error.unsupported = str(exc.param)
        return error


def _classic_params(request: AIRequest) -> dict[str, Any]:
    """An OpenAI-compatible server's parameters: the classic names and plain JSON mode, not
    OpenAI's newer ones."""
    kwargs: dict[str, Any] = {}
    if request.temperature is not None and "temperature" not in request.omit:
        kwargs["temperature"] = request.temperature
    if request.max_tokens:
        kwargs["max_tokens"] = request.max_tokens
    if request.json_schema is not None:
        kwargs["response_format"] = {"type": "json_object"}
    return kwargs


class _StreamSeen:
    """What a chat.completion.chunk stream has said so far: the pieces, usage, finish, refusal."""

    def __init__(self, clock: _Clock) -> None:
        self.clock = clock
        self.pieces: list[str] = []
        self.usage = ProviderReply(text="")
        self.finish: str | None = None
        self.refusal: str | None = None

    def feed(self, chunk: Any) -> Iterator[str]:
        """Take one chunk; yields the answer's text in it."""
        if chunk.usage is not None:
            # completion_tokens includes the reasoning tokens, billed as output.
            details = chunk.usage.prompt_tokens_details
            self.usage.input_tokens = chunk.usage.prompt_tokens
            self.usage.output_tokens = chunk.usage.completion_tokens
            self.usage.cached_input_tokens = (details and details.cached_tokens) or 0
            completion = chunk.usage.completion_tokens_details
            self.usage.thinking_tokens = (completion and completion.reasoning_tokens) or 0
        for choice in chunk.choices:
            self.finish = choice.finish_reason or self.finish
            if choice.delta and getattr(choice.delta, "refusal", None):
                self.refusal = (self.refusal or "") + choice.delta.refusal
            if choice.delta and choice.delta.content:
                self.pieces.append(choice.delta.content)
                self.clock.wrote(choice.delta.content)
                yield choice.delta.content

    def estimated(self) -> ProviderReply:
        return self.clock.estimate(self.usage)


# Tokens a second a model writes when a stream is too short to measure it (two pieces or
# fewer): a middle value for current OpenAI models, used only to estimate a cut stream.
_TYPICAL_RATE = 60.0


class _Clock:
    """Times a stream, so that a stream cut before OpenAI's usage chunk (which comes last)
    can still be billed for its hidden reasoning: the model reasoned from the request until
    its first piece, at about the rate it then wrote."""

    def __init__(self, *, reasoning: bool):
        self.reasoning = reasoning
        self.started = time.monotonic()
        self.first: float | None = None
        self.last: float | None = None
        self.chars = 0

    def wrote(self, piece: str) -> None:
        self.last = time.monotonic()
        self.first = self.first or self.last
        self.chars += len(piece)

    def estimate(self, usage: ProviderReply) -> ProviderReply:
        if usage.output_tokens or not self.reasoning:
            return usage  # reported by the vendor, or nothing hidden to estimate
        written = self.chars / 4
        thinking_until = self.first if self.first is not None else time.monotonic()
        span = (self.last or 0) - (self.first or 0)
        rate = written / span if span > 0 and self.chars > 8 else _TYPICAL_RATE
        # Left for orchestrator/streaming.py to add to its estimate of the text written.
        usage.thinking_tokens = int(rate * (thinking_until - self.started))
        return usage


def _check_ending(refusal: str | None, finish: str | None, reply: ProviderReply) -> None:
    """A refusal (message.refusal, openai/types/chat/chat_completion_message.py), a content
    filter or an answer cut at the cap (finish_reason "content_filter" / "length",
    chat_completion.py) is not an answer. The refusal's own words are not kept: they may
    quote the request."""
    if refusal:
        raise ProviderError(
            REFUSED, "The model declined the request (message.refusal).", spent=reply
        )
    if finish == "content_filter":
        raise ProviderError(
            REFUSED, "OpenAI's content filter withheld the answer (content_filter).", spent=reply
        )
    if finish == "length":
        raise ProviderError(TRUNCATED, truncated_message(reply), spent=reply)


class OpenAICompatibleAdapter(OpenAIAdapter):
    compatible = True
