"""GET/DELETE /api/v1/jobs: each user sees and deletes only their own jobs; auth is required."""

from __future__ import annotations

import pytest

from accounts.tokens import token_issue
from jobs.models import Job
from tests.fixtures.api import assert_error
from tests.fixtures.jobs import EXTRACT

pytestmark = pytest.mark.django_db


def make_job(owner, title: str, **fields) -> Job:
    return Job.objects.create(
        owner=owner,
        source="text",
        title=title,
        company="Acme",
        description=f"{title} wanted.",
        **fields,
    )


def test_the_list_is_mine_only_newest_first_and_paginated(api_client, user, other_user):
    for n in range(25):
        make_job(user, f"Job {n}")
    make_job(other_user, "Bob's job")

    first = api_client.get("/api/v1/jobs")

    body = first.json()
    assert first.status_code == 200 and body["success"] is True
    page = body["data"]
    assert page["count"] == 25
    assert [job["title"] for job in page["results"][:3]] == ["Job 24", "Job 23", "Job 22"]
    assert len(page["results"]) == 20
    assert page["previous"] is None
    second = api_client.get(page["next"]).json()["data"]
    assert [job["title"] for job in second["results"]] == [f"Job {n}" for n in range(4, -1, -1)]
    assert "Bob's job" not in {job["title"] for job in page["results"] + second["results"]}


def test_a_page_past_the_end_is_not_found(api_client, user):
    make_job(user, "Only one")

    assert_error(api_client.get("/api/v1/jobs?page=9"), 404, "NOT_FOUND")


def test_detail_shows_every_documented_field(api_client, user):
    job = make_job(
        user,
        "Data Engineer",
        location="Remote",
        skills=["SQL", "Python"],
        requirements=["3 years"],
        keywords=["data"],
        provider_type="openai",
        model="gpt-6-luna",
        raw_ai_output='{"secret": "raw"}',
    )

    response = api_client.get(f"/api/v1/jobs/{job.pk}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {
        "id",
        "source",
        "source_url",
        "title",
        "company",
        "location",
        "employment_type",
        "salary",
        "description",
        "requirements",
        "skills",
        "keywords",
        "extracted_by",
        "model",
        "prompt_version",
        "created_at",
        "updated_at",
    }
    assert data["skills"] == ["SQL", "Python"]
    assert data["model"] == "gpt-6-luna"
    assert data["extracted_by"] == "openai"


def test_another_users_job_is_not_found_to_read_or_delete(api_client, other_user):
    theirs = make_job(other_user, "Bob's job")

    assert_error(api_client.get(f"/api/v1/jobs/{theirs.pk}"), 404, "NOT_FOUND")
    assert_error(api_client.delete(f"/api/v1/jobs/{theirs.pk}"), 404, "NOT_FOUND")
    assert Job.objects.filter(pk=theirs.pk).exists()


def test_a_missing_job_is_not_found(api_client):
    assert_error(api_client.get("/api/v1/jobs/999999"), 404, "NOT_FOUND", "no such job")


def test_delete_removes_my_job(api_client, user):
    job = make_job(user, "To delete")

    response = api_client.delete(f"/api/v1/jobs/{job.pk}")

    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Job deleted.", "data": None}
    assert not Job.objects.filter(pk=job.pk).exists()
    assert_error(api_client.get(f"/api/v1/jobs/{job.pk}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", EXTRACT),
        ("get", "/api/v1/jobs"),
        ("get", "/api/v1/jobs/1"),
        ("delete", "/api/v1/jobs/1"),
    ],
)
def test_without_credentials_every_job_endpoint_is_unauthorized(anonymous_client, method, path):
    response = getattr(anonymous_client, method)(path)

    assert_error(response, 401, "UNAUTHORIZED")


def test_a_token_in_the_authorization_header_works(anonymous_client, user):
    token = token_issue(user=user).token
    make_job(user, "Mine")

    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = anonymous_client.get("/api/v1/jobs")

    assert response.status_code == 200
    assert response.json()["data"]["count"] == 1


def test_a_wrong_token_is_unauthorized(anonymous_client, user):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert_error(anonymous_client.get("/api/v1/jobs"), 401, "UNAUTHORIZED")


def test_a_session_login_works(anonymous_client, user):
    make_job(user, "Mine")
    assert anonymous_client.login(username="alice", password="alice-pass-123")

    assert anonymous_client.get("/api/v1/jobs").json()["data"]["count"] == 1
