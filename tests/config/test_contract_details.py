"""What the OpenAPI schema promises is what the API does, where the contract fuzzing found them
apart: a pasted job's empty source URL, an export's empty parameters, a job correction's blank
list items and unknown fields."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cvs.models import CVDraft
from jobs.models import Job
from tests.fixtures.profiles import BACKEND_JOB

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]


def patch_body_schema(schema: dict) -> dict:
    body = schema["paths"]["/api/v1/jobs/{job_id}"]["patch"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    return component(schema, ref.rsplit("/", 1)[1])


def test_a_pasted_jobs_empty_source_url_fits_its_documented_type(schema, api_client, user):
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)

    data = api_client.get(f"/api/v1/jobs/{job.pk}").json()["data"]

    documented = component(schema, "Job")["properties"]["source_url"]
    assert data["source_url"] == "" and documented["type"] == "string"
    assert "format" not in documented


def test_a_job_correction_documents_that_unknown_fields_are_refused(schema, api_client, user):
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)

    response = api_client.patch(f"/api/v1/jobs/{job.pk}", {"colour": "red"}, format="json")

    assert response.status_code == 400
    assert patch_body_schema(schema)["additionalProperties"] is False


def test_a_job_corrections_blank_list_items_are_documented_as_accepted_and_dropped(
    schema, api_client, user
):
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)

    response = api_client.patch(f"/api/v1/jobs/{job.pk}", {"keywords": [""]}, format="json")

    assert response.status_code == 200 and response.json()["data"]["keywords"] == []
    items = patch_body_schema(schema)["properties"]["keywords"]["items"]
    assert items.get("minLength", 0) == 0


@pytest.mark.parametrize("query", ["paper=", "format=", "format=pdf&paper="])
def test_an_export_with_an_empty_parameter_is_refused(api_client, user, query):
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)
    draft = CVDraft.objects.create(
        owner=user,
        job=job,
        profile_version=1,
        content={"header": {"name": "Alice"}, "summary": "Builds APIs."},
    )

    response = api_client.get(f"/api/v1/cvs/{draft.pk}/export?{query}")

    assert response.status_code == 400, response.content[:300]
    assert response.json()["error_code"] == "INVALID_INPUT"
