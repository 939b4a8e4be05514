"""Generation with a product's own check of the answer: one more try with the problems named."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from core.errors import AppError

from .services import AIResult

logger = logging.getLogger(__name__)


def generate_checked(
    *, ask: Callable[..., AIResult], check: Callable[[Any], list[str]], use_cache: bool
) -> tuple[AIResult, list[str]]:
    """Ask the AI (`ask(feedback=, use_cache=)`); a rule-breaking answer gets exactly one more
    try with the problem named. Returns the answer and the problems it still has, which the
    caller shows as warnings. (An answer that is not even schema-valid JSON is repaired, or
    served by the next provider, inside the orchestrator.)"""
    result = ask(feedback="", use_cache=use_cache)
    problems = check(result.data)
    if not problems:
        return result, []
    try:
        retry = ask(feedback="; ".join(p.rstrip(".") for p in problems), use_cache=False)
    except AppError as exc:
        # The first draft is paid for and usable with its warnings; better than nothing.
        logger.warning("Regenerating a draft failed (%s); keeping the first one.", exc.code)
        return result, problems
    return retry, check(retry.data)
