"""A newcomer's first minute: `/` is a page that links everything, `/api/v1/` lists the
endpoints, `/healthz` and `/readyz` answer load balancers in JSON, and a trailing slash is
answered with the path that exists."""

from __future__ import annotations

import socket

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_root_is_a_page_linking_the_docs_the_admin_and_the_health_endpoints():
    response = Client().get("/")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    for link in ("/api/docs/", "/api/schema/", "/api/v1/", "/admin/", "/healthz", "/readyz"):
        assert f'href="{link}"' in page, link


def test_the_api_root_lists_its_endpoints_without_signing_in():
    response = APIClient().get("/api/v1/")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["docs"].endswith("/api/docs/")
    assert {
        "/api/v1/auth/token",
        "/api/v1/job-extractor/extract",
        "/api/v1/cvs/{draft_id}/export",
        "/api/v1/cover-letter/generate/stream",
        "/api/v1/usage",
    } <= set(data["endpoints"])


def test_healthz_says_the_process_is_up():
    response = Client().get("/healthz")

    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_when_the_database_answers():
    response = Client().get("/readyz")

    body = response.json()
    assert response.status_code == 200 and body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True
    redis = body["checks"]["redis"]
    assert (redis["ok"], redis["detail"]) == (True, "not configured")


def test_readyz_is_not_ready_while_the_configured_redis_does_not_answer(settings):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"

    response = Client().get("/readyz")

    body = response.json()
    assert response.status_code == 503 and body["status"] == "not ready"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["redis"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] is True


def test_a_trailing_slash_is_a_404_naming_the_path_without_it(api_client):
    response = api_client.get("/api/v1/usage/")

    assert response.status_code == 404
    assert response.json()["error_code"] == "NOT_FOUND"
    assert "/api/v1/usage" in response.json()["message"]
    assert "without a slash: /api/v1/usage" in response.json()["message"]


def test_a_path_that_does_not_exist_with_or_without_a_slash_is_a_plain_404(api_client):
    response = api_client.get("/api/v1/nothing-here/")

    assert response.status_code == 404 and response.json()["message"] == "No such API path."


@pytest.mark.parametrize(
    "amount, shown",
    [
        ("0", "$0.00"),
        ("1234.5", "$1,234.50"),
        ("0.5", "$0.50"),
        ("0.0123", "$0.0123"),
        ("0.000123456", "$0.000123"),
        ("0.00120000", "$0.0012"),
    ],
)
def test_money_is_written_one_way_everywhere(amount, shown):
    from decimal import Decimal

    from billing.selectors import limit_text
    from core.money import usd

    assert usd(Decimal(amount)) == shown
    assert limit_text("monthly_cost_usd", Decimal(amount)) == shown
