"""The OpenAPI schema at /api/schema/ documents every route, and /api/docs/ works offline."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# Every product route and its methods. Extend this list when an endpoint is added.
ROUTES = [
    ("/api/v1/job-extractor/extract", {"post"}),
    ("/api/v1/job-extractor/extract/async", {"post"}),
    ("/api/v1/jobs", {"get"}),
    ("/api/v1/jobs/{job_id}", {"get", "delete", "patch"}),
    ("/api/v1/auth/register", {"post"}),
    ("/api/v1/auth/token", {"post"}),
    ("/api/v1/auth/logout", {"post"}),
    ("/api/v1/auth/tokens", {"get", "delete"}),
    ("/api/v1/auth/tokens/{token_id}", {"delete"}),
    ("/api/v1/usage", {"get"}),
    ("/api/v1/usage/logs", {"get"}),
    ("/api/v1/tasks/{task_id}", {"get"}),
    ("/api/v1/profile", {"get", "put", "patch", "delete"}),
    ("/api/v1/cv-drafter/draft", {"post"}),
    ("/api/v1/cv-drafter/draft/async", {"post"}),
    ("/api/v1/cvs", {"get"}),
    ("/api/v1/cvs/{draft_id}", {"get", "delete", "patch"}),
    ("/api/v1/cvs/{draft_id}/versions", {"get"}),
    ("/api/v1/cvs/{draft_id}/versions/{number}", {"get"}),
    ("/api/v1/cvs/{draft_id}/export", {"get"}),
    ("/api/v1/cvs/{draft_id}/match", {"get"}),
    ("/api/v1/cover-letter/generate", {"post"}),
    ("/api/v1/cover-letter/generate/async", {"post"}),
    ("/api/v1/cover-letter/generate/stream", {"post"}),
    ("/api/v1/letters", {"get"}),
    ("/api/v1/letters/{letter_id}", {"get", "delete", "patch"}),
    ("/api/v1/letters/{letter_id}/versions", {"get"}),
    ("/api/v1/letters/{letter_id}/versions/{number}", {"get"}),
    ("/api/v1/letters/{letter_id}/export", {"get"}),
    ("/api/v1/applications", {"get", "post"}),
    ("/api/v1/applications/export.csv", {"get"}),
    ("/api/v1/applications/{application_id}", {"get", "patch", "delete"}),
    ("/api/v1/applications/{application_id}/interview-prep", {"post"}),
    ("/api/v1/interview-preps/{prep_id}", {"get", "patch"}),
    ("/api/v1/interview-preps/{prep_id}/versions", {"get"}),
    ("/api/v1/interview-preps/{prep_id}/export", {"get"}),
    ("/api/v1/me", {"delete"}),
    ("/api/v1/me/export", {"get"}),
    ("/api/v1/profile/import", {"post"}),
    ("/api/v1/profile/import/{import_id}/apply", {"post"}),
    ("/api/v1/profile/versions", {"get"}),
    ("/api/v1/profile/versions/{number}/restore", {"post"}),
]
PUBLIC = {"/api/v1/auth/register", "/api/v1/auth/token"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "AI Orchestrator API"


@pytest.mark.parametrize("path, methods", ROUTES, ids=[route for route, _ in ROUTES])
def test_every_route_is_documented_with_its_methods_and_errors(schema, path, methods):
    assert path in schema["paths"], sorted(schema["paths"])
    operations = schema["paths"][path]
    assert methods <= set(operations)
    for method in methods:
        responses = operations[method]["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, f"{method} {path} documents no success response"
        expected_errors = {"400"} if path in PUBLIC else {"401"}
        assert expected_errors <= set(responses)
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorEnvelope")


def test_extraction_documents_json_and_multipart_and_its_async_form_the_202(schema):
    operation = schema["paths"]["/api/v1/job-extractor/extract"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) >= {"application/json", "multipart/form-data"}
    form = schema["components"]["schemas"][
        content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    ]
    assert form["properties"]["image"]["format"] == "binary"
    assert {"200", "201", "400", "401", "422", "429", "502", "503", "504"} <= set(
        operation["responses"]
    )
    background = schema["paths"]["/api/v1/job-extractor/extract/async"]["post"]
    assert [code for code in background["responses"] if code.startswith("2")] == ["202"]
    assert background["requestBody"]["content"].keys() == content.keys()


def test_token_auth_is_documented(schema):
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token["in"], token["name"]) == ("header", "Authorization")


def test_the_docs_page_renders_without_any_outside_url():
    response = APIClient().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html.lower()
    # A CDN by its host name ("cdn." as in cdn.jsdelivr.net, drf-spectacular's default):
    # a bare "cdn" also matched the page's random CSRF token now and then.
    for host in ("cdn.", "jsdelivr", "unpkg"):
        assert host not in html.lower(), host
    for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html):
        assert not re.match(r"^(?:https?:)?//", url), url


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")

    assert (tmp_path / "s.yaml").read_text().startswith("openapi: 3")


@pytest.mark.parametrize(
    "path", ["/api/v1/cvs/{draft_id}/export", "/api/v1/letters/{letter_id}/export"]
)
def test_exports_document_their_files_and_parameters(schema, path):
    operation = schema["paths"][path]["get"]
    content = operation["responses"]["200"]["content"]
    assert content["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert content[docx]["schema"] == {"type": "string", "format": "binary"}
    assert {"text/markdown", "text/plain"} <= set(content)
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["format"]["enum"] == ["pdf", "docx", "md", "txt"]
    assert parameters["paper"]["enum"] == ["a4", "letter"]
    assert {"400", "401", "404", "503"} <= set(operation["responses"])


def test_every_operation_documents_the_errors_its_shape_can_give(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            expected = {"503"}
            if operation.get("security"):
                expected.add("401")
            if "requestBody" in operation:
                expected |= {"400", "413", "415"}
            if any(p["in"] == "path" for p in operation.get("parameters", [])):
                expected.add("404")
            assert expected <= documented, (method, path, expected - documented)


def test_ids_in_paths_are_documented_as_64_bit_keys(schema):
    parameter = schema["paths"]["/api/v1/jobs/{job_id}"]["get"]["parameters"][0]

    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


def test_no_schema_publishes_an_internal_comment(schema):
    """Schema descriptions speak to API clients; notes about our own code stay in the code."""
    leaked = {
        name: component["description"]
        for name, component in schema["components"]["schemas"].items()
        if re.search(r"ModelSerializer|CPU|DRF", component.get("description", ""))
    }
    assert leaked == {}
