"""The admin shows CV drafts and letters read-only and formatted, never as editable JSON."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from cvs.services import profile_update
from jobs.models import Job
from tests.fixtures.profiles import BACKEND_JOB, DRAFT_URL, LETTER_URL, RICH

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(user) -> APIClient:
    profile_update(user=user, data=RICH)
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def job(user) -> Job:
    return Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)


def test_a_cv_draft_reads_as_a_cv_and_cannot_be_edited(su_client, author, job):
    draft = author.post(DRAFT_URL, {"job_id": job.pk}, format="json").json()["data"]
    author.patch(
        f"/api/v1/cvs/{draft['id']}",
        {"content": {"summary": "I write <b>clear</b> APIs."}},
        format="json",
    )
    page = f"/admin/cvs/cvdraft/{draft['id']}/change/"

    response = su_client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h3>Amara Okafor</h3>" in html
    assert "<h4>Experience</h4>" in html
    assert "<p><strong>Senior Software Engineer, Parcelly Ltd</strong></p>" in html
    bullet = draft["content"]["experience"][0]["bullets"][0]
    assert f"<li>{bullet}</li>" in html
    assert "<p>I write &lt;b&gt;clear&lt;/b&gt; APIs.</p>" in html  # escaped, not rendered
    assert "<textarea" not in html
    assert 'name="_save"' not in html
    # The history: version 2 (the edit) above version 1 (the AI's).
    numbers = re.findall(r'<td class="field-number">\s*<p>(\d+)</p>', html)
    assert numbers == ["2", "1"]
    assert su_client.post(page, {"content": "{}"}).status_code == 403
    assert su_client.get("/admin/cvs/cvdraft/add/").status_code == 403


def test_a_letter_reads_as_a_letter_and_cannot_be_edited(su_client, author, job):
    letter = author.post(LETTER_URL, {"job_id": job.pk}, format="json").json()["data"]
    page = f"/admin/letters/coverletter/{letter['id']}/change/"

    response = su_client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<p><strong>Subject: {letter['content']['subject']}</strong></p>" in html
    assert f"<p>{letter['content']['greeting']}</p>" in html
    assert "<textarea" not in html
    assert 'name="_save"' not in html
    assert su_client.post(page, {"tone": "friendly"}).status_code == 403
