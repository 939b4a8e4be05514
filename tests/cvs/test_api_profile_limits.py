"""A profile can never break its owner's account: text, depth and size are checked before it is
stored, and DELETE /api/v1/profile removes whatever is stored."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.errors import InvalidInput
from cvs.services import profile_update
from documents.models import MasterProfile
from tests.fixtures.profiles import PROFILE_URL, SPARSE

pytestmark = pytest.mark.django_db


def deep(levels: int) -> dict:
    value: dict = {"city": "Leeds"}
    for _ in range(levels):
        value = {"inner": value}
    return value


def assert_invalid(response, *words: str) -> None:
    assert response.status_code == 400, response.json()
    body = response.json()
    assert (body["success"], body["error_code"]) == (False, "INVALID_INPUT")
    for word in words:
        assert word in body["message"]


@pytest.mark.parametrize("bad", ["\ud800", "\x00"])
def test_the_service_refuses_a_nul_or_a_lone_surrogate_before_storing(user, bad):
    profile = {"basics": {"name": "Ann", "summary": f"Backend{bad} engineer"}}

    with pytest.raises(InvalidInput) as refused:
        profile_update(user=user, data=profile)

    assert "data.basics.summary" in refused.value.message
    assert not MasterProfile.objects.filter(user=user).exclude(data={}).exists()


@pytest.mark.parametrize("escape", ["\\ud800", "\\u0000"])
def test_a_bad_character_in_a_put_is_a_400_and_the_account_keeps_working(api_client, escape):
    body = '{"data": {"basics": {"name": "Ann' + escape + '"}}}'

    assert_invalid(api_client.put(PROFILE_URL, body, content_type="application/json"))

    assert api_client.get(PROFILE_URL).status_code == 200
    assert api_client.get("/api/v1/cvs").status_code == 200
    assert api_client.get("/api/v1/letters").status_code == 200
    saved = api_client.put(PROFILE_URL, {"data": SPARSE}, format="json")
    assert saved.status_code == 200
    assert saved.json()["data"]["data"] == SPARSE


@pytest.mark.parametrize("parser_bound", [None, 2_000])
def test_a_profile_nested_700_deep_is_refused_and_later_edits_still_work(
    api_client, settings, parser_bound
):
    if parser_bound:  # with the parser's own bound lifted, the profile's still holds
        settings.API_JSON_MAX_DEPTH = parser_bound
    profile = {"basics": {"location": deep(700)}}

    response = api_client.put(PROFILE_URL, {"data": profile}, format="json")

    limit = "8 levels" if parser_bound else "32 levels"
    assert_invalid(response, f"nested more than {limit}")
    assert api_client.put(PROFILE_URL, {"data": SPARSE}, format="json").status_code == 200
    patched = api_client.patch(PROFILE_URL, {"data": {"basics": {"label": "Dev"}}}, format="json")
    assert patched.status_code == 200
    assert patched.json()["data"]["data"]["basics"]["label"] == "Dev"


def test_the_profile_depth_bound_is_a_setting(api_client, settings):
    settings.PROFILE_MAX_DEPTH = 4
    # 5 levels: the profile, basics, profiles, one profile, its list of tags.
    profile = {"basics": {"profiles": [{"network": "GitHub", "tags": ["oss", "python"]}]}}

    assert_invalid(
        api_client.put(PROFILE_URL, {"data": profile}, format="json"),
        "data.basics.profiles[0].tags is nested more than 4 levels deep",
    )
    settings.PROFILE_MAX_DEPTH = 5
    assert api_client.put(PROFILE_URL, {"data": profile}, format="json").status_code == 200


def test_fields_the_schema_does_not_list_are_kept_only_as_flat_values(api_client):
    kept = {"basics": {"name": "Ann", "image": "https://example.com/ann.png"}}
    kept["education"] = [{"institution": "Leeds", "courses": ["Databases", "Compilers"]}]
    assert api_client.put(PROFILE_URL, {"data": kept}, format="json").status_code == 200

    nested = {"basics": {"name": "Ann", "location": {"geo": {"lat": 53.8, "lng": -1.5}}}}
    assert_invalid(
        api_client.put(PROFILE_URL, {"data": nested}, format="json"), "data.basics.location.geo"
    )


def test_the_profile_size_bound_is_a_setting(api_client, settings):
    settings.PROFILE_MAX_CHARS = 500
    profile = {"basics": {"name": "Ann", "summary": "x" * 600}}

    assert_invalid(
        api_client.put(PROFILE_URL, {"data": profile}, format="json"), "the limit is 500"
    )


def test_delete_removes_the_profile_and_the_next_read_starts_empty(api_client):
    api_client.put(PROFILE_URL, {"data": SPARSE}, format="json")

    response = api_client.delete(PROFILE_URL)

    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Profile deleted.", "data": None}
    assert not MasterProfile.objects.exists()
    fresh = api_client.get(PROFILE_URL).json()["data"]
    assert (fresh["data"], fresh["version"]) == ({}, 1)


def test_delete_without_a_profile_is_fine(api_client):
    assert api_client.delete(PROFILE_URL).status_code == 200


def test_delete_is_the_way_out_of_a_profile_stored_before_these_checks(api_client, user):
    # What an older version accepted: deep enough that copying it for an edit overflows.
    MasterProfile.objects.create(user=user, data={"basics": {"location": deep(700)}}, version=3)

    assert api_client.delete(PROFILE_URL).status_code == 200

    saved = api_client.put(PROFILE_URL, {"data": SPARSE}, format="json")
    assert saved.status_code == 200
    assert saved.json()["data"]["data"] == SPARSE


def test_delete_only_touches_your_own_profile(api_client, other_user):
    profile_update(user=other_user, data=SPARSE)

    api_client.delete(PROFILE_URL)

    assert MasterProfile.objects.get(user=other_user).data == SPARSE


def test_delete_needs_authentication():
    response = APIClient().delete(PROFILE_URL)

    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHORIZED"


def test_a_patch_without_data_changes_nothing(api_client):
    api_client.put(PROFILE_URL, {"data": SPARSE}, format="json")

    response = api_client.patch(PROFILE_URL, {}, format="json")

    assert response.status_code == 200
    assert (response.json()["data"]["data"], response.json()["data"]["version"]) == (SPARSE, 2)


def test_a_patch_removing_a_key_a_profile_cannot_have_is_refused(api_client):
    api_client.put(PROFILE_URL, {"data": SPARSE}, format="json")

    response = api_client.patch(PROFILE_URL, {"data": {"hobbies": None}}, format="json")

    assert_invalid(response, "The patch is not valid: data: has fields it does not take", "hobbies")
    assert api_client.get(PROFILE_URL).json()["data"]["version"] == 2
