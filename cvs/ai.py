"""The AI task of CV drafting, as the gateway serves it (registered in CvsConfig.ready)."""

from __future__ import annotations

from typing import Any

from billing.models import PlanCode
from documents.personal import profile_personal_values
from orchestrator.registry import QUALITY, AITaskSpec
from orchestrator.services import AIResult, generate_task

from . import prompts
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
)


def draft_cv(
    *,
    user: Any,
    master_profile: dict,
    job_data: dict,
    feedback: str = "",
    provider_type: str | None = None,
    use_cache: bool = True,
) -> AIResult:
    return generate_task(
        user=user,
        task=CV_DRAFT,
        variables=prompts.cv_variables(master_profile, job_data, feedback),
        provider_type=provider_type,
        use_cache=use_cache,
        personal=profile_personal_values(profile=master_profile),
    )
