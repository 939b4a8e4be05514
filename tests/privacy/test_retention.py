"""DATA_RETENTION_DAYS: jobs, drafts and versions nobody touched that long are purged by the
periodic job, which says how many of each went; by default everything is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.services import application_create
from cvs.models import CVDraft, CVDraftVersion
from documents.versions import version_record
from jobs.models import Job
from letters.models import CoverLetter, CoverLetterVersion
from orchestrator.schedule import jobs as scheduled_jobs
from privacy.services import data_retention_purge
from tests.fixtures.letters import GOOD_LETTER
from tests.fixtures.profiles import BACKEND_JOB, GOOD_CV

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - dt.timedelta(days=40)


def aged(model, when, **filters) -> None:
    """Rows as if written `when` (auto_now fields cannot be set on save)."""
    fields = {f: when for f in ("created_at", "updated_at") if hasattr(model, f)}
    model.objects.filter(**filters).update(**fields)


def job_with_documents(user, *, when, edited_at=None) -> Job:
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)
    cv = CVDraft.objects.create(owner=user, job=job, profile_version=1, content=GOOD_CV)
    version_record(item=cv, edited_by_user=False)
    letter = CoverLetter.objects.create(
        owner=user, job=job, profile_version=1, content=GOOD_LETTER, tone="professional"
    )
    version_record(item=letter, edited_by_user=False)
    for model, filters in (
        (Job, {"pk": job.pk}),
        (CVDraft, {"pk": cv.pk}),
        (CVDraftVersion, {"draft": cv}),
        (CoverLetter, {"pk": letter.pk}),
        (CoverLetterVersion, {"letter": letter}),
    ):
        aged(model, when, **filters)
    if edited_at is not None:  # the user edited the letter since: version 2
        letter.version = 2
        letter.save(update_fields=["version"])
        version_record(item=letter, edited_by_user=True)
        aged(CoverLetterVersion, edited_at, letter=letter, number=2)
    return job


def test_by_default_nothing_is_purged(user):
    job_with_documents(user, when=OLD - dt.timedelta(days=3000))

    assert data_retention_purge() == {}
    assert Job.objects.count() == CVDraft.objects.count() == CoverLetter.objects.count() == 1


def test_untouched_jobs_and_documents_go_and_touched_ones_stay(user, settings):
    settings.DATA_RETENTION_DAYS = 30
    untouched = job_with_documents(user, when=OLD)
    recent = job_with_documents(user, when=NOW - dt.timedelta(days=2))
    edited = job_with_documents(user, when=OLD, edited_at=NOW - dt.timedelta(days=1))

    purged = data_retention_purge()

    # The untouched job's CV and letter (2 versions), the edited job's old CV (1 version) and
    # its letter's first version (the current one, version 2, stays); then the untouched job.
    assert purged == {
        "cv_drafts": 2,
        "cover_letters": 1,
        "interview_preps": 0,
        "versions": 4,
        "jobs": 1,
    }
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, edited.pk}
    kept = CoverLetter.objects.get(job=edited)
    assert [v.number for v in kept.versions.all()] == [2]
    assert not CVDraft.objects.filter(job=edited).exists()
    assert CVDraft.objects.filter(job=recent).exists()
    assert not Job.objects.filter(pk=untouched.pk).exists()


def test_the_purge_is_a_periodic_job_and_a_command_that_reports_its_counts(user, settings):
    settings.DATA_RETENTION_DAYS = 30
    job_with_documents(user, when=OLD)
    assert "privacy.data_retention_purge" in scheduled_jobs()

    from io import StringIO

    out = StringIO()
    call_command("data_retention_purge", stdout=out)

    assert (
        out.getvalue().strip()
        == "1 cv_drafts, 1 cover_letters, 0 interview_preps, 2 versions, 1 jobs."
    )


def test_what_an_application_sent_stays_however_old(user, settings):
    settings.DATA_RETENTION_DAYS = 30
    job = job_with_documents(user, when=OLD)
    cv = CVDraft.objects.get(job=job)
    # The CV was edited long ago after version 1 went out with the application.
    application_create(user=user, job_id=job.pk, cv_id=cv.pk, status="applied")
    cv.version = 2
    cv.save(update_fields=["version"])
    version_record(item=cv, edited_by_user=True)
    aged(CVDraftVersion, OLD, draft=cv)

    purged = data_retention_purge()

    assert Job.objects.filter(pk=job.pk).exists()
    assert [v.number for v in CVDraft.objects.get(pk=cv.pk).versions.all()] == [1, 2]
    assert purged["cv_drafts"] == 0
    assert purged["cover_letters"] == 1  # the letter went with no application naming it
