"""Contract fuzzing: Schemathesis generates requests from the served OpenAPI schema, valid and
invalid, for every operation, and checks each answer against the same schema.

Every operation the schema lists is covered without naming it here, so a new endpoint is
fuzzed as soon as it is routed. Checks: no 5xx, every status code and content type is one the
schema documents for that operation, every body fits the documented schema, a request the
schema calls invalid is refused (4xx) and one it calls valid is not refused as bad. The run is
bounded (25 generated examples per operation plus Schemathesis's example and coverage phases,
a fixed seed, no shrinking) so it stays part of `make test`; it goes through the real WSGI
handler and database, authenticated by a token, with the offline AI provider and no network.

A failure prints a curl command that replays the request.
"""

from __future__ import annotations

import socket

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
# Operations with rules a JSON schema cannot state, so requests generated as valid are refused
# there on purpose; only the "valid data is accepted" check is skipped for them:
# - sign-up: Django's password rules (common passwords, similarity to the username) and
#   usernames already taken;
# - extraction: exactly one of url, text or image, the text's minimum length, an image that
#   must really be PNG, JPEG or WebP, a page that must be reachable.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/auth/register",
    "POST /api/v1/job-extractor/extract",
    "POST /api/v1/job-extractor/extract/async",
}
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "seed": 20261129,
        "generation": {
            "max-examples": 25,
            "deterministic": True,
            "database": "none",
            "no-shrink": True,
            # The API refuses NUL in any text by design (core/parsers.py); the schema
            # cannot say so for every string.
            "allow-x00": False,
        },
        # Chains of calls through links: the schema declares none.
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=CONFIG
)


@pytest.fixture
def token(db, django_user_model, settings, monkeypatch) -> str:
    user = django_user_model.objects.create_user("fuzz", "fuzz@example.com", "fuzz-pass-123")
    # Every example is a request: rate limits would answer most of them with 429 (documented,
    # but it would hide what the operation does). No rate is no limit in DRF.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates),
    }

    # No network: a generated URL to extract is a host that does not resolve.
    def no_dns(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    # As Django's test client does: the handler must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield Token.objects.create(user=user).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# One user and token serve all of an operation's examples, on purpose.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_its_contract(case, token):
    checks = CHECKS
    if case.operation.label in RULES_BEYOND_THE_SCHEMA:
        checks = [check for check in CHECKS if check is not positive_data_acceptance]
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=checks)
