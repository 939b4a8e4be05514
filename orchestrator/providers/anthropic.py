"""Anthropic Claude through the Messages API."""

from __future__ import annotations

import base64
import json
from collections.abc import Generator
from functools import lru_cache
from typing import Any

import anthropic

from ..catalogue import capabilities
from ..request import AIRequest
from . import (
    BAD_OUTPUT,
    BAD_REQUEST,
    BILLING,
    REFUSED,
    STREAM_TRANSPORT_ERRORS,
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
from .schemas import drop_nulls_text

# A cap this small is a probe (the credentials test asks for 16 tokens): it asks for the least
# effort, with this much room on top for the thinking adaptive thinking may still do.
PROBE_CAP = 256
PROBE_ROOM = 1024


@lru_cache(maxsize=32)
def _client(api_key: str, base_url: str, timeout: float) -> anthropic.Anthropic:
    # max_retries=0: every retry is the orchestrator's, so each attempt is logged.
    return anthropic.Anthropic(
        api_key=api_key,
        base_url=base_url or None,
        timeout=timeout,
        max_retries=0,
        http_client=anthropic.DefaultHttpxClient(transport=provider_transport()),
    )


class AnthropicAdapter(VendorAdapter):
    def __init__(self, *, api_key: str, base_url: str | None = None, timeout: float = 60.0):
        self.api_key = api_key
        self.client = _client(api_key, base_url or "", timeout)

    def list_models(self) -> dict[str, str | None]:
        """The models this key can use (GET /v1/models, every page): id -> None while the model
        is active, else its lifecycle and scheduled retirement."""
        try:
            return {
                m.id: None
                if m.lifecycle == "active"
                else m.lifecycle + (f", retires {m.retires_at:%Y-%m-%d}" if m.retires_at else "")
                for m in self.client.models.list(limit=1000)
            }
        except anthropic.APIError as exc:
            raise self._error(exc) from None

    def generate(self, request: AIRequest, *, model: str, tier: str = "fast") -> ProviderReply:
        try:
            response = self.client.messages.create(**self._request(request, model, tier))
        except anthropic.APIError as exc:
            raise self._error(exc) from None
        except json.JSONDecodeError:
            raise ProviderError(BAD_OUTPUT, "The provider's answer was not valid JSON.") from None
        text = "".join(block.text for block in response.content if block.type == "text")
        thought = sum(len(b.thinking) for b in response.content if b.type == "thinking")
        usage = response.usage
        cache_read = usage.cache_read_input_tokens or 0
        cache_write = usage.cache_creation_input_tokens or 0
        # Anthropic counts cache reads and writes apart from input_tokens; we report all
        # input, and the cached part separately so it is priced at its own rate. output_tokens
        # includes the thinking (5.x models think adaptively), billed as output.
        reply = ProviderReply(
            text=text,
            input_tokens=usage.input_tokens + cache_read + cache_write,
            output_tokens=usage.output_tokens,
            cached_input_tokens=cache_read,
            thinking_tokens=_thinking_tokens(usage, thought),
        )
        _check_stop(response.stop_reason, getattr(response, "stop_details", None), reply)
        if request.json_schema is not None:
            reply.text = drop_nulls_text(text, request.json_schema)
        return reply

    def _request(self, request: AIRequest, model: str, tier: str = "fast") -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if request.image is not None:
            try:
                image, mime = fit_image(
                    request.image, request.image_mime or "image/png", LIMITS["anthropic"]
                )
            except ImageUnfit as exc:
                raise ProviderError(BAD_REQUEST, str(exc)) from None
            content.append(
                {
                    "type": "image",
                    "source": {
                        "type": "base64",
                        "media_type": mime or "image/png",
                        "data": base64.b64encode(image).decode(),
                    },
                }
            )
        content.append({"type": "text", "text": request.prompt})
        kwargs: dict[str, Any] = {}
        if request.system_prompt:
            kwargs["system"] = request.system_prompt
        # `temperature` is not sent: the Messages API of this SDK generation no longer takes
        # sampling parameters (messages.create has none), so it is accepted and ignored here.
        # Nor is `thinking`: on 5.x models leaving it out means adaptive thinking, which is
        # on (at the model's default effort, high for Sonnet 5.5); `{type: "disabled"}` and
        # budgets are 400s there. The depth is set by output_config.effort, per tier.
        output: dict[str, Any] = {}
        cap = request.most_tokens
        row = capabilities("anthropic", model)
        probe = cap <= PROBE_CAP
        if row.control is not None and "effort" not in request.omit:
            output["effort"] = (
                row.least if probe else (row.quality if tier == "quality" else row.fast)
            )
        # Thinking comes out of max_tokens: a probe gets room so it still answers (a model no
        # row knows may think adaptively too).
        cap += PROBE_ROOM if probe else 0
        if request.json_schema is not None:
            # The SDK's own transform_schema (anthropic/lib/_parse/_transform.py) turns a JSON
            # Schema into the subset structured outputs accept; optional fields stay optional.
            schema = anthropic.transform_schema(request.json_schema)
            output["format"] = {"type": "json_schema", "schema": schema}
        if output:
            kwargs["output_config"] = output
        return dict(
            model=model,
            max_tokens=cap,
            messages=[{"role": "user", "content": content}],
            **kwargs,
        )

    def stream(
        self, request: AIRequest, *, model: str, tier: str = "fast"
    ) -> Generator[str, None, ProviderReply]:
        """generate() as a stream of Messages events: message_start carries the input usage,
        content_block_delta the text, message_delta the output tokens so far
        (anthropic/types/raw_message_stream_event.py); an `error` event mid-stream is raised
        by anthropic/_streaming.py as a status error of the 200 response."""
        sent = self._request(request, model, tier)
        seen = _StreamSeen()
        try:
            events = self.client.messages.create(stream=True, **sent)
            with events:
                for event in events:
                    if text := seen.feed(event):
                        yield text
        except StreamStopped as stop_error:
            raise broken_stream(stop_error.error, seen.pieces, seen.counted()) from None
        except (*STREAM_TRANSPORT_ERRORS, anthropic.APIError, json.JSONDecodeError) as exc:
            raise broken_stream(self._stream_error(exc), seen.pieces, seen.counted()) from None
        usage = seen.finished()
        if seen.stop in ("refusal", "max_tokens"):
            _check_stop(seen.stop, seen.stop_details, usage)
        if request.json_schema is not None:
            usage.text = drop_nulls_text(usage.text, request.json_schema)
        return usage

    def _stream_error(self, exc: Exception) -> ProviderError:
        """What broke a stream, as our error."""
        if isinstance(exc, json.JSONDecodeError):
            return ProviderError(BAD_OUTPUT, "The provider's answer was not valid JSON.")
        if isinstance(exc, anthropic.APIStatusError):
            if exc.status_code < 400:  # an `error` event inside the stream
                message = scrub(_vendor_message(exc), self.api_key)
                return ProviderError(UNAVAILABLE, f"The provider broke off its answer: {message}")
            return self._error(exc)
        if isinstance(exc, anthropic.APIError):
            return self._error(exc)
        return ProviderError(UNAVAILABLE, "The connection to the provider broke.")

    def _error(self, exc: anthropic.APIError) -> ProviderError:
        message = scrub(_vendor_message(exc), self.api_key)
        if isinstance(exc, anthropic.PaymentRequiredError):
            # 402 billing_error (anthropic/_exceptions.py): the account's credit or payment,
            # which no retry and no wait will fix.
            return ProviderError(BILLING, message, status=exc.status_code, retryable=False)
        error = self._sdk_error(exc, anthropic, message)
        # An invalid_request_error names the field first ("output_config.effort: ..."): the
        # one we can leave out is the effort.
        if isinstance(exc, anthropic.BadRequestError) and message.startswith(
            "output_config.effort"
        ):
            error.unsupported = "effort"
        return error


def _thinking_tokens(usage: Any, thought_chars: int) -> int:
    """The thinking part of output_tokens: usage.output_tokens_details.thinking_tokens
    (anthropic/types/output_tokens_details.py) when reported, else estimated from the thinking
    text returned (which may be a summary, so less)."""
    details = getattr(usage, "output_tokens_details", None)
    if details is not None and details.thinking_tokens is not None:
        return details.thinking_tokens
    return min(usage.output_tokens or 0, thought_chars // 4)


class _StreamSeen:
    """What a Messages stream has said so far: the text pieces, the usage, the stop.

    The output count comes only with the last message_delta; message_start says 1 or 2. Until
    then the thinking and text deltas are counted (about four characters a token), so a stream
    cut short is billed for what was written, and says it was estimated."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.usage = ProviderReply(text="")
        self.thought = 0  # characters of thinking
        self.thought_reported: int | None = None
        self.delta_seen = False
        self.stop: str | None = None
        self.stop_details: Any = None

    def feed(self, event: Any) -> str | None:
        """Take one event; returns its text, if it is a piece of the answer."""
        if event.type == "message_start":
            start = event.message.usage
            cache_read = start.cache_read_input_tokens or 0
            cache_write = start.cache_creation_input_tokens or 0
            self.usage.input_tokens = start.input_tokens + cache_read + cache_write
            self.usage.cached_input_tokens = cache_read
            self.usage.output_tokens = start.output_tokens
        elif event.type == "content_block_delta" and event.delta.type == "text_delta":
            self.pieces.append(event.delta.text)
            return event.delta.text
        elif event.type == "content_block_delta" and event.delta.type == "thinking_delta":
            self.thought += len(event.delta.thinking)
        elif event.type == "message_delta":
            self.delta_seen = True
            self.usage.output_tokens = event.usage.output_tokens  # cumulative
            self.thought_reported = _thinking_tokens(event.usage, self.thought)
            self.stop = event.delta.stop_reason or self.stop
            self.stop_details = getattr(event.delta, "stop_details", None) or self.stop_details
        return None

    def counted(self) -> ProviderReply:
        """A cut stream's usage: the vendor's count if its message_delta came, else the
        thinking and text written, estimated at about four characters a token."""
        usage, thought = self.usage, self.thought
        if not self.delta_seen:
            written = sum(len(p) for p in self.pieces) + thought
            written = written // 4 + (1 if self.pieces or thought else 0)
            usage.output_tokens = max(usage.output_tokens, written)
            usage.thinking_tokens = thought // 4
            usage.estimated = True
        return usage

    def finished(self) -> ProviderReply:
        usage = self.usage
        usage.text = "".join(self.pieces)
        usage.thinking_tokens = (
            self.thought_reported
            if self.thought_reported is not None
            else min(usage.output_tokens, self.thought // 4)
        )
        return usage


def _check_stop(stop_reason: str | None, details: Any, reply: ProviderReply) -> None:
    """stop_reason "refusal" (anthropic/types/stop_reason.py; its category in
    refusal_stop_details.py) and "max_tokens" are not answers."""
    if stop_reason == "refusal":
        category = getattr(details, "category", None) or "unnamed"
        raise ProviderError(
            REFUSED,
            f"The model declined the request (stop_reason refusal, category {category}).",
            spent=reply,
        )
    if stop_reason == "max_tokens":
        raise ProviderError(TRUNCATED, truncated_message(reply), spent=reply)


def _vendor_message(exc: anthropic.APIError) -> str:
    """The vendor's own sentence from the error body; the SDK's message is "Error code: 402 -"
    followed by the whole body as a Python dict."""
    body = getattr(exc, "body", None)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return getattr(exc, "message", None) or str(exc)
