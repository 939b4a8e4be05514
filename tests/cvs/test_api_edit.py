"""PATCH /api/v1/cvs/{id}: the user's edits become numbered versions, fact-checked again."""

from __future__ import annotations

import copy

import pytest

from cvs.models import CVDraft, CVDraftVersion
from cvs.services import profile_patch
from tests.fixtures.profiles import DRAFT_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(api_client, job, with_profile) -> dict:
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def url(draft: dict, suffix: str = "") -> str:
    return f"/api/v1/cvs/{draft['id']}{suffix}"


def test_a_new_draft_is_version_1_written_by_the_ai(api_client, draft):
    assert draft["version"] == 1

    listed = api_client.get(url(draft, "/versions")).json()["data"]
    assert listed["count"] == 1
    (first,) = listed["results"]
    assert (first["number"], first["edited_by_user"]) == (1, False)
    assert first["content"] == draft["content"]


def test_an_edit_is_saved_as_the_next_version_and_the_old_one_stays_readable(api_client, draft):
    response = api_client.patch(
        url(draft),
        {"content": {"summary": "Backend engineer who writes things down."}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["message"] == "Saved as version 2."
    edited = body["data"]
    assert edited["version"] == 2
    assert edited["content"]["summary"] == "Backend engineer who writes things down."
    assert edited["content"]["experience"] == draft["content"]["experience"]  # merged, not replaced
    assert edited["warnings"] == []

    latest = api_client.get(url(draft)).json()["data"]
    assert (latest["version"], latest["content"]) == (2, edited["content"])
    first = api_client.get(url(draft, "/versions/1")).json()["data"]
    assert first["content"]["summary"] == draft["content"]["summary"]
    listed = api_client.get(url(draft, "/versions")).json()["data"]["results"]
    assert [(v["number"], v["edited_by_user"]) for v in listed] == [(2, True), (1, False)]
    assert CVDraftVersion.objects.filter(draft_id=draft["id"]).count() == 2


def test_an_employer_the_user_adds_is_kept_and_marked_added_by_them(api_client, draft):
    experience = copy.deepcopy(draft["content"]["experience"])
    experience.insert(0, {"employer": "Globex", "title": "CTO", "bullets": ["Ran everything"]})

    response = api_client.patch(url(draft), {"content": {"experience": experience}}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Saved as version 2, with warnings: check them."
    assert body["data"]["warnings"] == ['Added by you: Employer "Globex" is not in your profile.']
    assert body["data"]["content"]["experience"][0]["employer"] == "Globex"
    assert CVDraft.objects.get(pk=draft["id"]).warnings == body["data"]["warnings"]
    # The bullet has no source in the match report either.
    (bullet,) = [b for b in body["data"]["match"]["bullets"] if b["experience"] == 0]
    assert bullet["source"] is None
    assert "Globex" in bullet["warning"]


def test_the_fact_check_uses_the_profile_as_it_is_now(api_client, user, draft):
    experience = copy.deepcopy(draft["content"]["experience"])
    experience.append({"employer": "Globex", "title": "CTO", "bullets": ["Ran everything"]})
    api_client.patch(url(draft), {"content": {"experience": experience}}, format="json")
    profile_patch(
        user=user,
        patch={"work": [*user.master_profile.data["work"], {"name": "Globex", "position": "CTO"}]},
    )

    response = api_client.patch(url(draft), {"content": {"summary": "Edited."}}, format="json")

    assert response.json()["data"]["warnings"] == []


def test_an_invalid_edit_is_refused_with_the_path_of_each_problem(api_client, draft):
    response = api_client.patch(
        url(draft),
        {"content": {"experience": [{"employer": "Parcelly Ltd"}], "photo": "me.png"}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "The edited CV draft is not valid: content: has fields it does not take: "
        "`photo`; content.experience[0]: `title` is required; content.experience[0]: "
        "`bullets` is required.",
        "error_code": "INVALID_INPUT",
    }
    assert CVDraft.objects.get(pk=draft["id"]).version == 1


@pytest.mark.parametrize("body", [{"content": []}, {"content": "text"}, {"content": None}])
def test_an_edit_must_be_a_merge_patch_object(api_client, draft, body):
    response = api_client.patch(url(draft), body, format="json")

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_INPUT"
    assert response.json()["message"].startswith("content:")


@pytest.mark.parametrize("body", [{"content": {}}, {}])
def test_an_empty_merge_patch_changes_nothing(api_client, draft, body):
    response = api_client.patch(url(draft), body, format="json")

    assert response.status_code == 200
    assert response.json()["message"] == "Nothing changed; the CV draft stays at version 1."
    assert CVDraftVersion.objects.filter(draft_id=draft["id"]).count() == 1


def test_removing_a_required_part_is_refused(api_client, draft):
    response = api_client.patch(url(draft), {"content": {"summary": None}}, format="json")

    assert response.status_code == 400
    assert "`summary` is required" in response.json()["message"]


def test_an_edit_that_changes_nothing_saves_no_version(api_client, draft):
    response = api_client.patch(
        url(draft), {"content": {"summary": draft["content"]["summary"]}}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["message"] == "Nothing changed; the CV draft stays at version 1."
    assert CVDraftVersion.objects.filter(draft_id=draft["id"]).count() == 1


def test_another_users_draft_cannot_be_edited_or_read(other_client, draft):
    response = other_client.patch(url(draft), {"content": {"summary": "Mine now"}}, format="json")
    assert (response.status_code, response.json()["error_code"]) == (404, "NOT_FOUND")
    assert response.json()["message"] == "No such CV draft."
    assert other_client.get(url(draft, "/versions")).status_code == 404
    assert other_client.get(url(draft, "/versions/1")).status_code == 404
    assert CVDraft.objects.get(pk=draft["id"]).content == draft["content"]


def test_a_version_that_does_not_exist_is_not_found(api_client, draft):
    response = api_client.get(url(draft, "/versions/2"))

    assert response.status_code == 404
    assert response.json()["message"] == "This CV draft has no version 2."
