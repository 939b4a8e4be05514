"""The OpenAPI schema generates a clean typed client (clients/typescript/ type-checks and runs
one): each answer has one type, every event of the letter stream and every shape is described,
and `error_code` is an enum made from the code's own list of codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from core.openapi import error_codes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
AI_OPERATIONS = [
    "/api/v1/job-extractor/extract",
    "/api/v1/cv-drafter/draft",
    "/api/v1/cover-letter/generate",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


def component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def success_answers(operation: dict) -> dict[str, dict]:
    return {code: r for code, r in operation["responses"].items() if code.startswith("2")}


@pytest.mark.parametrize("path", AI_OPERATIONS)
def test_an_ai_call_its_background_form_and_its_stream_are_separate_operations(schema, path):
    answers = success_answers(schema["paths"][path]["post"])
    schemas = {r["content"]["application/json"]["schema"]["$ref"] for r in answers.values()}
    background = success_answers(schema["paths"][f"{path}/async"]["post"])

    assert len(schemas) == 1 and "202" not in answers  # one type for a client to read
    assert list(background) == ["202"]
    assert background["202"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/AcceptedTaskEnvelope"
    )


def test_every_event_of_the_letter_stream_is_a_documented_schema(schema):
    answers = success_answers(schema["paths"]["/api/v1/cover-letter/generate/stream"]["post"])
    stream = answers["200"]["content"]

    assert list(stream) == ["text/event-stream"]
    events = component(schema, stream["text/event-stream"]["schema"]["$ref"])
    mapping = events["discriminator"]["mapping"]
    assert set(mapping) == {"start", "delta", "done", "error"}
    data = {
        name: component(schema, ref)["properties"]["data"]["$ref"] for name, ref in mapping.items()
    }
    assert data["done"].endswith("/CoverLetter")
    assert set(component(schema, data["start"])["properties"]) == {"provider", "model", "cached"}
    assert set(component(schema, data["delta"])["properties"]) == {"text"}
    error = component(schema, data["error"])["properties"]["error_code"]
    assert error["$ref"].endswith("/ErrorCode")


def test_error_code_is_an_enum_of_every_code_the_code_defines(schema):
    enum = schema["components"]["schemas"]["ErrorCode"]["enum"]

    assert enum == error_codes()
    assert {"EXPORT_UNAVAILABLE", "CLIENT_CLOSED", "QUOTA_EXCEEDED", "RATE_LIMITED"} <= set(enum)
    description = schema["info"]["description"]
    assert "- `QUOTA_EXCEEDED` (429)" in description
    # 503 when the server lacks the fonts, 422 when a character has none: no one status.
    assert "- `EXPORT_UNAVAILABLE`\n" in description


# `code = "X"`, `code, status = "X", …`, `error_code="X"`, `"error_code": "X"`: every way the
# code names an error code.
CODE_LITERAL = re.compile(
    r"""(?:\bcode(?:,\s*\w+)*\s*=\s*|error_code["']?\s*[:=]\s*)["']([A-Z][A-Z_]{2,})["']"""
)


def test_no_error_code_in_the_source_is_missing_from_the_enum():
    found = {}
    apps = (
        "core",
        "billing",
        "accounts",
        "orchestrator",
        "usage",
        "jobs",
        "documents",
        "cvs",
        "letters",
    )
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for code in CODE_LITERAL.findall(path.read_text()):
                found.setdefault(code, str(path.relative_to(ROOT)))

    missing = {code: where for code, where in found.items() if code not in error_codes()}
    assert found and not missing, (
        f"add these to an AppError subclass or core.openapi.STORED_CODES: {missing}"
    )


def test_envelopes_have_a_constant_success_and_typed_errors_and_deletions(schema):
    schemas = schema["components"]["schemas"]
    error = schemas["ErrorEnvelope"]

    assert error["properties"]["success"] == {"type": "boolean", "enum": [False]}
    assert schemas["JobEnvelope"]["properties"]["success"] == {"type": "boolean", "enum": [True]}
    assert error["properties"]["errors"]["allOf"][0]["$ref"].endswith("/FieldErrors")
    for name in ("DeletedEnvelope", "CVDraftDeletedEnvelope", "CoverLetterDeletedEnvelope"):
        assert schemas[name]["properties"]["data"]["enum"] == [None], name


def test_a_task_result_is_typed_by_the_task_kind(schema):
    task = schema["components"]["schemas"]["AITask"]
    mapping = task["discriminator"]["mapping"]
    cv_task = component(schema, mapping["cv_draft"])

    assert cv_task["properties"]["kind"]["enum"] == ["cv_draft"]
    assert cv_task["properties"]["result"]["allOf"][0]["$ref"].endswith("/CVDraft")
    assert component(schema, mapping["extraction"])["properties"]["result"]["allOf"][0][
        "$ref"
    ].endswith("/Job")


def test_request_components_have_plain_names(schema):
    names = set(schema["components"]["schemas"])

    assert not {name for name in names if "RequestRequest" in name}
    assert {"TokenRequest", "CVDraftRequest", "LetterRequest"} <= names


def test_the_profile_schema_types_json_resume_fields_a_client_can_write(schema):
    write = schema["components"]["schemas"]["ProfileWriteRequest"]["properties"]["data"]
    basics = write["properties"]["basics"]

    # (Text fields also carry a pattern that refuses control characters.)
    assert basics["properties"]["location"]["properties"]["city"]["type"] == "string"
    assert basics["properties"]["profiles"]["items"]["properties"]["network"]["type"] == "string"
    # Other fields may hold what the listed ones hold: a client's index signature must fit
    # location and profiles too.
    extra = basics["additionalProperties"]["anyOf"]
    assert basics["properties"]["location"] in extra
    assert basics["properties"]["profiles"] in extra


def test_a_field_with_a_default_is_optional(schema):
    draft = schema["components"]["schemas"]["CVDraftRequest"]

    assert draft["properties"]["force"]["default"] is False
    assert "force" not in draft.get("required", [])


def test_the_tags_follow_a_job_seekers_flow(schema):
    assert [tag["name"] for tag in schema["tags"]] == [
        "auth",
        "jobs",
        "profile",
        "cvs",
        "letters",
        "tasks",
        "usage",
    ]
    for words in ("Authorization: Bearer", "envelope", "Error codes", "X-Quota-"):
        assert words in schema["info"]["description"]
