"""Structured output in each vendor's strict form, read back as our own schema's data."""

from __future__ import annotations

import json

import pytest

from core import errors
from cvs.schemas import CV_SCHEMA
from jobs.schemas import IMAGE_CHECK_SCHEMA, JOB_SCHEMA
from letters.schemas import LETTER_SCHEMA
from orchestrator.models import UsageLog
from orchestrator.services import generate
from tests.fixtures.jobs import EXTRACT
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db

POSTING = "Senior Data Engineer at Acme Freight, Nairobi. Build pipelines in Python and SQL. " * 4


def test_openai_nulls_for_optional_fields_become_missing_fields(
    api_client, openai_double, make_provider
):
    make_provider(openai_double)
    # What strict mode makes a model write for fields the posting does not state.
    answer = {
        "title": "Senior Data Engineer",
        "company": "Acme Freight",
        "location": "Nairobi",
        "employment_type": None,
        "salary": None,
        "description": "Build pipelines in Python and SQL.",
        "requirements": ["Python", "SQL"],
        "skills": ["Python", "SQL"],
        "keywords": ["data"],
    }
    openai_double.default = Reply.ok(json.dumps(answer))

    response = api_client.post(EXTRACT, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    job = response.json()["data"]
    assert (job["title"], job["location"]) == ("Senior Data Engineer", "Nairobi")
    assert job["salary"] == "" and job["employment_type"] == ""
    assert openai_double.request_count == 1  # read at the first answer, no repair round

    response_format = openai_double.requests[0].body["response_format"]
    assert response_format["json_schema"]["strict"] is True
    sent = response_format["json_schema"]["schema"]
    assert sent["required"] == list(JOB_SCHEMA["properties"])
    assert sent["properties"]["salary"] == {"type": ["string", "null"]}
    assert sent["properties"]["title"] == {"type": "string"}  # required stays non-null
    assert sent["additionalProperties"] is False


@pytest.mark.parametrize(
    "schema",
    [JOB_SCHEMA, IMAGE_CHECK_SCHEMA, CV_SCHEMA, LETTER_SCHEMA],
    ids=["job", "image_check", "cv", "letter"],
)
def test_every_schema_we_send_passes_openai_strict_checks(
    openai_double, make_provider, user, schema
):
    make_provider(openai_double)
    openai_double.default = Reply.ok("{}")

    # The double refuses a strict schema with an optional property or an open object, at any
    # depth (CV experience items, header): that would be a PROVIDER_ERROR. Accepted, the
    # empty answer is judged by our own schema instead.
    with pytest.raises(errors.BadAIOutput):
        generate(
            user=user,
            task="extraction",
            prompt="Extract",
            response_schema=schema,
            provider_type="openai",
        )

    # The answer and its one repair, both judged by our own schema.
    assert [row.error_code for row in UsageLog.objects.all()] == ["BAD_AI_OUTPUT"] * 2
    assert openai_double.requests[0].body["response_format"]["json_schema"]["strict"] is True


def test_nested_optional_fields_come_back_absent(openai_double, make_provider, user):
    make_provider(openai_double)
    cv = {
        "header": {
            "name": "Amina Odhiambo",
            "headline": "Data Engineer",
            "email": None,
            "phone": None,
            "location": "Nairobi",
            "links": None,
        },
        "summary": "Builds pipelines.",
        "experience": [
            {
                "employer": "Parcelly",
                "title": "Engineer",
                "location": None,
                "start_date": "2021",
                "end_date": None,
                "bullets": ["Built the ETL"],
            }
        ],
        "education": [],
        "skills": ["Python"],
        "certifications": [],
        "target": {"job_title": "Senior Data Engineer", "company": "Acme"},
    }
    openai_double.default = Reply.ok(json.dumps(cv))

    result = generate(user=user, task="cv_draft", prompt="Draft", response_schema=CV_SCHEMA)

    assert result.data["header"] == {
        "name": "Amina Odhiambo",
        "headline": "Data Engineer",
        "location": "Nairobi",
    }
    assert result.data["experience"][0] == {
        "employer": "Parcelly",
        "title": "Engineer",
        "start_date": "2021",
        "bullets": ["Built the ETL"],
    }


def test_gemini_and_anthropic_get_our_optional_fields_as_optional(
    gemini_double, anthropic_double, make_provider, user
):
    make_provider(gemini_double)
    make_provider(anthropic_double)
    gemini_double.default = anthropic_double.default = Reply.ok(
        json.dumps({"title": "T", "company": "C", "description": "D"} | _lists())
    )
    for vendor in ("gemini", "anthropic"):
        result = generate(
            user=user,
            task="extraction",
            prompt="Extract",
            response_schema=JOB_SCHEMA,
            provider_type=vendor,
        )
        assert result.data["title"] == "T"
    gemini_sent = gemini_double.requests[-1].body["generationConfig"]["responseJsonSchema"]
    anthropic_sent = anthropic_double.requests[-1].body["output_config"]["format"]["schema"]
    for sent in (gemini_sent, anthropic_sent):
        assert sent["required"] == JOB_SCHEMA["required"]
        assert sent["properties"]["salary"] == {"type": "string"}
        assert sent["additionalProperties"] is False


def _lists() -> dict:
    return {"requirements": [], "skills": [], "keywords": []}
