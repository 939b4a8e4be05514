"""PATCH /api/v1/letters/{id}: edits become versions and the letter rules run again."""

from __future__ import annotations

import pytest

from letters.models import CoverLetter, CoverLetterVersion
from tests.fixtures.letters import as_written
from tests.fixtures.profiles import LETTER_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(api_client, job, with_profile) -> dict:
    response = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def test_an_edit_that_breaks_the_rules_is_saved_with_their_warnings(api_client, letter):
    two = letter["content"]["paragraphs"][:2]

    response = api_client.patch(
        f"/api/v1/letters/{letter['id']}", {"content": {"paragraphs": two}}, format="json"
    )

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["version"] == 2
    assert data["content"]["paragraphs"] == two
    assert "The body has 2 paragraphs; it needs exactly 3." in data["warnings"]
    assert response.json()["message"] == "Saved as version 2, with warnings: check them."
    assert CoverLetter.objects.get(pk=letter["id"]).warnings == data["warnings"]


def test_a_good_edit_clears_the_warnings_and_earlier_versions_stay(api_client, letter, good_letter):
    path = f"/api/v1/letters/{letter['id']}"
    api_client.patch(path, {"content": {"paragraphs": ["Too short."]}}, format="json")

    response = api_client.patch(path, {"content": good_letter}, format="json")

    data = response.json()["data"]
    assert (data["version"], data["warnings"], as_written(data["content"])) == (3, [], good_letter)
    assert data["word_count"] == 264
    versions = api_client.get(f"{path}/versions").json()["data"]["results"]
    assert [v["number"] for v in versions] == [3, 2, 1]
    assert versions[1]["warnings"]  # version 2 keeps the warnings it had
    assert api_client.get(f"{path}/versions/1").json()["data"]["content"] == letter["content"]


def test_an_invalid_letter_edit_is_refused(api_client, letter):
    response = api_client.patch(
        f"/api/v1/letters/{letter['id']}", {"content": {"paragraphs": "one blob"}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "The edited cover letter is not valid: content.paragraphs: must be a list."
    )
    assert CoverLetterVersion.objects.filter(letter_id=letter["id"]).count() == 1


def test_another_users_letter_cannot_be_edited(other_client, letter):
    response = other_client.patch(
        f"/api/v1/letters/{letter['id']}", {"content": {"subject": "Hi"}}, format="json"
    )

    assert (response.status_code, response.json()["message"]) == (404, "No such cover letter.")
    assert other_client.get(f"/api/v1/letters/{letter['id']}/versions").status_code == 404
