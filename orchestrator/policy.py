"""The routing policy: which tier a plan gets for a task. Pure, so it is tested without I/O."""

from __future__ import annotations

from collections.abc import Mapping

# Tasks without rules of their own follow another task's tier: the relevance check on a
# screenshot is part of an extraction.
TIER_OF_TASK = {"image_check": "extraction", "provider_test": "extraction"}
DEFAULT_TIER = "fast"


def tier_for(plan: str, task: str, rules: Mapping[tuple[str, str], str]) -> str:
    task = TIER_OF_TASK.get(task, task)
    return rules.get((plan, task), DEFAULT_TIER)
