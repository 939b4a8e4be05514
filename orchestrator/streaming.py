"""The gateway's streaming door as callers name it (orchestrator/gateway/stream.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .gateway import AIRequest, AIStream, StreamBroken, stream

__all__ = ["AIStream", "StreamBroken", "generate_stream"]


def generate_stream(
    *,
    user: Any,
    task: str,
    prompt: str,
    system_prompt: str | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    response_schema: dict | None = None,
    provider_type: str | None = None,
    use_cache: bool = True,
    personal: Mapping[str, str] | None = None,
    variables: Mapping[str, str] | None = None,
) -> AIStream:
    """orchestrator.gateway.stream of a request given by its parts (the tests, the bench)."""
    request = AIRequest(
        task=task,
        prompt=prompt,
        system_prompt=system_prompt,
        temperature=temperature,
        max_tokens=max_tokens,
        json_schema=response_schema,
        personal=personal,
        variables=variables,
    )
    return stream(request, user=user, provider_type=provider_type, use_cache=use_cache)
