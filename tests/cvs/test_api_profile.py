"""GET/PUT/PATCH /api/v1/profile: the user's own master profile, validated, versioned."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.fixtures.profiles import PROFILE_URL, SPARSE

pytestmark = pytest.mark.django_db


def test_a_new_user_has_an_empty_profile_at_version_1(api_client):
    response = api_client.get(PROFILE_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"]["data"] == {}
    assert body["data"]["version"] == 1
    assert body["data"]["updated_at"]


def test_saving_a_profile_bumps_the_version_and_the_same_data_again_does_not(
    api_client, rich_profile
):
    api_client.get(PROFILE_URL)

    first = api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["data"]["version"] == 2
    assert first.json()["data"]["data"] == rich_profile

    again = api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")
    assert again.status_code == 200
    assert again.json()["data"]["version"] == 2
    assert again.json()["data"]["updated_at"] == first.json()["data"]["updated_at"]

    rich_profile["basics"]["label"] = "Staff Backend Engineer"
    changed = api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")
    assert changed.json()["data"]["version"] == 3

    stored = api_client.get(PROFILE_URL).json()["data"]
    assert stored["version"] == 3
    assert stored["data"]["basics"]["label"] == "Staff Backend Engineer"


def test_the_first_put_without_a_get_also_creates_the_profile(api_client):
    response = api_client.put(PROFILE_URL, {"data": SPARSE}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["version"] == 2
    assert response.json()["data"]["data"] == SPARSE


@pytest.mark.parametrize(
    "change, where, what",
    [
        (lambda p: p["work"][1].pop("name"), "data.work[1]", "`name` is required"),
        (lambda p: p.update(hobbies=["chess"]), "data", "has fields it does not take: `hobbies`"),
        (lambda p: p.update(skills="Python"), "data.skills", "must be a list"),
        (
            lambda p: p["basics"].update(email=42),
            "data.basics.email",
            "must be a text",
        ),
        (
            lambda p: p["education"][0].update(studyType=None),
            "data.education[0].studyType",
            "must be a text",
        ),
    ],
)
def test_an_invalid_profile_is_refused_with_where_the_problem_is(
    api_client, rich_profile, change, where, what
):
    api_client.put(PROFILE_URL, {"data": SPARSE}, format="json")
    change(rich_profile)

    response = api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert body["error_code"] == "INVALID_INPUT"
    assert f"{where}: " in body["message"]
    assert what in body["message"]
    # Nothing was saved.
    stored = api_client.get(PROFILE_URL).json()["data"]
    assert stored["version"] == 2
    assert stored["data"] == SPARSE


def test_every_problem_is_named_not_just_the_first(api_client, rich_profile):
    rich_profile["work"][0].pop("position")
    rich_profile["languages"][1].pop("language")

    response = api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")

    message = response.json()["message"]
    assert "data.languages[1]: `language` is required" in message
    assert "data.work[0]: `position` is required" in message


@pytest.mark.parametrize(
    "body, expected",
    [
        ({}, "data: This field is required."),
        ({"data": ["not", "an", "object"]}, "data: must be an object"),
        ({"data": "Amara"}, "data: must be an object"),
    ],
)
def test_a_put_without_a_profile_object_is_refused(api_client, body, expected):
    response = api_client.put(PROFILE_URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_INPUT"
    assert expected in response.json()["message"]


def test_an_oversized_profile_is_refused(api_client, rich_profile):
    rich_profile["basics"]["summary"] = "word " * 30_000

    response = api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")

    assert response.status_code == 400
    assert "The profile is too long" in response.json()["message"]


def test_patch_merges_into_the_stored_profile(api_client, rich_profile):
    api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")

    response = api_client.patch(
        PROFILE_URL,
        {"data": {"basics": {"label": "Platform Engineer", "phone": None}, "languages": None}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    profile = response.json()["data"]
    assert profile["version"] == 3
    assert profile["data"]["basics"]["label"] == "Platform Engineer"
    assert "phone" not in profile["data"]["basics"]
    assert profile["data"]["basics"]["name"] == "Amara Okafor"
    assert "languages" not in profile["data"]
    assert profile["data"]["work"] == rich_profile["work"]


def test_a_patch_that_changes_nothing_keeps_the_version(api_client, rich_profile):
    api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")

    response = api_client.patch(
        PROFILE_URL, {"data": {"basics": {"name": "Amara Okafor"}}}, format="json"
    )

    assert response.json()["data"]["version"] == 2


def test_a_patch_that_breaks_the_profile_is_refused(api_client, rich_profile):
    api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")

    response = api_client.patch(PROFILE_URL, {"data": {"work": [{"name": "X"}]}}, format="json")

    assert response.status_code == 400
    assert "data.work[0]: `position` is required" in response.json()["message"]
    assert api_client.get(PROFILE_URL).json()["data"]["version"] == 2


def test_each_user_sees_and_edits_only_their_own_profile(api_client, other_client, rich_profile):
    api_client.put(PROFILE_URL, {"data": rich_profile}, format="json")

    theirs = other_client.get(PROFILE_URL).json()["data"]
    assert theirs == {"data": {}, "version": 1, "updated_at": theirs["updated_at"]}

    other_client.put(PROFILE_URL, {"data": SPARSE}, format="json")
    mine = api_client.get(PROFILE_URL).json()["data"]
    assert mine["data"] == rich_profile
    assert mine["version"] == 2
    assert other_client.get(PROFILE_URL).json()["data"]["data"] == SPARSE


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_the_profile_needs_authentication(db, method):
    response = getattr(APIClient(), method)(PROFILE_URL, {"data": {}}, format="json")

    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHORIZED"


def test_a_profile_sent_as_a_form_is_refused(api_client):
    response = api_client.put(PROFILE_URL, {"data": "{}"})  # multipart, DRF's test default

    assert response.status_code == 415
    assert response.json()["error_code"] == "INVALID_INPUT"


def test_a_patch_must_be_an_object(api_client):
    response = api_client.patch(PROFILE_URL, {"data": ["work"]}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "data: a patch must be a JSON object."
