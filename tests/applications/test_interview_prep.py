"""POST /api/v1/applications/{id}/interview-prep: likely questions, each answer outline standing
on the profile facts it cites."""

from __future__ import annotations

import json

import pytest

from applications.models import InterviewPrep
from orchestrator.models import UsageLog
from tests.fixtures.applications import APPLICATIONS_URL
from tests.fixtures.profiles import vendor_bodies
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def _prep_url(application: dict) -> str:
    return f"{APPLICATIONS_URL}/{application['id']}/interview-prep"


def test_the_offline_prep_answers_from_profile_facts_and_names_the_gaps(
    api_client, application, rich_profile
):
    response = api_client.post(_prep_url(application), {}, format="json")

    assert response.status_code == 201, response.json()
    prep = response.json()["data"]
    assert prep["provider"] == "offline"
    assert prep["prompt_version"] == "interview_prep@1"
    questions = prep["content"]["questions"]
    assert {q["kind"] for q in questions} == {"behavioural", "technical", "company"}
    highlights = {h for w in rich_profile["work"] for h in w.get("highlights", [])}
    by_question = {q["question"]: q for q in questions}
    django = by_question["What have you built with Django?"]
    assert django["sources"] and all(s["text"] in highlights for s in django["sources"])
    assert django["outline"]["action"] == django["sources"][0]["text"]
    # The posting asks for Kubernetes; the profile has none: a gap, not a story.
    kubernetes = by_question["What have you built with Kubernetes?"]
    assert kubernetes["outline"] is None
    assert kubernetes["sources"] == []
    assert kubernetes["note"].startswith("No matching experience")
    measured = by_question["Tell us about a time you delivered a result you could measure."]
    assert measured["outline"]["result"].startswith("The figures to give:")

    log = UsageLog.objects.get(pk=InterviewPrep.objects.get(pk=prep["id"]).usage_log_id)
    assert (log.task_type, log.provider_type, log.status) == (
        "interview_prep",
        "offline",
        "success",
    )


def test_a_vendors_invented_source_or_number_is_removed_with_a_warning(
    api_client, application, any_double, make_provider
):
    make_provider(any_double)
    answer = {
        "questions": [
            {
                "kind": "technical",
                "question": "How do you scale an API?",
                "outline": {
                    "situation": "At Parcelly",
                    "task": "Serve tracking events",
                    "action": "Designed a Django REST API",
                    "result": "2 million requests a day",
                },
                "sources": ["F4"],
                "note": "",
            },
            {
                "kind": "behavioural",
                "question": "Tell us about a crisis.",
                "outline": {
                    "situation": "A Kubernetes outage",
                    "task": "Restore service",
                    "action": "Rebuilt the cluster",
                    "result": "Back within 5 minutes",
                },
                "sources": ["F99"],
                "note": "",
            },
            {
                "kind": "technical",
                "question": "How fast were your queries?",
                "outline": {
                    "situation": "At Parcelly",
                    "task": "Latency",
                    "action": "Tuned PostgreSQL",
                    "result": "p95 of 45 ms",
                },
                "sources": ["F5"],
                "note": "",
            },
        ]
    }
    any_double.default = Reply.ok(json.dumps(answer), input_tokens=800, output_tokens=300)

    response = api_client.post(_prep_url(application), {}, format="json")

    assert response.status_code == 201, response.json()
    prep = response.json()["data"]
    first, invented, wrong_number = prep["content"]["questions"]
    assert first["sources"] == [
        {
            "id": "F4",
            "text": "Designed a Django REST API for tracking events that serves 2 million "
            "requests a day",
        }
    ]
    assert invented["outline"] is None and invented["sources"] == []
    assert wrong_number["outline"] is None
    assert prep["warnings"] == [
        "Question 2: F99 is not a fact of your profile.",
        "Question 2: the answer outline cited no fact of your profile: removed.",
        "Question 3: the outline claims 45, which none of its facts says: removed.",
    ]
    # The vendor saw the facts, never the profile's contact details.
    sent = "\n".join(vendor_bodies(any_double))
    assert "Designed a Django REST API" in sent
    assert "amara.okafor@example.com" not in sent and "Amara Okafor" not in sent
    assert "+44 20 7946 0321" not in sent


def test_a_prep_is_versioned_on_edit_and_exports_as_markdown(api_client, application):
    prep = api_client.post(_prep_url(application), {}, format="json").json()["data"]
    questions = prep["content"]["questions"]
    questions[0]["question"] = "Describe your proudest measurable result."

    edited = api_client.patch(
        f"/api/v1/interview-preps/{prep['id']}",
        {"content": {"questions": questions}},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["data"]["version"] == 2
    versions = api_client.get(f"/api/v1/interview-preps/{prep['id']}/versions").json()["data"]
    assert [v["number"] for v in versions["results"]] == [2, 1]

    exported = api_client.get(f"/api/v1/interview-preps/{prep['id']}/export", {"format": "md"})
    assert exported.status_code == 200
    text = exported.content.decode()
    assert "Describe your proudest measurable result." in text
    assert "Source F" in text
    assert "No matching experience" in text


def test_an_edit_citing_a_fact_the_profile_does_not_have_is_kept_and_warned(
    api_client, application
):
    prep = api_client.post(_prep_url(application), {}, format="json").json()["data"]
    questions = prep["content"]["questions"]
    cited = next(q for q in questions if q["sources"])
    cited["sources"] = [{"id": cited["sources"][0]["id"], "text": "Ran a team of 200"}]

    edited = api_client.patch(
        f"/api/v1/interview-preps/{prep['id']}",
        {"content": {"questions": questions}},
        format="json",
    )

    data = edited.json()["data"]
    assert any("'Ran a team of 200' is not a fact of your profile" in w for w in data["warnings"])
    kept = next(q for q in data["content"]["questions"] if q["question"] == cited["question"])
    assert kept["sources"][0]["text"] == "Ran a team of 200"


def test_another_users_prep_is_not_found(api_client, other_client, application):
    prep = api_client.post(_prep_url(application), {}, format="json").json()["data"]
    url = f"/api/v1/interview-preps/{prep['id']}"
    assert other_client.get(url).status_code == 404
    assert other_client.patch(url, {"content": {}}, format="json").status_code == 404
    assert other_client.get(f"{url}/export", {"format": "md"}).status_code == 404
