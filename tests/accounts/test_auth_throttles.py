"""Sign-in and sign-up are throttled: failed sign-ins per username and per client address,
sign-ups per client address; a refusal is 429 RATE_LIMITED with Retry-After."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.fixtures.api import assert_error

pytestmark = pytest.mark.django_db

REGISTER, TOKEN = "/api/v1/auth/register", "/api/v1/auth/token"
RIGHT = {"username": "alice", "password": "alice-pass-123"}
WRONG = {"username": "alice", "password": "not-her-password"}


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def rates(settings):
    """Sets the sign-in/sign-up rates of one test; the AI rates stay as they are."""

    def set_rates(**scopes: str) -> None:
        framework = dict(settings.REST_FRAMEWORK)
        framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **scopes}
        settings.REST_FRAMEWORK = framework

    return set_rates


def sign_in(client, data, address="203.0.113.5", **headers):
    return client.post(TOKEN, data, format="json", REMOTE_ADDR=address, **headers)


def sign_up(client, n, address="203.0.113.5", **headers):
    data = {"username": f"user{n}", "email": f"user{n}@example.com", "password": "plum-Orchard-77"}
    return client.post(REGISTER, data, format="json", REMOTE_ADDR=address, **headers)


def assert_rate_limited(response):
    assert_error(response, 429, "RATE_LIMITED")
    assert int(response["Retry-After"]) > 0


def test_with_the_default_rates_forty_wrong_passwords_are_not_all_tried(client, user):
    statuses = [sign_in(client, WRONG).status_code for _ in range(40)]

    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    assert_rate_limited(sign_in(client, RIGHT))  # the right password waits too


def test_with_the_default_rates_twenty_five_sign_ups_are_not_all_accepted(client):
    statuses = [sign_up(client, n).status_code for n in range(25)]

    assert statuses[:10] == [201] * 10 and set(statuses[10:]) == {429}
    assert get_user_model().objects.count() == 10
    assert_rate_limited(sign_up(client, 99))
    assert sign_up(client, 100, address="198.51.100.7").status_code == 201


def test_failures_per_username_count_across_addresses(client, user, other_user, rates):
    rates(auth_signin_failures_username="3/min", auth_signin_failures_address="100/min")

    for n in range(3):
        assert sign_in(client, WRONG, address=f"10.0.0.{n}").status_code == 401

    assert_rate_limited(sign_in(client, RIGHT, address="10.0.0.9"))
    assert_rate_limited(sign_in(client, {**WRONG, "username": "ALICE"}, address="10.0.0.8"))
    bob = {"username": "bob", "password": "bob-pass-123"}
    assert sign_in(client, bob, address="10.0.0.9").status_code == 200


def test_failures_per_address_count_across_usernames(client, user, rates):
    rates(auth_signin_failures_username="100/min", auth_signin_failures_address="3/min")

    for name in ("alice", "bob", "carol"):
        assert sign_in(client, {**WRONG, "username": name}).status_code == 401

    assert_rate_limited(sign_in(client, RIGHT))
    assert sign_in(client, RIGHT, address="198.51.100.7").status_code == 200


def test_successful_sign_ins_are_not_counted(client, user, rates):
    rates(auth_signin_failures_username="2/min", auth_signin_failures_address="2/min")

    assert [sign_in(client, RIGHT).status_code for _ in range(6)] == [200] * 6
    assert sign_in(client, WRONG).status_code == 401


def test_the_right_password_forgets_the_usernames_failures(client, user, rates):
    rates(auth_signin_failures_username="3/min", auth_signin_failures_address="100/min")

    assert [sign_in(client, WRONG).status_code for _ in range(2)] == [401, 401]
    assert sign_in(client, RIGHT).status_code == 200

    assert [sign_in(client, WRONG).status_code for _ in range(3)] == [401, 401, 401]
    assert_rate_limited(sign_in(client, WRONG))


def test_a_forged_forwarding_header_does_not_reset_the_count(client, user, rates):
    rates(
        auth_signin_failures_username="100/min",
        auth_signin_failures_address="3/min",
        auth_signup_address="1/min",
    )

    for n in range(3):
        response = sign_in(
            client, {**WRONG, "username": f"u{n}"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
        assert response.status_code == 401

    assert_rate_limited(sign_in(client, RIGHT, HTTP_X_FORWARDED_FOR="192.0.2.200"))
    assert sign_up(client, 1, HTTP_X_FORWARDED_FOR="192.0.2.201").status_code == 201
    assert_rate_limited(sign_up(client, 2, HTTP_X_FORWARDED_FOR="192.0.2.202"))


def test_behind_a_proxy_the_address_is_what_the_proxy_added(client, user, rates, settings):
    settings.NUM_PROXIES = 1
    rates(auth_signin_failures_username="100/min", auth_signin_failures_address="3/min")
    proxy = "10.1.1.1"  # every request reaches us from the proxy's socket

    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        header = f"{forged}, 198.51.100.20"  # the client's own claim, then what the proxy saw
        response = sign_in(client, WRONG, address=proxy, HTTP_X_FORWARDED_FOR=header)
        assert response.status_code == 401

    assert_rate_limited(
        sign_in(client, RIGHT, address=proxy, HTTP_X_FORWARDED_FOR="4.4.4.4, 198.51.100.20")
    )
    other = sign_in(client, RIGHT, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert other.status_code == 200


def test_the_trusted_header_is_configurable(client, user, rates, settings):
    settings.NUM_PROXIES = 1
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    rates(auth_signup_address="2/min")

    assert sign_up(client, 1, HTTP_X_REAL_IP="198.51.100.30").status_code == 201
    assert sign_up(client, 2, HTTP_X_REAL_IP="198.51.100.30").status_code == 201
    assert_rate_limited(sign_up(client, 3, HTTP_X_REAL_IP="198.51.100.30"))
    # X-Forwarded-For is not the trusted header here: it changes nothing.
    assert_rate_limited(
        sign_up(client, 4, HTTP_X_REAL_IP="198.51.100.30", HTTP_X_FORWARDED_FOR="192.0.2.1")
    )
    assert sign_up(client, 5, HTTP_X_REAL_IP="198.51.100.31").status_code == 201
