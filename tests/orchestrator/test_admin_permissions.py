"""Only superusers and the "Provider admins" group see the provider console; other staff,
even holding every model permission, get 403 and no trace of it in the index."""

import pytest

from orchestrator.models import ProviderConfig, UsageLog
from usage.models import Alert

pytestmark = pytest.mark.django_db

CONSOLE_PAGES = [
    "/admin/orchestrator/",
    "/admin/orchestrator/providerconfig/",
    "/admin/orchestrator/providerconfig/add/",
    "/admin/orchestrator/usagelog/",
    "/admin/orchestrator/usagelog/dashboard/",
    "/admin/orchestrator/usagelog/export/",
    "/admin/orchestrator/routingrule/",
    "/admin/orchestrator/routingrule/matrix/",
    "/admin/orchestrator/modelprice/",
    "/admin/usage/alert/",
    "/admin/orchestrator/aitask/",
]


@pytest.fixture
def objects(user):
    config = ProviderConfig.objects.create(
        name="openai x", provider_type="openai", fast_model="a", quality_model="b"
    )
    log = UsageLog.objects.create(
        user=user,
        provider_type="openai",
        model="a",
        task_type="extraction",
        status="success",
        request_id="r1",
    )
    alert = Alert.objects.create(
        kind="quota_exceeded",
        subject="quotas",
        message="m",
        first_seen=log.created_at,
        last_seen=log.created_at,
    )
    return [
        f"/admin/orchestrator/providerconfig/{config.pk}/change/",
        f"/admin/orchestrator/usagelog/{log.pk}/change/",
        f"/admin/usage/alert/{alert.pk}/change/",
    ]


@pytest.mark.parametrize("url", CONSOLE_PAGES[1:])
def test_plain_staff_are_refused(staff_client, url):
    assert staff_client.get(url).status_code == 403


def test_for_plain_staff_the_app_does_not_exist(staff_client):
    assert staff_client.get(CONSOLE_PAGES[0]).status_code == 404


def test_plain_staff_are_refused_on_objects_and_actions(staff_client, objects):
    for url in objects:
        assert staff_client.get(url).status_code == 403
    config = ProviderConfig.objects.get(name="openai x")
    response = staff_client.post(
        "/admin/orchestrator/providerconfig/",
        {"action": "make_default", "_selected_action": [config.pk]},
    )
    assert response.status_code == 403
    assert staff_client.post("/admin/usage/alert/check/").status_code == 403
    assert staff_client.post("/admin/orchestrator/routingrule/matrix/", {}).status_code == 403
    config.refresh_from_db()
    assert not config.is_default


def test_plain_staff_see_no_console_in_the_index(staff_client):
    html = staff_client.get("/admin/").content.decode()

    assert "Provider console" not in html and "Usage dashboard" not in html
    assert "/admin/orchestrator/" not in html
    assert "/admin/billing/plan/" in html  # their own permissions still work


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_provider_admins_are_let_in(provider_admin_client, url):
    assert provider_admin_client.get(url).status_code == 200


def test_provider_admins_open_objects_and_see_the_console_in_the_index(
    provider_admin_client, objects
):
    for url in objects:
        assert provider_admin_client.get(url).status_code == 200
    html = provider_admin_client.get("/admin/").content.decode()
    assert "Provider console" in html
    assert 'href="/admin/orchestrator/usagelog/dashboard/"' in html


def test_superusers_see_the_console_in_the_index(su_client):
    html = su_client.get("/admin/").content.decode()

    assert 'href="/admin/orchestrator/usagelog/dashboard/"' in html
    assert 'href="/admin/orchestrator/routingrule/matrix/"' in html


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/admin/orchestrator/usagelog/dashboard/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
