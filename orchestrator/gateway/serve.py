"""The gateway's front door for a whole answer: one Call, its cache, quota and chain, and the
task's own output check (AITaskSpec.check) with its one more try."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from core.errors import AppError

from ..admission import call_slot
from ..request import AIRequest
from .call import AIResult, Call
from .chain import run_chain

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
    in_json = request.json_schema is not None
    if use_cache and (hit := call.cached()) is not None:
        return call.shield.restore(hit, in_json=in_json)
    with call_slot(call):  # or 503 at once: before the quota and any vendor call
        call.reserve()
        try:
            result = run_chain(call)
        finally:
            call.settle()  # after a failure; a success settled with its log row
    call.cache(result)
    return call.shield.restore(result, in_json=in_json)
