"""PATCH /api/v1/jobs/{id}: the user corrects what was extracted, checked like an extraction."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cvs.services import profile_update
from jobs.models import Job
from tests.fixtures.profiles import BACKEND_JOB, DRAFT_URL, RICH

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend_job(user) -> Job:
    return Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)


@pytest.fixture
def stranger(other_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(other_user)
    return client


def test_corrected_fields_are_cleaned_like_an_extraction_and_the_rest_kept(api_client, backend_job):
    response = api_client.patch(
        f"/api/v1/jobs/{backend_job.pk}",
        {
            "title": "  Staff   Backend\nEngineer ",
            "salary": "£90,000 a year",
            "skills": ["Python", " ", "Go", "Python"],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["message"] == "Job updated."
    data = response.json()["data"]
    assert data["title"] == "Staff Backend Engineer"
    assert data["skills"] == ["Python", "Go"]
    assert data["salary"] == "£90,000 a year"
    assert data["company"] == "Acme Freight"  # untouched
    backend_job.refresh_from_db()
    assert (backend_job.title, backend_job.skills, backend_job.keywords) == (
        "Staff Backend Engineer",
        ["Python", "Go"],
        BACKEND_JOB["keywords"],
    )


@pytest.mark.parametrize(
    "body, message",
    [
        (
            {"colour": "red"},
            "colour: not a field you can edit; the fields are title, company, location, "
            "employment_type, salary, description, requirements, skills, keywords.",
        ),
        ({"skills": "Python"}, "skills: must be a list."),
        ({"keywords": ["ok", 3]}, "keywords[1]: must be a text."),
        ({"title": None}, "title: must be a text."),
        ({"title": "x" * 301}, "title: at most 300 characters."),
        ({"requirements": ["r"] * 101}, "requirements: at most 100 items."),
        ({}, 'Send the fields to correct as a JSON object, e.g. {"title": ...}.'),
    ],
)
def test_a_bad_correction_is_refused_and_nothing_changes(api_client, backend_job, body, message):
    response = api_client.patch(f"/api/v1/jobs/{backend_job.pk}", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"success": False, "message": message, "error_code": "INVALID_INPUT"}
    backend_job.refresh_from_db()
    assert backend_job.title == BACKEND_JOB["title"] and backend_job.skills == BACKEND_JOB["skills"]


def test_another_users_job_is_not_found(stranger, backend_job):
    response = stranger.patch(f"/api/v1/jobs/{backend_job.pk}", {"title": "Mine"}, format="json")

    assert (response.status_code, response.json()["error_code"]) == (404, "NOT_FOUND")
    backend_job.refresh_from_db()
    assert backend_job.title == BACKEND_JOB["title"]


def test_the_next_draft_uses_the_corrected_job(api_client, user, backend_job):
    profile_update(user=user, data=RICH)
    api_client.patch(
        f"/api/v1/jobs/{backend_job.pk}",
        {"title": "Platform Engineer", "company": "Acme Logistics", "skills": ["Kubernetes"]},
        format="json",
    )

    draft = api_client.post(DRAFT_URL, {"job_id": backend_job.pk}, format="json").json()["data"]

    assert draft["content"]["target"] == {
        "job_title": "Platform Engineer",
        "company": "Acme Logistics",
    }
    assert [m["term"] for m in draft["match"]["missing"]] == ["Kubernetes"]
