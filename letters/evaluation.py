"""The cover letter's evaluation set (prompts.evaluations): each fixture profile × each fixture
job, graded by the letter rules (letters.rules), its length and the quality rules (nothing the
job contradicts, no figure the profile lacks)."""

from __future__ import annotations

from typing import Any

from jobs.evaluation import drafting_cases, unsaved_job
from prompts.evaluations import EvalCase, EvalSet
from prompts.figures import Rate

from .models import CoverLetter
from .rules import body_word_count, letter_problems, letter_quality_problems
from .schemas import BODY_MAX_WORDS, BODY_MIN_WORDS
from .services import draft_cover_letter


def letter_run(case: EvalCase, *, provider_type: str) -> tuple[Any, dict[str, float]]:
    profile, job = case.data["profile"], case.data["job"]
    result = draft_cover_letter(
        user=None,
        master_profile=profile,
        job_data=job,
        provider_type=provider_type,
        use_cache=False,
    )
    letter = result.data
    grades = {
        "rules passed": float(not letter_problems(letter)),
        "length in range": float(BODY_MIN_WORDS <= body_word_count(letter) <= BODY_MAX_WORDS),
        "quality passed": float(
            not letter_quality_problems(letter, profile=profile, job=unsaved_job(job))
        ),
    }
    return result, grades


LETTER_SET = EvalSet(task="cover_letter", cases=drafting_cases, run=letter_run)


def letter_arm_figures(*, task: str, version: str, since: Any, until: Any) -> dict:
    """An experiment arm's letters (prompts.figures): how many kept every rule."""
    if task != LETTER_SET.task:
        return {}
    letters = CoverLetter.objects.filter(
        prompt_version=version, created_at__gte=since, created_at__lt=until
    )
    return {"rules passed": Rate(letters.filter(warnings=[]).count(), letters.count())}
