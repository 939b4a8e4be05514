"""One attempt of a call at one provider: sent, answered or failed, and always logged; and
what the provider chain (serve.py) does with the outcomes that are neither an answer nor an outage.

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

Each extra attempt is an ordinary attempt of the chain: it leaves its own usage row.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import jsonschema
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from core import errors, validation

from .. import snapshot
from ..catalogue import capabilities
from ..models import UsageLog
from ..providers import (
    BAD_OUTPUT,
    BILLING,
    MODEL_ACCESS,
    REFUSED,
    REGION,
    TIMEOUT,
    TRUNCATED,
    ProviderError,
    ProviderReply,
    adapter_class,
    scrub,
)
from ..request import AIRequest
from ..snapshot import Route
from .call import AIResult, Call, ms_since

logger = logging.getLogger(__name__)

UNUSABLE = "unusable"  # a chain link that could not be called at all (see Route.unusable)
# An attempt begun with less budget left than this still gets this long: a vendor needs a
# moment to answer at all, and the budget is checked before an attempt begins.
MIN_ATTEMPT_SECONDS = 1.0
# What the adapters know how to leave out of a request (their `omit`).
OMITTABLE = frozenset(
    {"temperature", "reasoning_effort", "thinking_level", "thinking_budget", "effort"}
)
# Kinds whose failed attempt is an answer, not a sign the provider is down (no breaker count).
ANSWERED = frozenset({REFUSED, TRUNCATED})
_HEALED_KEY = "ai:unsupported:{provider}:{model}"


class AttemptFailed(Exception):
    """An attempt that did not serve the call (already logged), and how the chain takes it."""

    def __init__(
        self,
        error: errors.AppError,
        *,
        kind: str,
        retryable: bool,
        retry_after: float | None = None,
        problem: str = "",
        answered: bool = False,
    ):
        self.error, self.kind, self.retryable = error, kind, retryable
        self.retry_after = retry_after
        self.problem = problem  # what was wrong with an unusable answer, fed back on repair
        # The vendor answered, only not usably for this request: no sign it is down.
        self.answered = answered
        self.unsupported: str | None = None  # a parameter the vendor's 400 named (retry_request)
        super().__init__(error.message)


def attempt(call: Call, route: Route, request: AIRequest) -> AIResult:
    """One call to one provider, logged whatever happens."""
    call.attempts += 1
    model = route.model_for(call.tier)
    call.refuse_if_personal(route, model, request)
    # Read before the connection goes back: it may ask the database (the config snapshot's
    # version), and a connection taken again here would be held through the vendor's wait.
    sent = with_remembered(route.provider_type, model, request)
    release_db_connection()
    started = time.perf_counter()
    try:
        reply = adapter_for(route, call).generate(sent, model=model, tier=call.tier)
    except Exception as exc:
        raise attempt_failed(call, route, model, exc, started, sent=request) from None
    return attempt_done(call, route, model, reply, ms_since(started), request)


def skip_unusable(call: Call, route: Route) -> AttemptFailed:
    """A link that cannot be called still leaves its failed attempt, so the admin sees it."""
    call.attempts += 1
    call.log(
        route,
        route.model_for(call.tier),
        status=UsageLog.Status.ERROR,
        error_code=errors.ProviderFailed.code,
        error_message=route.unusable,
    )
    error = errors.ProviderFailed(
        f"The AI provider {route.name} cannot be used: its API key cannot be decrypted."
    )
    return AttemptFailed(error, kind=UNUSABLE, retryable=False)


def adapter_for(route: Route, call: Call) -> Any:
    timeout = attempt_timeout(
        settings.AI_TIMEOUTS.get(call.task, settings.AI_TIMEOUTS["default"]), call.deadline
    )
    return adapter_class(route.provider_type)(
        api_key=route.api_key, base_url=route.base_url or None, timeout=timeout
    )


def attempt_timeout(own: float, deadline: float) -> float:
    """The smaller of an attempt's own timeout and what is left of the call's budget
    (AI_CALL_BUDGET: a vendor that hangs costs the budget once, not the attempts' timeout
    each), in whole seconds: adapters keep one SDK client per timeout, so its values must be
    few."""
    left = deadline - time.monotonic()
    if left >= own:  # also a call with no budget (the credentials test: deadline infinite)
        return own
    return min(own, float(math.ceil(max(left, MIN_ATTEMPT_SECONDS))))


def release_db_connection() -> None:
    """Give the pooled DB connection back while the vendor thinks (often seconds): holding
    it would cap concurrent AI calls at the database's connection limit. Only with a pool,
    where taking it again is free, and never inside a transaction. Nothing between this and
    the vendor's answer may read the database."""
    if connection.settings_dict.get("OPTIONS", {}).get("pool") and not connection.in_atomic_block:
        connection.close()


def attempt_failed(
    call: Call,
    route: Route,
    model: str,
    exc: Exception,
    started: float,
    used: ProviderReply | None = None,
    *,
    sent: AIRequest | None = None,
) -> AttemptFailed:
    """Log a failed attempt (with the tokens it `used`, or those the vendor's error says it
    spent: they count against the quota too, and what was `sent`, for the capture) and say how
    the chain should take it."""
    if used is None and isinstance(exc, ProviderError):
        used = exc.spent
    usage = dict(call.spend(route, model, used) if used is not None else {})
    usage["latency_ms"] = ms_since(started)
    if not isinstance(exc, ProviderError):
        # An SDK surprise must still leave its row, and no key.
        logger.error("Unexpected failure calling %s", route.name, exc_info=exc)
        call.log(
            route,
            model,
            status=UsageLog.Status.ERROR,
            error_code=errors.ProviderFailed.code,
            error_message=scrub(f"{type(exc).__name__}: {exc}", route.api_key),
            sent=sent,
            **usage,
        )
        error = errors.ProviderFailed(f"The AI provider {route.name} failed unexpectedly.")
        return AttemptFailed(error, kind="unexpected", retryable=False)
    error = app_error(exc, route)
    detail = f"{exc.kind}" + (f" (HTTP {exc.status})" if exc.status else "")
    call.log(
        route,
        model,
        status=UsageLog.Status.ERROR,
        error_code=error.code,
        error_message=scrub(f"{detail}: {exc.message}", route.api_key),
        sent=sent,
        **usage,
    )
    failed = AttemptFailed(
        error,
        kind=exc.kind,
        retryable=exc.retryable,
        retry_after=exc.retry_after,
        problem=exc.message,
        answered=exc.kind in ANSWERED,
    )
    failed.unsupported = exc.unsupported
    return failed


def attempt_done(
    call: Call,
    route: Route,
    model: str,
    reply: ProviderReply,
    latency_ms: int,
    request: AIRequest,
) -> AIResult:
    """A provider's answer: checked against the schema, logged, and the call's quota settled
    with its row."""
    usage = dict(call.spend(route, model, reply), latency_ms=latency_ms)
    data = None
    if request.json_schema is not None:
        try:
            data = parse_json_answer(reply.text, request.json_schema)
        except ValueError as exc:
            # The tokens were spent: the row keeps them and their cost.
            call.log(
                route,
                model,
                status=UsageLog.Status.ERROR,
                error_code=errors.BadAIOutput.code,
                error_message=str(exc)[:2000],
                sent=request,
                answer=reply.text,
                **usage,
            )
            error = errors.BadAIOutput(f"The AI answer was not usable: {exc}")
            # The repair is told what is wrong in full: the vendor wrote it.
            problem = getattr(exc, "detail", str(exc))
            raise AttemptFailed(
                error, kind=BAD_OUTPUT, retryable=False, problem=problem, answered=True
            ) from None
    try:
        row = call.log(
            route,
            model,
            settle=True,
            status=UsageLog.Status.SUCCESS,
            sent=request,
            answer=reply.text,
            **usage,
        )
    except DatabaseError:
        # The answer is paid for: its row and the settlement once more (the database out of
        # connections under overload frees one soon), and the caller gets what it paid for.
        row = call.settle()
        if row is None:
            raise
    return AIResult(
        text=reply.text,
        provider=route.provider_type,
        model=model,
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        cost_usd=usage["cost_usd"],
        latency_ms=latency_ms,
        data=data,
        usage_log_id=row.pk,
        provider_config_id=route.config_id,
        tier=row.tier,
        prompt_version=call.prompt_version,
    )


def app_error(exc: ProviderError, route: Route) -> errors.AppError:
    if exc.kind == REFUSED:
        return errors.ContentRefused(
            f"The AI provider {route.name} declined the request on content or safety grounds."
        )
    if exc.kind == TRUNCATED:
        return errors.OutputTruncated(
            f"The AI provider {route.name} cut its answer off at the length limit."
        )
    if exc.kind == REGION:
        return errors.ProviderFailed(
            f"The AI provider {route.name} does not serve the region this service calls "
            "from; an admin must use another provider or region (the key itself is fine)."
        )
    if exc.kind == MODEL_ACCESS:
        return errors.ProviderFailed(
            f"The AI provider {route.name} has not enabled this model for the key's "
            "project; an admin must enable it at the vendor or choose another model."
        )
    if exc.kind == TIMEOUT:
        return errors.ProviderTimeout(f"The AI provider {route.name} did not answer in time.")
    if exc.kind == BAD_OUTPUT:
        return errors.BadAIOutput(f"The AI provider {route.name} sent an unreadable answer.")
    if exc.kind == BILLING:
        return errors.ProviderBilling(
            f"The AI provider {route.name} refuses the account for its billing; an admin must "
            "fix the account's billing or credit at the vendor."
        )
    reason = {
        "auth": "rejected our credentials; an admin must check its API key",
        "rate_limited": "is rate limiting us",
        "unavailable": "is unavailable",
        "bad_request": "refused the request",
    }.get(exc.kind, "failed")
    return errors.ProviderFailed(f"The AI provider {route.name} {reason}.")


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def parse_json_answer(text: str, schema: dict) -> Any:
    """The JSON in an answer, validated; ValueError says what is wrong (fed back on retry)."""
    match = _FENCE.match(text)
    try:
        data = json.loads(match.group(1) if match else text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        validation.validate(data, schema)
    except jsonschema.ValidationError as exc:
        raise validation.SchemaMismatch(exc) from None
    return data


# --- Answers that are not answers: one more attempt, or the next provider -------------------


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


# --- What a model refused, remembered by every process --------------------------------------


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
    send: Callable[[Any], Any],
    request: Any,
    *,
    provider_type: str,
    model: str,
) -> Any:
    """`send(request)`, and once more without a parameter its 400 named, remembered for the
    model (the credentials test uses this: it makes single attempts, not the chain's)."""
    try:
        return send(request)
    except Exception as failure:
        param = getattr(failure, "unsupported", None)
        if param not in OMITTABLE or param in request.omit:
            raise
        unsupported_remember(provider_type=provider_type, model=model, param=param)
        return send(replace(request, omit=(*request.omit, param)))
