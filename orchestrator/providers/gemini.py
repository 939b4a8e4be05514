"""Google Gemini through google-genai."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Generator
from contextlib import closing
from functools import lru_cache
from typing import Any

import httpx
import httpx2
from django.conf import settings
from google import genai
from google.genai import errors, types

from ..catalogue import THINKING_BUDGET, THINKING_LEVEL, capabilities
from ..request import AIRequest
from . import (
    AUTH,
    BAD_OUTPUT,
    BAD_REQUEST,
    REFUSED,
    TIMEOUT,
    TRUNCATED,
    UNAVAILABLE,
    ProviderError,
    ProviderReply,
    StreamStopped,
    broken_stream,
    retry_after_seconds,
    scrub,
    truncated_message,
)
from .base import VendorAdapter, connect_failure
from .images import LIMITS, ImageUnfit, fit_image
from .network import provider_transport
from .schemas import gemini_schema

# A cap this small is a probe (the credentials test asks for 16 tokens): the model thinks as
# little as it accepts, and gets this much room on top so thinking cannot eat the answer.
PROBE_CAP = 256
PROBE_ROOM = 1024
# Quota ids of the per-day quotas (QuotaFailure.violations[].quotaId, e.g.
# "GenerateRequestsPerDayPerProjectPerModel-FreeTier"): retrying today cannot help.
_PER_DAY = "PerDay"
_NAMED_FIELD = re.compile(r"\b(thinking[ _]level|thinking[ _]budget|temperature)\b", re.I)


def output_config(
    model: str, max_tokens: int | None, tier: str = "fast", omit: Collection[str] = ()
) -> dict[str, Any]:
    """maxOutputTokens and thinkingConfig for a model, from its capability row: the cap always
    covers thinking and answer together (so the quota reservation, made for the cap, covers
    both), a budget gets at most half of it, and a probe thinks as little as the model
    accepts. Gemini 2.5 takes a budget in tokens; from Gemini 3.5 a budget is a user error
    (google/genai/types.py ThinkingConfig.thinking_budget), so 3 and on get a level."""
    cap = max_tokens or settings.AI_DEFAULT_MAX_TOKENS
    row = capabilities("gemini", model)
    probe = cap <= PROBE_CAP
    setting = row.least if probe else (row.quality if tier == "quality" else row.fast)
    if setting is None or row.control is None or _THINKING_FIELD[row.control] in omit:
        # A probe gets room even so: a model no row knows may think by default.
        return {"max_output_tokens": cap + (PROBE_ROOM if probe else 0)}
    if row.control == THINKING_BUDGET:
        budget = int(setting) if probe else max(int(row.levels[0]), min(int(setting), cap // 2))
        config = types.ThinkingConfig(thinking_budget=budget)
    else:
        config = types.ThinkingConfig(thinking_level=types.ThinkingLevel(setting))
    return {"max_output_tokens": cap + (PROBE_ROOM if probe else 0), "thinking_config": config}


# The wire names a vendor's 400 gives for each thinking control.
_THINKING_FIELD = {THINKING_BUDGET: "thinking_budget", THINKING_LEVEL: "thinking_level"}


def sampling(model: str, temperature: float | None, omit: Collection[str] = ()) -> float | None:
    """The temperature to send, if any: Gemini 3 models keep their default 1.0 (Google's
    Gemini 3 guidance: lower values can loop and then run into the output cap)."""
    row = capabilities("gemini", model)
    if temperature is None or not row.sampling or "temperature" in omit:
        return None
    if row.min_temperature is not None and temperature < row.min_temperature:
        return None
    return temperature


@lru_cache(maxsize=32)
def _client(api_key: str, base_url: str, timeout: float) -> genai.Client:
    # google-genai has no default timeout (a hung call would hold a worker forever) and its
    # timeout is in milliseconds. attempts=1 turns its own retries off: retries are ours.
    return genai.Client(
        api_key=api_key,
        http_options=types.HttpOptions(
            base_url=base_url or None,
            timeout=int(timeout * 1000),
            retry_options=types.HttpRetryOptions(attempts=1),
            httpx_client=httpx2.Client(transport=provider_transport()),
        ),
    )


def _timeout_errors() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [httpx.TimeoutException]
    try:  # newer google-genai may ride on httpx2
        import httpx2

        found.append(httpx2.TimeoutException)
    except (ImportError, AttributeError):
        pass
    return tuple(found)


def _transport_errors() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [httpx.TransportError]
    try:
        import httpx2

        found.append(httpx2.TransportError)
    except (ImportError, AttributeError):
        pass
    return tuple(found)


_TIMEOUTS = _timeout_errors()
_TRANSPORT = _transport_errors()


class GeminiAdapter(VendorAdapter):
    def __init__(self, *, api_key: str, base_url: str | None = None, timeout: float = 60.0):
        self.api_key = api_key
        self.client = _client(api_key, base_url or "", timeout)

    def list_models(self) -> dict[str, str | None]:
        """The base models this key can use (GET /{version}/models, every page): id -> None, as
        Gemini's list says nothing of retirement."""
        try:
            pager = self.client.models.list(config={"page_size": 1000})
            return {(m.name or "").removeprefix("models/"): None for m in pager}
        except errors.APIError as exc:
            raise self._error(exc) from None
        except _TIMEOUTS:
            raise ProviderError(TIMEOUT, "The provider did not answer in time.") from None
        except _TRANSPORT as exc:
            raise connect_failure(exc) from None

    def generate(self, request: AIRequest, *, model: str, tier: str = "fast") -> ProviderReply:
        contents, config = self._request(request, model, tier)
        try:
            response = self.client.models.generate_content(
                model=model, contents=contents, config=config
            )
        except errors.APIError as exc:
            raise self._error(exc) from None
        except _TIMEOUTS:
            raise ProviderError(TIMEOUT, "The provider did not answer in time.") from None
        except _TRANSPORT as exc:
            raise connect_failure(exc) from None
        except (json.JSONDecodeError, ValueError) as exc:
            message = scrub(str(exc), self.api_key)
            raise ProviderError(
                BAD_OUTPUT, f"The provider's answer was malformed: {message}"
            ) from None
        # Thinking tokens (thoughtsTokenCount, apart from candidatesTokenCount) are billed as
        # output, so cost and quota count them.
        reply = _with_usage(ProviderReply(text=""), response.usage_metadata)
        blocked = response.prompt_feedback and response.prompt_feedback.block_reason
        finish = response.candidates[0].finish_reason if response.candidates else None
        reply.text = (response.text or "") if not blocked and response.candidates else ""
        _check_finish(blocked, finish, reply)
        return reply

    def _request(
        self, request: AIRequest, model: str, tier: str
    ) -> tuple[list[Any], types.GenerateContentConfig]:
        contents: list[Any] = []
        if request.image is not None:
            try:
                image, mime = fit_image(
                    request.image, request.image_mime or "image/png", LIMITS["gemini"]
                )
            except ImageUnfit as exc:
                raise ProviderError(BAD_REQUEST, str(exc)) from None
            contents.append(types.Part.from_bytes(data=image, mime_type=mime))
        contents.append(request.prompt)
        json_schema, omit = request.json_schema, request.omit
        config = types.GenerateContentConfig(
            system_instruction=request.system_prompt or None,
            temperature=sampling(model, request.temperature, omit),
            response_mime_type="application/json" if json_schema is not None else None,
            response_json_schema=gemini_schema(json_schema) if json_schema is not None else None,
            # No tools are sent, so nothing for automatic function calling to do; turning it off
            # also ends the SDK's "AFC is enabled" INFO line on every call (google/genai/models.py).
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
            **output_config(model, request.max_tokens, tier, omit),
        )
        return contents, config

    def stream(
        self, request: AIRequest, *, model: str, tier: str = "fast"
    ) -> Generator[str, None, ProviderReply]:
        """generate() through :streamGenerateContent?alt=sse: every chunk carries the usage
        so far in usageMetadata (google/genai/models.py generate_content_stream); an error
        inside the stream arrives as {"error": ...} and is raised as APIError
        (google/genai/_api_client.py)."""
        contents, config = self._request(request, model, tier)
        pieces: list[str] = []
        usage = ProviderReply(text="")
        finish: Any = None
        blocked: Any = None
        try:
            chunks = self.client.models.generate_content_stream(
                model=model, contents=contents, config=config
            )
            with closing(chunks):  # closing it closes the response: the vendor stops
                for chunk in chunks:
                    if chunk.usage_metadata is not None:
                        _with_usage(usage, chunk.usage_metadata)
                    if chunk.prompt_feedback and chunk.prompt_feedback.block_reason:
                        blocked = chunk.prompt_feedback.block_reason
                    if chunk.candidates and chunk.candidates[0].finish_reason:
                        finish = chunk.candidates[0].finish_reason
                    if chunk.text:
                        pieces.append(chunk.text)
                        yield chunk.text
        except StreamStopped as stop:
            raise broken_stream(stop.error, pieces, usage) from None
        except (errors.APIError, *_TIMEOUTS, *_TRANSPORT, ValueError) as exc:
            raise broken_stream(self._stream_error(exc), pieces, usage) from None
        usage.text = "".join(pieces)
        if blocked or _value(finish) in {*_SAFETY_FINISH, "MAX_TOKENS"} or not pieces:
            _check_finish(blocked, finish, usage)
        return usage

    def _stream_error(self, exc: Exception) -> ProviderError:
        """What broke a stream, as our error (json.JSONDecodeError is a ValueError)."""
        if isinstance(exc, errors.APIError):
            return self._error(exc)
        if isinstance(exc, _TIMEOUTS):
            return ProviderError(TIMEOUT, "The provider did not answer in time.")
        if isinstance(exc, _TRANSPORT):
            return ProviderError(UNAVAILABLE, "The connection to the provider broke.")
        message = scrub(str(exc), self.api_key)
        return ProviderError(BAD_OUTPUT, f"The provider's answer was malformed: {message}")

    def _error(self, exc: errors.APIError) -> ProviderError:
        message = scrub(exc.message or str(exc), self.api_key)
        status = exc.code
        retry_after = retry_after_seconds(getattr(exc.response, "headers", None))
        # Gemini answers a bad key with 400 INVALID_ARGUMENT + reason API_KEY_INVALID.
        if "API_KEY_INVALID" in json.dumps(exc.details, default=str):
            return ProviderError(AUTH, message, status=status)
        if status == 429:
            delay, per_day = _quota_details(exc.details)
            # A per-day quota is spent until tomorrow: like OpenAI's insufficient_quota, go on
            # to the next provider at once.
            return self._status_error(
                status,
                message,
                retry_after=retry_after if delay is None else delay,
                rate_limit_retryable=not per_day,
            )
        if status == 504 or exc.status == "DEADLINE_EXCEEDED":
            return ProviderError(TIMEOUT, message, status=status)
        error = self._status_error(status, message, retry_after=retry_after)
        if status == 400 and (match := _NAMED_FIELD.search(message)):
            # INVALID_ARGUMENT naming a thinking setting or the temperature ("Thinking level
            # MINIMAL is not supported for this model."): one we can leave out.
            error.unsupported = re.sub(r"[ _]", "_", match.group(1).lower())
        return error


# FinishReason values (google/genai/types.py) that mean a safety or policy filter stopped the
# answer; BlockedReason (promptFeedback.blockReason) is the same for the prompt.
_SAFETY_FINISH = frozenset(
    {
        "SAFETY",
        "RECITATION",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
    }
)


def _value(enum: Any) -> str:
    """An SDK enum's own value ("SAFETY"), not its Python name (FinishReason.SAFETY)."""
    return str(getattr(enum, "value", enum) or "")


def _check_finish(blocked: Any, finish: Any, reply: ProviderReply) -> None:
    """A blocked prompt, a safety stop or an answer cut at maxOutputTokens is not an answer;
    an answer with no text and no such reason is an unreadable one."""
    if blocked:
        raise ProviderError(
            REFUSED,
            f"Gemini blocked the prompt (promptFeedback.blockReason {_value(blocked)}).",
            spent=reply,
        )
    if _value(finish) in _SAFETY_FINISH:
        raise ProviderError(
            REFUSED, f"Gemini stopped the answer (finish reason {_value(finish)}).", spent=reply
        )
    if _value(finish) == "MAX_TOKENS":
        raise ProviderError(TRUNCATED, truncated_message(reply), spent=reply)
    if not reply.text:
        raise ProviderError(
            BAD_OUTPUT,
            f"The provider returned no text (finish reason {_value(finish) or 'none'}).",
            spent=reply,
        )


def _quota_details(body: Any) -> tuple[float | None, bool]:
    """(RetryInfo.retryDelay in seconds, whether a QuotaFailure names a per-day quota) from a
    429 body. Gemini sends no Retry-After header: the detail is in the google.rpc error details
    (googleapis/python-genai#2044)."""
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    delay, per_day = None, False
    for detail in details if isinstance(details, list) else ():
        if not isinstance(detail, dict):
            continue
        kind = str(detail.get("@type", ""))
        if kind.endswith("google.rpc.RetryInfo"):
            delay = _duration_seconds(detail.get("retryDelay"))
        elif kind.endswith("google.rpc.QuotaFailure"):
            per_day = per_day or any(
                _PER_DAY in str(violation.get("quotaId", ""))
                for violation in detail.get("violations") or ()
                if isinstance(violation, dict)
            )
    return delay, per_day


def _duration_seconds(value: Any) -> float | None:
    """A protobuf Duration in its JSON form ("37s", "0.5s")."""
    try:
        return max(0.0, float(str(value).removesuffix("s")))
    except ValueError:
        return None


def _with_usage(reply: ProviderReply, usage: Any) -> ProviderReply:
    """The usage of a response (or, in a stream, of the chunks so far) on a reply."""
    if usage is not None:
        reply.input_tokens = usage.prompt_token_count or 0
        # Thinking tokens are billed as output on Gemini 2.5 models.
        reply.output_tokens = (usage.candidates_token_count or 0) + (
            usage.thoughts_token_count or 0
        )
        reply.cached_input_tokens = usage.cached_content_token_count or 0
        reply.thinking_tokens = usage.thoughts_token_count or 0
    return reply
