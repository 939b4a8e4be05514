"""Edits cannot flood the database: PATCH of jobs, CV drafts and letters is throttled per user,
and a document keeps a bounded number of versions (the AI's first and the newest ones)."""

from __future__ import annotations

import pytest

from cvs.models import CVDraftVersion
from jobs.models import Job
from letters.models import CoverLetter
from tests.fixtures.api import assert_error
from tests.fixtures.profiles import BACKEND_JOB, DRAFT_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(api_client, job, with_profile) -> dict:
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


@pytest.fixture
def edits_per_minute(settings):
    def limit(rate: str | None) -> None:
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**rates, "document_edits": rate},
        }

    return limit


def summary_edit(n: int) -> dict:
    return {"content": {"summary": f"Backend engineer, take {n}."}}


def test_a_draft_keeps_the_ais_version_and_the_newest_edits(
    settings, edits_per_minute, api_client, draft
):
    settings.DOCUMENT_VERSIONS_KEPT = 5
    edits_per_minute(None)

    for n in range(12):
        response = api_client.patch(f"/api/v1/cvs/{draft['id']}", summary_edit(n), format="json")
        assert response.status_code == 200, response.json()

    listed = api_client.get(f"/api/v1/cvs/{draft['id']}/versions").json()["data"]["results"]
    assert [v["number"] for v in listed] == [13, 12, 11, 10, 1]
    assert CVDraftVersion.objects.filter(draft_id=draft["id"]).count() == 5
    assert api_client.get(f"/api/v1/cvs/{draft['id']}/versions/1").status_code == 200
    assert_error(api_client.get(f"/api/v1/cvs/{draft['id']}/versions/9"), 404, "NOT_FOUND")


def test_edits_past_the_rate_are_refused_with_a_retry_after(edits_per_minute, api_client, draft):
    edits_per_minute("3/min")

    statuses = [
        api_client.patch(f"/api/v1/cvs/{draft['id']}", summary_edit(n), format="json")
        for n in range(4)
    ]

    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert_error(statuses[-1], 429, "RATE_LIMITED")
    assert int(statuses[-1]["Retry-After"]) > 0
    assert api_client.get(f"/api/v1/cvs/{draft['id']}").status_code == 200  # reads still work
    assert CVDraftVersion.objects.filter(draft_id=draft["id"]).count() == 4


def test_letter_and_job_edits_are_throttled_too(edits_per_minute, api_client, user):
    edits_per_minute("1/min")
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)
    letter = CoverLetter.objects.create(
        owner=user, job=job, tone="formal", profile_version=1, content={"paragraphs": ["a"]}
    )

    job_edits = [
        api_client.patch(f"/api/v1/jobs/{job.pk}", {"title": f"T{n}"}, format="json").status_code
        for n in range(2)
    ]
    letter_edit = api_client.patch(
        f"/api/v1/letters/{letter.pk}", {"content": {"greeting": "Hi"}}, format="json"
    )

    assert job_edits == [200, 429]
    assert letter_edit.status_code == 429  # one budget for all of a user's edits
