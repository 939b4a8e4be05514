"""The usage dashboard's "Drafts and outcomes": drafts, share sent, words edited before sending,
interview rate and cost per interview, per task × provider × model × tier × prompt version."""

from __future__ import annotations

import json
import statistics
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from applications.models import DRAFT_KEYS, Application
from applications.outcomes import drafts_and_outcomes
from core.money import usd
from cvs.models import CVDraft
from letters.models import CoverLetter
from orchestrator.models import UsageLog
from tests.fixtures.applications import APPLICATIONS_URL
from tests.fixtures.profiles import DRAFT_URL, GOOD_CV, LETTER_URL
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/orchestrator/usagelog/dashboard/"


def _row(html: str, task_label: str) -> str:
    section = html.split('id="drafts-and-outcomes"')[1]
    return next(r for r in section.split("<tr>") if r.startswith(f"<td>{task_label}</td>"))


def test_the_dashboard_shows_what_became_of_the_drafts(
    su_client,
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
    su_client,
    api_client,
    make_job,
    user,  # noqa: F811
):
    job = make_job(user)
    api_client.post(APPLICATIONS_URL, {"job_id": job.pk, "status": "interview"}, format="json")

    html = su_client.get(DASHBOARD, {"period": "24h"}).content.decode()

    assert "No CVs or letters were drafted in this period." in html


def _joined_report(*, since, until) -> list[dict]:
    """The report as it was computed before the applications carried their drafts' facts:
    each sent application joined to its draft as the draft is now, grouped by the draft's keys."""
    report = []
    for task, model, link in (("cv_draft", CVDraft, "cv"), ("cover_letter", CoverLetter, "letter")):
        drafts = model.objects.filter(created_at__gte=since, created_at__lt=until)
        for key in sorted({tuple(getattr(d, k) for k in DRAFT_KEYS) for d in drafts}):
            group = [d for d in drafts if tuple(getattr(d, k) for k in DRAFT_KEYS) == key]
            sent = [
                a
                for a in Application.objects.exclude(status="saved")
                if getattr(a, f"{link}_id") in {d.pk for d in group}
            ]
            distances = [
                getattr(a, f"{link}_edit_distance")
                for a in sent
                if getattr(a, f"{link}_edit_distance") is not None
            ]
            interviews = sum(a.reached_interview for a in sent)
            cost = sum((d.cost_usd for d in group), Decimal(0))
            sent_drafts = len({getattr(a, f"{link}_id") for a in sent})
            report.append(
                {
                    "task": task,
                    **dict(zip(DRAFT_KEYS, key, strict=True)),
                    "drafts": len(group),
                    "sent": sent_drafts,
                    "share_sent": sent_drafts / len(group),
                    "median_edit_distance": statistics.median(distances) if distances else None,
                    "applications": len(sent),
                    "interview_rate": interviews / len(sent) if sent else None,
                    "cost_usd": cost,
                    "cost_per_interview": cost / interviews if interviews else None,
                }
            )
    return report


def test_the_report_reads_each_draft_as_it_was_sent_whatever_happened_to_it_after(
    api_client, make_job, user, with_profile
):
    def post(url, body):
        response = api_client.post(url, body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()["data"]

    def patch(application, body):
        response = api_client.patch(f"{APPLICATIONS_URL}/{application['id']}", body, format="json")
        assert response.status_code == 200, response.json()

    jobs = [make_job(user, title=f"Backend Engineer {n}") for n in range(6)]
    cvs = [post(DRAFT_URL, {"job_id": job.pk})["id"] for job in jobs[:4]]
    letters = [post(LETTER_URL, {"job_id": job.pk})["id"] for job in jobs[:2]]
    # One CV and one letter written by another model under another prompt: groups of their own.
    CVDraft.objects.filter(pk=cvs[3]).update(model="other-model", prompt_version="cv_draft@2")
    CoverLetter.objects.filter(pk=letters[1]).update(tier="quality")
    first = post(
        APPLICATIONS_URL,
        {"job_id": jobs[0].pk, "cv_id": cvs[0], "letter_id": letters[0], "status": "applied"},
    )
    # Sent again after the CV was edited: the edited version and its distance count.
    api_client.patch(f"/api/v1/cvs/{cvs[0]}", {"content": {"summary": "Backend."}}, format="json")
    patch(first, {"cv_version": 2, "status": "screening"})
    patch(first, {"status": "interview"})
    # Tracked, then sent with another CV and without its letter.
    moved = post(APPLICATIONS_URL, {"job_id": jobs[1].pk, "cv_id": cvs[1], "letter_id": letters[1]})
    patch(moved, {"cv_id": cvs[3], "letter_id": None, "status": "applied"})
    post(APPLICATIONS_URL, {"job_id": jobs[2].pk, "cv_id": cvs[1]})  # tracked, never sent
    post(
        APPLICATIONS_URL,
        {"job_id": jobs[3].pk, "cv_id": cvs[3], "letter_id": letters[1], "status": "applied"},
    )
    # Sent, then its CV deleted: the application stays, its CV counts no more.
    gone = post(APPLICATIONS_URL, {"job_id": jobs[4].pk, "cv_id": cvs[2], "status": "rejected"})
    assert api_client.delete(f"/api/v1/cvs/{cvs[2]}").status_code == 200
    post(APPLICATIONS_URL, {"job_id": jobs[5].pk, "status": "interview"})  # no draft at all
    since, until = timezone.now() - timedelta(days=1), timezone.now() + timedelta(seconds=1)

    report = drafts_and_outcomes(since=since, until=until)

    assert report == _joined_report(since=since, until=until)
    assert Application.objects.get(pk=gone["id"]).cv_id is None
    by_key = {(r["task"], r["model"], r["tier"], r["prompt_version"]): r for r in report}
    assert len(by_key) == 4  # two CV groups, two letter groups
    cv = next(r for k, r in by_key.items() if k[0] == "cv_draft" and k[1] != "other-model")
    assert (cv["drafts"], cv["sent"], cv["applications"], cv["interview_rate"]) == (2, 1, 1, 1)
    assert cv["median_edit_distance"] > 0
    other = by_key[("cv_draft", "other-model", cv["tier"], "cv_draft@2")]
    assert (other["drafts"], other["sent"], other["applications"]) == (1, 1, 2)
    # Nothing drafted in the window: no rows, whatever the applications carry.
    assert drafts_and_outcomes(since=until, until=until + timedelta(days=1)) == []
