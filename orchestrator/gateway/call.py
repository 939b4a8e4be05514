"""One AI call: what it knows, and the steps it owns before and after its attempts.

`Call.open` finds the plan, the tier and the provider chain of a request, hides the user's
personal values behind placeholders and keys the result cache; the call then serves a cached
answer, or reserves its quota, and every attempt is logged through `Call.log`. The call
settles its quota once, with the row of the attempt that served it when there is one.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from billing.holds import HoldSpec
from billing.hotpath import prepared_cursor
from billing.quotas import Limits, OwnLimits, Reservation, quota_reserve, quota_settle
from core import errors

from .. import pricing, privacy, result_cache, snapshot
from ..hotpath import as_stored, usage_insert
from ..models import UsageCapture, UsageLog
from ..providers import ProviderReply, scrub
from ..registry import prompt_choose, task_get, tier_for
from ..request import AIRequest
from ..snapshot import Route

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
    data: Any = None  # the parsed JSON when the request had a json_schema
    usage_log_id: int | None = None
    provider_config_id: int | None = None
    tier: str = ""
    problems: tuple[str, ...] = ()  # what the task's output check still finds (AITaskSpec.check)
    prompt_version: str = ""  # the prompt version the call sent ("cover_letter@3")


@dataclass
class CallNote:
    """The request's AI call as its quota headers need it. The call writes it and the HTTP
    edge (orchestrator/edge.py) reads it once the view has answered, to write the `X-Quota-*`
    headers: neither calls the other. It holds the user's limits (read once, when the call
    opens), the call (its tokens and cost spent) and, once the quota is reserved, the
    reservation, whose statement returned the user's totals: the edge needs no query of its
    own on a paid call."""

    user_id: int
    limits: Limits
    call: Call
    reservation: Reservation | None = None


# The note of the request being served; the edge's middleware starts each request with None.
call_note: ContextVar[CallNote | None] = ContextVar("quota_headers_call_note", default=None)


@dataclass
class Call:
    """What one call knows, shared by its attempts and their log rows."""

    user: Any
    task: str
    plan: str
    tier: str
    request: AIRequest | None = None  # with placeholders for the personal values
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attempts: int = 0
    tokens_spent: int = 0  # over all attempts: settles the quota reservation
    cost_spent: Decimal = Decimal(0)
    reservation: Reservation | None = None
    shield: privacy.Shield = privacy.NO_SHIELD  # the placeholders of the user's personal values
    deadline: float = float("inf")  # time.monotonic() when the call's budget is spent
    chain: list[Route] = field(default_factory=list)
    intended: Route | None = None  # the route meant for the request: the cache answers for it
    key: str = ""  # the result cache's
    started: float = 0.0
    plan_row: Any = None
    own_limits: OwnLimits | None = None  # the user's own limits, in place of the plan's
    prompt_version: str = ""  # on every row of the call, in its result and its cache key
    # The admin's price rows as the call opened: once the vendor has answered, nothing may ask
    # the database before the row is kept (a config snapshot's version check, timing out for a
    # pooled connection under overload, lost the answer's row and its tokens).
    prices: Mapping[tuple[str, str], Any] | None = None
    # Rows whose own write failed (the database out of reach, or out of connections under
    # overload), with their INSERT and payload capture: written by settle(), the last with
    # the settlement.
    unwritten: list[Unwritten] = field(default_factory=list)

    @classmethod
    def open(cls, request: AIRequest, *, user: Any, provider_type: str | None) -> Call:
        """Plan, tier and chain of one request (a chain with no provider is logged and
        raised). From here on the request holds placeholders for the personal values: the
        cache key, the capture, every provider (the offline one too) see only those."""
        started = time.perf_counter()
        plan, own_limits = snapshot.plan_and_own_limits(user=user)
        config = snapshot.current()
        tier = tier_for(plan.code, request.task, config.rules)
        call = cls(user=user, task=request.task, plan=plan.code, tier=tier, started=started)
        call.prices = config.prices
        call.plan_row, call.own_limits = plan, own_limits
        request = call.prompt_chosen(request)
        call.shield = privacy.shield_for(request.personal)
        call.request = call.shield.hide(request)
        if call.user_id is not None:
            call_note.set(CallNote(call.user_id, Limits.of(plan, own_limits), call))
        chain = snapshot.provider_chain(provider_type=provider_type)
        if request.image is not None:
            # The offline provider cannot see images: falling back to it would only hide the
            # real error behind "offline refused the request".
            chain = [route for route in chain if route.provider_type != "offline"]
        if not chain:
            error = errors.NoProviderConfigured(
                f'No active provider of type "{provider_type}" is configured.'
                if provider_type
                else None
            )
            call.log(
                status=UsageLog.Status.ERROR, error_code=error.code, error_message=error.message
            )
            raise error
        usable = [route for route in chain if not route.unusable]
        call.chain, call.intended = chain, usable[0] if usable else chain[0]
        spec = task_get(call.task)
        call.key = result_cache.result_key(
            task=call.task,
            route=call.intended,
            model=call.intended.model_for(call.tier),
            request=call.request,
            user_id=call.user_id,
            shared=spec is not None and spec.shared_cache,
            prompt_version=call.prompt_version,
        )
        return call

    def prompt_chosen(self, request: AIRequest) -> AIRequest:
        """The request with the prompt version of this call: the plan decided the tier, the
        task's prompt version (an experiment's arm may name a tier of its own) decides the
        prompt within it. Before the shield: the rendered prompt holds the personal values. A
        request built by hand (not from the task's registration) is sent as it is."""
        choice = prompt_choose(request.task, self.user) if request.versioned else None
        if choice is None:
            prompt, system_prompt = request.prompt, request.system_prompt
        else:
            self.prompt_version, self.tier = choice.version, choice.tier or self.tier
            prompt = choice.render(request.variables, request.prompt)
            system_prompt = request.system_prompt or choice.system_prompt
        return replace(request, prompt=prompt + request.feedback, system_prompt=system_prompt)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None and self.user.pk else None

    def refuse_if_personal(self, route: Route, model: str, request: AIRequest) -> None:
        """The last look before a request leaves: a known personal value still in it stops the
        call (logged, never sent); placeholders make this never happen in normal operation."""
        if (leaked := self.shield.leak(request)) is not None:
            error = errors.PIIBlocked()
            self.log(
                route,
                model,
                status=UsageLog.Status.ERROR,
                error_code=error.code,
                error_message=f"Stopped before sending: the request still held {leaked}.",
            )
            raise error

    @property
    def answers_json(self) -> bool:
        """Whether the answer is JSON: a value put back in it is escaped as JSON text."""
        return self.request is not None and self.request.json_schema is not None

    def restored(self, result: AIResult) -> AIResult:
        """The answer with the user's personal values back in place of their placeholders."""
        return self.shield.restore(result, in_json=self.answers_json)

    def restored_stream(self, stream: Any) -> Any:
        """A streamed answer's pieces with the values back (its result too, once read)."""
        if not self.shield:  # no personal values in this call: the pieces as they come
            return stream.pieces
        return self.shield.restored_stream(stream, stream.pieces, in_json=self.answers_json)

    def cached(self) -> AIResult | None:
        """A cached answer, logged as served: free, no quota, with the money it saved."""
        hit = result_cache.result_get(self.key)
        if hit is None:
            return None
        latency_ms = ms_since(self.started)
        # The config that served it may have been deleted since; the answer is still good.
        config_id = hit["provider_config_id"]
        if config_id not in snapshot.current().config_ids:
            config_id = None
        row = self.log(
            model=hit["model"],
            provider_type=hit["provider"],
            provider_config_id=config_id,
            status=UsageLog.Status.SUCCESS,
            cache_hit=True,
            saved_cost_usd=Decimal(hit["cost_usd"]),
            latency_ms=latency_ms,
            sent=self.request,
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
            prompt_version=self.prompt_version,
        )

    def reserve(self) -> None:
        """Free answers take no quota: a chain of only the offline provider reserves nothing
        (and so is never refused for a used-up quota); with a vendor in it, the reservation
        is for the first vendor, and settles to zero if the offline provider ends up
        answering. Its hold is written before any vendor is called."""
        paid = next((r for r in self.chain if not r.unusable and not r.free), None)
        if self.user_id is None or paid is None or self.request is None:
            return
        request = self.request
        tokens, answer = request.estimated_tokens(), request.most_tokens
        # An unpriced model is reserved at the ceiling price (pricing.py), never at $0.
        model = paid.model_for(self.tier)
        rates = pricing.rates_for(provider_type=paid.provider_type, model=model, prices=self.prices)
        estimate = rates.cost(
            input_tokens=tokens - answer, output_tokens=answer, cached_input_tokens=0
        )
        try:
            self.reservation = quota_reserve(
                user_id=self.user_id,
                plan=self.plan_row,
                own=self.own_limits,
                tokens=tokens,
                cost=estimate,
                hold=self.hold(paid, model, input_tokens=tokens - answer),
            )
            if (note := call_note.get()) is not None and note.call is self:
                note.reservation = self.reservation
        except errors.QuotaExceeded as exc:
            self.log(status=UsageLog.Status.ERROR, error_code=exc.code, error_message=exc.message)
            raise

    def hold(self, route: Route, model: str, *, input_tokens: int) -> HoldSpec:
        """The call's record of itself before any vendor is called: its quota hold names the
        call (request id, task, route, the tokens it sends), so the reaper can write the
        call's usage row if its process dies before the call settles (orchestrator/reaper)."""
        return HoldSpec(
            request_id=self.request_id,
            input_tokens=max(input_tokens, 0),
            task_type=self.task,
            plan=self.plan,
            tier=self.tier,
            provider_type=route.provider_type,
            provider_config_id=route.config_id,
            model=model,
            prompt_version=self.prompt_version,
        )

    def spend(self, route: Route, model: str, reply: ProviderReply) -> dict[str, Any]:
        """An attempt's tokens and their cost, as its log row holds them; a paid provider's
        also count towards the call's quota settlement (a free one's are logged all the
        same)."""
        cost, price_source = pricing.call_cost(
            provider_type=route.provider_type,
            model=model,
            input_tokens=reply.input_tokens,
            output_tokens=reply.output_tokens,
            cached_input_tokens=reply.cached_input_tokens,
            prices=self.prices,
        )
        if not route.free:
            self.tokens_spent += reply.input_tokens + reply.output_tokens
            self.cost_spent += cost
        return dict(
            input_tokens=reply.input_tokens,
            output_tokens=reply.output_tokens,
            cached_input_tokens=reply.cached_input_tokens,
            cost_usd=cost,
            price_source=price_source,
        )

    def cache(self, result: AIResult) -> None:
        """Only an answer from the route the request was meant for is kept for the next one."""
        route = self.intended
        if route is None or (result.provider, result.provider_config_id, result.model) != (
            route.provider_type,
            route.config_id,
            route.model_for(self.tier),
        ):
            return
        try:
            result_cache.result_set(self.key, result)
        except Exception:  # a paid answer is never lost to its cache write
            logger.warning("Could not cache an AI result", exc_info=True)

    def settle(self) -> UsageLog | None:
        """Once per call (every door runs it at the end, whatever happened): the reservation
        becomes what all its attempts really used. A row whose write failed is written here,
        the last one with the settlement: its attempt was made, and maybe paid for, all the
        same. Settling without it would count the tokens and lose the row, and drop the hold
        from which the reaper would otherwise write it. Returns the last row it wrote; what
        it cannot write stays for the next try, or (the hold kept) for the reaper."""
        written = None
        if self.unwritten:
            connection.close_if_unusable_or_obsolete()  # a connection the failure broke
        while self.unwritten:
            late = self.unwritten[0]
            self._write(late.row, late.statement, settle=len(self.unwritten) == 1)
            written = self.unwritten.pop(0).row
            if late.capture is not None:
                _capture(written, *late.capture)
        if self.reservation is not None:
            quota_settle(self.reservation, tokens=self.tokens_spent, cost=self.cost_spent)
            self.reservation = None
        return written

    def log(
        self,
        route: Route | None = None,
        model: str = "",
        *,
        settle: bool = False,
        sent: AIRequest | None = None,
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
            user=self.user if self.user_id is not None else None,
            model=model,
            task_type=self.task,
            plan=self.plan,
            tier=self.tier,
            request_id=self.request_id,
            attempt=max(1, self.attempts),
            prompt_version=self.prompt_version,
            **fields,
        )
        statement = usage_insert(row)
        capture = None
        if sent is not None and settings.AI_CAPTURE_PAYLOADS:
            capture = (sent, answer, route.api_key if route is not None else "")
        try:
            self._write(row, statement, settle=settle)
        except DatabaseError:
            self.unwritten.append(Unwritten(row, statement, capture))  # for settle()
            raise
        if capture is not None:
            _capture(row, *capture)
        return row

    def _write(self, row: UsageLog, statement: tuple[str, list], *, settle: bool) -> None:
        """The row's INSERT; with `settle`, in one statement with the quota settlement."""
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


@dataclass(frozen=True)
class Unwritten:
    """A row whose write failed, kept for `Call.settle`: its INSERT, and what capture keeps
    beside it (the request sent, the answer, the key to scrub), if capture is on."""

    row: UsageLog
    statement: tuple[str, list]
    capture: tuple[AIRequest, str, str] | None = None


def _capture(row: UsageLog, sent: AIRequest, answer: str, api_key: str) -> None:
    """Keep an attempt's prompt and answer, keys scrubbed (a user may paste one, a vendor may
    echo one); an image is named, not stored."""
    prompt = sent.prompt
    if sent.image:
        prompt = f"[image: {sent.image_mime}, {len(sent.image):,} bytes]\n{prompt}"
    UsageCapture.objects.create(
        usage_log_id=row.pk,
        system_prompt=scrub(sent.system_prompt or "", api_key),
        prompt=scrub(prompt, api_key),
        answer=scrub(answer, api_key),
        created_at=row.created_at,
    )


def ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
