"""Staff export a user's data and delete users from the admin; each export, deletion and each
opening of a captured payload, a profile or a document is on an audit trail that only
superusers read and nobody edits."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from cvs.services import profile_update
from orchestrator.models import UsageCapture, UsageLog
from privacy.models import AuditEvent
from tests.fixtures.admin import client_for, run_action
from tests.fixtures.profiles import RICH

pytestmark = pytest.mark.django_db

TRAIL = "/admin/privacy/auditevent/"


def trail() -> list[tuple[str, str, str, int | None]]:
    return [
        (e.staff_username, e.action, e.subject, e.subject_user_id)
        for e in AuditEvent.objects.order_by("pk")
    ]


@pytest.fixture
def alice_used_the_service(user, api_client, settings):
    """Alice has a profile, a CV and a letter (offline provider), with captures kept."""
    from jobs.models import Job
    from tests.fixtures.profiles import BACKEND_JOB, DRAFT_URL, LETTER_URL

    settings.AI_CAPTURE_PAYLOADS = True
    profile_update(user=user, data=RICH)
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)
    cv = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json").json()["data"]
    letter = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json").json()["data"]
    return cv["id"], letter["id"]


def test_a_superuser_downloads_a_users_data_and_the_export_is_on_the_trail(
    su_client, user, alice_used_the_service
):
    response = run_action(su_client, "user", "export_user_data", [user.pk], app="auth")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    (export,) = json.loads(response.content)["users"]
    assert export["account"]["username"] == "alice"
    assert export["profile"]["data"]["basics"]["name"] == "Amara Okafor"
    assert trail() == [("root", "export", f"user {user.pk}", user.pk)]


def test_deleting_a_user_in_the_admin_asks_first_then_keeps_usage_under_a_tombstone(
    su_client, user, alice_used_the_service
):
    rows = UsageLog.objects.filter(user=user).count()
    url = f"/admin/auth/user/{user.pk}/delete/"

    confirm = su_client.get(url)
    assert confirm.status_code == 200
    assert "Are you sure" in confirm.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()

    done = su_client.post(url, {"post": "yes"}, follow=True)

    assert done.status_code == 200
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    kept = UsageLog.objects.filter(user__username__startswith="deleted-")
    assert kept.count() == rows
    assert trail() == [("root", "delete", f"user {user.pk}", user.pk)]


def test_opening_a_profile_a_document_or_a_capture_is_on_the_trail(
    su_client, user, alice_used_the_service
):
    cv_id, letter_id = alice_used_the_service
    capture = UsageCapture.objects.order_by("pk").first()

    for url in (
        f"/admin/documents/masterprofile/{user.master_profile.pk}/change/",
        f"/admin/cvs/cvdraft/{cv_id}/change/",
        f"/admin/letters/coverletter/{letter_id}/change/",
        f"/admin/orchestrator/usagelog/{capture.usage_log_id}/change/",
    ):
        assert su_client.get(url).status_code == 200, url

    assert [(action, owner) for _, action, _, owner in trail()] == [
        ("open_profile", user.pk),
        ("open_document", user.pk),
        ("open_document", user.pk),
        ("open_capture", user.pk),
    ]
    assert trail()[1][2] == f"CVDraft {cv_id}"
    assert trail()[3][2] == f"capture of usage log {capture.usage_log_id}"


def test_only_superusers_read_the_trail_and_nobody_changes_it(su_client, django_user_model):
    staff = django_user_model.objects.create_user("sam", "s@example.com", "x", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="privacy"))
    event = AuditEvent.objects.create(
        staff=staff, staff_username="sam", action="export", subject="user 1 (x)"
    )

    assert su_client.get(TRAIL).status_code == 200
    assert "user 1 (x)" in su_client.get(TRAIL).content.decode()
    assert su_client.get(f"{TRAIL}add/").status_code == 403
    assert su_client.get(f"{TRAIL}{event.pk}/delete/").status_code == 403
    page = su_client.get(f"{TRAIL}{event.pk}/change/").content.decode()
    assert 'name="_save"' not in page  # shown, not editable
    assert client_for(staff).get(TRAIL).status_code == 403
    assert AuditEvent.objects.count() == 1


def test_staff_who_are_not_superusers_are_not_offered_the_export(db, django_user_model):
    staff = django_user_model.objects.create_user("sam", "s@example.com", "x", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))

    page = client_for(staff).get("/admin/auth/user/")

    assert page.status_code == 200
    assert "export_user_data" not in page.content.decode()
    refused = run_action(client_for(staff), "user", "export_user_data", [staff.pk], app="auth")
    assert "application/json" not in refused["Content-Type"]
    assert not AuditEvent.objects.exists()
