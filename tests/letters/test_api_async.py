"""Cover letters in async mode: 202 with a task to poll, whose result is the sync call's data.

Celery runs eagerly in the test settings; the task is enqueued when the request's transaction
commits, which django_capture_on_commit_callbacks stands in for.
"""

from __future__ import annotations

import pytest

from letters.models import CoverLetter
from orchestrator.models import AITask
from tests.fixtures.profiles import LETTER_URL

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, headers",
    [(f"{LETTER_URL}?async=1", {}), (LETTER_URL, {"HTTP_PREFER": "respond-async"})],
)
def test_async_mode_answers_202_and_the_task_holds_the_letter(
    api_client, job, with_profile, django_capture_on_commit_callbacks, url, headers
):
    request = {"job_id": job.pk, "tone": "friendly"}
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api_client.post(url, request, format="json", **headers)

    assert accepted.status_code == 202, accepted.json()
    assert accepted.json()["message"] == "Accepted. Poll the task URL for the result."
    state = api_client.get(accepted["Location"]).json()["data"]
    assert (state["kind"], state["status"]) == ("cover_letter", "succeeded")
    result = state["result"]
    assert CoverLetter.objects.get(pk=result["id"]).tone == "friendly"

    sync = api_client.post(LETTER_URL, request, format="json").json()["data"]
    assert result.keys() == sync.keys()
    assert (result["content"], result["text"], result["word_count"]) == (
        sync["content"],
        sync["text"],
        sync["word_count"],
    )
    assert api_client.get(f"/api/v1/letters/{result['id']}").json()["data"] == result


@pytest.mark.parametrize(
    "body, status",
    [({"tone": "sarcastic"}, 400), ({"job_id": 987654}, 404), ({"job_id": None}, 400)],
)
def test_bad_requests_are_refused_before_anything_is_queued(
    api_client, job, with_profile, body, status
):
    response = api_client.post(f"{LETTER_URL}?async=1", {"job_id": job.pk, **body}, format="json")

    assert response.status_code == status
    assert not AITask.objects.exists()


def test_without_async_nothing_is_queued(api_client, job, with_profile):
    response = api_client.post(f"{LETTER_URL}?async=0", {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    assert not AITask.objects.exists()
