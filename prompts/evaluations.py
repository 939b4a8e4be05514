"""Evaluation sets, and running a prompt version over one through the gateway.

Each product app registers its task's set in its AppConfig.ready() (this app knows no
product): the cases, read from the evaluation data directory (settings.PROMPT_EVAL_DATA, the
fixture corpus by default), and `run(case, provider_type=)`, which makes the product's own
call and grades the answer with the product's own graders (fields right, fact check, letter
rules, facts cited), each a share of 1. Every call goes through the gateway like any other,
with the version pinned (selectors.pinned), no result cache and no user (nothing is charged
to anyone's quota).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from orchestrator import pricing
from orchestrator.models import ProviderType
from orchestrator.snapshot import provider_chain

from .models import Evaluation, PromptVersion
from .selectors import pinned
from .services import version_mark_used

# What one case costs at most, for the estimate shown before a paid run: the longest of our
# prompts (a rich profile and a long posting) is about 6,000 tokens, plus the answer's cap.
CASE_INPUT_TOKENS = 6_000


@dataclass(frozen=True)
class EvalCase:
    name: str
    data: Any


@dataclass(frozen=True)
class EvalSet:
    task: str
    cases: Callable[[Path], list[EvalCase]]  # cases(data directory)
    run: Callable[
        ..., tuple[Any, dict[str, float]]
    ]  # run(case, provider_type=) -> (AIResult, grades)


_sets: dict[str, EvalSet] = {}


def evaluation_register(eval_set: EvalSet) -> None:
    _sets[eval_set.task] = eval_set


def evaluation_set(task: str) -> EvalSet | None:
    return _sets.get(task)


def evaluation_tasks() -> list[str]:
    return sorted(_sets)


def evaluation_cases(task: str, *, limit: int | None = None) -> list[EvalCase]:
    cases = _sets[task].cases(Path(settings.PROMPT_EVAL_DATA))
    return cases[:limit] if limit else cases


def estimated_cost(*, provider_type: str, cases: int) -> Decimal:
    """The most a run should cost: every case at the provider's quality model's price."""
    if provider_type == ProviderType.OFFLINE:
        return Decimal(0)
    routes = provider_chain(provider_type=provider_type)
    if not routes:
        return Decimal(0)
    route = routes[0]
    rates = pricing.rates_for(provider_type=route.provider_type, model=route.quality_model)
    per_case = rates.cost(
        input_tokens=CASE_INPUT_TOKENS,
        output_tokens=settings.AI_DEFAULT_MAX_TOKENS,
        cached_input_tokens=0,
    )
    return per_case * cases


@dataclass
class RunReport:
    evaluation: Evaluation
    per_case: list[tuple[str, dict[str, float], int]]  # (case, grades, latency ms)


def evaluation_run(
    *, version: PromptVersion, provider_type: str, cases: list[EvalCase]
) -> RunReport:
    """Run the version over the cases and store the Evaluation: each grader's mean over the
    cases, the cost and the mean latency."""
    eval_set = _sets[version.task]
    totals: dict[str, float] = {}
    cost, latency, per_case = Decimal(0), 0, []
    with pinned(version):
        for case in cases:
            started = time.perf_counter()
            result, grades = eval_set.run(case, provider_type=provider_type)
            elapsed = int((time.perf_counter() - started) * 1000)
            cost += result.cost_usd
            latency += elapsed
            per_case.append((case.name, grades, elapsed))
            for grader, value in grades.items():
                totals[grader] = totals.get(grader, 0.0) + float(value)
    count = max(1, len(cases))
    version_mark_used(version)
    evaluation = Evaluation.objects.create(
        version=version,
        provider=provider_type,
        cases=len(cases),
        figures={grader: round(total / count, 4) for grader, total in totals.items()},
        cost_usd=cost,
        latency_ms=latency // count,
    )
    return RunReport(evaluation, per_case)
