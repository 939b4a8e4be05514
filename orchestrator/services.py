"""The gateway's services as the product apps and the admin call them (orchestrator/gateway/).

`generate` takes a request's parts as keywords (an ad-hoc call: the tests, the bench); a
registered task's call is `generate_task`, or an AIRequest built once with AIRequest.of_task
and handed to orchestrator.gateway.generate or .stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .gateway import (
    AIRequest,
    AIResult,
    ProviderTestResult,
    model_warnings,
    provider_test,
    provider_test_active,
)
from .gateway import generate as generate_request
from .registry import AITaskSpec
from .request import image_type

__all__ = [
    "AIRequest",
    "AIResult",
    "ProviderTestResult",
    "generate",
    "generate_task",
    "model_warnings",
    "provider_test",
    "provider_test_active",
]


def generate(
    *,
    user: Any,
    task: str,
    prompt: str,
    image: bytes | None = None,
    image_mime: str | None = None,
    system_prompt: str | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    response_schema: dict | None = None,
    provider_type: str | None = None,
    use_cache: bool = True,
    personal: Mapping[str, str] | None = None,
    variables: Mapping[str, str] | None = None,
) -> AIResult:
    """Serve one AI request (orchestrator.gateway.generate). `personal` values go to the
    vendor only as placeholders (orchestrator.privacy); with `variables`, the prompt is the
    task's prompt version rendered over them."""
    request = AIRequest(
        task=task,
        prompt=prompt,
        image=image,
        image_mime=image_type(image, image_mime),
        system_prompt=system_prompt,
        temperature=temperature,
        max_tokens=max_tokens,
        json_schema=response_schema,
        personal=personal,
        variables=variables,
    )
    return generate_request(request, user=user, provider_type=provider_type, use_cache=use_cache)


def generate_task(
    *,
    user: Any,
    task: AITaskSpec,
    prompt: str = "",
    variables: Mapping[str, str] | None = None,
    image: bytes | None = None,
    image_mime: str | None = None,
    provider_type: str | None = None,
    use_cache: bool = True,
    personal: Mapping[str, str] | None = None,
    check_context: Any = None,
) -> AIResult:
    """generate() for a registered task: what its registration says every call sends, and
    its output check (AITaskSpec.check) run on the answer."""
    request = AIRequest.of_task(
        task,
        prompt=prompt,
        variables=variables,
        image=image,
        image_mime=image_mime,
        personal=personal,
        check_context=check_context,
    )
    return generate_request(request, user=user, provider_type=provider_type, use_cache=use_cache)
