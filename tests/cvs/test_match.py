"""The match report: a 0-100 score from the job's skills and keywords found in the CV, what
is matched and missing, and the profile fact behind each bullet. No AI call."""

from __future__ import annotations

import copy

import pytest

from orchestrator.models import UsageLog
from tests.fixtures.profiles import DRAFT_URL, GOOD_CV

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(api_client, job, with_profile) -> dict:
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def edit(api_client, draft: dict, content: dict) -> dict:
    response = api_client.patch(f"/api/v1/cvs/{draft['id']}", {"content": content}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_every_draft_carries_its_match_report(draft, rich_profile):
    match = draft["match"]

    # Skills Python, Django, PostgreSQL, Kubernetes weigh 2; AWS, a keyword only, weighs 1.
    # The profile has all but Kubernetes: (2 + 2 + 2 + 1) / 9 = 77.8 %.
    assert match["score"] == 78
    assert [(m["term"], m["kind"], m["weight"]) for m in match["matched"]] == [
        ("Python", "required", 2),
        ("Django", "required", 2),
        ("PostgreSQL", "required", 2),
        ("AWS", "keyword", 1),
    ]
    assert match["missing"] == [
        {"term": "Kubernetes", "kind": "required", "weight": 2, "backed_by": None}
    ]
    assert match["matched"][0]["backed_by"] == {"field": "skills", "text": "Python"}
    assert "skills" in match["matched"][0]["found_in"]
    assert match["job_id"] == draft["job_id"]
    # The offline draft takes its bullets from the profile, so each has its fact.
    assert match["unsourced_bullets"] == 0
    highlights = {
        (w["name"], h) for w in rich_profile["work"] for h in w.get("highlights") or []
    } | {(w["name"], w["summary"]) for w in rich_profile["work"] if w.get("summary")}
    for bullet in match["bullets"]:
        source = bullet["source"]
        assert (source["employer"], source["highlight"]) in highlights
        assert source["highlight"] == bullet["text"]
        assert bullet["warning"] == ""


def test_a_reworded_bullet_finds_its_fact_and_an_invented_one_gets_a_warning(api_client, draft):
    cv = copy.deepcopy(GOOD_CV)
    cv["experience"][0]["bullets"] = [
        "Designed a Django REST API serving 2 million requests a day",
        "Won the company chess tournament three years running",
        "Led the migration of 14 services to AWS, cutting hosting costs by 50%",
    ]

    bullets = edit(api_client, draft, cv)["match"]["bullets"]

    reworded, invented, inflated = bullets[:3]
    assert reworded["source"] == {
        "employer": "Parcelly Ltd",
        "field": "highlight",
        "highlight": "Designed a Django REST API for tracking events that serves 2 million "
        "requests a day",
    }
    assert reworded["warning"] == ""
    assert invented["source"] is None
    assert invented["warning"] == "No fact in your profile for Parcelly Ltd backs this bullet."
    assert inflated["source"]["highlight"].startswith("Led the migration of 14 services")
    assert inflated["warning"] == "Figures not in the profile fact: 50."


def test_a_cv_padded_with_invented_skills_scores_the_same_as_the_honest_one(api_client, draft):
    honest = draft["match"]
    padded = {
        "skills": [*draft["content"]["skills"], "Kubernetes", "Go", "Rust"],
        "summary": "Kubernetes expert.",
    }

    match = edit(api_client, draft, padded)["match"]

    assert match["score"] == honest["score"] == 78
    assert [u["term"] for u in match["unbacked"]] == ["Kubernetes"]
    assert match["unbacked"][0]["found_in"] == ["summary", "skills"]


def test_a_skill_in_the_profile_that_the_cv_adds_raises_the_score(
    api_client, user, make_job, draft
):
    job = make_job(user, skills=["Python", "Celery"], keywords=[], requirements=[])
    url = f"/api/v1/cvs/{draft['id']}/match"
    before = api_client.get(url, {"job_id": job.pk}).json()["data"]
    edit(api_client, draft, {"skills": ["Python"]})
    without = api_client.get(url, {"job_id": job.pk}).json()["data"]
    edit(api_client, draft, {"skills": ["Python", "Celery"]})
    added = api_client.get(url, {"job_id": job.pk}).json()["data"]

    assert before["score"] == added["score"] == 100
    assert without["score"] == 50
    assert without["missing"][0]["backed_by"]["field"] == "skills"


def test_a_skill_the_job_calls_optional_weighs_less(api_client, user, make_job, with_profile):
    job = make_job(user, requirements=["5+ years of Python", "Kubernetes is a plus"])
    draft = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json").json()["data"]

    match = draft["match"]

    assert match["missing"] == [
        {"term": "Kubernetes", "kind": "preferred", "weight": 1, "backed_by": None}
    ]
    assert match["score"] == 88  # 7 of 8, rounded half up


def test_any_saved_cv_against_any_of_your_jobs(api_client, user, make_job, draft):
    other_job = make_job(user, skills=["Go", "Python"], keywords=["gRPC"], requirements=[])
    url = f"/api/v1/cvs/{draft['id']}/match"
    logs = UsageLog.objects.count()

    own = api_client.get(url).json()["data"]
    other = api_client.get(url, {"job_id": other_job.pk}).json()["data"]

    assert own == draft["match"]
    assert other["job_id"] == other_job.pk
    assert other["score"] == 40  # Python (2) of Go (2), Python (2), gRPC (1)
    assert [m["term"] for m in other["missing"]] == ["Go", "gRPC"]
    assert api_client.get(url, {"job_id": other_job.pk}).json()["data"] == other  # same again
    assert UsageLog.objects.count() == logs  # no AI call


def test_matching_ignores_case_accents_and_separators(api_client, user, make_job, draft):
    job = make_job(
        user, skills=["postgresql", "CI-CD", "Postgres"], keywords=["rest api"], requirements=[]
    )
    edit(api_client, draft, {"summary": "CI/CD pipelines, a REST API, PostgreSQL."})

    match = api_client.get(f"/api/v1/cvs/{draft['id']}/match", {"job_id": job.pk}).json()["data"]

    # "Postgres" is PostgreSQL's other spelling, so it is the same term, counted once.
    assert [m["term"] for m in match["matched"]] == ["postgresql", "CI-CD", "rest api"]
    assert match["score"] == 100


def test_a_job_without_skills_or_keywords_scores_0(api_client, user, make_job, draft):
    job = make_job(user, skills=[], keywords=[], requirements=[])

    match = api_client.get(f"/api/v1/cvs/{draft['id']}/match", {"job_id": job.pk}).json()["data"]

    assert (match["score"], match["matched"], match["missing"]) == (0, [], [])


def test_another_users_job_or_draft_is_not_found(
    api_client, other_client, other_user, make_job, draft
):
    foreign_job = make_job(other_user)
    url = f"/api/v1/cvs/{draft['id']}/match"

    response = api_client.get(url, {"job_id": foreign_job.pk})
    assert (response.status_code, response.json()["message"]) == (404, "No such job.")
    assert other_client.get(url).json()["error_code"] == "NOT_FOUND"
    response = api_client.get(url, {"job_id": "abc"})
    assert (response.status_code, response.json()["error_code"]) == (400, "INVALID_INPUT")


def test_the_draft_list_carries_each_match_without_a_query_per_draft(
    api_client, user, make_job, with_profile, django_assert_max_num_queries
):
    for n in range(4):
        job = make_job(user, skills=["Python", f"Tool {n}"], keywords=[], requirements=[])
        api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    with django_assert_max_num_queries(4):  # the count, then the page with jobs and profile
        results = api_client.get("/api/v1/cvs").json()["data"]["results"]

    assert [r["match"]["score"] for r in results] == [50, 50, 50, 50]
    assert [r["match"]["missing"][0]["term"] for r in results] == [
        "Tool 3",
        "Tool 2",
        "Tool 1",
        "Tool 0",
    ]
    assert {r["version"] for r in results} == {1}
