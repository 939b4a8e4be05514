"""The usage dashboard's "Drafts and outcomes": drafts, share sent, words edited before sending,
interview rate and cost per interview, per task × provider × model × tier × prompt version."""

from __future__ import annotations

import json

import pytest
from django.db.models import Sum

from core.money import usd
from orchestrator.models import UsageLog
from tests.admin.conftest import su_client, superuser  # noqa: F401  (admin fixtures)
from tests.applications.conftest import APPLICATIONS_URL
from tests.cvs.conftest import DRAFT_URL, GOOD_CV
from tests.doubles import Reply

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/orchestrator/usagelog/dashboard/"


def _row(html: str, task_label: str) -> str:
    section = html.split('id="drafts-and-outcomes"')[1]
    return next(r for r in section.split("<tr>") if r.startswith(f"<td>{task_label}</td>"))


def test_the_dashboard_shows_what_became_of_the_drafts(
    su_client,  # noqa: F811
    api_client,
    make_job,
    user,
    with_profile,
    openai_double,
    make_provider,  # noqa: F811
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(json.dumps(GOOD_CV), input_tokens=2000, output_tokens=700)
    jobs = [make_job(user, title=f"Backend Engineer {n}") for n in range(4)]
    cvs = []
    for job in jobs:
        response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
        cvs.append(response.json()["data"]["id"])
    # The first CV is sent with two words changed, the second as drafted; the third is
    # tracked but never sent; the fourth is not used at all.
    api_client.patch(
        f"/api/v1/cvs/{cvs[0]}", {"content": {"summary": "Backend engineer."}}, format="json"
    )
    sent = [
        api_client.post(
            APPLICATIONS_URL,
            {"job_id": jobs[n].pk, "cv_id": cvs[n], "status": "applied"},
            format="json",
        ).json()["data"]
        for n in (0, 1)
    ]
    api_client.post(APPLICATIONS_URL, {"job_id": jobs[2].pk, "cv_id": cvs[2]}, format="json")
    for status in ("screening", "interview"):
        api_client.patch(f"{APPLICATIONS_URL}/{sent[0]['id']}", {"status": status}, format="json")

    html = su_client.get(DASHBOARD, {"period": "24h"}).content.decode()

    assert "Drafts and outcomes" in html
    row = _row(html, "CV draft")
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    # task, provider · model, tier, prompt, drafts, sent, median edited, interview rate, cost,
    # cost per interview
    assert cells[1] == "openai · gpt-6-luna"
    assert cells[2] == "fast"
    assert cells[3] == "cv_draft@1"
    assert cells[4] == "4"
    assert cells[5] == "2 (50%)"
    assert float(cells[6]) > 0  # the median of (edited, 0)
    assert cells[7] == "50%"
    cost = UsageLog.objects.filter(task_type="cv_draft").aggregate(c=Sum("cost_usd"))["c"]
    assert cost > 0
    assert cells[8] == usd(cost)
    assert cells[9] == usd(cost)  # four drafts paid for one interview


def test_an_application_without_a_draft_is_left_out_of_the_figures(
    su_client,  # noqa: F811
    api_client,
    make_job,
    user,  # noqa: F811
):
    job = make_job(user)
    api_client.post(APPLICATIONS_URL, {"job_id": job.pk, "status": "interview"}, format="json")

    html = su_client.get(DASHBOARD, {"period": "24h"}).content.decode()

    assert "No CVs or letters were drafted in this period." in html
