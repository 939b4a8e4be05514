"""GET /api/v1/me/export and DELETE /api/v1/me: a user takes all their data, or deletes their
account; what they paid for stays in the books under a tombstone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import QuotaCounter, Subscription
from cvs.models import CVDraft
from documents.models import MasterProfile
from jobs.models import Job
from letters.models import CoverLetter
from orchestrator.models import UsageLog
from tests.fixtures.profiles import BACKEND_JOB, DRAFT_URL, LETTER_URL, RICH
from usage.reports.groups import usage_totals

pytestmark = pytest.mark.django_db

CAROL = {"username": "carol", "email": "carol@example.com", "password": "plum-Orchard-77"}
EXPORT, ME = "/api/v1/me/export", "/api/v1/me"


@pytest.fixture
def carol() -> tuple[APIClient, int]:
    """Carol signed up, filled in her profile, saved a job, drafted a CV and a letter (the
    offline provider answers) and edited the letter once."""
    client = APIClient()
    body = client.post("/api/v1/auth/register", CAROL, format="json").json()["data"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert client.put("/api/v1/profile", {"data": RICH}, format="json").status_code == 200
    user = get_user_model().objects.get(username="carol")
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)
    assert client.post(DRAFT_URL, {"job_id": job.pk}, format="json").status_code == 201
    letter = client.post(LETTER_URL, {"job_id": job.pk}, format="json").json()["data"]
    edit = {"content": {"subject": "Backend role at Acme Freight"}}
    response = client.patch(f"/api/v1/letters/{letter['id']}", edit, format="json")
    assert response.status_code == 200, response.json()
    return client, user.pk


def totals() -> dict:
    now = timezone.now()
    return usage_totals(since=now - dt.timedelta(days=1), until=now + dt.timedelta(days=1))


def test_the_export_is_one_json_document_of_everything_the_user_has(carol):
    client, user_id = carol

    response = client.get(EXPORT)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()["data"]
    assert data["account"]["username"] == "carol"
    assert data["account"]["email"] == "carol@example.com"
    assert "password" not in str(data["account"])
    assert data["plan"]["code"] == "FREEMIUM"
    assert data["plan"]["subscriptions"][0]["status"] == "active"
    assert data["profile"]["data"] == RICH
    assert [job["title"] for job in data["jobs"]] == ["Senior Backend Engineer"]
    (cv,) = data["cv_drafts"]
    assert cv["content"]["header"]["name"] == "Amara Okafor"
    assert [v["number"] for v in cv["versions"]] == [1]
    (letter,) = data["cover_letters"]
    assert [v["edited_by_user"] for v in letter["versions"]] == [False, True]
    assert letter["content"]["subject"] == "Backend role at Acme Freight"
    assert {row["task_type"] for row in data["usage"]} == {"cv_draft", "cover_letter"}
    assert len(data["usage"]) == UsageLog.objects.filter(user_id=user_id).count()


def test_the_export_is_rate_limited(carol, settings):
    client, _ = carol
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "data_export": "2/hour"},
    }

    statuses = [client.get(EXPORT).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_another_user_exports_only_their_own_data(carol, api_client):
    data = api_client.get(EXPORT).json()["data"]

    assert data["account"]["username"] == "alice"
    assert data["profile"] is None
    assert data["jobs"] == data["cv_drafts"] == data["cover_letters"] == data["usage"] == []


def test_deleting_needs_the_password(carol):
    client, user_id = carol

    missing = client.delete(ME, {}, format="json")
    wrong = client.delete(ME, {"password": "not-my-password"}, format="json")

    assert (missing.status_code, missing.json()["error_code"]) == (400, "INVALID_INPUT")
    assert (wrong.status_code, wrong.json()["error_code"]) == (403, "FORBIDDEN")
    assert get_user_model().objects.filter(pk=user_id).exists()
    assert client.get(EXPORT).status_code == 200


def test_a_deleted_account_leaves_only_anonymous_usage_rows_and_the_same_totals(carol):
    client, user_id = carol
    before = totals()
    rows = UsageLog.objects.filter(user_id=user_id).count()
    assert QuotaCounter.objects.filter(user_id=user_id).exists() or rows

    response = client.delete(ME, {"password": CAROL["password"]}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["success"] is True
    # The token stops working at once.
    assert client.get("/api/v1/jobs").status_code == 401
    assert client.get(EXPORT).status_code == 401
    users = get_user_model().objects
    assert not users.filter(pk=user_id).exists()
    assert not users.filter(email="carol@example.com").exists()
    for model, owner in (
        (MasterProfile, "user_id"),
        (Job, "owner_id"),
        (CVDraft, "owner_id"),
        (CoverLetter, "owner_id"),
        (Subscription, "user_id"),
        (QuotaCounter, "user_id"),
    ):
        assert not model.objects.filter(**{owner: user_id}).exists(), model
    # The usage rows stay, under a tombstone with no identity; plan and cost are kept.
    kept = UsageLog.objects.filter(task_type__in=["cv_draft", "cover_letter"])
    assert kept.count() == rows
    tombstone = kept.first().user
    assert tombstone.username.startswith("deleted-")
    assert (tombstone.email, tombstone.first_name, tombstone.last_name) == ("", "", "")
    assert not tombstone.is_active and not tombstone.has_usable_password()
    assert {row.plan for row in kept} == {"FREEMIUM"}
    assert totals() == before
    # Signing in again is impossible: the account is gone.
    signin = APIClient().post(
        "/api/v1/auth/token",
        {"username": "carol", "password": CAROL["password"]},
        format="json",
    )
    assert signin.status_code == 401
