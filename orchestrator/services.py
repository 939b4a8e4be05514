"""The one door every AI call goes through: plan → tier → provider chain → call → log.

See DESIGN.md "Flow of one AI call". Every attempt, served or failed, leaves one UsageLog row.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import jsonschema
from django.conf import settings
from django.utils import timezone

from billing.selectors import plan_for_user

from . import errors
from .models import ProviderConfig, UsageLog
from .policy import tier_for
from .providers import BAD_OUTPUT, TIMEOUT, ProviderError, adapter_class, scrub
from .selectors import Route, cost_usd, model_price, provider_chain, route_for, routing_rules

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


@dataclass
class _Call:
    """What one generate() call knows, shared by its attempts and their log rows."""

    user: Any
    task: str
    plan: str
    tier: str
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attempts: int = 0

    def log(self, route: Route | None = None, model: str = "", **fields: Any) -> UsageLog:
        fields.setdefault("total_tokens", fields.get("input_tokens", 0) + fields.get("output_tokens", 0))
        return UsageLog.objects.create(
            user=self.user if self.user is not None and self.user.pk else None,
            provider_config_id=route.config_id if route else None,
            provider_type=route.provider_type if route else "",
            model=model, task_type=self.task, plan=self.plan, tier=self.tier,
            request_id=self.request_id, attempt=max(1, self.attempts), **fields,
        )


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
) -> AIResult:
    plan = plan_for_user(user=user)
    call = _Call(user=user, task=task, plan=plan.code,
                 tier=tier_for(plan.code, task, routing_rules()))
    chain = provider_chain(provider_type=provider_type)
    if not chain:
        error = errors.NoProviderConfigured(
            f"No active provider of type {provider_type!r} is configured." if provider_type
            else None
        )
        call.log(status=UsageLog.Status.ERROR, error_code=error.code, error_message=error.message)
        raise error
    request = dict(
        prompt=prompt, image=image, image_mime=image_mime or (image and sniff_image_mime(image)),
        system_prompt=system_prompt, temperature=temperature, max_tokens=max_tokens,
        json_schema=response_schema,
    )
    return _attempt(call, chain[0], request)


def _attempt(call: _Call, route: Route, request: dict[str, Any]) -> AIResult:
    """One call to one provider, logged whatever happens."""
    call.attempts += 1
    model = route.model_for(call.tier)
    timeout = settings.AI_TIMEOUTS.get(call.task, settings.AI_TIMEOUTS["default"])
    started = time.perf_counter()
    try:
        adapter = adapter_class(route.provider_type)(
            api_key=route.api_key, base_url=route.base_url or None, timeout=timeout
        )
        reply = adapter.generate(model=model, task=call.task, **request)
    except ProviderError as exc:
        latency_ms = _ms_since(started)
        error = _app_error(exc, route)
        detail = f"{exc.kind}" + (f" (HTTP {exc.status})" if exc.status else "")
        call.log(route, model, status=UsageLog.Status.ERROR, latency_ms=latency_ms,
                 error_code=error.code,
                 error_message=scrub(f"{detail}: {exc.message}", route.api_key))
        raise error from None
    except Exception as exc:  # an SDK surprise must still leave its row, and no key
        latency_ms = _ms_since(started)
        message = scrub(f"{type(exc).__name__}: {exc}", route.api_key)
        logger.exception("Unexpected failure calling %s", route.name)
        call.log(route, model, status=UsageLog.Status.ERROR, latency_ms=latency_ms,
                 error_code=errors.ProviderFailed.code, error_message=message)
        raise errors.ProviderFailed(f"The AI provider {route.name} failed unexpectedly.") from None
    latency_ms = _ms_since(started)
    cost = cost_usd(
        price=model_price(provider_type=route.provider_type, model=model),
        input_tokens=reply.input_tokens, output_tokens=reply.output_tokens,
        cached_input_tokens=reply.cached_input_tokens,
    )
    usage = dict(input_tokens=reply.input_tokens, output_tokens=reply.output_tokens,
                 cached_input_tokens=reply.cached_input_tokens, cost_usd=cost,
                 latency_ms=latency_ms)
    data = None
    if request["json_schema"] is not None:
        try:
            data = parse_json_answer(reply.text, request["json_schema"])
        except ValueError as exc:
            # The tokens were spent: the row keeps them and their cost.
            call.log(route, model, status=UsageLog.Status.ERROR,
                     error_code=errors.BadAIOutput.code, error_message=str(exc)[:2000], **usage)
            raise errors.BadAIOutput(f"The AI answer was not usable: {exc}") from None
    row = call.log(route, model, status=UsageLog.Status.SUCCESS, **usage)
    return AIResult(
        text=reply.text, provider=route.provider_type, model=model,
        input_tokens=reply.input_tokens, output_tokens=reply.output_tokens, cost_usd=cost,
        latency_ms=latency_ms, data=data, usage_log_id=row.pk,
        provider_config_id=route.config_id,
    )


def _app_error(exc: ProviderError, route: Route) -> errors.AppError:
    if exc.kind == TIMEOUT:
        return errors.ProviderTimeout(f"The AI provider {route.name} did not answer in time.")
    if exc.kind == BAD_OUTPUT:
        return errors.BadAIOutput(f"The AI provider {route.name} sent an unreadable answer.")
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
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise ValueError(f"JSON does not match the schema at {where}: {exc.message}") from None
    return data


def sniff_image_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


# The seeds' convenience functions, one per product task.


def extract_job_data(
    *, user: Any, prompt: str, image: bytes | None = None, system_prompt: str | None = None,
    provider_type: str | None = None, use_cache: bool = True,
) -> AIResult:
    from jobs import prompts
    from jobs.schemas import JOB_SCHEMA

    return generate(user=user, task="extraction", prompt=prompt, image=image,
                    system_prompt=system_prompt or prompts.SYSTEM, response_schema=JOB_SCHEMA,
                    temperature=0.0, provider_type=provider_type, use_cache=use_cache)


def draft_cv(
    *, user: Any, master_profile: dict, job_data: dict, feedback: str = "",
    provider_type: str | None = None, use_cache: bool = True,
) -> AIResult:
    from cvs import prompts
    from cvs.schemas import CV_SCHEMA

    prompt = prompts.cv_prompt(master_profile, job_data)
    if feedback:
        prompt += f"\n\nYour previous draft was rejected: {feedback}. Fix this."
    return generate(user=user, task="cv_draft", prompt=prompt, system_prompt=prompts.SYSTEM,
                    response_schema=CV_SCHEMA, temperature=0.3, provider_type=provider_type,
                    use_cache=use_cache)


def draft_cover_letter(
    *, user: Any, master_profile: dict, job_data: dict, tone: str = "professional",
    feedback: str = "", provider_type: str | None = None, use_cache: bool = True,
) -> AIResult:
    from letters import prompts
    from letters.schemas import LETTER_SCHEMA

    prompt = prompts.letter_prompt(master_profile, job_data, tone)
    if feedback:
        prompt += f"\n\nYour previous letter broke a rule: {feedback}. Fix this."
    return generate(user=user, task="cover_letter", prompt=prompt, system_prompt=prompts.SYSTEM,
                    response_schema=LETTER_SCHEMA, temperature=0.5, provider_type=provider_type,
                    use_cache=use_cache)


@dataclass(frozen=True)
class ProviderTestResult:
    ok: bool
    message: str


def provider_test(*, config: Any, user: Any = None) -> ProviderTestResult:
    """A cheap real call through the config's adapter; the outcome is stored on the config."""
    call = _Call(user=user, task="provider_test", plan="", tier="fast")
    request = dict(prompt="Reply with the word OK.", image=None, image_mime=None,
                   system_prompt=None, temperature=0.0, max_tokens=16, json_schema=None)
    try:
        result = _attempt(call, route_for(config), request)
        outcome = ProviderTestResult(
            True, f"{config.name}: OK ({result.model} answered in {result.latency_ms} ms).")
    except errors.AppError as exc:
        row = UsageLog.objects.filter(request_id=call.request_id).first()
        detail = row.error_message if row else exc.message
        outcome = ProviderTestResult(False, f"{config.name}: failed — {detail}")
    except Exception as exc:  # e.g. a key that no longer decrypts
        outcome = ProviderTestResult(False, f"{config.name}: failed — {type(exc).__name__}: "
                                            f"{scrub(str(exc))}")
    ProviderConfig.objects.filter(pk=config.pk).update(
        last_tested_at=timezone.now(),
        last_test_status=ProviderConfig.TestStatus.OK if outcome.ok
        else ProviderConfig.TestStatus.FAILED,
        last_test_message=outcome.message[:2000],
    )
    return outcome
