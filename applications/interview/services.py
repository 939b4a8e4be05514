"""Interview preps: written for one of the user's applications, from the job posting and the
profile's facts, checked (applications.interview.check), saved and versioned like the CVs."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from documents.selectors import job_ai_fields, job_and_profile_for_drafting, profile_data
from documents.versions import content_edit, version_record

from ..models import InterviewPrep
from ..selectors import application_get
from .ai import prepare_interview
from .check import prep_checked, prep_edit_problems
from .facts import profile_facts
from .schemas import PREP_SCHEMA


def interview_prep_create(*, user: Any, application_id: int, force: bool = False) -> InterviewPrep:
    """A prep for one of the user's applications; a profile with no experience or education
    is refused first (there is nothing true to prepare from)."""
    application = application_get(user=user, application_id=application_id)
    job, profile = job_and_profile_for_drafting(user=user, job_id=application.job_id)
    facts = profile_facts(profile.data)
    result = prepare_interview(
        user=user,
        profile=profile.data,
        facts=facts,
        job_data=job_ai_fields(job=job),
        use_cache=not force,
    )
    content, warnings = prep_checked(result.data, facts)
    with transaction.atomic():
        prep = InterviewPrep.objects.create(
            owner=user,
            application=application,
            profile_version=profile.version,
            content=content,
            warnings=warnings,
            prompt_version=result.prompt_version,
            provider_type=result.provider,
            model=result.model,
            usage_log_id=result.usage_log_id,
            tier=result.tier,
            cost_usd=result.cost_usd,
        )
        version_record(item=prep, edited_by_user=False)
    return prep


def interview_prep_edit(*, user: Any, prep_id: int, patch: Any) -> tuple[InterviewPrep, bool]:
    facts = profile_facts(profile_data(user=user))
    return content_edit(
        items=InterviewPrep.objects.filter(owner=user),
        item_id=prep_id,
        patch=patch,
        schema=PREP_SCHEMA,
        check=lambda content: prep_edit_problems(content, facts),
        what="interview prep",
    )
