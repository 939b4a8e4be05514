"""OpenAI Chat Completions, and any OpenAI-compatible server (Ollama, vLLM, OpenRouter)."""

from __future__ import annotations

import base64
import json
from collections.abc import Generator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import openai
from django.conf import settings

from . import (
    BAD_OUTPUT,
    BAD_REQUEST,
    STREAM_TRANSPORT_ERRORS,
    TIMEOUT,
    UNAVAILABLE,
    ProviderError,
    ProviderReply,
    StreamStopped,
    broken_stream,
    by_family,
    scrub,
)
from .base import VendorAdapter
from .images import LIMITS, ImageUnfit, fit_image
from .schemas import drop_nulls_text, openai_strict


@dataclass(frozen=True)
class ModelParams:
    reasoning: bool = False  # refuses `temperature`, takes `reasoning_effort`
    effort: str | None = None  # the effort asked for the fast tier's answers
    quality_effort: str | None = None  # for the quality tier's (a CV or a letter)
    least_effort: str | None = None  # the least it accepts, asked for a tiny probe


# Per model family, longest prefix wins; anything else is a classic chat model. Reasoning
# models answer 400 "Unsupported parameter: 'temperature' is not supported with this model."
# (code unsupported_parameter), and spend hidden reasoning tokens out of max_completion_tokens
# (the SDK's `chat.completions.create` docstring: "including visible output tokens and
# reasoning tokens"). Efforts per the SDK's `ReasoningEffort` and its docstring: "Not all
# reasoning models support every value" (o-series: low and up; gpt-5: minimal; 5.1 on: none).
# Reasoning models think a little for the fast tier and more for the quality tier.
_REASONING = dict(reasoning=True, effort="low", quality_effort="medium")
MODEL_PARAMS: dict[str, ModelParams] = {
    "o1": ModelParams(**_REASONING, least_effort="low"),
    "o3": ModelParams(**_REASONING, least_effort="low"),
    "o4": ModelParams(**_REASONING, least_effort="low"),
    "gpt-5": ModelParams(**_REASONING, least_effort="minimal"),
    "gpt-5.": ModelParams(**_REASONING, least_effort="none"),
    "gpt-5-chat": ModelParams(),  # the ChatGPT snapshot is not a reasoning model
    "gpt-6": ModelParams(**_REASONING, least_effort="none"),
}
CLASSIC = ModelParams()
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
    )


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
        messages = self._messages(prompt, system_prompt, image, image_mime)
        kwargs = self._params(model, temperature, max_tokens, json_schema, tier)
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
        choice = response.choices[0]
        text = choice.message.content or ""
        spent = ProviderReply(
            text="",
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            cached_input_tokens=(getattr(details, "cached_tokens", 0) or 0) if details else 0,
        )
        if not text and choice.finish_reason == "length":
            raise ProviderError(
                BAD_OUTPUT,
                "The model spent its whole output allowance reasoning and wrote no answer.",
                spent=spent,
            )
        if json_schema is not None and not self.compatible:
            text = drop_nulls_text(text, json_schema)
        return ProviderReply(
            text=text,
            input_tokens=usage.prompt_tokens if usage else 0,
            # completion_tokens includes the reasoning tokens (CompletionUsage in
            # openai/types/completion_usage.py breaks them out in completion_tokens_details):
            # they are billed as output, so cost and quota count them.
            output_tokens=usage.completion_tokens if usage else 0,
            cached_input_tokens=(getattr(details, "cached_tokens", 0) or 0) if details else 0,
        )

    def _params(
        self,
        model: str,
        temperature: float | None,
        max_tokens: int | None,
        json_schema: dict | None,
        tier: str = "fast",
    ) -> dict[str, Any]:
        if self.compatible:
            # Other servers know the classic names and plain JSON mode, not OpenAI's newer ones.
            kwargs: dict[str, Any] = {}
            if temperature is not None:
                kwargs["temperature"] = temperature
            if max_tokens:
                kwargs["max_tokens"] = max_tokens
            if json_schema is not None:
                kwargs["response_format"] = {"type": "json_object"}
            return kwargs
        params = by_family(model, MODEL_PARAMS, CLASSIC)
        # Always a cap, the one the quota reserved: reasoning tokens come out of it too, so
        # answer and reasoning together stay within the reservation.
        cap = max_tokens or settings.AI_DEFAULT_MAX_TOKENS
        kwargs: dict[str, Any] = {"max_completion_tokens": cap}
        if params.reasoning:
            probe = cap <= PROBE_CAP
            effort = params.quality_effort if tier == "quality" else params.effort
            kwargs["reasoning_effort"] = params.least_effort if probe else effort
            kwargs["max_completion_tokens"] = cap + (PROBE_ROOM if probe else 0)
        elif temperature is not None:
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
        """generate() as a stream of chat.completion.chunk events; usage comes in the last
        chunk, which has no choices, when asked for with stream_options.include_usage
        (openai/types/chat/chat_completion_chunk.py)."""
        messages = self._messages(prompt, system_prompt, image, image_mime)
        kwargs = self._params(model, temperature, max_tokens, json_schema, tier)
        pieces: list[str] = []
        usage = ProviderReply(text="")
        finish: str | None = None
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
                        # completion_tokens includes the reasoning tokens, billed as output.
                        details = chunk.usage.prompt_tokens_details
                        usage.input_tokens = chunk.usage.prompt_tokens
                        usage.output_tokens = chunk.usage.completion_tokens
                        usage.cached_input_tokens = (details and details.cached_tokens) or 0
                    for choice in chunk.choices:
                        finish = choice.finish_reason or finish
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
        if not pieces and finish == "length":
            raise ProviderError(
                BAD_OUTPUT,
                "The model spent its whole output allowance reasoning and wrote no answer.",
                spent=usage,
            )
        usage.text = "".join(pieces)
        if json_schema is not None and not self.compatible:
            usage.text = drop_nulls_text(usage.text, json_schema)
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
            try:
                image, image_mime = fit_image(image, image_mime or "image/png", LIMITS["openai"])
            except ImageUnfit as exc:
                raise ProviderError(BAD_REQUEST, str(exc)) from None
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

    def _error(self, exc: openai.APIError) -> ProviderError:
        message = scrub(getattr(exc, "message", None) or str(exc), self.api_key)
        # insufficient_quota is the account's billing, not load: waiting will not help.
        billing = getattr(exc, "code", None) == "insufficient_quota"
        return self._sdk_error(exc, openai, message, rate_limit_retryable=not billing)


class OpenAICompatibleAdapter(OpenAIAdapter):
    compatible = True
