"""The AI task of cover letters, as the gateway serves it (registered in LettersConfig.ready)."""

from __future__ import annotations

from typing import Any

from billing.models import PlanCode
from orchestrator.registry import QUALITY, AITaskSpec
from orchestrator.services import AIResult, generate_task

from . import prompts
from .offline import answer_cover_letter
from .schemas import LETTER_SCHEMA

# Paying plans get the quality tier for the documents a recruiter reads.
COVER_LETTER = AITaskSpec(
    name="cover_letter",
    label="Cover letter",
    system_prompt=prompts.SYSTEM,
    response_schema=LETTER_SCHEMA,
    temperature=0.5,
    offline=answer_cover_letter,
    tiers={PlanCode.PAYGO: QUALITY, PlanCode.PRO_MONTHLY: QUALITY, PlanCode.PRO_ANNUAL: QUALITY},
)


def draft_cover_letter(
    *,
    user: Any,
    master_profile: dict,
    job_data: dict,
    tone: str = "professional",
    feedback: str = "",
    provider_type: str | None = None,
    use_cache: bool = True,
) -> AIResult:
    prompt = prompts.letter_prompt(master_profile, job_data, tone)
    if feedback:
        prompt += f"\n\nYour previous letter broke a rule: {feedback}. Fix this."
    return generate_task(
        user=user,
        task=COVER_LETTER,
        prompt=prompt,
        provider_type=provider_type,
        use_cache=use_cache,
    )
