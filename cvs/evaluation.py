"""The CV draft's evaluation set (prompts.evaluations): each fixture profile × each fixture
job, graded by the fact check (nothing claimed beyond the profile), the match score against
the job and the document's bounds."""

from __future__ import annotations

from typing import Any

from documents.bounds import document_problem
from jobs.evaluation import drafting_cases, unsaved_job
from prompts.evaluations import EvalCase, EvalSet
from prompts.figures import Rate

from .ai import draft_cv
from .factcheck import cv_fact_check
from .match import cv_match
from .models import CVDraft


def cv_run(case: EvalCase, *, provider_type: str) -> tuple[Any, dict[str, float]]:
    profile, job = case.data["profile"], case.data["job"]
    result = draft_cv(
        user=None,
        master_profile=profile,
        job_data=job,
        provider_type=provider_type,
        use_cache=False,
    )
    cv = result.data
    grades = {
        "fact check passed": float(not cv_fact_check(cv, profile).unbacked),
        "match score": cv_match(cv=cv, job=unsaved_job(job), profile=profile)["score"] / 100,
        "length within bounds": float(document_problem(cv, what="The CV") is None),
    }
    return result, grades


CV_SET = EvalSet(task="cv_draft", cases=drafting_cases, run=cv_run)


def cv_arm_figures(*, task: str, version: str, since: Any, until: Any) -> dict:
    """An experiment arm's CVs (prompts.figures): how many passed the fact check untouched."""
    if task != CV_SET.task:
        return {}
    drafts = CVDraft.objects.filter(
        prompt_version=version, created_at__gte=since, created_at__lt=until
    )
    return {"fact check passed": Rate(drafts.filter(warnings=[]).count(), drafts.count())}
