"""The one door every AI call goes through: plan → tier → provider chain → call → log.

docs/architecture.md walks through one call. Every attempt, served or failed, leaves one
UsageLog row.

Longer than our usual modules: the steps of one call (cache, quota, chain, attempt, repair,
log, settle) share a private `_Call` and read best top to bottom in one place; the credentials
test reuses the same attempt.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import jsonschema
from django.conf import settings
from django.db import connection
from django.utils import timezone

from billing.hotpath import prepared_cursor
from billing.limits import OwnLimits
from billing.quotas import Reservation, quota_reserve, quota_settle
from core import errors, validation
from orchestrator.plans import plan_and_own_limits

from . import outcomes, pricing, privacy, quota_headers, result_cache, snapshot
from .admission import call_slot
from .attempts import hold_spec
from .budget import attempt_timeout, busy_error
from .catalogue import shutdown_date
from .hotpath import as_stored, usage_insert
from .models import ProviderConfig, UsageCapture, UsageLog
from .policy import tier_for
from .providers import (
    BAD_OUTPUT,
    BAD_REQUEST,
    BILLING,
    TIMEOUT,
    ProviderError,
    ProviderReply,
    adapter_class,
    scrub,
)
from .registry import PROVIDER_TEST, AITaskSpec
from .resilience import (
    backoff_seconds,
    breaker_allows,
    breaker_record_failure,
    breaker_record_success,
)
from .routes import Route, base_url_refusal, route_for
from .selectors import provider_chain, routing_rules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AIResult:
    text: str
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal
    latency_ms: int
    cached: bool = False
    data: Any = None  # the parsed JSON when a response_schema was given
    usage_log_id: int | None = None
    provider_config_id: int | None = None
    tier: str = ""


@dataclass
class _Call:
    """What one generate() call knows, shared by its attempts and their log rows."""

    user: Any
    task: str
    plan: str
    tier: str
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attempts: int = 0
    tokens_spent: int = 0  # over all attempts: settles the quota reservation
    cost_spent: Decimal = Decimal(0)
    reservation: Reservation | None = None
    shield: privacy.Shield = privacy.NO_SHIELD  # the placeholders of the user's personal values
    deadline: float = float("inf")  # time.monotonic() when the call's budget is spent

    def settle(self) -> None:
        """Once per call: the reservation becomes what all its attempts really used."""
        if self.reservation is not None:
            quota_settle(self.reservation, tokens=self.tokens_spent, cost=self.cost_spent)
            self.reservation = None

    def log(
        self,
        route: Route | None = None,
        model: str = "",
        *,
        settle: bool = False,
        sent: dict[str, Any] | None = None,
        answer: str = "",
        **fields: Any,
    ) -> UsageLog:
        """Write one attempt's row; with `settle`, the call's quota settlement commits with it
        (they must agree, and one commit instead of two is most of the saving). With capture
        on, what was `sent` and the `answer` are kept beside it."""
        fields.setdefault(
            "total_tokens", fields.get("input_tokens", 0) + fields.get("output_tokens", 0)
        )
        if route is not None:
            fields.update(provider_config_id=route.config_id, provider_type=route.provider_type)
        if fields.get("error_message"):  # a second line of defence: no stored message holds a key
            fields["error_message"] = scrub(fields["error_message"], route.api_key if route else "")
        row = UsageLog(
            user=self.user if self.user is not None and self.user.pk else None,
            model=model,
            task_type=self.task,
            plan=self.plan,
            tier=self.tier,
            request_id=self.request_id,
            attempt=max(1, self.attempts),
            **fields,
        )
        statement = usage_insert(row)
        if settle and self.reservation is not None:
            (row.pk,) = quota_settle(
                self.reservation, tokens=self.tokens_spent, cost=self.cost_spent, along=statement
            )
            self.reservation = None
        else:
            with prepared_cursor() as cursor:
                cursor.execute(*statement)
                (row.pk,) = cursor.fetchone()
        as_stored(row)
        if sent is not None and settings.AI_CAPTURE_PAYLOADS:
            _capture(row, sent, answer, route.api_key if route is not None else "")
        return row


def _capture(row: UsageLog, sent: dict[str, Any], answer: str, api_key: str) -> None:
    """Keep an attempt's prompt and answer, keys scrubbed (a user may paste one, a vendor may
    echo one); an image is named, not stored."""
    prompt = sent["prompt"]
    if sent.get("image"):
        prompt = f"[image: {sent.get('image_mime')}, {len(sent['image']):,} bytes]\n{prompt}"
    UsageCapture.objects.create(
        usage_log_id=row.pk,
        system_prompt=scrub(sent.get("system_prompt") or "", api_key),
        prompt=scrub(prompt, api_key),
        answer=scrub(answer, api_key),
        created_at=row.created_at,
    )


class _AttemptFailed(Exception):
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


UNUSABLE = "unusable"  # a chain link that could not be called at all (see Route.unusable)


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
) -> AIResult:
    """Serve one AI request: cache, quota, the provider chain with retries and fallback.
    `personal` values go to the vendor only as placeholders (orchestrator.privacy)."""
    opened = _open_call(
        user=user,
        task=task,
        provider_type=provider_type,
        personal=personal,
        request=request_of(
            prompt=prompt,
            image=image,
            image_mime=image_mime,
            system_prompt=system_prompt,
            temperature=temperature,
            max_tokens=max_tokens,
            response_schema=response_schema,
        ),
    )
    in_json = response_schema is not None
    if use_cache and (hit := result_cache.result_get(opened.key)) is not None:
        hit_result = _serve_hit(opened.call, hit, opened.started, opened.request)
        return opened.call.shield.restore(hit_result, in_json=in_json)
    with call_slot(opened.call):  # or 503 at once: before the quota and any vendor call
        _reserve_quota(opened)
        try:
            result = _run_chain(opened.call, opened.chain, opened.request)
        finally:
            opened.call.settle()  # after a failure; a success settled with its log row
    cache_if_intended(opened, result)
    return opened.call.shield.restore(result, in_json=in_json)


@dataclass
class _Opened:
    """A call with its chain, request and cache key, before the cache and the quota."""

    call: _Call
    plan: Any
    chain: list[Route]
    request: dict[str, Any]
    intended: Route  # the route the request is meant for: the cache answers only in its name
    key: str
    started: float
    own_limits: OwnLimits | None = None  # the user's own limits, in place of the plan's


def request_of(
    *,
    prompt: str,
    image: bytes | None,
    image_mime: str | None,
    system_prompt: str | None,
    temperature: float | None,
    max_tokens: int | None,
    response_schema: dict | None,
) -> dict[str, Any]:
    """What an adapter is asked, as generate() and generate_stream() hand it on."""
    return dict(
        prompt=prompt,
        image=image,
        image_mime=image_mime or (image and sniff_image_mime(image)),
        system_prompt=system_prompt,
        temperature=temperature,
        max_tokens=max_tokens,
        json_schema=response_schema,
    )


def _open_call(
    *,
    user: Any,
    task: str,
    provider_type: str | None,
    request: dict[str, Any],
    personal: Mapping[str, str] | None = None,
) -> _Opened:
    """Plan, tier and chain of one request (a chain with no provider is logged and raised).
    From here on the request holds placeholders for the `personal` values: the cache key, the
    capture, every provider (the offline one too) see only those."""
    started = time.perf_counter()
    plan, own_limits = plan_and_own_limits(user=user)
    call = _Call(
        user=user, task=task, plan=plan.code, tier=tier_for(plan.code, task, routing_rules())
    )
    call.shield = privacy.shield_for(personal)
    request = call.shield.hide(request)
    quota_headers.call_opened(call=call, plan=plan, own=own_limits)
    chain = provider_chain(provider_type=provider_type)
    if request["image"] is not None:
        # The offline provider cannot see images: falling back to it would only hide the
        # real error behind "offline refused the request".
        chain = [route for route in chain if route.provider_type != "offline"]
    if not chain:
        error = errors.NoProviderConfigured(
            f'No active provider of type "{provider_type}" is configured.'
            if provider_type
            else None
        )
        call.log(status=UsageLog.Status.ERROR, error_code=error.code, error_message=error.message)
        raise error
    usable = [route for route in chain if not route.unusable]
    intended = usable[0] if usable else chain[0]
    key = result_cache.result_key(
        task=task,
        route=intended,
        model=intended.model_for(call.tier),
        request=request,
        user_id=_user_id(user),
    )
    return _Opened(call, plan, chain, request, intended, key, started, own_limits)


def _user_id(user: Any) -> int | None:
    return user.pk if user is not None and user.pk else None


def _reserve_quota(opened: _Opened) -> None:
    """Free answers take no quota: a chain of only the offline provider reserves nothing (and
    so is never refused for a used-up quota); with a vendor in it, the reservation is for the
    first vendor, and settles to zero if the offline provider ends up answering."""
    call, request, user_id = opened.call, opened.request, _user_id(opened.call.user)
    paid = next((r for r in opened.chain if not r.unusable and not r.free), None)
    if user_id is None or paid is None:
        return
    tokens = estimate_tokens(request)
    # An unpriced model is reserved at the ceiling price (pricing.py), never at $0.
    model = paid.model_for(call.tier)
    rates = pricing.rates_for(provider_type=paid.provider_type, model=model)
    estimate = rates.cost(
        input_tokens=tokens - _max_tokens(request),
        output_tokens=_max_tokens(request),
        cached_input_tokens=0,
    )
    try:
        call.reservation = quota_reserve(
            user_id=user_id,
            plan=opened.plan,
            own=opened.own_limits,
            tokens=tokens,
            cost=estimate,
            hold=hold_spec(call, paid, model, input_tokens=tokens - _max_tokens(request)),
        )
        quota_headers.call_reserved(call=call)
    except errors.QuotaExceeded as exc:
        call.log(status=UsageLog.Status.ERROR, error_code=exc.code, error_message=exc.message)
        raise


def cache_if_intended(opened: _Opened, result: AIResult) -> None:
    """Only an answer from the route the request was meant for is kept for the next one."""
    if _served_by(result, opened.intended, opened.call.tier):
        try:
            result_cache.result_set(opened.key, result)
        except Exception:  # a paid answer is never lost to its cache write
            logger.warning("Could not cache an AI result", exc_info=True)


def _served_by(result: AIResult, route: Route, tier: str) -> bool:
    return (result.provider, result.provider_config_id, result.model) == (
        route.provider_type,
        route.config_id,
        route.model_for(tier),
    )


def _serve_hit(call: _Call, hit: dict[str, Any], started: float, sent: dict[str, Any]) -> AIResult:
    """A cached answer: free, no quota, logged with the money it saved."""
    latency_ms = _ms_since(started)
    saved = Decimal(hit["cost_usd"])
    # The config that served it may have been deleted since; the answer is still good.
    config_id = hit["provider_config_id"]
    if config_id not in snapshot.current().config_ids:
        config_id = None
    row = call.log(
        model=hit["model"],
        provider_type=hit["provider"],
        provider_config_id=config_id,
        status=UsageLog.Status.SUCCESS,
        cache_hit=True,
        saved_cost_usd=saved,
        latency_ms=latency_ms,
        sent=sent,
        answer=hit["text"],
    )
    return AIResult(
        text=hit["text"],
        provider=hit["provider"],
        model=hit["model"],
        input_tokens=hit["input_tokens"],
        output_tokens=hit["output_tokens"],
        cost_usd=Decimal(0),
        latency_ms=latency_ms,
        cached=True,
        data=hit["data"],
        usage_log_id=row.pk,
        provider_config_id=config_id,
        tier=row.tier,
    )


def _run_chain(
    call: _Call,
    chain: list[Route],
    request: dict[str, Any],
    attempt: Callable[[_Call, Route, dict[str, Any]], Any] | None = None,
) -> Any:
    """Each provider in turn: retry what may pass, repair an unusable answer once, skip what
    is open or cannot be called, stop at the budget. Any failure of one provider, an unusable
    answer included, moves on to the next. `attempt` (by default `_attempt`) makes one try and
    returns what the caller gets back; a stream's returns once its first piece arrived."""
    attempt = attempt or _attempt
    deadline = call.deadline = time.monotonic() + settings.AI_CALL_BUDGET
    failures: list[_AttemptFailed] = []
    for route in chain:
        if route.free is False and time.monotonic() >= deadline:
            continue  # out of budget: only the offline provider, which costs nothing, runs
        if route.unusable:
            failures.append(_skip_unusable(call, route))
            continue
        if route.free and outcomes.refused(failures):
            continue  # a model refused the content: the offline provider must not answer it
        attempt_request, repaired, retry, tried = request, False, 0, set()
        while True:
            allowed = breaker_allows(route.key)
            if allowed is False:
                break
            try:
                result = attempt(call, route, attempt_request)
            except _AttemptFailed as failure:
                failures.append(failure)
                if failure.kind != BAD_REQUEST and not failure.answered:
                    breaker_record_failure(route.key)
                if failure.kind in outcomes.ANSWERED or failure.unsupported:
                    attempt_request = outcomes.retry_request(
                        failure,
                        provider_type=route.provider_type,
                        model=route.model_for(call.tier),
                        request=attempt_request,
                        tried=tried,
                        deadline=deadline,
                    )
                    if attempt_request is None:
                        break
                    continue
                if failure.kind == BAD_OUTPUT:
                    # The provider answered, unusably: one repair with the problem named,
                    # as a person would ask again; a second unusable answer moves on.
                    if repaired or time.monotonic() >= deadline:
                        break
                    repaired = True
                    attempt_request = {
                        **request,
                        "prompt": repair_prompt(request["prompt"], failure.problem),
                    }
                    continue
                delay = backoff_seconds(retry, failure.retry_after)
                retry += 1
                if (
                    not failure.retryable
                    or retry >= settings.AI_MAX_ATTEMPTS_PER_PROVIDER
                    or (failure.retry_after or 0) > settings.AI_RETRY_AFTER_MAX
                    or time.monotonic() + delay >= deadline
                ):
                    break
                time.sleep(delay)
                continue
            breaker_record_success(route.key, allowed)
            return result
    raise _final_error(call, chain, failures)


def repair_prompt(prompt: str, problem: str) -> str:
    """The same request with what was wrong with the answer fed back, for its one repair."""
    return (
        f"{prompt}\n\nYour previous answer was rejected: {problem}. Answer again with valid JSON."
    )


def _skip_unusable(call: _Call, route: Route) -> _AttemptFailed:
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
    return _AttemptFailed(error, kind=UNUSABLE, retryable=False)


def _final_error(
    call: _Call, chain: list[Route], failures: list[_AttemptFailed]
) -> errors.AppError:
    if not failures:  # every provider's circuit is open: no attempt, but not unlogged
        error = errors.ServiceUnavailable(
            "Every AI provider is failing right now and is paused; try again in a minute.",
            retry_after=settings.AI_BREAKER_COOLDOWN,
        )
        call.log(
            status=UsageLog.Status.ERROR,
            error_code=error.code,
            error_message="circuit open for: " + ", ".join(r.name for r in chain),
        )
        return error
    if refused := outcomes.all_refused(failures):
        return refused
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


def _attempt(call: _Call, route: Route, request: dict[str, Any]) -> AIResult:
    """One call to one provider, logged whatever happens."""
    call.attempts += 1
    model = route.model_for(call.tier)
    refuse_if_personal(call, route, model, request)
    _release_db_connection()
    started = time.perf_counter()
    try:
        reply = adapter_for(route, call).generate(
            model=model,
            task=call.task,
            tier=call.tier,
            **outcomes.with_remembered(route.provider_type, model, request),
        )
    except Exception as exc:
        raise attempt_failed(call, route, model, exc, started, sent=request) from None
    return attempt_done(call, route, model, reply, _ms_since(started), request)


def refuse_if_personal(call: _Call, route: Route, model: str, request: dict[str, Any]) -> None:
    """The last look before a request leaves: a known personal value still in it stops the
    call (logged, never sent); placeholders make this never happen in normal operation."""
    if (leaked := call.shield.leak(request)) is not None:
        error = errors.PIIBlocked()
        call.log(
            route,
            model,
            status=UsageLog.Status.ERROR,
            error_code=error.code,
            error_message=f"Stopped before sending: the request still held {leaked}.",
        )
        raise error


def adapter_for(route: Route, call: _Call) -> Any:
    timeout = attempt_timeout(
        settings.AI_TIMEOUTS.get(call.task, settings.AI_TIMEOUTS["default"]), call.deadline
    )
    return adapter_class(route.provider_type)(
        api_key=route.api_key, base_url=route.base_url or None, timeout=timeout
    )


def attempt_failed(
    call: _Call,
    route: Route,
    model: str,
    exc: Exception,
    started: float,
    used: ProviderReply | None = None,
    *,
    sent: dict[str, Any] | None = None,
) -> _AttemptFailed:
    """Log a failed attempt (with the tokens it `used`, or those the vendor's error says it
    spent: they count against the quota too, and what was `sent`, for the capture) and say how
    the chain should take it."""
    if used is None and isinstance(exc, ProviderError):
        used = exc.spent
    usage = dict(_spent(call, route, model, used) if used is not None else {})
    usage["latency_ms"] = _ms_since(started)
    if isinstance(exc, ProviderError):
        error = _app_error(exc, route)
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
        failed = _AttemptFailed(
            error,
            kind=exc.kind,
            retryable=exc.retryable,
            retry_after=exc.retry_after,
            problem=exc.message,
            answered=exc.kind in outcomes.ANSWERED,
        )
        failed.unsupported = exc.unsupported
        return failed
    # An SDK surprise must still leave its row, and no key.
    message = scrub(f"{type(exc).__name__}: {exc}", route.api_key)
    logger.error("Unexpected failure calling %s", route.name, exc_info=exc)
    call.log(
        route,
        model,
        status=UsageLog.Status.ERROR,
        error_code=errors.ProviderFailed.code,
        error_message=message,
        sent=sent,
        **usage,
    )
    error = errors.ProviderFailed(f"The AI provider {route.name} failed unexpectedly.")
    return _AttemptFailed(error, kind="unexpected", retryable=False)


def attempt_done(
    call: _Call,
    route: Route,
    model: str,
    reply: ProviderReply,
    latency_ms: int,
    request: dict[str, Any],
) -> AIResult:
    """A provider's answer: checked against the schema, logged, and the call's quota settled
    with its row."""
    usage = dict(_spent(call, route, model, reply), latency_ms=latency_ms)
    data = None
    if request["json_schema"] is not None:
        try:
            data = parse_json_answer(reply.text, request["json_schema"])
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
            raise _AttemptFailed(
                error, kind=BAD_OUTPUT, retryable=False, problem=problem, answered=True
            ) from None
    row = call.log(
        route,
        model,
        settle=True,
        status=UsageLog.Status.SUCCESS,
        sent=request,
        answer=reply.text,
        **usage,
    )
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
    )


def _spent(call: _Call, route: Route, model: str, reply: ProviderReply) -> dict[str, Any]:
    """An attempt's tokens and their cost, as its log row holds them; a paid provider's also
    count towards the call's quota settlement (a free one's are logged all the same)."""
    cost, price_source = pricing.call_cost(
        provider_type=route.provider_type,
        model=model,
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        cached_input_tokens=reply.cached_input_tokens,
    )
    if not route.free:
        call.tokens_spent += reply.input_tokens + reply.output_tokens
        call.cost_spent += cost
    return dict(
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        cached_input_tokens=reply.cached_input_tokens,
        cost_usd=cost,
        price_source=price_source,
    )


def _release_db_connection() -> None:
    """Give the pooled DB connection back while the vendor thinks (often seconds): holding
    it would cap concurrent AI calls at the database's connection limit. Only with a pool,
    where taking it again is free, and never inside a transaction."""
    if connection.settings_dict.get("OPTIONS", {}).get("pool") and not connection.in_atomic_block:
        connection.close()


def _max_tokens(request: dict[str, Any]) -> int:
    return request["max_tokens"] or settings.AI_DEFAULT_MAX_TOKENS


def estimate_tokens(request: dict[str, Any]) -> int:
    """What to reserve: ~4 characters a token for the text, a flat allowance for an image
    (vendors bill a screenshot at roughly 250-1,600 tokens), plus the most it may answer."""
    text = len(request["prompt"]) + len(request["system_prompt"] or "")
    image = 1600 if request["image"] else 0
    return text // 4 + 1 + image + _max_tokens(request)


def _app_error(exc: ProviderError, route: Route) -> errors.AppError:
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


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


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


def sniff_image_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def task_request(
    task: AITaskSpec,
    *,
    prompt: str,
    image: bytes | None = None,
    image_mime: str | None = None,
    system_prompt: str | None = None,
    personal: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """generate()'s (or generate_stream()'s) arguments for a call of a registered task: what
    its registration says every call sends. Streamed or not, the same request, and so the same
    cached answer. `personal`: the user's personal values, for a task registered `personal`."""
    if task.personal and personal is None:
        personal = privacy.MISSING  # refused before it leaves, never sent as it is
    return dict(
        task=task.name,
        personal=personal,
        prompt=prompt,
        image=image,
        image_mime=image_mime,
        system_prompt=system_prompt or task.system_prompt,
        response_schema=task.response_schema,
        temperature=task.temperature,
    )


def generate_task(
    *,
    user: Any,
    task: AITaskSpec,
    prompt: str,
    image: bytes | None = None,
    image_mime: str | None = None,
    system_prompt: str | None = None,
    provider_type: str | None = None,
    use_cache: bool = True,
    personal: Mapping[str, str] | None = None,
) -> AIResult:
    """generate() for a registered task (task_request)."""
    return generate(
        user=user,
        **task_request(
            task,
            prompt=prompt,
            image=image,
            image_mime=image_mime,
            system_prompt=system_prompt,
            personal=personal,
        ),
        provider_type=provider_type,
        use_cache=use_cache,
    )


@dataclass(frozen=True)
class ProviderTestResult:
    ok: bool
    message: str
    warnings: tuple[str, ...] = ()


_TEST_REQUEST = dict(
    prompt="Reply with the word OK.",
    image=None,
    image_mime=None,
    system_prompt=None,
    temperature=0.0,
    max_tokens=16,
    json_schema=None,
)


def provider_test(*, config: Any, user: Any = None) -> ProviderTestResult:
    """A cheap real call to the config's fast model and one to its quality model, then the
    vendor's model list: the outcome (and what an admin should fix) is stored on the config.
    A config saved as "active once a test passes" is activated by its first passing test."""
    try:
        route = route_for(config)
        answered: list[str] = []
        if route.base_url and (refusal := base_url_refusal(route.base_url)):
            route = replace(route, unusable=refusal)  # refused before any connection
        for tier, model in dict.fromkeys(
            [("fast", route.fast_model), ("quality", route.quality_model)]
        ):
            if route.unusable:  # no vendor call: the failed attempt is logged, the test fails
                _skip_unusable(_Call(user=user, task=PROVIDER_TEST.name, plan="", tier=tier), route)
                outcome = ProviderTestResult(False, f"{config.name}: failed — {route.unusable}")
                break
            if answered and model == route.fast_model:
                continue  # one model for both tiers: tested once
            call = _Call(user=user, task=PROVIDER_TEST.name, plan="", tier=tier)
            try:
                result = outcomes.attempt_healed(
                    functools.partial(_attempt, call, route),
                    dict(_TEST_REQUEST),
                    provider_type=route.provider_type,
                    model=model,
                )
            except _AttemptFailed as exc:
                row = UsageLog.objects.filter(request_id=call.request_id).first()
                detail = row.error_message if row else exc.error.message
                outcome = ProviderTestResult(False, f"{config.name}: failed — {model}: {detail}")
                break
            answered.append(f"{result.model} answered in {result.latency_ms} ms")
        else:
            outcome = ProviderTestResult(
                True, f"{config.name}: OK ({', '.join(answered)}).", tuple(model_warnings(route))
            )
    except Exception as exc:  # e.g. a key that no longer decrypts
        outcome = ProviderTestResult(
            False, f"{config.name}: failed — {type(exc).__name__}: {scrub(str(exc))}"
        )
    fields: dict[str, Any] = dict(
        last_tested_at=timezone.now(),
        last_test_status=ProviderConfig.TestStatus.OK
        if outcome.ok
        else ProviderConfig.TestStatus.FAILED,
        last_test_message=scrub(outcome.message)[:2000],
        last_test_warnings=list(outcome.warnings),
    )
    configs = ProviderConfig.objects.filter(pk=config.pk)
    configs.update(**fields)
    # Decided by the row, not by `config`: an admin may have (de)activated it meanwhile.
    if outcome.ok and configs.filter(activate_when_tested=True).update(
        is_active=True, activate_when_tested=False
    ):
        snapshot.bump()  # update() sends no signal: the chain must see the new provider
    return outcome


def model_warnings(route: Route) -> list[str]:
    """What an admin should fix about a route's models: not in the list of models its key can
    see, being retired (the vendor's list or the catalogue says so), or unpriced."""
    warnings: list[str] = []
    listed: dict[str, str | None] | None = None
    timeout = settings.AI_TIMEOUTS["default"]
    adapter = adapter_class(route.provider_type)(
        api_key=route.api_key, base_url=route.base_url or None, timeout=timeout
    )
    list_models = getattr(adapter, "list_models", None)  # the offline provider has no list
    if list_models is not None:
        try:
            listed = list_models()
        except ProviderError as exc:
            warnings.append(
                f"Could not list the models this key can see ({exc.kind}: "
                f"{scrub(exc.message, route.api_key)})."
            )
    for model in dict.fromkeys([route.fast_model, route.quality_model]):
        if listed is not None and model not in listed:
            warnings.append(f"{model} is not among the {len(listed)} models this key can see.")
        retiring = (
            (listed or {}).get(model)
            or shutdown_date(route.provider_type, model)
            or ("deprecated" if pricing.library_deprecated(route.provider_type, model) else None)
        )
        if retiring:
            warnings.append(f"{model} is being retired ({retiring}); choose a current model.")
        if pricing.rates_for(provider_type=route.provider_type, model=model).source == (
            pricing.UNPRICED
        ):
            warnings.append(
                f"{model} is unpriced: its calls are charged at the ceiling price until a "
                "Model price row prices it."
            )
    return warnings + outcomes.healing_warnings(
        route.provider_type, [route.fast_model, route.quality_model]
    )


def provider_test_active() -> list[ProviderTestResult]:
    """Test every active config (the daily re-test): a key that stopped working raises the
    failing-credentials alert without waiting for users to meet it."""
    configs = ProviderConfig.objects.filter(is_active=True).order_by("priority", "pk")
    return [provider_test(config=config) for config in configs]
