"""Admin labels read as words: "CVs", "AI tasks", filters "By date" and "By state", never a
field's name ("Cvs", "Ai tasks", "By resolved at")."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NOT_WORDS = ["Cvs", "Cv drafts", "Ai tasks", "Ai task", "By resolved at", "By delivered at"]


@pytest.fixture
def admin_client_(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    return client


def headings(html: str) -> set[str]:
    return {re.sub(r"\s+", " ", text).strip() for text in re.findall(r">([^<>]+)<", html)}


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/admin/", {"CVs", "CV drafts", "AI tasks"}),
        ("/admin/usage/alert/", {"By state"}),
        ("/admin/usage/alertdelivery/", {"By delivery"}),
        ("/admin/cvs/cvdraft/", {"By date"}),
        ("/admin/orchestrator/usagelog/", {"By date"}),
    ],
)
def test_admin_pages_name_things_in_words(admin_client_, path, expected):
    response = admin_client_.get(path)

    assert response.status_code == 200
    shown = headings(response.content.decode())
    assert expected <= shown, expected - shown
    assert not shown & set(NOT_WORDS)


def test_the_open_alerts_filter_finds_open_alerts(admin_client_):
    from django.utils import timezone

    from usage.models import Alert

    now = timezone.now()
    Alert.objects.create(kind="cost_spike", subject="open one", first_seen=now, last_seen=now)
    Alert.objects.create(
        kind="cost_spike", subject="old one", first_seen=now, last_seen=now, resolved_at=now
    )

    page = admin_client_.get("/admin/usage/alert/?state=open").content.decode()

    assert "open one" in page and "old one" not in page
