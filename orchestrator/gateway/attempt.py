"""One attempt of a call at one provider: sent, answered or failed, and always logged."""

from __future__ import annotations

import json
import logging
import math
import re
import time
from typing import Any

import jsonschema
from django.conf import settings
from django.db import DatabaseError, connection

from core import errors, validation

from .. import outcomes
from ..models import UsageLog
from ..providers import (
    BAD_OUTPUT,
    BILLING,
    TIMEOUT,
    ProviderError,
    ProviderReply,
    adapter_class,
    scrub,
)
from ..request import AIRequest
from ..routes import Route
from .call import AIResult, Call, ms_since

logger = logging.getLogger(__name__)

UNUSABLE = "unusable"  # a chain link that could not be called at all (see Route.unusable)
# An attempt begun with less budget left than this still gets this long: a vendor needs a
# moment to answer at all, and the budget is checked before an attempt begins.
MIN_ATTEMPT_SECONDS = 1.0


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
        self.unsupported: str | None = None  # a parameter the vendor's 400 named (outcomes.py)
        super().__init__(error.message)


def attempt(call: Call, route: Route, request: AIRequest) -> AIResult:
    """One call to one provider, logged whatever happens."""
    call.attempts += 1
    model = route.model_for(call.tier)
    call.refuse_if_personal(route, model, request)
    # Read before the connection goes back: it may ask the database (the config snapshot's
    # version), and a connection taken again here would be held through the vendor's wait.
    sent = outcomes.with_remembered(route.provider_type, model, request)
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
        answered=exc.kind in outcomes.ANSWERED,
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
    if own := outcomes.app_error(exc, route.name):
        return own
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
