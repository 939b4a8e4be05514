"""Anthropic Claude through the Messages API."""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

import anthropic
from django.conf import settings

from . import (
    BAD_OUTPUT,
    BAD_REQUEST,
    BILLING,
    ProviderError,
    ProviderReply,
    scrub,
)
from .base import VendorAdapter
from .images import LIMITS, ImageUnfit, fit_image
from .schemas import drop_nulls_text


@lru_cache(maxsize=32)
def _client(api_key: str, base_url: str, timeout: float) -> anthropic.Anthropic:
    # max_retries=0: every retry is the orchestrator's, so each attempt is logged.
    return anthropic.Anthropic(
        api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=0
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
        tier: str = "fast",  # no per-tier setting: extended thinking stays off on every tier
    ) -> ProviderReply:
        content: list[dict[str, Any]] = []
        if image is not None:
            try:
                image, image_mime = fit_image(image, image_mime or "image/png", LIMITS["anthropic"])
            except ImageUnfit as exc:
                raise ProviderError(BAD_REQUEST, str(exc)) from None
            content.append(
                {
                    "type": "image",
                    "source": {
                        "type": "base64",
                        "media_type": image_mime or "image/png",
                        "data": base64.b64encode(image).decode(),
                    },
                }
            )
        content.append({"type": "text", "text": prompt})
        kwargs: dict[str, Any] = {}
        if system_prompt:
            kwargs["system"] = system_prompt
        # `temperature` is not sent: the Messages API of this SDK generation no longer takes
        # sampling parameters (messages.create has none), so it is accepted and ignored here.
        if json_schema is not None:
            # The SDK's own transform_schema (anthropic/lib/_parse/_transform.py) turns a JSON
            # Schema into the subset structured outputs accept; optional fields stay optional.
            schema = anthropic.transform_schema(json_schema)
            kwargs["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
        try:
            response = self.client.messages.create(
                model=model,
                max_tokens=max_tokens or settings.AI_DEFAULT_MAX_TOKENS,
                messages=[{"role": "user", "content": content}],
                **kwargs,
            )
        except anthropic.APIError as exc:
            raise self._error(exc) from None
        except json.JSONDecodeError:
            raise ProviderError(BAD_OUTPUT, "The provider's answer was not valid JSON.") from None
        text = "".join(block.text for block in response.content if block.type == "text")
        if json_schema is not None:
            text = drop_nulls_text(text, json_schema)
        usage = response.usage
        cache_read = usage.cache_read_input_tokens or 0
        cache_write = usage.cache_creation_input_tokens or 0
        # Anthropic counts cache reads and writes apart from input_tokens; we report all
        # input, and the cached part separately so it is priced at its own rate.
        return ProviderReply(
            text=text,
            input_tokens=usage.input_tokens + cache_read + cache_write,
            output_tokens=usage.output_tokens,
            cached_input_tokens=cache_read,
        )

    def _error(self, exc: anthropic.APIError) -> ProviderError:
        message = scrub(_vendor_message(exc), self.api_key)
        if isinstance(exc, anthropic.PaymentRequiredError):
            # 402 billing_error (anthropic/_exceptions.py): the account's credit or payment,
            # which no retry and no wait will fix.
            return ProviderError(BILLING, message, status=exc.status_code, retryable=False)
        return self._sdk_error(exc, anthropic, message)


def _vendor_message(exc: anthropic.APIError) -> str:
    """The vendor's own sentence from the error body; the SDK's message is "Error code: 402 -"
    followed by the whole body as a Python dict."""
    body = getattr(exc, "body", None)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return getattr(exc, "message", None) or str(exc)
