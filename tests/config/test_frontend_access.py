"""What a browser frontend on another origin needs: `Authorization: Bearer <token>` besides
`Token <token>`, and CORS for the origins in CORS_ALLOWED_ORIGINS (none by default), with
preflight requests answered before any authentication."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_issue
from tests.fixtures.api import assert_error

pytestmark = pytest.mark.django_db

APP = "https://app.example.com"


@pytest.fixture
def token(user) -> str:
    return token_issue(user=user).token


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_the_token_works_with_either_keyword(token, keyword):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {token}")

    response = client.get("/api/v1/usage")

    assert response.status_code == 200 and response.json()["success"] is True


def test_a_wrong_bearer_token_is_unauthorized(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + "0" * 40)

    assert_error(client.get("/api/v1/usage"), 401, "UNAUTHORIZED", "invalid token")


def test_the_token_from_sign_in_works_as_a_bearer_token(user):
    client = APIClient()
    signed_in = client.post(
        "/api/v1/auth/token", {"username": "alice", "password": "alice-pass-123"}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {signed_in.json()['data']['token']}")

    assert client.get("/api/v1/jobs").status_code == 200


def test_the_schema_documents_the_bearer_scheme():
    schema = APIClient().get("/api/schema/?format=json").json()

    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert {"bearerAuth": []} in schema["paths"]["/api/v1/cv-drafter/draft"]["post"]["security"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/cv-drafter/draft"]["post"]["security"]


def preflight(client, origin=APP, path="/api/v1/cv-drafter/draft"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def test_a_preflight_from_an_allowed_origin_is_answered_without_credentials(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]

    response = preflight(APIClient())

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response  # tokens, never cookies


def test_an_allowed_origin_reads_the_answer(settings, token):
    settings.CORS_ALLOWED_ORIGINS = [APP]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = client.get("/api/v1/usage", HTTP_ORIGIN=APP)

    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == APP
    # Even an error must be readable by the frontend, or it cannot show the message.
    anonymous = APIClient().get("/api/v1/usage", HTTP_ORIGIN=APP)
    assert anonymous.status_code == 401 and anonymous["Access-Control-Allow-Origin"] == APP


def test_other_origins_get_no_cors_headers(settings, token):
    settings.CORS_ALLOWED_ORIGINS = [APP]

    assert "Access-Control-Allow-Origin" not in preflight(APIClient(), "https://evil.example")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/usage", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_no_origin_is_allowed_by_default():
    assert "Access-Control-Allow-Origin" not in preflight(APIClient())


def test_the_admin_is_never_cross_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]

    response = APIClient().get("/admin/login/", HTTP_ORIGIN=APP)

    assert "Access-Control-Allow-Origin" not in response


def test_a_preflight_allows_the_prefer_header_the_api_documents(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]

    response = APIClient().options(
        "/api/v1/cv-drafter/draft",
        HTTP_ORIGIN=APP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, prefer",
    )

    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "prefer"} <= allowed


def test_a_browser_may_read_the_file_name_retry_after_and_the_quota(settings, token):
    settings.CORS_ALLOWED_ORIGINS = [APP]

    response = APIClient().get(
        "/api/v1/usage", HTTP_ORIGIN=APP, HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {
        "content-disposition",
        "retry-after",
        "x-request-id",
        "x-quota-daily-tokens-remaining",
        "x-quota-monthly-cost-remaining",
    } <= exposed
