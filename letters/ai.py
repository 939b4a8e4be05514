"""The AI task of cover letters, as the gateway serves it (registered in LettersConfig.ready)."""

from __future__ import annotations

from typing import Any

from billing.models import PlanCode
from documents.personal import profile_personal_values
from orchestrator.gateway import AIRequest, AIResult, generate
from orchestrator.registry import QUALITY, AITaskSpec, OutputCheck

from . import prompts
from .offline import answer_cover_letter
from .rules import letter_problems
from .schemas import LETTER_SCHEMA

# Paying plans get the quality tier for the documents a recruiter reads.
COVER_LETTER = AITaskSpec(
    name="cover_letter",
    label="Cover letter",
    system_prompt=prompts.SYSTEM,
    prompt=prompts.COVER_LETTER,
    response_schema=LETTER_SCHEMA,
    temperature=0.5,
    offline=answer_cover_letter,
    personal=True,
    tiers={PlanCode.PAYGO: QUALITY, PlanCode.PRO_MONTHLY: QUALITY, PlanCode.PRO_ANNUAL: QUALITY},
    # A letter that breaks a rule of letters.rules is written once more, with the rule named
    # (a streamed letter is not: its rules become its warnings).
    check=OutputCheck(
        problems=lambda letter, _context: letter_problems(letter),
        retry_prompt="\n\nYour previous letter broke a rule: {}. Fix this.",
    ),
)


def draft_cover_letter(
    *,
    user: Any,
    master_profile: dict,
    job_data: dict,
    tone: str = "professional",
    provider_type: str | None = None,
    use_cache: bool = True,
) -> AIResult:
    request = cover_letter_request(master_profile=master_profile, job_data=job_data, tone=tone)
    return generate(request, user=user, provider_type=provider_type, use_cache=use_cache)


def cover_letter_request(*, master_profile: dict, job_data: dict, tone: str) -> AIRequest:
    """The request of a cover letter; streamed or not, the same request (and so the same
    cached answer)."""
    return AIRequest.of_task(
        COVER_LETTER,
        variables=prompts.letter_variables(master_profile, job_data, tone),
        personal=profile_personal_values(profile=master_profile),
    )
