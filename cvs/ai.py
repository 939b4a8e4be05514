"""The AI task of CV drafting, as the gateway serves it (registered in CvsConfig.ready)."""

from __future__ import annotations

from typing import Any

from billing.models import PlanCode
from documents.selectors import profile_personal_values
from orchestrator.registry import QUALITY, AITaskSpec, OutputCheck
from orchestrator.services import AIResult, generate_task

from . import prompts
from .factcheck import cv_retry_problems
from .offline import answer_cv_draft
from .schemas import CV_SCHEMA

# Paying plans get the quality tier for the documents a recruiter reads.
CV_DRAFT = AITaskSpec(
    name="cv_draft",
    label="CV draft",
    system_prompt=prompts.SYSTEM,
    prompt=prompts.CV_DRAFT,
    response_schema=CV_SCHEMA,
    temperature=0.3,
    offline=answer_cv_draft,
    personal=True,
    tiers={PlanCode.PAYGO: QUALITY, PlanCode.PRO_MONTHLY: QUALITY, PlanCode.PRO_ANNUAL: QUALITY},
    # An invented employer, school or degree is worth one more try (the call's check_context
    # is the profile); whatever the answer still claims beyond it is removed by the caller.
    check=OutputCheck(
        problems=cv_retry_problems,
        retry_prompt="\n\nYour previous draft was rejected: {}. Fix this.",
    ),
)


def draft_cv(
    *,
    user: Any,
    master_profile: dict,
    job_data: dict,
    provider_type: str | None = None,
    use_cache: bool = True,
) -> AIResult:
    return generate_task(
        user=user,
        task=CV_DRAFT,
        variables=prompts.cv_variables(master_profile, job_data),
        provider_type=provider_type,
        use_cache=use_cache,
        personal=profile_personal_values(profile=master_profile),
        check_context=master_profile,
    )
