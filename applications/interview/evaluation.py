"""The interview prep's evaluation set (prompts.evaluations): each fixture profile × each
fixture job, graded by the fact check (applications/interview/check.py): how many outlines
stand on the facts they cite."""

from __future__ import annotations

from typing import Any

from jobs.evaluation import drafting_cases
from prompts.evaluations import EvalCase, EvalSet

from .ai import prepare_interview
from .check import prep_checked
from .facts import profile_facts


def prep_run(case: EvalCase, *, provider_type: str) -> tuple[Any, dict[str, float]]:
    profile, job = case.data["profile"], case.data["job"]
    facts = profile_facts(profile)
    result = prepare_interview(
        user=None,
        profile=profile,
        facts=facts,
        job_data=job,
        use_cache=False,
        provider_type=provider_type,
    )
    questions = result.data.get("questions") or []
    content, warnings = prep_checked(result.data, facts)
    outlined = sum(1 for q in content.get("questions") or [] if q.get("outline"))
    grades = {
        "facts cited": float(not warnings),
        "answers outlined": outlined / len(questions) if questions else 0.0,
    }
    return result, grades


PREP_SET = EvalSet(task="interview_prep", cases=drafting_cases, run=prep_run)
