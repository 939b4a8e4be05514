"""API tokens change: one per sign-in with an expiry that slides with use, sign-out revokes the
token in hand, a user lists and revokes their tokens, and a new password ends them all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.fixtures.api import assert_error

pytestmark = pytest.mark.django_db
TOKEN, LOGOUT, TOKENS = "/api/v1/auth/token", "/api/v1/auth/logout", "/api/v1/auth/tokens"


def sign_in(username="alice", password="alice-pass-123") -> str:
    response = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["data"]["token"]


def client_with(token: str, scheme: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {token}")
    return client


def works(token: str, scheme: str = "Bearer") -> bool:
    status = client_with(token, scheme).get("/api/v1/usage").status_code
    assert status in (200, 401)
    return status == 200


def test_a_token_works_in_both_header_forms_and_says_when_it_expires(user):
    before = timezone.now()
    response = APIClient().post(
        TOKEN, {"username": "alice", "password": "alice-pass-123"}, format="json"
    )

    data = response.json()["data"]
    assert works(data["token"], "Bearer") and works(data["token"], "Token")
    expiry = timezone.datetime.fromisoformat(data["expiry"].replace("Z", "+00:00"))
    assert before + timedelta(days=29) < expiry < before + timedelta(days=31)


def test_tokens_are_stored_as_digests_only(user):
    token = sign_in()

    stored = AuthToken.objects.get(user=user)
    assert token not in (stored.digest, stored.token_key) and stored.digest != token


def test_logout_revokes_the_token_in_hand_and_no_other(user):
    phone, laptop = sign_in(), sign_in()

    response = client_with(phone).post(LOGOUT)

    assert response.status_code == 200 and response.json()["data"] == {"revoked": 1}
    assert not works(phone) and works(laptop)
    assert_error(client_with(phone).post(LOGOUT), 401, "UNAUTHORIZED")


def test_a_user_lists_their_tokens_without_seeing_them(user, other_user):
    phone, laptop = sign_in(), sign_in()
    sign_in("bob", "bob-pass-123")

    listed = client_with(laptop).get(TOKENS).json()["data"]

    assert len(listed) == 2
    assert {item["current"] for item in listed} == {True, False}
    current = next(item for item in listed if item["current"])
    assert laptop.startswith(current["id"]) and set(current) == {
        "id",
        "created",
        "expiry",
        "current",
    }
    body = str(listed)
    assert phone not in body and laptop not in body


def test_a_user_revokes_one_token_by_its_id_and_not_another_users(user, other_user):
    phone, laptop = sign_in(), sign_in()
    bobs = sign_in("bob", "bob-pass-123")
    phone_id = next(
        item["id"] for item in client_with(laptop).get(TOKENS).json()["data"] if not item["current"]
    )

    assert client_with(laptop).delete(f"{TOKENS}/{phone_id}").status_code == 200
    assert_error(client_with(bobs).delete(f"{TOKENS}/{laptop[:15]}"), 404, "NOT_FOUND")

    assert not works(phone) and works(laptop) and works(bobs)


def test_revoking_all_signs_the_user_out_everywhere(user, other_user):
    phone, laptop = sign_in(), sign_in()
    bobs = sign_in("bob", "bob-pass-123")

    response = client_with(laptop).delete(TOKENS)

    assert response.json()["data"] == {"revoked": 2}
    assert not works(phone) and not works(laptop) and works(bobs)


def test_a_new_password_revokes_every_token_of_the_user(user, other_user):
    phone, laptop = sign_in(), sign_in()
    bobs = sign_in("bob", "bob-pass-123")

    alice = get_user_model().objects.get(pk=user.pk)
    alice.set_password("a-new-Passw0rd-9")
    alice.save()

    assert not works(phone) and not works(laptop) and works(bobs)
    assert works(sign_in(password="a-new-Passw0rd-9"))


def test_saving_a_user_without_a_new_password_keeps_the_tokens(user):
    token = sign_in()

    user.first_name = "Alice"
    user.save()

    assert works(token)


def test_an_expired_token_is_refused_and_removed(user):
    token = sign_in()
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))

    assert_error(client_with(token).get("/api/v1/usage"), 401, "UNAUTHORIZED")
    assert not AuthToken.objects.filter(user=user).exists()


def test_using_a_token_moves_its_expiry_forward(user):
    token = sign_in()
    soon = timezone.now() + timedelta(days=2)
    AuthToken.objects.filter(user=user).update(expiry=soon)

    assert works(token)

    assert AuthToken.objects.get(user=user).expiry > soon + timedelta(days=20)
