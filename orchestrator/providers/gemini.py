"""Google Gemini through google-genai."""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
from django.conf import settings
from google import genai
from google.genai import errors, types

from . import (
    AUTH,
    BAD_OUTPUT,
    BAD_REQUEST,
    TIMEOUT,
    UNAVAILABLE,
    ProviderError,
    ProviderReply,
    StreamStopped,
    broken_stream,
    retry_after_seconds,
    scrub,
)
from .base import VendorAdapter
from .images import LIMITS, ImageUnfit, fit_image
from .schemas import gemini_schema


@dataclass(frozen=True)
class Thinking:
    control: str  # "budget": thinkingBudget in tokens (2.5); "level": thinkingLevel (3 and on)
    setting: int | str  # for the fast tier's answers (extraction: little to think about)
    quality: int | str  # for the quality tier's (a CV or a letter worth more thought)
    least: int | str  # the least the model accepts, for a probe; 0 / MINIMAL is (nearly) none
    room: int  # added to a probe's cap: what thinking at `least` may still spend


# Gemini 2.5 and later think before answering, and the thinking counts against
# maxOutputTokens (googleapis/python-genai#782): a 16-token probe is spent thinking and comes
# back without text. First match wins; no match: a model that does not think. Budgets and
# levels per ThinkingConfig in google/genai/types.py ("0 is DISABLED"; "Starting from Gemini
# 3.5 models, the old thinking_budget will no longer be supported"); flash can switch thinking
# off, pro cannot (its least budget is 128).
THINKING: list[tuple[re.Pattern[str], Thinking | None]] = [
    (re.compile(r"gemini-(1\.|2\.0)"), None),
    (re.compile(r"gemini-2\.5-flash"), Thinking("budget", 1024, 2048, 0, 0)),
    (re.compile(r"gemini-2\.5-pro"), Thinking("budget", 2048, 4096, 128, 128)),
    (re.compile(r"gemini-\d+(\.\d+)?-flash"), Thinking("level", "LOW", "MEDIUM", "MINIMAL", 256)),
    # Pro models of Gemini 3 take only LOW and HIGH.
    (re.compile(r"gemini-\d+(\.\d+)?-pro"), Thinking("level", "LOW", "HIGH", "LOW", 1024)),
]
# A cap this small is a probe (the credentials test asks for 16 tokens).
PROBE_CAP = 256
# Quota ids of the per-day quotas (QuotaFailure.violations[].quotaId, e.g.
# "GenerateRequestsPerDayPerProjectPerModel-FreeTier"): retrying today cannot help.
_PER_DAY = "PerDay"


def thinking_for(model: str) -> Thinking | None:
    name = model.lower().rsplit("/", 1)[-1]
    return next((entry for pattern, entry in THINKING if pattern.match(name)), None)


def output_config(model: str, max_tokens: int | None, tier: str = "fast") -> dict[str, Any]:
    """maxOutputTokens and thinkingConfig for a model: the cap always covers thinking and
    answer together (so the quota reservation, made for the cap, covers both), thinking gets
    at most half of it, and a probe thinks as little as the model allows."""
    cap = max_tokens or settings.AI_DEFAULT_MAX_TOKENS
    thinking = thinking_for(model)
    if thinking is None:
        return {"max_output_tokens": cap}
    probe = cap <= PROBE_CAP
    setting = (
        thinking.least if probe else (thinking.quality if tier == "quality" else thinking.setting)
    )
    if thinking.control == "budget":
        budget = setting if probe else max(int(thinking.least), min(int(setting), cap // 2))
        config = types.ThinkingConfig(thinking_budget=int(budget))
    else:
        config = types.ThinkingConfig(thinking_level=types.ThinkingLevel(setting))
    return {"max_output_tokens": cap + (thinking.room if probe else 0), "thinking_config": config}


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
        except _TRANSPORT:
            raise ProviderError(UNAVAILABLE, "Could not connect to the provider.") from None

    def generate(
        self,
        *,
        model: str,
        prompt: str,
        system_prompt: str | None = None,
        image: bytes | None = None,
        image_mime: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        json_schema: dict | None = None,
        task: str | None = None,
        tier: str = "fast",
    ) -> ProviderReply:
        contents, config = self._request(
            model,
            prompt,
            system_prompt,
            image,
            image_mime,
            temperature,
            max_tokens,
            json_schema,
            tier,
        )
        try:
            response = self.client.models.generate_content(
                model=model, contents=contents, config=config
            )
        except errors.APIError as exc:
            raise self._error(exc) from None
        except _TIMEOUTS:
            raise ProviderError(TIMEOUT, "The provider did not answer in time.") from None
        except _TRANSPORT:
            raise ProviderError(UNAVAILABLE, "Could not connect to the provider.") from None
        except (json.JSONDecodeError, ValueError) as exc:
            message = scrub(str(exc), self.api_key)
            raise ProviderError(
                BAD_OUTPUT, f"The provider's answer was malformed: {message}"
            ) from None
        usage = response.usage_metadata
        text = response.text
        reply = ProviderReply(
            text=text or "",
            input_tokens=(usage.prompt_token_count or 0) if usage else 0,
            # Thinking tokens (thoughtsTokenCount, apart from candidatesTokenCount) are billed
            # as output, so cost and quota count them.
            output_tokens=((usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0))
            if usage
            else 0,
            cached_input_tokens=(usage.cached_content_token_count or 0) if usage else 0,
        )
        if not text:
            reason = response.candidates[0].finish_reason if response.candidates else "none"
            raise ProviderError(
                BAD_OUTPUT, f"The provider returned no text (finish reason {reason}).", spent=reply
            )
        return reply

    def _request(
        self,
        model: str,
        prompt: str,
        system_prompt: str | None,
        image: bytes | None,
        image_mime: str | None,
        temperature: float | None,
        max_tokens: int | None,
        json_schema: dict | None,
        tier: str,
    ) -> tuple[list[Any], types.GenerateContentConfig]:
        contents: list[Any] = []
        if image is not None:
            try:
                image, image_mime = fit_image(image, image_mime or "image/png", LIMITS["gemini"])
            except ImageUnfit as exc:
                raise ProviderError(BAD_REQUEST, str(exc)) from None
            contents.append(types.Part.from_bytes(data=image, mime_type=image_mime))
        contents.append(prompt)
        config = types.GenerateContentConfig(
            system_instruction=system_prompt or None,
            temperature=temperature,
            response_mime_type="application/json" if json_schema is not None else None,
            response_json_schema=gemini_schema(json_schema) if json_schema is not None else None,
            **output_config(model, max_tokens, tier),
        )
        return contents, config

    def stream(
        self,
        *,
        model: str,
        prompt: str,
        system_prompt: str | None = None,
        image: bytes | None = None,
        image_mime: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        json_schema: dict | None = None,
        task: str | None = None,
        tier: str = "fast",
    ) -> Generator[str, None, ProviderReply]:
        """generate() through :streamGenerateContent?alt=sse: every chunk carries the usage
        so far in usageMetadata (google/genai/models.py generate_content_stream); an error
        inside the stream arrives as {"error": ...} and is raised as APIError
        (google/genai/_api_client.py)."""
        contents, config = self._request(
            model,
            prompt,
            system_prompt,
            image,
            image_mime,
            temperature,
            max_tokens,
            json_schema,
            tier,
        )
        pieces: list[str] = []
        usage = ProviderReply(text="")
        finish: Any = None
        try:
            chunks = self.client.models.generate_content_stream(
                model=model, contents=contents, config=config
            )
            with closing(chunks):  # closing it closes the response: the vendor stops
                for chunk in chunks:
                    if chunk.usage_metadata is not None:
                        _with_usage(usage, chunk.usage_metadata)
                    if chunk.candidates and chunk.candidates[0].finish_reason:
                        finish = chunk.candidates[0].finish_reason
                    if chunk.text:
                        pieces.append(chunk.text)
                        yield chunk.text
        except StreamStopped as stop:
            raise broken_stream(stop.error, pieces, usage) from None
        except errors.APIError as exc:
            raise broken_stream(self._error(exc), pieces, usage) from None
        except _TIMEOUTS:
            error = ProviderError(TIMEOUT, "The provider did not answer in time.")
            raise broken_stream(error, pieces, usage) from None
        except _TRANSPORT:
            error = ProviderError(UNAVAILABLE, "The connection to the provider broke.")
            raise broken_stream(error, pieces, usage) from None
        except (json.JSONDecodeError, ValueError) as exc:
            message = scrub(str(exc), self.api_key)
            error = ProviderError(BAD_OUTPUT, f"The provider's answer was malformed: {message}")
            raise broken_stream(error, pieces, usage) from None
        if not pieces:  # e.g. thinking used the whole cap (finish reason MAX_TOKENS)
            raise ProviderError(
                BAD_OUTPUT,
                f"The provider returned no text (finish reason {finish or 'none'}).",
                spent=usage,
            )
        usage.text = "".join(pieces)
        return usage

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
        return self._status_error(status, message, retry_after=retry_after)


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
    return reply
