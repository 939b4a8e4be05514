"""GET /api/v1/cvs, GET/DELETE /api/v1/cvs/{id}: a user's own CV drafts only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cvs.models import CVDraft
from tests.fixtures.profiles import DRAFT_URL, PROFILE_URL, RICH

pytestmark = pytest.mark.django_db


def draft(client, job) -> dict:
    response = client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


@pytest.fixture
def drafts(api_client, other_client, other_user, user, make_job, with_profile):
    """Alice has two drafts for one job and one for another; Bob has one of his own."""
    backend, frontend = make_job(user), make_job(user, title="Frontend Developer")
    mine = [draft(api_client, backend), draft(api_client, frontend), draft(api_client, backend)]
    other_client.put(PROFILE_URL, {"data": RICH}, format="json")
    theirs = draft(other_client, make_job(other_user))
    return {"mine": mine, "theirs": theirs, "backend": backend, "frontend": frontend}


def test_the_list_holds_only_my_drafts_newest_first(api_client, drafts):
    response = api_client.get("/api/v1/cvs")

    assert response.status_code == 200
    page = response.json()["data"]
    assert page["count"] == 3
    assert [d["id"] for d in page["results"]] == [d["id"] for d in reversed(drafts["mine"])]
    assert page["results"][0] == drafts["mine"][2]


def test_the_list_filters_by_job(api_client, drafts):
    response = api_client.get("/api/v1/cvs", {"job_id": drafts["backend"].pk})

    ids = [d["id"] for d in response.json()["data"]["results"]]
    assert ids == [drafts["mine"][2]["id"], drafts["mine"][0]["id"]]


def test_filtering_by_someone_elses_job_finds_nothing(api_client, drafts):
    response = api_client.get("/api/v1/cvs", {"job_id": drafts["theirs"]["job_id"]})

    assert response.json()["data"]["count"] == 0


def test_a_bad_job_filter_is_invalid_input(api_client, drafts):
    response = api_client.get("/api/v1/cvs", {"job_id": "backend"})

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_INPUT"


def test_the_list_is_paginated(api_client, drafts):
    response = api_client.get("/api/v1/cvs", {"page_size": 2})

    page = response.json()["data"]
    assert page["count"] == 3 and len(page["results"]) == 2
    assert page["next"]


def test_detail_shows_my_draft(api_client, drafts):
    mine = drafts["mine"][1]

    response = api_client.get(f"/api/v1/cvs/{mine['id']}")

    assert response.status_code == 200
    assert response.json()["data"] == mine


def test_someone_elses_draft_is_not_found(api_client, drafts):
    theirs = drafts["theirs"]["id"]

    for response in (
        api_client.get(f"/api/v1/cvs/{theirs}"),
        api_client.delete(f"/api/v1/cvs/{theirs}"),
    ):
        assert response.status_code == 404
        assert response.json()["error_code"] == "NOT_FOUND"
    assert CVDraft.objects.filter(pk=theirs).exists()


def test_deleting_my_draft_removes_it(api_client, drafts):
    mine = drafts["mine"][0]["id"]

    response = api_client.delete(f"/api/v1/cvs/{mine}")

    assert response.status_code == 200
    assert response.json()["message"] == "CV draft deleted."
    assert api_client.get(f"/api/v1/cvs/{mine}").status_code == 404
    assert api_client.get("/api/v1/cvs").json()["data"]["count"] == 2


def test_lists_need_authentication(drafts):
    client = APIClient()

    assert client.get("/api/v1/cvs").status_code == 401
    assert client.get(f"/api/v1/cvs/{drafts['mine'][0]['id']}").status_code == 401
