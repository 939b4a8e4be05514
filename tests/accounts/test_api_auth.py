"""POST /api/v1/auth/register and /api/v1/auth/token: sign up on Freemium, sign in for a token."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from accounts.services import ACCOUNT_TAKEN
from billing.models import Subscription
from orchestrator.snapshot import plan_for_user
from tests.fixtures.api import assert_error

pytestmark = pytest.mark.django_db

REGISTER, TOKEN = "/api/v1/auth/register", "/api/v1/auth/token"
CAROL = {"username": "carol", "email": "carol@example.com", "password": "plum-Orchard-77"}


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def test_register_creates_a_freemium_user_with_a_working_token(client):
    response = client.post(REGISTER, CAROL, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["success"] is True
    assert body["data"]["user"]["username"] == "carol"
    assert body["data"]["user"]["email"] == "carol@example.com"
    assert "password" not in body["data"]["user"]
    user = get_user_model().objects.get(username="carol")
    assert user.check_password("plum-Orchard-77")
    assert plan_for_user(user=user).code == "FREEMIUM"
    assert Subscription.objects.get(user=user).status == "active"

    client.credentials(HTTP_AUTHORIZATION=f"Token {body['data']['token']}")
    assert client.get("/api/v1/jobs").status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"username": "CAROL", "email": "other@example.com"},
        {"username": "carol2", "email": "Carol@Example.com"},
    ],
)
def test_a_taken_username_or_email_gets_one_message_that_does_not_say_which(client, changes):
    assert client.post(REGISTER, CAROL, format="json").status_code == 201

    response = client.post(REGISTER, {**CAROL, **changes}, format="json")

    assert_error(response, 400, "INVALID_INPUT", "username or email address cannot be used")
    assert response.json()["message"] == ACCOUNT_TAKEN
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    "password, words",
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83749201938", "entirely numeric"),
        ("carol-example", "too similar"),
    ],
)
def test_djangos_password_rules_apply(client, password, words):
    response = client.post(REGISTER, {**CAROL, "password": password}, format="json")

    assert_error(response, 400, "INVALID_INPUT", "password is not accepted", words)
    assert not get_user_model().objects.filter(username="carol").exists()


@pytest.mark.parametrize("missing", ["username", "email", "password"])
def test_every_field_is_required(client, missing):
    data = {k: v for k, v in CAROL.items() if k != missing}

    body = assert_error(client.post(REGISTER, data, format="json"), 400, "INVALID_INPUT", missing)
    assert missing in body["errors"]


def test_a_malformed_email_is_invalid_input(client):
    response = client.post(REGISTER, {**CAROL, "email": "not-an-email"}, format="json")

    assert_error(response, 400, "INVALID_INPUT", "email")


def test_each_sign_in_gets_its_own_token_and_every_one_works(client):
    registered = client.post(REGISTER, CAROL, format="json").json()["data"]["token"]

    first = client.post(TOKEN, {"username": "carol", "password": CAROL["password"]}, format="json")
    second = client.post(TOKEN, {"username": "carol", "password": CAROL["password"]}, format="json")

    assert first.status_code == 200, first.json()
    tokens = {registered, first.json()["data"]["token"], second.json()["data"]["token"]}
    assert len(tokens) == 3
    for token in tokens:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert client.get("/api/v1/usage").status_code == 200


def test_token_for_a_user_made_elsewhere_is_created_on_first_use(client, user):
    response = client.post(
        TOKEN, {"username": "alice", "password": "alice-pass-123"}, format="json"
    )

    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['data']['token']}")
    assert client.get("/api/v1/usage").status_code == 200


@pytest.mark.parametrize(
    "username, password",
    [
        ("alice", "wrong-password"),
        ("nobody", "alice-pass-123"),
    ],
)
def test_wrong_credentials_are_unauthorized(client, user, username, password):
    response = client.post(TOKEN, {"username": username, "password": password}, format="json")

    assert_error(response, 401, "UNAUTHORIZED", "wrong username or password")


def test_an_inactive_user_gets_no_token(client, user):
    user.is_active = False
    user.save()

    response = client.post(
        TOKEN, {"username": "alice", "password": "alice-pass-123"}, format="json"
    )

    assert_error(response, 401, "UNAUTHORIZED")


def test_sign_up_works_from_a_browser_with_a_session_and_csrf_checks_on(user):
    browser = APIClient(enforce_csrf_checks=True)
    browser.login(username="alice", password="alice-pass-123")

    response = browser.post(REGISTER, CAROL, format="json")

    assert response.status_code == 201, response.json()
