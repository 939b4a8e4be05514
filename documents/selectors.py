"""Reads of the master profile, for the documents written from it (CV drafts, cover letters,
interview preps).

- The profile as it is now, and the drafting query: one of the user's jobs and the profile a
  draft is written from, in one query compiled once (one of the product's fast paths).
- Its personal values: the JSON Resume `basics` fields that identify or reach a person, which a
  vendor is sent only as placeholders (orchestrator.privacy). The label, summary and city
  stay: a CV is written from them, and none identifies anyone on its own.
- Its contact details: a CV's header (cvs.contact) and a letter's sender block are filled in
  from them after the AI answered, so no model ever writes an email address, a phone number
  or a link into a document.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db.models import OuterRef, Subquery

from core.errors import InvalidInput, NotFound
from jobs.models import Job
from jobs.schemas import JOB_FIELDS, JOB_LISTS
from orchestrator.hotpath import as_stored

from .models import MasterProfile

EMPTY_PROFILE = (
    "Your profile has no work experience or education yet. Fill in your profile first "
    "(PUT /api/v1/profile); drafts use only facts from it."
)


def profile_data(*, user: Any) -> dict:
    """The user's profile as it is now ({} before they fill it in)."""
    profile = MasterProfile.objects.filter(user=user).first()
    return profile.data if profile is not None else {}


def job_and_profile_for_drafting(*, user: Any, job_id: int) -> tuple[Job, MasterProfile]:
    """One of the user's jobs (only its id and the fields the AI is told) and the profile a
    draft is written from, read in one query. A wrong job is not found before an empty
    profile is refused: without experience or education there is nothing true to write, so
    the user is sent to fill it in first."""
    sql, order = _drafting_query()
    values = {_OWNER: user.pk, _JOB: job_id}
    job = next(iter(Job.objects.raw(sql, [values[param] for param in order])), None)
    if job is None:
        raise NotFound("No such job.")
    data = job.drafting_profile_data or {}
    if isinstance(data, str):  # the driver may hand jsonb over as its text
        data = json.loads(data)
    if not (data.get("work") or data.get("education")):
        raise InvalidInput(EMPTY_PROFILE)
    job.owner = user
    profile = MasterProfile(
        pk=job.drafting_profile_id, user=user, data=data, version=job.drafting_profile_version
    )
    return job, as_stored(profile)  # a stored row, read through the job's query


_OWNER, _JOB = -1, -2  # stand-ins for the query's two parameters, told apart by value


@functools.cache
def _drafting_query() -> tuple[str, tuple]:
    """The SQL of job_and_profile_for_drafting, compiled once: building it through the ORM
    costs more than the query itself, before every draft's AI call, and it never changes.
    Returns the SQL and its parameters' stand-ins in their order. One of the product's fast
    paths (orchestrator/hotpath.py lists them); tests/orchestrator/test_hotpath.py pins it to
    the plain ORM's reads."""
    profiles = MasterProfile.objects.filter(user=OuterRef("owner"))
    query = (
        Job.objects.filter(owner=_OWNER)
        .filter(pk=_JOB)
        .only("id", "owner", *JOB_FIELDS, *JOB_LISTS)
        .annotate(
            drafting_profile_id=Subquery(profiles.values("pk")),
            drafting_profile_data=Subquery(profiles.values("data")),
            drafting_profile_version=Subquery(profiles.values("version")),
        )
        .query
    )
    return query.sql_with_params()


def job_ai_fields(*, job: Job) -> dict[str, Any]:
    """What the AI is told about a job: its extracted fields, nothing about its source."""
    return {name: getattr(job, name) for name in (*JOB_FIELDS, *JOB_LISTS)}


# --- What a document takes from the profile itself --------------------------------------------


def profile_personal_values(*, profile: Any) -> dict[str, str]:
    """{placeholder key: value} for the profile's name, email, phone, website, street address
    and postal code, and each social profile's username and URL (orchestrator.privacy)."""
    basics = profile.get("basics") if isinstance(profile, dict) else None
    if not isinstance(basics, dict):
        return {}
    location = basics.get("location") if isinstance(basics.get("location"), dict) else {}
    values = {
        "NAME": basics.get("name"),
        "EMAIL": basics.get("email"),
        "PHONE": basics.get("phone"),
        "URL": basics.get("url"),
        "ADDRESS": location.get("address"),
        "POSTAL_CODE": location.get("postalCode"),
    }
    for number, social in enumerate(basics.get("profiles") or [], start=1):
        if isinstance(social, dict):
            values[f"PROFILE_{number}_USERNAME"] = social.get("username")
            values[f"PROFILE_{number}_URL"] = social.get("url")
    return {key: value for key, value in values.items() if isinstance(value, str) and value}


def profile_contact(profile: dict) -> dict:
    """Name, email, phone, location ("London, England, GB") and links of the profile."""
    basics = profile.get("basics") or {}
    location = basics.get("location") or {}
    links = [basics.get("url")] + [p.get("url") for p in basics.get("profiles") or []]
    return {
        "name": basics.get("name") or "",
        "email": basics.get("email") or "",
        "phone": basics.get("phone") or "",
        "location": ", ".join(
            v
            for v in (location.get("city"), location.get("region"), location.get("countryCode"))
            if v
        ),
        "links": [u for u in links if u],
    }
