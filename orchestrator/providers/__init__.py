"""Provider adapters: the only modules that import a vendor SDK.

Contract of an adapter module: a class taking ``api_key``, ``base_url`` and ``timeout``
(seconds) whose ``generate(...)`` returns a ``ProviderReply`` or raises ``ProviderError``.
Adding a provider: write its module, its tests, and one line in ``ADAPTERS``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

# Vendors echo keys in error text (masked or not): adapters scrub what they raise.
from core.secrets import scrub as scrub

# Our own small set of vendor failures. `retryable` says whether trying again (here or on the
# next provider) may help; auth and bad requests will not get better by waiting.
AUTH = "auth"
RATE_LIMITED = "rate_limited"
UNAVAILABLE = "unavailable"
TIMEOUT = "timeout"
BAD_REQUEST = "bad_request"
BAD_OUTPUT = "bad_output"
# The vendor account cannot pay (Anthropic 402 billing_error, OpenAI insufficient_quota):
# only an admin can fix it.
BILLING = "billing"
# The model declined, or a safety filter blocked the prompt or the answer (OpenAI
# message.refusal / finish_reason "content_filter", Anthropic stop_reason "refusal", Gemini
# finishReason SAFETY and its kin / promptFeedback.blockReason). The content is the problem:
# not a sign the vendor is down, and no repair prompt will change it.
REFUSED = "refused"
# The answer hit the output cap (OpenAI "length", Anthropic "max_tokens", Gemini MAX_TOKENS),
# often because thinking used most of it.
TRUNCATED = "truncated"
# A 403 (or Gemini's 400 FAILED_PRECONDITION) that is not about the key: the vendor does not
# serve the region the call comes from, or the model is not enabled for this key or project.
REGION = "region"
MODEL_ACCESS = "model_access"
RETRYABLE = {RATE_LIMITED, UNAVAILABLE, TIMEOUT}


@dataclass
class ProviderReply:
    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    thinking_tokens: int = 0  # part of output_tokens: what the model spent thinking
    estimated: bool = False  # the output count is ours, not the vendor's (a cut stream)


class ProviderError(Exception):
    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        retryable: bool | None = None,
        spent: ProviderReply | None = None,
        unsupported: str | None = None,
    ):
        self.kind = kind
        # A 400 that names a parameter (or value) the model does not take: the request can be
        # retried once without it (orchestrator/gateway/attempt.py).
        self.unsupported = unsupported
        # What the failed call still cost (a reasoning model that used its whole allowance
        # thinking): billed by the vendor, so logged and counted like an answer's tokens.
        self.spent = spent
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.retryable = kind in RETRYABLE if retryable is None else retryable
        # A stream that broke after some text: what it had used by then (see `stream`).
        self.partial: ProviderReply | None = None
        super().__init__(message)


def retry_after_seconds(headers: Any) -> float | None:
    """The vendor's retry hint: OpenAI's `retry-after-ms` (milliseconds, the finer one, read
    first as openai/_base_client.py does), else `retry-after` in seconds."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except (TypeError, ValueError):
            continue  # an HTTP date; rare from these vendors, and backoff covers it
    return None


def by_family(model: str, table: dict[str, Any], default: Any = None) -> Any:
    """The entry of a per-model table whose key is the longest prefix of `model`.

    Tables are keyed by model family ("gpt-5", "gemini-2.5-pro") so new snapshots and dated
    names ("gpt-5-mini-2026-08-07") find their family without a code change."""
    name = model.lower().rsplit("/", 1)[-1]  # "models/gemini-2.5-pro" is the same model
    matches = [prefix for prefix in table if name.startswith(prefix)]
    return table[max(matches, key=len)] if matches else default


# Streaming. An adapter's ``stream(...)`` takes the same arguments as ``generate(...)`` and is a
# generator of text pieces as the vendor writes them; its return value is the ProviderReply
# (the whole text and the vendor-reported usage). It raises ProviderError; once a piece has
# been yielded, the error's ``partial`` is what the vendor had reported and written by then.
# A StreamStopped thrown in at a yield ends it the same way.


class StreamStopped(Exception):
    """Thrown into an adapter's stream by its caller (the client went away): the adapter
    closes the vendor's stream and raises `error` with what was used."""

    def __init__(self, error: ProviderError):
        self.error = error
        super().__init__(error.message)


def _transport_errors() -> tuple[type[BaseException], ...]:
    """What an SDK lets through when a stream's connection breaks mid-body (anthropic and
    openai wrap only the errors of the request itself): httpx's, or httpx2's where the SDK
    rides on it."""
    found: list[type[BaseException]] = []
    for name in ("httpx", "httpx2"):
        try:
            found.append(importlib.import_module(name).TransportError)
        except (ImportError, AttributeError):
            pass
    return tuple(found)


STREAM_TRANSPORT_ERRORS = _transport_errors()


def truncated_message(reply: ProviderReply) -> str:
    """What a cut answer says in its log row: where it stopped and what thinking cost."""
    thinking = f", {reply.thinking_tokens} of them thinking" if reply.thinking_tokens else ""
    written = "with no answer written" if not reply.text else "mid-answer"
    return (
        f"The answer reached the output cap {written} ({reply.output_tokens} output tokens"
        f"{thinking})."
    )


def broken_stream(error: ProviderError, pieces: list[str], usage: ProviderReply) -> ProviderError:
    usage.text = "".join(pieces)
    error.partial = usage
    return error


def adapter_class(provider_type: str) -> type:
    """The adapter for a provider type; imported lazily so an unused SDK costs nothing."""
    module_name, class_name = ADAPTERS[provider_type]
    return getattr(importlib.import_module(module_name), class_name)


ADAPTERS: dict[str, tuple[str, str]] = {
    "gemini": ("orchestrator.providers.gemini", "GeminiAdapter"),
    "openai": ("orchestrator.providers.openai", "OpenAIAdapter"),
    "openai_compatible": ("orchestrator.providers.openai", "OpenAICompatibleAdapter"),
    "anthropic": ("orchestrator.providers.anthropic", "AnthropicAdapter"),
    "offline": ("orchestrator.providers.offline", "OfflineAdapter"),
}
