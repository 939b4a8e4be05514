"""The master profile and CV drafts.

A draft is written by the AI from the user's profile and one of their jobs, then checked
against the profile (cvs.factcheck): an invented employer, school or degree gets the draft
regenerated once with the problem named; every claim the answer still makes beyond the
profile is then removed and listed in its warnings, and the header's contact details are the
profile's (cvs.contact), so the user always sees what was taken out and why.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from core.api import json_problem
from core.errors import InvalidInput
from core.merge_patch import merge_patch
from core.text import control_character_problem
from core.validation import schema_problem, validator
from documents.models import MasterProfile
from documents.selectors import job_ai_fields, job_and_profile_for_drafting
from documents.versions import text_clean, version_record
from orchestrator.edge import ai_task_submit
from orchestrator.models import AITask

from .ai import CV_DRAFT, draft_cv
from .contact import cv_header_fill
from .factcheck import cv_fact_check
from .models import CVDraft
from .profile_versions import profile_version_record, profile_versions_delete
from .schemas import PROFILE_PATCH_SCHEMA, PROFILE_SCHEMA
from .selectors import cv_draft_get

logger = logging.getLogger(__name__)

MAX_LISTED_PROBLEMS = 5
_VALIDATOR = validator(PROFILE_SCHEMA)
_PATCH_VALIDATOR = validator(PROFILE_PATCH_SCHEMA)


# --- The master profile --------------------------------------------------------------------


def profile_get_or_create(*, user: Any) -> MasterProfile:
    profile, _ = MasterProfile.objects.get_or_create(user=user)
    return profile


def profile_validate(*, data: Any) -> dict:
    """The profile if it fits PROFILE_SCHEMA and its bounds; otherwise InvalidInput naming
    where it does not (paths as in the request body, e.g. `data.work[0]`).

    Shape and text are checked first: a profile nested deeper than PROFILE_MAX_DEPTH would
    overflow the stack of every later comparison and copy of it, and a NUL or an unpaired
    surrogate could be stored (SQLite) but never sent back, so one bad save would break every
    read of the profile and every draft written from it."""
    problem = json_problem(
        data, max_depth=int(settings.PROFILE_MAX_DEPTH), path="data"
    ) or control_character_problem(data, path="data")
    if problem:
        raise InvalidInput(f"The profile is not valid: {problem}")
    _refuse_unless_valid(_VALIDATOR, data, what="The profile")
    size, limit = len(json.dumps(data, ensure_ascii=False)), int(settings.PROFILE_MAX_CHARS)
    if size > limit:
        raise InvalidInput(
            f"The profile is too long ({size} characters of JSON); the limit is {limit}."
        )
    return data


def _refuse_unless_valid(schema_validator: Any, data: Any, *, what: str) -> None:
    """InvalidInput naming where `data` breaks the schema (paths as in the request body)."""
    errors = sorted(
        schema_validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))
    )
    if errors:
        problems = [f"{'data' + e.json_path[1:]}: {schema_problem(e)}" for e in errors]
        shown = "; ".join(problems[:MAX_LISTED_PROBLEMS])
        more = len(problems) - MAX_LISTED_PROBLEMS
        raise InvalidInput(
            f"{what} is not valid: {shown}" + (f" (and {more} more)." if more > 0 else ".")
        )


def profile_delete(*, user: Any) -> None:
    """Remove the profile without reading it, so even one stored before these checks existed
    can always be removed. Its versions go with it: a new profile starts again at version 1."""
    MasterProfile.objects.filter(user=user).delete()
    profile_versions_delete(user=user)


def profile_update(*, user: Any, data: Any) -> MasterProfile:
    """Replace the profile. The version moves only when the data really changes."""
    return _profile_change(user=user, change=lambda _current: data)


def profile_patch(*, user: Any, patch: Any) -> MasterProfile:
    """Change part of the profile by a JSON Merge Patch (RFC 7386): keys given replace,
    `null` removes, lists are replaced whole."""
    if not isinstance(patch, dict):
        raise InvalidInput("data: a patch must be a JSON object.")
    # Checked as a patch too: removing a key the profile cannot have is a mistake, not a no-op.
    _refuse_unless_valid(_PATCH_VALIDATOR, patch, what="The patch")
    return _profile_change(user=user, change=lambda current: merge_patch(current, patch))


def _profile_change(*, user: Any, change: Callable[[dict], Any]) -> MasterProfile:
    with transaction.atomic():
        # Locked, so two edits at once cannot both become the same next version.
        profile, _ = MasterProfile.objects.select_for_update().get_or_create(user=user)
        data = profile_validate(data=change(copy.deepcopy(profile.data)))
        if data != profile.data:
            previous = (profile.data, profile.version)
            profile.data = data
            profile.version += 1
            profile.save(update_fields=["data", "version", "updated_at"])
            profile_version_record(
                profile=profile, previous_data=previous[0], previous_number=previous[1]
            )
    return profile


# --- CV drafts -----------------------------------------------------------------------------


def cv_draft_create(*, user: Any, job_id: int, force: bool = False) -> CVDraft:
    """A CV for the user's profile and one of their jobs. `force` skips the result cache."""
    job, profile = job_and_profile_for_drafting(user=user, job_id=job_id)
    facts = profile.data
    # What the answer still claims beyond the profile (after the one more try the task's
    # check asks for) is removed here, and listed in the warnings.
    result = draft_cv(
        user=user, master_profile=facts, job_data=job_ai_fields(job=job), use_cache=not force
    )
    checked = cv_fact_check(text_clean(result.data), facts)
    with transaction.atomic():
        draft = CVDraft.objects.create(
            owner=user,
            job=job,
            profile_version=profile.version,
            content=cv_header_fill(checked.cv, facts),
            warnings=checked.warnings,
            prompt_version=result.prompt_version,
            provider_type=result.provider,
            model=result.model,
            usage_log_id=result.usage_log_id,
            tier=result.tier,
            cost_usd=result.cost_usd,
        )
        version_record(item=draft, edited_by_user=False)
    return draft


def cv_draft_submit(*, user: Any, job_id: int, force: bool = False) -> AITask:
    """Queue a draft; a wrong job or an empty profile is refused now, not by a failed task."""
    job_and_profile_for_drafting(user=user, job_id=job_id)
    return ai_task_submit(user=user, kind=CV_DRAFT.name, params={"job_id": job_id, "force": force})


def cv_draft_delete(*, user: Any, draft_id: int) -> None:
    cv_draft_get(user=user, draft_id=draft_id).delete()
