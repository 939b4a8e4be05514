"""POST /api/v1/cv-drafter/draft: a CV from the user's profile for one of their jobs."""

from __future__ import annotations

import json

import pytest

from billing.services import subscription_set_plan
from cvs.models import CVDraft
from orchestrator.models import UsageLog
from tests.fixtures.profiles import DRAFT_URL, GOOD_CV, cv_inventing, vendor_bodies
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def test_the_offline_provider_drafts_a_cv_from_the_profile_only(
    api_client, job, with_profile, rich_profile
):
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["success"] is True
    assert body["message"] == "CV drafted."
    draft = body["data"]
    assert draft["job_id"] == job.pk
    assert draft["profile_version"] == 2
    assert draft["provider"] == "offline"
    assert draft["prompt_version"] == "cv_draft@1"
    assert draft["warnings"] == []
    cv = draft["content"]
    assert [e["employer"] for e in cv["experience"]] == [w["name"] for w in rich_profile["work"]]
    assert {e["institution"] for e in cv["education"]} == {
        e["institution"] for e in rich_profile["education"]
    }
    # The job's keywords that the profile has come first, in the job's order; Kubernetes,
    # which the profile lacks, is not claimed.
    assert cv["skills"][:4] == ["Django", "PostgreSQL", "Python", "AWS"]
    assert "Kubernetes" not in cv["skills"]
    assert cv["target"] == {"job_title": "Senior Backend Engineer", "company": "Acme Freight"}
    assert cv["header"]["name"] == "Amara Okafor"

    log = UsageLog.objects.get(pk=CVDraft.objects.get(pk=draft["id"]).usage_log_id)
    assert log.task_type == "cv_draft"
    assert log.user_id == job.owner_id
    assert log.status == UsageLog.Status.SUCCESS
    assert log.provider_type == "offline"


def test_the_vendors_json_answer_becomes_the_draft(
    api_client, any_double, make_provider, job, with_profile
):
    make_provider(any_double)
    any_double.default = Reply.ok(
        json.dumps(GOOD_CV), input_tokens=900, output_tokens=400, thinking_tokens=0
    )

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    draft = response.json()["data"]
    assert draft["content"] == GOOD_CV
    assert draft["provider"] == any_double.vendor
    assert draft["warnings"] == []
    assert any_double.request_count == 1
    # The prompt carried the profile and the job.
    sent = vendor_bodies(any_double)[0]
    assert "Parcelly Ltd" in sent and "Acme Freight" in sent
    log = UsageLog.objects.get(pk=CVDraft.objects.get(pk=draft["id"]).usage_log_id)
    assert (log.input_tokens, log.output_tokens) == (900, 400)
    assert log.model == draft["model"]


def test_an_invented_employer_is_regenerated_once_with_the_problem_named(
    api_client, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    openai_double.script(
        Reply.ok(json.dumps(cv_inventing("Globex Corporation"))), Reply.ok(json.dumps(GOOD_CV))
    )

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    draft = response.json()["data"]
    assert draft["warnings"] == []
    assert draft["content"] == GOOD_CV
    assert openai_double.request_count == 2
    first, second = vendor_bodies(openai_double)
    assert "Globex" not in first
    assert 'Employer \\"Globex Corporation\\" is not in your profile' in second
    # Both calls are on the user's usage; the draft points at the one it came from.
    logs = UsageLog.objects.filter(task_type="cv_draft", status="success").order_by("id")
    assert logs.count() == 2
    assert CVDraft.objects.get(pk=draft["id"]).usage_log_id == logs.last().pk


def test_a_draft_that_invents_twice_comes_without_the_invention_and_says_what_was_removed(
    api_client, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(json.dumps(cv_inventing("Globex Corporation")))

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "CV drafted with warnings: check them before you use it."
    assert body["data"]["warnings"] == [
        'Removed: Employer "Globex Corporation" is not in your profile.'
    ]
    assert [e["employer"] for e in body["data"]["content"]["experience"]] == [
        "Parcelly Ltd",
        "ShopWave",
    ]
    assert openai_double.request_count == 2
    stored = CVDraft.objects.get(pk=body["data"]["id"])
    assert stored.warnings == body["data"]["warnings"]


def test_an_invented_degree_is_caught_too(
    api_client, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    cv = json.loads(json.dumps(GOOD_CV))
    cv["education"][0]["degree"] = "PhD"
    openai_double.default = Reply.ok(json.dumps(cv))

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    [warning] = response.json()["data"]["warnings"]
    assert warning.startswith('Removed: Degree "PhD" at University of Leeds is not in your profile')
    assert response.json()["data"]["content"]["education"][0]["degree"] == "BSc Computer Science"


def test_a_pro_user_gets_the_quality_model(
    api_client, user, openai_double, make_provider, job, with_profile
):
    subscription_set_plan(user=user, plan_code="PRO_MONTHLY")
    make_provider(openai_double)  # fast gpt-6-luna, quality gpt-6.1-sol
    openai_double.default = Reply.ok(json.dumps(GOOD_CV))

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert openai_double.requests[0].body["model"] == "gpt-6.1-sol"
    assert response.json()["data"]["model"] == "gpt-6.1-sol"


def test_a_freemium_user_gets_the_fast_model(
    api_client, gemini_double, make_provider, job, with_profile
):
    make_provider(gemini_double)  # fast gemini-3.5-flash-lite, quality gemini-3.8-flash
    gemini_double.default = Reply.ok(json.dumps(GOOD_CV))

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert "/models/gemini-3.5-flash-lite:" in gemini_double.requests[0].path
    assert response.json()["data"]["model"] == "gemini-3.5-flash-lite"


def test_the_same_request_again_is_served_from_the_cache_unless_forced(
    api_client, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(json.dumps(GOOD_CV))

    first = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    again = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert openai_double.request_count == 1
    assert again.status_code == 201
    assert again.json()["data"]["content"] == first.json()["data"]["content"]
    assert again.json()["data"]["id"] != first.json()["data"]["id"]
    assert UsageLog.objects.get(
        pk=CVDraft.objects.get(pk=again.json()["data"]["id"]).usage_log_id
    ).cache_hit

    forced = api_client.post(DRAFT_URL, {"job_id": job.pk, "force": True}, format="json")
    assert forced.status_code == 201
    assert openai_double.request_count == 2


def test_a_changed_profile_is_drafted_afresh_and_records_its_version(
    api_client, openai_double, make_provider, job, with_profile, rich_profile
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(json.dumps(GOOD_CV))
    api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    rich_profile["basics"]["label"] = "Staff Engineer"
    api_client.put("/api/v1/profile", {"data": rich_profile}, format="json")
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert openai_double.request_count == 2
    assert response.json()["data"]["profile_version"] == 3


def test_when_the_regeneration_fails_the_first_draft_comes_with_its_warnings(
    api_client, settings, openai_double, make_provider, job, with_profile
):
    settings.OFFLINE_PROVIDER_ENABLED = False
    make_provider(openai_double)
    openai_double.script(Reply.ok(json.dumps(cv_inventing("Globex Corporation"))))
    openai_double.default = Reply.error(400)

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["data"]["warnings"] == [
        'Removed: Employer "Globex Corporation" is not in your profile.'
    ]
    assert openai_double.request_count == 2


def test_a_repaired_answer_that_invents_is_regenerated_once_with_the_problem(
    api_client, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    openai_double.script(
        Reply.ok("not json"),
        Reply.ok(json.dumps(cv_inventing("Initech"))),
        Reply.ok(json.dumps(GOOD_CV)),
    )

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["data"]["content"] == GOOD_CV
    assert response.json()["data"]["warnings"] == []
    assert openai_double.request_count == 3
    bodies = vendor_bodies(openai_double)
    assert "not valid JSON" in bodies[1]  # the orchestrator's repair
    assert "Initech" in bodies[2]  # the fact check's regeneration
