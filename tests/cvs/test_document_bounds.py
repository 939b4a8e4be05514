"""Requests cheap to send and expensive to serve: a CV or letter edit beyond the size bounds is
a 400 naming the bound; exports and match reports are throttled like the AI endpoints; the
match report's time grows with the document, not with bullets × facts."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from cvs.match import cv_match
from documents.bounds import MAX_BULLETS, MAX_FIELD_CHARS, MAX_LIST_ITEMS
from tests.fixtures.profiles import DRAFT_URL, LETTER_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(api_client, job, with_profile) -> dict:
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def patch(api_client, draft: dict, content: dict):
    return api_client.patch(f"/api/v1/cvs/{draft['id']}", {"content": content}, format="json")


def test_a_field_longer_than_the_bound_is_refused_naming_it(api_client, draft):
    response = patch(api_client, draft, {"summary": "x" * (MAX_FIELD_CHARS + 1)})

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_INPUT"
    assert (
        f"content.summary has {MAX_FIELD_CHARS + 1} characters; at most"
        in (response.json()["message"])
    )


def test_too_many_bullets_are_refused(api_client, draft):
    one_role = {"employer": "Parcelly Ltd", "title": "Senior Software Engineer"}
    roles = [{**one_role, "bullets": ["Built it"] * MAX_LIST_ITEMS} for _ in range(4)]

    response = patch(api_client, draft, {"experience": roles})

    assert response.status_code == 400
    assert f"at most {MAX_BULLETS} in all" in response.json()["message"]
    many = patch(api_client, draft, {"skills": ["Python"] * (MAX_LIST_ITEMS + 1)})
    assert many.status_code == 400 and "content.skills has" in many.json()["message"]


def test_a_control_character_in_an_edit_is_refused(api_client, draft, job):
    response = patch(api_client, draft, {"summary": "Pasted\x0bfrom a job"})

    assert response.status_code == 400
    assert "control character (U+000B)" in response.json()["message"]
    letter = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json").json()["data"]
    edited = api_client.patch(
        f"/api/v1/letters/{letter['id']}", {"content": {"greeting": "Hi\ufffe"}}, format="json"
    )
    assert edited.status_code == 400
    assert "U+FFFE" in edited.json()["message"]


def test_exports_and_match_reports_are_throttled_like_the_ai_endpoints(api_client, settings, draft):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"ai_burst": "3/min", "ai_sustained": "500/day"},
    }
    # The draft took one request of the same per-user budget.
    export = f"/api/v1/cvs/{draft['id']}/export"

    codes = [api_client.get(export, {"format": "txt"}).status_code for _ in range(3)]
    match = api_client.get(f"/api/v1/cvs/{draft['id']}/match")

    assert codes == [200, 200, 429]
    assert match.status_code == 429
    assert int(match["Retry-After"]) > 0


def _profile(facts: int) -> dict:
    highlights = [
        f"Shipped feature {n} of the billing service for {n} customers" for n in range(facts)
    ]
    return {"work": [{"name": "Parcelly Ltd", "position": "Engineer", "highlights": highlights}]}


def _cv(bullets: int) -> dict:
    return {
        "experience": [
            {
                "employer": "Parcelly Ltd",
                "title": "Engineer",
                "bullets": [f"Shipped feature {n} of the billing service" for n in range(bullets)],
            }
        ]
    }


def test_the_match_report_grows_with_the_document_not_with_bullets_times_facts():
    job = SimpleNamespace(pk=1, skills=["Python"], keywords=[], requirements=[])

    def seconds(size: int) -> float:
        start = time.perf_counter()
        cv_match(cv=_cv(size), job=job, profile=_profile(size))
        return time.perf_counter() - start

    seconds(50)  # warm up
    small, large = min(seconds(100) for _ in range(3)), min(seconds(800) for _ in range(3))

    # 8 times the bullets and the facts: a quadratic report would take ~64 times as long.
    assert large < small * 24, (small, large)
