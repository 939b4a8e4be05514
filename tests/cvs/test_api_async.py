"""CV drafts in async mode: 202 with a task to poll, whose result is what the sync call answers.

Celery runs eagerly in the test settings; the task is enqueued when the request's transaction
commits, which django_capture_on_commit_callbacks stands in for.
"""

from __future__ import annotations

import pytest

from cvs.models import CVDraft
from orchestrator.models import AITask
from tests.fixtures.profiles import DRAFT_URL

pytestmark = pytest.mark.django_db


def test_async_mode_answers_202_and_the_task_holds_the_draft(
    api_client, job, with_profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api_client.post(f"{DRAFT_URL}?async=1", {"job_id": job.pk}, format="json")

    assert accepted.status_code == 202, accepted.json()
    task = accepted.json()["data"]
    assert accepted["Location"] == task["url"]
    assert task["url"].endswith(f"/api/v1/tasks/{task['task_id']}")

    polled = api_client.get(accepted["Location"])
    assert polled.status_code == 200
    state = polled.json()["data"]
    assert state["kind"] == "cv_draft"
    assert state["status"] == "succeeded", state
    result = state["result"]
    assert CVDraft.objects.get(pk=result["id"]).owner == job.owner

    sync = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json").json()["data"]
    assert result.keys() == sync.keys()
    assert result["content"] == sync["content"]
    assert (result["job_id"], result["provider"], result["warnings"]) == (job.pk, "offline", [])
    assert api_client.get(f"/api/v1/cvs/{result['id']}").json()["data"] == result


def test_the_prefer_header_asks_for_async_mode_too(
    api_client, job, with_profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api_client.post(
            DRAFT_URL, {"job_id": job.pk}, format="json", HTTP_PREFER="respond-async"
        )

    assert accepted.status_code == 202
    task = AITask.objects.get(pk=accepted.json()["data"]["task_id"])
    assert task.params == {"job_id": job.pk, "force": False}
    assert task.status == AITask.Status.SUCCEEDED


def test_a_wrong_job_is_refused_before_anything_is_queued(
    api_client, other_user, make_job, with_profile
):
    theirs = make_job(other_user)

    response = api_client.post(f"{DRAFT_URL}?async=1", {"job_id": theirs.pk}, format="json")

    assert response.status_code == 404
    assert response.json()["error_code"] == "NOT_FOUND"
    assert not AITask.objects.exists()


def test_an_empty_profile_is_refused_before_anything_is_queued(api_client, job):
    response = api_client.post(f"{DRAFT_URL}?async=1", {"job_id": job.pk}, format="json")

    assert response.status_code == 400
    assert "Fill in your profile first" in response.json()["message"]
    assert not AITask.objects.exists()


def test_a_failing_draft_is_a_failed_task_with_the_error(
    api_client, settings, job, with_profile, django_capture_on_commit_callbacks
):
    settings.OFFLINE_PROVIDER_ENABLED = False

    with django_capture_on_commit_callbacks(execute=True):
        accepted = api_client.post(f"{DRAFT_URL}?async=1", {"job_id": job.pk}, format="json")

    state = api_client.get(accepted["Location"]).json()["data"]
    assert state["status"] == "failed"
    assert state["error_code"] == "NO_PROVIDER"
    assert state["result"] is None


def test_another_user_cannot_poll_my_task(
    api_client, other_client, job, with_profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api_client.post(f"{DRAFT_URL}?async=1", {"job_id": job.pk}, format="json")

    assert other_client.get(accepted["Location"]).status_code == 404
