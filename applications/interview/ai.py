"""The AI task of interview preps, as the gateway serves it (registered in the app's ready)."""

from __future__ import annotations

from typing import Any

from billing.models import PlanCode
from documents.selectors import profile_personal_values
from orchestrator.registry import QUALITY, AITaskSpec
from orchestrator.services import AIResult, generate_task

from . import prompts
from .offline import answer_interview_prep
from .schemas import PREP_ANSWER_SCHEMA

INTERVIEW_PREP = AITaskSpec(
    name="interview_prep",
    label="Interview prep",
    system_prompt=prompts.SYSTEM,
    prompt=prompts.INTERVIEW_PREP,
    response_schema=PREP_ANSWER_SCHEMA,
    temperature=0.4,
    offline=answer_interview_prep,
    # Only facts are sent, never `basics`; a fact quoting a personal value still goes as its
    # placeholder, and the scan before sending stays on guard.
    personal=True,
    tiers={PlanCode.PAYGO: QUALITY, PlanCode.PRO_MONTHLY: QUALITY, PlanCode.PRO_ANNUAL: QUALITY},
)


def prepare_interview(
    *,
    user: Any,
    profile: dict,
    facts: list[dict],
    job_data: dict,
    use_cache: bool = True,
    provider_type: str | None = None,
) -> AIResult:
    return generate_task(
        user=user,
        task=INTERVIEW_PREP,
        variables=prompts.prep_variables(facts=facts, job=job_data),
        use_cache=use_cache,
        provider_type=provider_type,
        personal=profile_personal_values(profile=profile),
    )
