"""GET /api/v1/letters, GET/DELETE /api/v1/letters/{id}: a user's own letters only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from letters.models import CoverLetter
from tests.fixtures.profiles import LETTER_URL, PROFILE_URL, RICH

pytestmark = pytest.mark.django_db


def write(client, job, tone="professional") -> dict:
    response = client.post(LETTER_URL, {"job_id": job.pk, "tone": tone}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


@pytest.fixture
def letters(api_client, other_client, other_user, user, make_job, with_profile):
    """Alice has two letters for one job (two tones) and one for another; Bob has one."""
    backend, frontend = make_job(user), make_job(user, title="Frontend Developer")
    mine = [
        write(api_client, backend),
        write(api_client, frontend),
        write(api_client, backend, "friendly"),
    ]
    other_client.put(PROFILE_URL, {"data": RICH}, format="json")
    theirs = write(other_client, make_job(other_user))
    return {"mine": mine, "theirs": theirs, "backend": backend}


def test_the_list_holds_only_my_letters_newest_first(api_client, letters):
    page = api_client.get("/api/v1/letters").json()["data"]

    assert page["count"] == 3
    assert page["results"] == list(reversed(letters["mine"]))


def test_the_list_filters_by_job_and_tone(api_client, letters):
    backend = letters["backend"].pk

    by_job = api_client.get("/api/v1/letters", {"job_id": backend}).json()["data"]
    by_both = api_client.get("/api/v1/letters", {"job_id": backend, "tone": "friendly"})

    assert [x["id"] for x in by_job["results"]] == [
        letters["mine"][2]["id"],
        letters["mine"][0]["id"],
    ]
    assert [x["id"] for x in by_both.json()["data"]["results"]] == [letters["mine"][2]["id"]]


def test_a_bad_filter_is_invalid_input(api_client, letters):
    response = api_client.get("/api/v1/letters", {"tone": "grumpy"})

    assert response.status_code == 400
    assert (
        "choose one of professional, enthusiastic, concise, friendly"
        in (response.json()["message"])
    )


def test_detail_shows_my_letter(api_client, letters):
    mine = letters["mine"][1]

    response = api_client.get(f"/api/v1/letters/{mine['id']}")

    assert response.status_code == 200
    assert response.json()["data"] == mine
    assert response.json()["data"]["text"].startswith("Subject: Application for")


def test_someone_elses_letter_is_not_found(api_client, letters):
    theirs = letters["theirs"]["id"]

    for response in (
        api_client.get(f"/api/v1/letters/{theirs}"),
        api_client.delete(f"/api/v1/letters/{theirs}"),
    ):
        assert response.status_code == 404
        assert response.json()["error_code"] == "NOT_FOUND"
    assert CoverLetter.objects.filter(pk=theirs).exists()


def test_deleting_my_letter_removes_it(api_client, letters):
    mine = letters["mine"][0]["id"]

    response = api_client.delete(f"/api/v1/letters/{mine}")

    assert response.status_code == 200
    assert response.json()["message"] == "Cover letter deleted."
    assert api_client.get(f"/api/v1/letters/{mine}").status_code == 404
    assert api_client.get("/api/v1/letters").json()["data"]["count"] == 2


def test_letters_need_authentication(letters):
    client = APIClient()

    assert client.get("/api/v1/letters").status_code == 401
    assert client.delete(f"/api/v1/letters/{letters['mine'][0]['id']}").status_code == 401
    assert CoverLetter.objects.count() == 4
