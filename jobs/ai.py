"""The AI tasks of job extraction, as the gateway serves them (registered in JobsConfig.ready)."""

from __future__ import annotations

from typing import Any

from orchestrator.registry import AITaskSpec
from orchestrator.services import AIResult, generate_task

from . import prompts
from .offline import answer_extraction
from .schemas import IMAGE_CHECK_SCHEMA, JOB_SCHEMA

# Extraction is a lookup: the fast tier does it as well as the quality one, on every plan.
EXTRACTION = AITaskSpec(
    name="extraction",
    label="Job extraction",
    system_prompt=prompts.SYSTEM,
    prompt=prompts.EXTRACTION,
    response_schema=JOB_SCHEMA,
    temperature=0.0,
    shared_cache=True,
    offline=answer_extraction,
)
# Whether a screenshot shows a job posting at all, before it is extracted: part of the
# extraction, so it follows the extraction's tier.
IMAGE_CHECK = AITaskSpec(
    name="image_check",
    label="Image relevance check",
    system_prompt=prompts.IMAGE_CHECK_SYSTEM,
    prompt=prompts.IMAGE_CHECK,
    response_schema=IMAGE_CHECK_SCHEMA,
    temperature=0.0,
    tier_of=EXTRACTION.name,
    shared_cache=True,
    in_matrix=False,
)
TASKS = (EXTRACTION, IMAGE_CHECK)


def extract_job_data(
    *,
    user: Any,
    variables: dict[str, str] | None = None,
    prompt: str = "",
    image: bytes | None = None,
    provider_type: str | None = None,
    use_cache: bool = True,
) -> AIResult:
    return generate_task(
        user=user,
        task=EXTRACTION,
        variables=variables,
        prompt=prompt,
        image=image,
        provider_type=provider_type,
        use_cache=use_cache,
    )
