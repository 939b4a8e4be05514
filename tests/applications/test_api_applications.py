"""/api/v1/applications: track applications with the exact CV and letter versions sent."""

from __future__ import annotations

import csv
import io

import pytest

from tests.fixtures.applications import APPLICATIONS_URL

pytestmark = pytest.mark.django_db


def test_an_application_keeps_the_cv_version_that_was_sent_after_the_cv_is_edited(
    api_client, job, cv_id, letter_id
):
    response = api_client.post(
        APPLICATIONS_URL,
        {"job_id": job.pk, "cv_id": cv_id, "letter_id": letter_id, "status": "applied"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()["data"]
    assert (created["cv_version"], created["letter_version"]) == (1, 1)
    assert created["applied_at"] is not None
    assert created["company"] == "Acme Freight"

    edit = api_client.patch(
        f"/api/v1/cvs/{cv_id}", {"content": {"summary": "Rewritten after sending."}}, format="json"
    )
    assert edit.json()["data"]["version"] == 2

    shown = api_client.get(f"{APPLICATIONS_URL}/{created['id']}").json()["data"]
    assert shown["cv_version"] == 1
    sent = api_client.get(f"/api/v1/cvs/{cv_id}/versions/{shown['cv_version']}").json()["data"]
    assert sent["content"]["summary"] != "Rewritten after sending."


def test_status_moves_are_kept_in_the_history_and_impossible_moves_name_the_allowed_ones(
    api_client, application
):
    url = f"{APPLICATIONS_URL}/{application['id']}"
    for status in ("screening", "interview"):
        response = api_client.patch(url, {"status": status}, format="json")
        assert response.status_code == 200, response.json()

    wrong = api_client.patch(url, {"status": "saved"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["error_code"] == "INVALID_INPUT"
    assert 'cannot become "saved"' in wrong.json()["message"]
    assert "allowed: offer, rejected, withdrawn" in wrong.json()["message"]

    shown = api_client.get(url).json()["data"]
    assert [(h["from_status"], h["to_status"]) for h in shown["history"]] == [
        ("", "applied"),
        ("applied", "screening"),
        ("screening", "interview"),
    ]
    assert shown["next_statuses"] == ["offer", "rejected", "withdrawn"]

    api_client.patch(url, {"status": "rejected"}, format="json")
    closed = api_client.patch(url, {"status": "offer"}, format="json")
    assert closed.status_code == 400
    assert "none: it is closed" in closed.json()["message"]


def test_an_unknown_status_or_version_is_a_clear_400(api_client, job, cv_id):
    bad_status = api_client.post(
        APPLICATIONS_URL, {"job_id": job.pk, "status": "ghosted"}, format="json"
    )
    assert bad_status.status_code == 400
    assert "ghosted" in str(bad_status.json())

    bad_version = api_client.post(
        APPLICATIONS_URL, {"job_id": job.pk, "cv_id": cv_id, "cv_version": 7}, format="json"
    )
    assert bad_version.status_code == 400
    assert "no version 7" in bad_version.json()["message"]


def test_the_list_filters_by_status_and_pages(api_client, job, make_job, user):
    for n in range(3):
        other_job = make_job(user, title=f"Job {n}")
        api_client.post(APPLICATIONS_URL, {"job_id": other_job.pk}, format="json")
    api_client.post(APPLICATIONS_URL, {"job_id": job.pk, "status": "applied"}, format="json")

    saved = api_client.get(APPLICATIONS_URL, {"status": "saved", "page_size": 2}).json()["data"]
    assert saved["count"] == 3
    assert len(saved["results"]) == 2
    applied = api_client.get(APPLICATIONS_URL, {"status": "applied"}).json()["data"]
    assert [a["job_id"] for a in applied["results"]] == [job.pk]


def test_another_users_application_job_and_documents_are_not_found(
    api_client, other_client, application, job, cv_id
):
    url = f"{APPLICATIONS_URL}/{application['id']}"
    assert other_client.get(url).status_code == 404
    assert other_client.patch(url, {"status": "offer"}, format="json").status_code == 404
    assert other_client.delete(url).status_code == 404
    assert other_client.post(f"{url}/interview-prep", {}, format="json").status_code == 404
    assert other_client.get(APPLICATIONS_URL).json()["data"]["count"] == 0
    # Alice's job and CV are not Bob's to attach.
    refused = other_client.post(APPLICATIONS_URL, {"job_id": job.pk}, format="json")
    assert refused.status_code == 404
    assert api_client.get(url).json()["data"]["status"] == "applied"


def test_the_csv_export_lists_the_applications_and_defuses_formulas(api_client, application):
    api_client.patch(
        f"{APPLICATIONS_URL}/{application['id']}",
        {"notes": '=HYPERLINK("http://evil")'},
        format="json",
    )
    response = api_client.get(f"{APPLICATIONS_URL}/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="applications.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["status"] == "applied"
    assert rows[0]["company"] == "Acme Freight"
    assert rows[0]["cv_version"] == "1"
    assert rows[0]["notes"] == '\'=HYPERLINK("http://evil")'


def test_deleting_an_application_leaves_its_documents(api_client, application, cv_id):
    url = f"{APPLICATIONS_URL}/{application['id']}"
    assert api_client.delete(url).status_code == 200
    assert api_client.get(url).status_code == 404
    assert api_client.get(f"/api/v1/cvs/{cv_id}").status_code == 200
