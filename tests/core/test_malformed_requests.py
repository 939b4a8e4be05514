"""Malformed, oversized and hostile requests get a 4xx envelope with an error code, never a 500
or an HTML page, on every endpoint (core/text.py, core/api.py, config/urls.py)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.api import SafeJSONRenderer, api_server_error
from cvs.models import CVDraft
from documents.models import MasterProfile
from jobs.models import Job
from letters.models import CoverLetter

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"
TOKEN = "/api/v1/auth/token"
PROFILE = "/api/v1/profile"
EXTRACT = "/api/v1/job-extractor/extract"
TOO_BIG_ID = "9223372036854775808"  # 2**63: one past the largest 64-bit key


def assert_refused(response, status: int, code: str, *words: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["success"] is False
    assert body["error_code"] == code
    for word in words:
        assert word in body["message"]
    return body


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# --- JSON bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_json_body_nested_too_deep_is_a_400_on_a_public_endpoint(depth):
    response = APIClient().post(REGISTER, nested(depth), content_type="application/json")

    assert_refused(response, 400, "INVALID_INPUT", "nested more than 32 levels")


def test_a_json_body_nested_too_deep_is_a_400_on_the_profile(api_client):
    body = '{"data": {"basics": ' + nested(5_000) + "}}"

    response = api_client.put(PROFILE, body, content_type="application/json")

    assert_refused(response, 400, "INVALID_INPUT", "nested more than")
    assert not MasterProfile.objects.exists()


def test_a_json_body_within_the_depth_limit_still_reaches_the_view(api_client, settings):
    settings.API_JSON_MAX_DEPTH = 40
    body = '{"data": {"basics": ' + nested(20) + "}}"

    response = api_client.put(PROFILE, body, content_type="application/json")

    # Parsed, then refused by the profile's own, smaller bound: the view answered.
    assert_refused(response, 400, "INVALID_INPUT", "The profile is not valid", "8 levels")


@pytest.mark.parametrize(
    "escape, what", [("\\ud800", "unpaired surrogate"), ("\\u0000", "NUL character")]
)
@pytest.mark.parametrize("where", ["value", "key"])
def test_a_nul_or_a_lone_surrogate_in_a_json_body_is_a_400(escape, what, where):
    field = f'"username": "ann{escape}"' if where == "value" else f'"user{escape}": "ann"'
    body = "{" + field + ', "email": "ann@example.com", "password": "a-long-pass-123"}'

    response = APIClient().post(REGISTER, body, content_type="application/json")

    assert_refused(response, 400, "INVALID_INPUT", what)


@pytest.mark.parametrize("escape", ["\\ud800", "\\u0000"])
def test_a_bad_character_in_the_pasted_text_is_a_400_not_a_stored_job(api_client, escape):
    text = "Senior Backend Engineer at Acme. " * 3 + escape
    response = api_client.post(EXTRACT, f'{{"text": "{text}"}}', content_type="application/json")

    assert_refused(response, 400, "INVALID_INPUT")
    assert not Job.objects.exists()


def test_a_malformed_json_body_is_still_a_400(api_client):
    response = api_client.put(PROFILE, '{"data": ', content_type="application/json")

    assert_refused(response, 400, "INVALID_INPUT", "JSON parse error")


# --- Size and count limits ------------------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_a_413_naming_the_limit(settings):
    body = '{"username": "' + "x" * 7_000_000 + '", "password": "p"}'

    response = APIClient().post(TOKEN, body, content_type="application/json")

    limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000:g} MB"
    assert_refused(response, 413, "PAYLOAD_TOO_LARGE", limit)


def test_a_form_body_over_the_upload_limit_is_a_413():
    response = APIClient().post(
        TOKEN,
        "username=" + "x" * 7_000_000 + "&password=p",
        content_type="application/x-www-form-urlencoded",
    )

    assert_refused(response, 413, "PAYLOAD_TOO_LARGE")


def test_ten_megabytes_of_text_to_the_extractor_is_refused_with_the_limit(api_client, settings):
    body = '{"text": "' + "Backend engineer wanted. " * 400_000 + '"}'

    response = api_client.post(EXTRACT, body, content_type="application/json")

    assert_refused(response, 413, "PAYLOAD_TOO_LARGE", "MB limit")
    assert not Job.objects.exists()


def test_text_over_the_text_limit_but_under_the_body_limit_is_a_400_naming_it(api_client):
    response = api_client.post(
        EXTRACT, {"text": "Backend engineer wanted. " * 2_500}, format="json"
    )

    assert_refused(response, 400, "INVALID_INPUT", "the limit is 50000 characters")


def test_more_form_fields_than_django_allows_is_a_400(api_client):
    fields = "&".join(f"f{i}=1" for i in range(1_100))

    response = api_client.post(EXTRACT, fields, content_type="application/x-www-form-urlencoded")

    assert_refused(response, 400, "INVALID_INPUT", "more than 1000 fields")


def test_more_files_than_django_allows_in_one_multipart_body_is_a_400(api_client):
    files = {f"image{i}": SimpleUploadedFile(f"{i}.png", b"x") for i in range(101)}

    response = api_client.post(EXTRACT, files, format="multipart")

    assert_refused(response, 400, "INVALID_INPUT", "more than 100 files")


# --- Ids and paths --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/cvs", "/api/v1/letters"])
def test_a_job_id_filter_past_the_64_bit_range_is_a_400(api_client, url):
    response = api_client.get(url, {"job_id": TOO_BIG_ID})

    assert_refused(response, 400, "INVALID_INPUT", "job_id")


@pytest.mark.parametrize("url", ["/api/v1/cv-drafter/draft", "/api/v1/cover-letter/generate"])
def test_a_job_id_past_the_64_bit_range_in_a_body_is_a_400(api_client, url):
    response = api_client.post(url, {"job_id": int(TOO_BIG_ID)}, format="json")

    assert_refused(response, 400, "INVALID_INPUT", "job_id")
    assert not CVDraft.objects.exists() and not CoverLetter.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/jobs/-1",
        "/api/v1/jobs/" + TOO_BIG_ID,
        "/api/v1/cvs/" + TOO_BIG_ID,
        "/api/v1/letters/abc",
        "/api/v1/tasks/not-a-uuid",
        "/api/v1/no-such-thing",
        "/api/v2/jobs",
    ],
)
def test_an_api_path_no_route_matches_is_a_json_404(api_client, path):
    response = api_client.get(path)

    assert_refused(response, 404, "NOT_FOUND")


def test_a_delete_to_an_unmatched_api_path_with_a_session_is_a_404_not_a_csrf_page(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.delete("/api/v1/jobs/" + TOO_BIG_ID)

    assert_refused(response, 404, "NOT_FOUND")


def test_paths_outside_the_api_keep_django_s_own_404_page(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_page_past_the_last_one_is_a_documented_404(api_client):
    response = api_client.get("/api/v1/jobs", {"page": "99"})

    assert_refused(response, 404, "NOT_FOUND")


# --- JSON types as documented ------------------------------------------------------------


@pytest.mark.parametrize(
    "url, body, field",
    [
        (EXTRACT, {"url": 0}, "url"),
        (EXTRACT, {"text": "x" * 60, "force": "true"}, "force"),
        ("/api/v1/cv-drafter/draft", {"job_id": "5"}, "job_id"),
        ("/api/v1/cover-letter/generate", {"job_id": True}, "job_id"),
        (TOKEN, {"username": 1, "password": "p"}, "username"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_a_400_not_converted(api_client, url, body, field):
    response = api_client.post(url, body, format="json")

    refused = assert_refused(response, 400, "INVALID_INPUT", field)
    assert field in refused["errors"]
    assert not Job.objects.exists()


def test_form_fields_are_still_read_as_text(api_client):
    response = api_client.post(EXTRACT, {"url": "", "force": "true"}, format="multipart")

    # Refused for the empty URL, not for the form's text "true".
    assert_refused(response, 400, "INVALID_INPUT", "The URL is empty.")


@pytest.mark.parametrize("name", ["page", "page_size"])
@pytest.mark.parametrize("value", ["0", "-3", "abc", ""])
def test_a_page_or_page_size_that_is_not_a_whole_number_from_1_is_a_400(api_client, name, value):
    response = api_client.get("/api/v1/jobs", {name: value})

    assert_refused(response, 400, "INVALID_INPUT", f"{name}: Must be a whole number from 1.")


def test_an_empty_tone_filter_is_no_filter(api_client):
    response = api_client.get("/api/v1/letters", {"tone": ""})

    assert response.status_code == 200
    assert response.json()["data"]["count"] == 0


# --- Errors Django answers outside the views ----------------------------------------------


def test_a_request_django_refuses_before_the_view_is_a_json_400_on_api_paths(client):
    response = client.get("/api/v1/jobs", HTTP_HOST="attacker.example")

    assert_refused(response, 400, "INVALID_INPUT")


def test_an_error_outside_a_view_is_a_json_500_on_api_paths_and_django_s_page_elsewhere(rf):
    api = api_server_error(rf.get("/api/v1/jobs"))
    admin = api_server_error(rf.get("/admin/"))

    assert (api.status_code, api["Content-Type"]) == (500, "application/json")
    assert json.loads(api.content)["error_code"] == "INTERNAL_ERROR"
    assert admin.status_code == 500
    assert admin["Content-Type"].startswith("text/html")


def test_text_stored_before_the_checks_is_still_answered_as_valid_json():
    # SQLite kept unpaired surrogates that requests can no longer send; UTF-8 cannot carry one.
    rendered = SafeJSONRenderer().render({"name": "Ann\ud800"})

    assert json.loads(rendered) == {"name": "Ann\ud800"}
