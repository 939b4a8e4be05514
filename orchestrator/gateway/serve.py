"""A whole answer: the gateway's front door (one Call, its cache, quota and the task's own
output check, AITaskSpec.check, with its one more try) and the provider chain every call runs,
the stream's too (stream.py).

The chain tries each provider in turn until one serves the call: retry what may pass, repair an
unusable answer once, heal a parameter a model refused, skip what is open or cannot be called,
stop at the budget. Any failure of one provider, an unusable answer included, moves on to the
next; the last error says why none served.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings

from core import errors
from core.errors import AppError

from ..models import UsageLog
from ..providers import BAD_OUTPUT, BAD_REQUEST, RATE_LIMITED, TIMEOUT
from ..request import AIRequest
from ..resilience import (
    backoff_seconds,
    breaker_allows,
    breaker_record_failure,
    breaker_record_success,
    call_slot,
)
from ..snapshot import Route
from .attempt import (
    ANSWERED,
    AttemptFailed,
    all_refused,
    attempt,
    refused,
    retry_request,
    skip_unusable,
)
from .call import AIResult, Call

logger = logging.getLogger(__name__)


def generate(
    request: AIRequest, *, user: Any, provider_type: str | None = None, use_cache: bool = True
) -> AIResult:
    """Serve one AI request: cache, quota, the provider chain with retries and fallback. A
    request of a task registered with a `check` (AIRequest.of_task) gets one more try when its
    answer breaks a rule, with the rule named; what the answer still breaks is its
    `problems`."""
    result = _serve(request, user=user, provider_type=provider_type, use_cache=use_cache)
    check = request.check
    if check is None:
        return result
    problems = check.problems(result.data, request.check_context)
    if not problems:
        return result
    named = "; ".join(problem.rstrip(".") for problem in problems)
    again = replace(request, feedback=check.retry_prompt.format(named))
    try:
        retry = _serve(again, user=user, provider_type=provider_type, use_cache=False)
    except AppError as exc:
        # The first answer is paid for and usable with its problems; better than nothing.
        logger.warning("Asking again after a broken rule failed (%s); keeping the first.", exc.code)
        return replace(result, problems=tuple(problems))
    return replace(retry, problems=tuple(check.problems(retry.data, request.check_context)))


def _serve(
    request: AIRequest, *, user: Any, provider_type: str | None, use_cache: bool
) -> AIResult:
    call = Call.open(request, user=user, provider_type=provider_type)
    if use_cache and (hit := call.cached()) is not None:
        return call.restored(hit)
    with call_slot(call):  # or 503 at once: before the quota and any vendor call
        call.reserve()
        try:
            result = run_chain(call)
        finally:
            call.settle()  # after a failure; a success settled with its log row
    call.cache(result)
    return call.restored(result)


# What a rate-limited provider that named no wait is taken to mean.
DEFAULT_RETRY_AFTER = 5

# One try at one provider: returns what the caller gets back (an AIResult, or a stream's
# first piece) or raises AttemptFailed.
Attempt = Callable[[Call, Route, AIRequest], Any]


def run_chain(call: Call, try_once: Attempt = attempt) -> Any:
    """What the first provider to serve the call returned, or the call's error raised."""
    call.deadline = time.monotonic() + settings.AI_CALL_BUDGET
    failures: list[AttemptFailed] = []
    for route in call.chain:
        if route.free is False and time.monotonic() >= call.deadline:
            continue  # out of budget: only the offline provider, which costs nothing, runs
        if route.unusable:
            failures.append(skip_unusable(call, route))
            continue
        if route.free and refused(failures):
            continue  # a model refused the content: the offline provider must not answer it
        served = _Route(call, route, try_once, failures).run()
        if served is not None:
            return served.value
    raise final_error(call, failures)


@dataclass
class _Served:
    value: Any


@dataclass
class _Route:
    """The attempts at one provider of the chain."""

    call: Call
    route: Route
    try_once: Attempt
    failures: list[AttemptFailed]
    repaired: bool = False
    retries: int = 0
    tried: set[str] = field(default_factory=set)

    def run(self) -> _Served | None:
        request: AIRequest | None = self.call.request
        while request is not None:
            allowed = breaker_allows(self.route.key)
            if allowed is False:
                return None
            try:
                value = self.try_once(self.call, self.route, request)
            except AttemptFailed as failure:
                self.failures.append(failure)
                if failure.kind != BAD_REQUEST and not failure.answered:
                    breaker_record_failure(self.route.key)
                request = self._next(request, failure)
                continue
            breaker_record_success(self.route.key, allowed)
            return _Served(value)
        return None

    def _next(self, request: AIRequest, failure: AttemptFailed) -> AIRequest | None:
        """The request of this provider's next attempt after `failure`, or None to move on."""
        if failure.kind in ANSWERED or failure.unsupported:
            return retry_request(
                failure,
                provider_type=self.route.provider_type,
                model=self.route.model_for(self.call.tier),
                request=request,
                tried=self.tried,
                deadline=self.call.deadline,
            )
        if failure.kind == BAD_OUTPUT:
            # The provider answered, unusably: one repair with the problem named, as a person
            # would ask again; a second unusable answer moves on.
            if self.repaired or time.monotonic() >= self.call.deadline:
                return None
            self.repaired = True
            first = self.call.request
            return replace(first, prompt=repair_prompt(first.prompt, failure.problem))
        delay = backoff_seconds(self.retries, failure.retry_after)
        self.retries += 1
        if (
            not failure.retryable
            or self.retries >= settings.AI_MAX_ATTEMPTS_PER_PROVIDER
            or (failure.retry_after or 0) > settings.AI_RETRY_AFTER_MAX
            or time.monotonic() + delay >= self.call.deadline
        ):
            return None
        time.sleep(delay)
        return request


def repair_prompt(prompt: str, problem: str) -> str:
    """The same request with what was wrong with the answer fed back, for its one repair."""
    return (
        f"{prompt}\n\nYour previous answer was rejected: {problem}. Answer again with valid JSON."
    )


def final_error(call: Call, failures: list[AttemptFailed]) -> errors.AppError:
    if not failures:  # every provider's circuit is open: no attempt, but not unlogged
        error = errors.ServiceUnavailable(
            "Every AI provider is failing right now and is paused; try again in a minute.",
            retry_after=settings.AI_BREAKER_COOLDOWN,
        )
        call.log(
            status=UsageLog.Status.ERROR,
            error_code=error.code,
            error_message="circuit open for: " + ", ".join(r.name for r in call.chain),
        )
        return error
    if none_answered := all_refused(failures):
        return none_answered
    if busy := busy_error(failures):
        return busy
    messages = list(dict.fromkeys(f.error.message for f in failures))
    if len(messages) == 1:
        return failures[-1].error
    joined = "; ".join(messages)
    kinds = {f.kind for f in failures}
    if kinds == {BAD_OUTPUT}:
        return errors.BadAIOutput(f"No AI provider gave a usable answer: {joined}")
    if kinds == {TIMEOUT}:
        return errors.ProviderTimeout(f"No AI provider could serve the request: {joined}")
    return errors.ProviderFailed(f"No AI provider could serve the request: {joined}")


def busy_error(failures: list[AttemptFailed]) -> errors.ServiceUnavailable | None:
    """503 with Retry-After when every failed attempt was a provider asking us to wait (429
    rate limits), not a 502: the request was fine and will pass later."""
    if not failures or any(f.kind != RATE_LIMITED for f in failures):
        return None
    waits = [f.retry_after for f in failures if f.retry_after]
    retry_after = math.ceil(max(waits)) if waits else DEFAULT_RETRY_AFTER
    return errors.ServiceUnavailable(
        "Every AI provider is rate limiting us right now; try again "
        f"in {retry_after} second{'s' if retry_after != 1 else ''}.",
        retry_after=retry_after,
    )
