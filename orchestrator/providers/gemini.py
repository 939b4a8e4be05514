"""Google Gemini through google-genai."""

from __future__ import annotations

import json
from collections.abc import Generator
from contextlib import closing
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
    StreamStopped,
    broken_stream,
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
        contents, config = self._request(
            model, prompt, system_prompt, image, image_mime, temperature, max_tokens, json_schema
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
        text = response.text
        if text is None:
            reason = response.candidates[0].finish_reason if response.candidates else "none"
            raise ProviderError(
                BAD_OUTPUT, f"The provider returned no text (finish reason {reason})."
            )
        return _with_usage(ProviderReply(text=text), response.usage_metadata)

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
    ) -> tuple[list[Any], types.GenerateContentConfig]:
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
    ) -> Generator[str, None, ProviderReply]:
        """generate() through :streamGenerateContent?alt=sse: every chunk carries the usage
        so far in usageMetadata (google/genai/models.py generate_content_stream); an error
        inside the stream arrives as {"error": ...} and is raised as APIError
        (google/genai/_api_client.py)."""
        contents, config = self._request(
            model, prompt, system_prompt, image, image_mime, temperature, max_tokens, json_schema
        )
        pieces: list[str] = []
        usage = ProviderReply(text="")
        try:
            chunks = self.client.models.generate_content_stream(
                model=model, contents=contents, config=config
            )
            with closing(chunks):  # closing it closes the response: the vendor stops
                for chunk in chunks:
                    if chunk.usage_metadata is not None:
                        _with_usage(usage, chunk.usage_metadata)
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
        if not pieces:
            raise ProviderError(BAD_OUTPUT, "The provider returned no text.")
        usage.text = "".join(pieces)
        return usage

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
