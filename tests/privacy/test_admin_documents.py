"""Users' documents are personal data: provider admins run the AI console and see what a task
did (kind, status, timings, error code), never what went in or came out. Superusers see all."""

import pytest

from cvs.models import CVDraft
from documents.models import MasterProfile
from jobs.models import Job
from letters.models import CoverLetter
from orchestrator.models import AITask

pytestmark = pytest.mark.django_db

LETTER = "Dear hiring team, my years at Initech taught me patience with printers."
PROFILE_LINE = "Alice Example, 12 Private Lane, +44 7700 900123"


@pytest.fixture
def letter_task(user):
    return AITask.objects.create(
        owner=user,
        kind="cover_letter",
        params={"job_id": 7, "tone": "formal", "notes": PROFILE_LINE},
        status=AITask.Status.SUCCEEDED,
        result={"content": {"body": LETTER}},
        error_code="",
        error_message="",
    )


@pytest.fixture
def failed_task(user):
    return AITask.objects.create(
        owner=user,
        kind="cv_draft",
        params={"job_id": 7},
        status=AITask.Status.FAILED,
        error_code="BAD_AI_OUTPUT",
        error_message=f"The AI answer was not usable: '{PROFILE_LINE}' is not of type 'object'",
    )


def test_provider_admins_see_a_tasks_metadata_not_its_documents(
    provider_admin_client, letter_task, failed_task
):
    page = provider_admin_client.get(f"/admin/orchestrator/aitask/{letter_task.pk}/change/")
    failed = provider_admin_client.get(f"/admin/orchestrator/aitask/{failed_task.pk}/change/")

    assert page.status_code == 200 and failed.status_code == 200
    html = page.content.decode() + failed.content.decode()
    for label in ("Kind", "Status", "Created at", "Started at", "Finished at", "Error code"):
        assert label in html
    assert "Cover letter" in html and "BAD_AI_OUTPUT" in html and "alice" in html
    assert LETTER not in html and PROFILE_LINE not in html
    assert "Params" not in html and "Result" not in html and "Error message" not in html


def test_provider_admins_list_tasks_without_their_documents(
    provider_admin_client, letter_task, failed_task
):
    page = provider_admin_client.get("/admin/orchestrator/aitask/")

    html = page.content.decode()
    assert page.status_code == 200 and "BAD_AI_OUTPUT" in html
    assert LETTER not in html and PROFILE_LINE not in html


def test_superusers_keep_full_access_to_a_task(su_client, letter_task, failed_task):
    page = su_client.get(f"/admin/orchestrator/aitask/{letter_task.pk}/change/")
    failed = su_client.get(f"/admin/orchestrator/aitask/{failed_task.pk}/change/")

    assert LETTER in page.content.decode() and PROFILE_LINE in page.content.decode()
    assert "is not of type" in failed.content.decode()


@pytest.fixture
def document_pages(user):
    job = Job.objects.create(
        owner=user, source="text", source_text=LETTER, title="Printer whisperer"
    )
    profile = MasterProfile.objects.create(user=user, data={"basics": {"name": PROFILE_LINE}})
    cv = CVDraft.objects.create(owner=user, job=job, profile_version=1, content={"x": LETTER})
    letter = CoverLetter.objects.create(
        owner=user, job=job, tone="formal", profile_version=1, content={"body": LETTER}
    )
    return [
        "/admin/jobs/job/",
        f"/admin/jobs/job/{job.pk}/change/",
        "/admin/documents/masterprofile/",
        f"/admin/documents/masterprofile/{profile.pk}/change/",
        "/admin/cvs/cvdraft/",
        f"/admin/cvs/cvdraft/{cv.pk}/change/",
        "/admin/letters/coverletter/",
        f"/admin/letters/coverletter/{letter.pk}/change/",
    ]


def test_provider_admins_cannot_open_jobs_cvs_letters_or_profiles(
    provider_admin_client, document_pages
):
    for url in document_pages:
        response = provider_admin_client.get(url)
        assert response.status_code == 403, url
        assert LETTER not in response.content.decode()
    index = provider_admin_client.get("/admin/").content.decode()
    assert "/admin/jobs/" not in index and "/admin/cvs/" not in index
    assert "/admin/letters/" not in index


def test_superusers_open_the_documents(su_client, document_pages):
    for url in document_pages:
        assert su_client.get(url).status_code == 200, url
