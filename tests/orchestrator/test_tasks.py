"""Async mode: `?async=1` (or `Prefer: respond-async`) answers 202 and a task to poll.

Without a broker Celery runs tasks eagerly at enqueue time, which is after the request's
transaction commits; django_capture_on_commit_callbacks plays that commit here.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from jobs.models import Job
from orchestrator.models import AITask, UsageLog
from orchestrator.tasks import INTERNAL, run_ai_task
from tests.fixtures.api import assert_error
from tests.fixtures.jobs import EXTRACT, job_answer
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db

POSTING = (Path(__file__).resolve().parents[1] / "data" / "jobs" / "plain_posting.txt").read_text()


def submit(client, django_capture_on_commit_callbacks, data, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(EXTRACT + "?async=1", data, format="json", **extra)


def test_async_extraction_answers_202_then_the_task_has_the_job(
    api_client, django_capture_on_commit_callbacks, user
):
    response = submit(api_client, django_capture_on_commit_callbacks, {"text": POSTING})

    assert response.status_code == 202, response.json()
    accepted = response.json()["data"]
    assert accepted["status"] == "pending"
    task_url = f"http://testserver/api/v1/tasks/{accepted['task_id']}"
    assert accepted["url"] == response["Location"] == task_url

    task = api_client.get(task_url)

    assert task.status_code == 200
    data = task.json()["data"]
    assert data["status"] == "succeeded"
    assert data["kind"] == "extraction"
    assert data["started_at"] and data["finished_at"]
    assert data["error_code"] == ""
    job = Job.objects.get(owner=user)
    assert data["result"]["id"] == job.pk
    assert data["result"]["title"] == "Frontend Developer"
    assert data["result"]["extracted_by"] == "offline"
    # The result is what the synchronous endpoint answers for that job.
    assert data["result"] == api_client.get(f"/api/v1/jobs/{job.pk}").json()["data"]


def test_prefer_respond_async_does_the_same(api_client, django_capture_on_commit_callbacks):
    response = submit(
        api_client,
        django_capture_on_commit_callbacks,
        {"text": POSTING},
        HTTP_PREFER="respond-async, wait=10",
    )

    assert response.status_code == 202
    assert AITask.objects.get().status == "succeeded"


def test_bad_input_is_refused_at_once_and_queues_nothing(
    api_client, django_capture_on_commit_callbacks
):
    response = submit(api_client, django_capture_on_commit_callbacks, {"text": "too short"})

    assert_error(response, 400, "INVALID_INPUT", "too short")
    assert AITask.objects.count() == 0


def test_a_failure_in_the_task_is_reported_with_its_error_code(
    api_client, django_capture_on_commit_callbacks, openai_double, make_provider, settings
):
    settings.OFFLINE_PROVIDER_ENABLED = False
    settings.AI_RETRY_BASE_DELAY = 0.0
    make_provider(openai_double)
    openai_double.default = Reply.error(503)

    response = submit(api_client, django_capture_on_commit_callbacks, {"text": POSTING})

    assert response.status_code == 202
    task = api_client.get(response["Location"]).json()["data"]
    assert task["status"] == "failed"
    assert task["error_code"] == "PROVIDER_ERROR"
    assert "unavailable" in task["error_message"]
    assert task["result"] is None
    assert Job.objects.count() == 0


def test_another_users_task_is_not_found(api_client, other_user):
    theirs = AITask.objects.create(owner=other_user, kind="extraction", params={"text": POSTING})

    assert_error(api_client.get(f"/api/v1/tasks/{theirs.pk}"), 404, "NOT_FOUND")
    assert_error(api_client.get(f"/api/v1/tasks/{uuid.uuid4()}"), 404, "NOT_FOUND")


def test_tasks_need_credentials(user):
    task = AITask.objects.create(owner=user, kind="extraction", params={})

    assert_error(APIClient().get(f"/api/v1/tasks/{task.pk}"), 401, "UNAUTHORIZED")


def test_an_unexpected_error_fails_the_task_with_a_generic_message(user, caplog):
    task = AITask.objects.create(owner=user, kind="extraction", params={"no_such_arg": 1})

    run_ai_task(str(task.pk))

    task.refresh_from_db()
    assert (task.status, task.error_code, task.error_message) == (
        "failed",
        "INTERNAL_ERROR",
        INTERNAL,
    )
    assert "no_such_arg" not in task.error_message
    assert "failed unexpectedly" in caplog.text  # the details are in the log, for us


def test_a_task_whose_worker_died_runs_again_once_its_message_comes_back(user):
    # The first run's worker was killed: the task says running, its message was put back.
    task = AITask.objects.create(
        owner=user, kind="extraction", params={"text": POSTING}, status="running", runs=1
    )

    run_ai_task(str(task.pk))

    task.refresh_from_db()
    assert (task.status, task.runs) == ("succeeded", 2)
    assert Job.objects.count() == 1


def test_a_task_that_ran_twice_or_finished_is_not_run_again(user):
    twice = AITask.objects.create(
        owner=user, kind="extraction", params={"text": POSTING}, status="running", runs=2
    )
    done = AITask.objects.create(
        owner=user, kind="extraction", params={"text": POSTING}, status="succeeded", runs=1
    )

    run_ai_task(str(twice.pk))
    run_ai_task(str(done.pk))

    twice.refresh_from_db()
    done.refresh_from_db()
    assert (twice.status, done.status) == ("running", "succeeded")
    assert Job.objects.count() == 0


def test_a_rerun_does_not_pay_again_for_an_answer_the_first_run_had_logged(
    user, openai_double, make_provider
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(job_answer(), input_tokens=500, output_tokens=120)
    task = AITask.objects.create(owner=user, kind="extraction", params={"text": POSTING})
    run_ai_task(str(task.pk))
    # The worker died after the call settled and before the task's outcome was saved.
    AITask.objects.filter(pk=task.pk).update(status="running", result=None, finished_at=None)

    run_ai_task(str(task.pk))

    task.refresh_from_db()
    assert (task.status, task.runs) == ("succeeded", 2)
    assert openai_double.request_count == 1
    paid, again = UsageLog.objects.filter(user=user).order_by("id")
    assert (paid.cache_hit, paid.total_tokens > 0) == (False, True)
    assert (again.cache_hit, again.cost_usd) == (True, 0)
