"""Contract fuzzing: Schemathesis generates requests from the served OpenAPI schema, valid and
invalid, for every operation, and checks each answer against the same schema.

Every operation the schema lists is covered without naming it here, so a new endpoint is
fuzzed as soon as it is routed. Checks: no 5xx, every status code and content type is one the
schema documents for that operation, every body fits the documented schema, a request the
schema calls invalid is refused (4xx) and one it calls valid is not refused as bad. The
stateful phase then chains calls through the links Schemathesis infers from the schema (a job
extracted, then read, edited, drafted from, deleted; a deleted object must be gone). The run is
bounded (EXAMPLES generated examples per operation plus the example and coverage phases, a
fixed seed, no shrinking) so it stays part of `make test`; it goes through the real WSGI
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
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from accounts.tokens import token_issue

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
#   must really be PNG, JPEG or WebP, a page that must be reachable;
# - CV import: a file that must really be a CV in one of the formats.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/auth/register",
    "POST /api/v1/job-extractor/extract",
    "POST /api/v1/profile/import",
    "POST /api/v1/job-extractor/extract/async",
}
# Examples per operation, and the stateful phase's scenarios and their length.
EXAMPLES = 100
STATEFUL_SCENARIOS = 100
STATEFUL_STEPS = 6
STATEFUL_CHECKS = [*CHECKS, use_after_free, ensure_resource_availability]
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "seed": 20261129,
        "generation": {
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
            "no-shrink": True,
            # The API refuses NUL in any text by design (core/api.py); the schema
            # cannot say so for every string.
            "allow-x00": False,
        },
        # Links between operations are inferred (Location headers, ids in bodies and paths).
        "phases": {"stateful": {"enabled": True, "max-steps": STATEFUL_STEPS}},
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=CONFIG
)


def checks_for(label: str, checks: list) -> list:
    if label in RULES_BEYOND_THE_SCHEMA:
        return [check for check in checks if check is not positive_data_acceptance]
    return checks


@pytest.fixture
def fuzz_user(db, django_user_model):
    return django_user_model.objects.create_user("fuzz", "fuzz@example.com", "fuzz-pass-123")


@pytest.fixture
def token(fuzz_user, settings, monkeypatch) -> str:
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
    yield token_issue(user=fuzz_user).token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# One user and token serve all of an operation's examples, on purpose.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_its_contract(case, token):
    checks = checks_for(case.operation.label, CHECKS)
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=checks)


class SignedInWorkflow(schema.as_state_machine()):
    """Each scenario signs in afresh: one that signs out or revokes its tokens spoils no other."""

    user = None

    def setup(self) -> None:
        self.token = token_issue(user=type(self).user).token

    def get_call_kwargs(self, case):
        return {"headers": {"Authorization": f"Token {self.token}"}}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(
            response,
            checks=checks_for(case.operation.label, STATEFUL_CHECKS),
            transport_kwargs=kwargs or None,
            recorder=getattr(self, "recorder", None),
        )


def test_chains_of_calls_keep_their_contract(token, fuzz_user):
    SignedInWorkflow.user = fuzz_user
    SignedInWorkflow.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
