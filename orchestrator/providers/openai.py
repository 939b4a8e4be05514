"""OpenAI Chat Completions, and any OpenAI-compatible server (Ollama, vLLM, OpenRouter)."""

from __future__ import annotations

import base64
import json
from collections.abc import Generator
from functools import lru_cache
from typing import Any

import openai

from . import (
    AUTH,
    BAD_OUTPUT,
    BAD_REQUEST,
    RATE_LIMITED,
    STREAM_TRANSPORT_ERRORS,
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
def _client(api_key: str, base_url: str, timeout: float) -> openai.OpenAI:
    # One client per credential: it owns the connection pool. max_retries=0 because every
    # retry is the orchestrator's, so each attempt is logged and counted.
    return openai.OpenAI(
        api_key=api_key or "not-needed",
        base_url=base_url or None,
        timeout=timeout,
        max_retries=0,
    )


class OpenAIAdapter:
    compatible = False

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
        messages = self._messages(prompt, system_prompt, image, image_mime)
        kwargs = self._params(model, temperature, max_tokens, json_schema)
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
        return ProviderReply(
            text=response.choices[0].message.content or "",
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            cached_input_tokens=(getattr(details, "cached_tokens", 0) or 0) if details else 0,
        )

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
        """generate() as a stream of chat.completion.chunk events; usage comes in the last
        chunk, which has no choices, when asked for with stream_options.include_usage
        (openai/types/chat/chat_completion_chunk.py)."""
        messages = self._messages(prompt, system_prompt, image, image_mime)
        kwargs = self._params(model, temperature, max_tokens, json_schema)
        pieces: list[str] = []
        usage = ProviderReply(text="")
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
                    if chunk.usage is not None:
                        details = chunk.usage.prompt_tokens_details
                        usage.input_tokens = chunk.usage.prompt_tokens
                        usage.output_tokens = chunk.usage.completion_tokens
                        usage.cached_input_tokens = (details and details.cached_tokens) or 0
                    for choice in chunk.choices:
                        if choice.delta and choice.delta.content:
                            pieces.append(choice.delta.content)
                            yield choice.delta.content
        except StreamStopped as stop:
            raise broken_stream(stop.error, pieces, usage) from None
        except STREAM_TRANSPORT_ERRORS:
            error = ProviderError(UNAVAILABLE, "The connection to the provider broke.")
            raise broken_stream(error, pieces, usage) from None
        except openai.APIError as exc:
            error = self._error(exc)
            if pieces and isinstance(exc, openai.APIConnectionError) and error.kind != TIMEOUT:
                error = ProviderError(UNAVAILABLE, "The connection to the provider broke.")
            elif pieces and not isinstance(exc, openai.APIStatusError | openai.APIConnectionError):
                # An `error` event inside the stream (openai/_streaming.py raises it as a bare
                # APIError): the vendor broke off its answer.
                message = scrub(exc.message, self.api_key)
                error = ProviderError(UNAVAILABLE, f"The provider broke off its answer: {message}")
            raise broken_stream(error, pieces, usage) from None
        except json.JSONDecodeError:
            error = ProviderError(BAD_OUTPUT, "The provider's answer was not valid JSON.")
            raise broken_stream(error, pieces, usage) from None
        usage.text = "".join(pieces)
        return usage

    def _messages(
        self, prompt: str, system_prompt: str | None, image: bytes | None, image_mime: str | None
    ) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        if system_prompt:
            messages.append({"role": "system", "content": system_prompt})
        if image is None:
            messages.append({"role": "user", "content": prompt})
        else:
            data_url = f"data:{image_mime or 'image/png'};base64,{base64.b64encode(image).decode()}"
            messages.append(
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": prompt},
                        {"type": "image_url", "image_url": {"url": data_url}},
                    ],
                }
            )
        return messages

    def _params(
        self,
        model: str,
        temperature: float | None,
        max_tokens: int | None,
        json_schema: dict | None,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if temperature is not None:
            kwargs["temperature"] = temperature
        if max_tokens:
            # Compatible servers know the classic name; OpenAI itself wants the new one.
            kwargs["max_tokens" if self.compatible else "max_completion_tokens"] = max_tokens
        if json_schema is not None:
            kwargs["response_format"] = (
                {"type": "json_object"}
                if self.compatible
                else {
                    "type": "json_schema",
                    "json_schema": {"name": "result", "schema": json_schema},
                }
            )
        return kwargs

    def _error(self, exc: openai.APIError) -> ProviderError:
        message = scrub(getattr(exc, "message", None) or str(exc), self.api_key)
        if isinstance(exc, openai.APITimeoutError):
            return ProviderError(TIMEOUT, "The provider did not answer in time.")
        if isinstance(exc, openai.APIConnectionError):
            return ProviderError(UNAVAILABLE, "Could not connect to the provider.")
        if isinstance(exc, openai.APIResponseValidationError):
            return ProviderError(BAD_OUTPUT, f"The provider's answer was malformed: {message}")
        if not isinstance(exc, openai.APIStatusError):
            return ProviderError(BAD_OUTPUT, message)
        status = exc.status_code
        retry_after = retry_after_seconds(exc.response.headers)
        if status in (401, 403):
            return ProviderError(AUTH, message, status=status)
        if status == 429:
            # insufficient_quota is the account's billing, not load: waiting will not help.
            billing = getattr(exc, "code", None) == "insufficient_quota"
            return ProviderError(
                RATE_LIMITED,
                message,
                status=status,
                retry_after=retry_after,
                retryable=not billing,
            )
        if status >= 500 or status == 408:
            return ProviderError(UNAVAILABLE, message, status=status, retry_after=retry_after)
        return ProviderError(BAD_REQUEST, message, status=status)


class OpenAICompatibleAdapter(OpenAIAdapter):
    compatible = True
