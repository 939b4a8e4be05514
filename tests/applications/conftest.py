"""Fixtures for the applications tests: the CV tests' profiles and jobs, a CV and a letter
drafted through the API (offline provider)."""

from __future__ import annotations

import pytest

from tests.cvs.conftest import (  # noqa: F401  (fixtures shared with the CV tests)
    DRAFT_URL,
    LETTER_URL,
    job,
    make_job,
    other_client,
    rich_profile,
    with_profile,
)

APPLICATIONS_URL = "/api/v1/applications"


@pytest.fixture
def cv_id(api_client, job, with_profile) -> int:  # noqa: F811
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]["id"]


@pytest.fixture
def letter_id(api_client, job, with_profile) -> int:  # noqa: F811
    response = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]["id"]


@pytest.fixture
def application(api_client, job, cv_id, letter_id) -> dict:  # noqa: F811
    response = api_client.post(
        APPLICATIONS_URL,
        {"job_id": job.pk, "cv_id": cv_id, "letter_id": letter_id, "status": "applied"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["data"]
