"""What the provider chain does with the outcomes that are neither an answer nor an outage.

- A refusal or safety block (providers.REFUSED): the vendor answered; the content is the
  problem. No repair prompt, no breaker count, a row with CONTENT_REFUSED, then the next
  provider; the offline provider does not answer in a refusing model's place, and when every
  provider refused the caller gets a 422.
- A truncated answer (providers.TRUNCATED): one more attempt with twice the output cap, when
  the model's documented max output (catalogue) and the call's time budget allow; else the
  next provider.
- A 400 naming a parameter the model does not take (ProviderError.unsupported): one more
  attempt without it, at the model's default. The model is remembered in the shared cache, so
  later calls (in any process) leave the parameter out from the start, and the credentials
  test and the provider's admin page warn about it. One extra attempt, never a loop: a
  parameter is dropped once per attempt chain and only if it was still being sent.

Each extra attempt is an ordinary attempt of the gateway's chain (gateway/serve.py): it leaves
its own usage row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.core.cache import cache

from core import errors

from . import snapshot
from .catalogue import capabilities
from .providers import MODEL_ACCESS, REFUSED, REGION, TRUNCATED, ProviderError

# What the adapters know how to leave out of a request (their `omit`).
OMITTABLE = frozenset(
    {"temperature", "reasoning_effort", "thinking_level", "thinking_budget", "effort"}
)
# Kinds whose failed attempt is an answer, not a sign the provider is down (no breaker count).
ANSWERED = frozenset({REFUSED, TRUNCATED})
_HEALED_KEY = "ai:unsupported:{provider}:{model}"


def app_error(exc: ProviderError, provider_name: str) -> errors.AppError | None:
    """The application error for the kinds this module knows (None: services decides)."""
    if exc.kind == REFUSED:
        return errors.ContentRefused(
            f"The AI provider {provider_name} declined the request on content or safety grounds."
        )
    if exc.kind == TRUNCATED:
        return errors.OutputTruncated(
            f"The AI provider {provider_name} cut its answer off at the length limit."
        )
    if exc.kind == REGION:
        return errors.ProviderFailed(
            f"The AI provider {provider_name} does not serve the region this service calls "
            "from; an admin must use another provider or region (the key itself is fine)."
        )
    if exc.kind == MODEL_ACCESS:
        return errors.ProviderFailed(
            f"The AI provider {provider_name} has not enabled this model for the key's "
            "project; an admin must enable it at the vendor or choose another model."
        )
    return None


def retry_request(
    failure: Any,
    *,
    provider_type: str,
    model: str,
    request: Any,
    tried: set[str],
    deadline: float,
) -> Any:
    """The request for one more attempt at the same provider after `failure`, or None to move
    on. `tried` holds what this provider's attempts have already done (once each)."""
    if time.monotonic() >= deadline:
        return None
    param = getattr(failure, "unsupported", None)
    omitted = request.omit
    if param in OMITTABLE and param not in omitted and "heal" not in tried:
        tried.add("heal")
        unsupported_remember(provider_type=provider_type, model=model, param=param)
        return replace(request, omit=(*omitted, param))
    if failure.kind == TRUNCATED and "bigger" not in tried:
        tried.add("bigger")
        cap = request.most_tokens
        most = capabilities(provider_type, model).max_output or cap * 2
        if cap >= most:
            return None
        return replace(request, max_tokens=min(cap * 2, most))
    return None


def refused(failures: list[Any]) -> bool:
    """Some model refused the content: the offline provider must not answer instead."""
    return any(f.kind == REFUSED for f in failures)


def all_refused(failures: list[Any]) -> errors.AppError | None:
    if failures and all(f.kind == REFUSED for f in failures):
        return errors.ContentRefused()
    return None


# --------------------------------------------------------------------------- memory


def _key(provider_type: str, model: str) -> str:
    return _HEALED_KEY.format(provider=provider_type, model=model.lower())


def unsupported_for(*, provider_type: str, model: str) -> tuple[str, ...]:
    """The parameters this model has refused, as every process remembers them. Read on every
    attempt, so kept with the config snapshot (snapshot.remember): a cache round trip at most
    once a second per process, and another process's discovery is seen within that second."""
    key = _key(provider_type, model)
    return snapshot.remember(key, lambda: tuple(cache.get(key) or ()))


def unsupported_remember(*, provider_type: str, model: str, param: str) -> None:
    key = _key(provider_type, model)
    params = sorted({*(cache.get(key) or ()), param})
    cache.set(key, params, timeout=None)  # kept until forgotten (or the cache is flushed)
    snapshot.drop(key)


def unsupported_forget(*, provider_type: str, model: str) -> None:
    key = _key(provider_type, model)
    cache.delete(key)
    snapshot.drop(key)


def with_remembered(provider_type: str, model: str, request: Any) -> Any:
    """The request as an attempt sends it: less what the model is known to refuse."""
    params = unsupported_for(provider_type=provider_type, model=model)
    if not params:
        return request
    return replace(request, omit=tuple(dict.fromkeys((*request.omit, *params))))


def healing_warnings(provider_type: str, models: list[str]) -> list[str]:
    """What the credentials test and the admin page say about parameters a vendor refused."""
    return [
        f"{model} refused {param}: calls to it now leave {param} out and run at the model's "
        "default. Check the model's documentation and the catalogue's capability row."
        for model in dict.fromkeys(models)
        for param in unsupported_for(provider_type=provider_type, model=model)
    ]


def attempt_healed(
    attempt: Callable[[Any], Any],
    request: Any,
    *,
    provider_type: str,
    model: str,
) -> Any:
    """`attempt(request)`, and once more without a parameter its 400 named, remembered for the
    model (the credentials test uses this: it makes single attempts, not the chain's)."""
    try:
        return attempt(request)
    except Exception as failure:
        param = getattr(failure, "unsupported", None)
        if param not in OMITTABLE or param in request.omit:
            raise
        unsupported_remember(provider_type=provider_type, model=model, param=param)
        return attempt(replace(request, omit=(*request.omit, param)))
