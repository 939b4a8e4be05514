"""Google Gemini through google-genai."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import httpx
from google import genai
from google.genai import errors, types

from . import (
    AUTH,
    BAD_OUTPUT,
    BAD_REQUEST,
    RATE_LIMITED,
    TIMEOUT,
    UNAVAILABLE,
    ProviderError,
    ProviderReply,
    retry_after_seconds,
    scrub,
)


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


class GeminiAdapter:
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
    ) -> ProviderReply:
        contents: list[Any] = []
        if image is not None:
            contents.append(types.Part.from_bytes(data=image, mime_type=image_mime or "image/png"))
        contents.append(prompt)
        config = types.GenerateContentConfig(
            system_instruction=system_prompt or None,
            temperature=temperature,
            max_output_tokens=max_tokens,
            response_mime_type="application/json" if json_schema is not None else None,
            response_json_schema=json_schema,
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
        if text is None:
            reason = response.candidates[0].finish_reason if response.candidates else "none"
            raise ProviderError(
                BAD_OUTPUT, f"The provider returned no text (finish reason {reason})."
            )
        return ProviderReply(
            text=text,
            input_tokens=(usage.prompt_token_count or 0) if usage else 0,
            # Thinking tokens are billed as output on Gemini 2.5 models.
            output_tokens=((usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0))
            if usage
            else 0,
            cached_input_tokens=(usage.cached_content_token_count or 0) if usage else 0,
        )

    def _error(self, exc: errors.APIError) -> ProviderError:
        message = scrub(exc.message or str(exc), self.api_key)
        status = exc.code
        headers = getattr(exc.response, "headers", None)
        retry_after = retry_after_seconds(headers)
        # Gemini answers a bad key with 400 INVALID_ARGUMENT + reason API_KEY_INVALID.
        if status in (401, 403) or "API_KEY_INVALID" in json.dumps(exc.details, default=str):
            return ProviderError(AUTH, message, status=status)
        if status == 429:
            return ProviderError(RATE_LIMITED, message, status=status, retry_after=retry_after)
        if status == 504 or exc.status == "DEADLINE_EXCEEDED":
            return ProviderError(TIMEOUT, message, status=status)
        if status >= 500 or status == 408:
            return ProviderError(UNAVAILABLE, message, status=status, retry_after=retry_after)
        return ProviderError(BAD_REQUEST, message, status=status)
