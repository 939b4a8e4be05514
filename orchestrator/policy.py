"""The routing policy: which tier a plan gets for a task. Pure, so it is tested without I/O."""

from __future__ import annotations

from collections.abc import Mapping

from .registry import FAST, task_get

DEFAULT_TIER = FAST


def tier_for(plan: str, task: str, rules: Mapping[tuple[str, str], str]) -> str:
    # A task without rules of its own follows another task's tier (its registration's
    # `tier_of`): the relevance check on a screenshot is part of an extraction.
    spec = task_get(task)
    if spec is not None and spec.tier_of:
        task = spec.tier_of
    return rules.get((plan, task), DEFAULT_TIER)
