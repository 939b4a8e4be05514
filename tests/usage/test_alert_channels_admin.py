"""Alert channels in the admin: added with a write-only URL, listed masked, a "send test"
action against a real loopback server; latency thresholds per task and tier on the thresholds
page; which channels took an alert on the alert list."""

from __future__ import annotations

import pytest

from tests.fixtures.admin import messages_of
from tests.support.webhook_receiver import webhook_receiver
from usage.models import AlertChannel, AlertThresholds, LatencyThreshold

pytestmark = pytest.mark.django_db

SECRET = "s3cr3tT0ken"
THRESHOLDS_FORM = {
    "error_rate": "0.1",
    "p95_latency_ms": "5000",
    "cost_spike_factor": "2",
    "quota_refusals": "5",
    "window_minutes": "15",
    "min_calls": "20",
    "repeat_hours": "6",
}


@pytest.fixture
def receiver():
    with webhook_receiver() as running:
        yield running


def add_channel(client, receiver, **changes):
    form = {
        "name": "ops slack",
        "kind": "slack",
        "url": receiver.url(),
        "addresses": "",
        "alert_kinds": ["error_rate", "latency"],
        "allow_private_network": "on",
        "is_active": "on",
        "_save": "Save",
    }
    form.update(changes)
    return client.post("/admin/usage/alertchannel/add/", form, follow=True)


def test_a_provider_admin_adds_a_webhook_channel_shown_masked(provider_admin_client, receiver):
    response = add_channel(provider_admin_client, receiver)

    assert response.status_code == 200
    channel = AlertChannel.objects.get()
    assert channel.alert_kinds == ["error_rate", "latency"] and channel.allow_private_network
    assert SECRET not in channel.url_encrypted
    listing = provider_admin_client.get("/admin/usage/alertchannel/").content.decode()
    assert "http://127.0.0.1/…0ken" in listing and SECRET not in listing
    assert "Provider error rate, Provider p95 latency" in listing
    page = provider_admin_client.get(f"/admin/usage/alertchannel/{channel.pk}/change/")
    assert SECRET not in page.content.decode()  # the URL field is write-only


def test_saving_without_a_url_keeps_the_stored_one(provider_admin_client, receiver):
    add_channel(provider_admin_client, receiver)
    channel = AlertChannel.objects.get()
    before = channel.url_encrypted

    provider_admin_client.post(
        f"/admin/usage/alertchannel/{channel.pk}/change/",
        {"name": "renamed", "kind": "slack", "url": "", "addresses": "", "is_active": "on"},
    )

    channel.refresh_from_db()
    assert channel.name == "renamed" and channel.url_encrypted == before


def test_a_webhook_channel_needs_a_url(provider_admin_client, receiver):
    response = add_channel(provider_admin_client, receiver, url="")

    assert "A webhook channel needs its URL." in response.content.decode()
    assert not AlertChannel.objects.exists()


def test_send_test_posts_to_the_channel_and_says_how_it_went(provider_admin_client, receiver):
    add_channel(provider_admin_client, receiver)
    channel = AlertChannel.objects.get()
    receiver.statuses = [500]

    failed = provider_admin_client.post(
        "/admin/usage/alertchannel/",
        {"action": "send_test", "_selected_action": [channel.pk]},
        follow=True,
    )
    sent = provider_admin_client.post(
        "/admin/usage/alertchannel/",
        {"action": "send_test", "_selected_action": [channel.pk]},
        follow=True,
    )

    [(level, text)] = messages_of(failed)
    assert level == "error" and "answered HTTP 500" in text and SECRET not in text
    assert messages_of(sent) == [("success", "ops slack: test alert accepted.")]
    assert len(receiver.received) == 2
    assert "A test of the alert channel “ops slack”" in receiver.received[1]["body"]["text"]


def test_latency_thresholds_per_task_and_tier_are_set_on_the_thresholds_page(
    provider_admin_client,
):
    page = provider_admin_client.get("/admin/usage/alertthresholds/").content.decode()
    assert "P95 latency thresholds per task and tier" in page

    response = provider_admin_client.post(
        "/admin/usage/alertthresholds/",
        {
            **THRESHOLDS_FORM,
            "latency_thresholds-TOTAL_FORMS": "1",
            "latency_thresholds-INITIAL_FORMS": "0",
            "latency_thresholds-0-task": "cv_draft",
            "latency_thresholds-0-tier": "quality",
            "latency_thresholds-0-p95_latency_ms": "45000",
        },
    )

    assert response.status_code == 302
    threshold = LatencyThreshold.objects.get()
    assert (threshold.task, threshold.tier, threshold.p95_latency_ms) == (
        "cv_draft",
        "quality",
        45000,
    )
    assert threshold.thresholds == AlertThresholds.get_solo()
    html = provider_admin_client.get("/admin/usage/alert/").content.decode()
    assert "P95 latency of cv_draft (quality) above</th><td>45,000 ms</td>" in html


def test_plain_staff_cannot_reach_the_channels(staff_client):
    assert staff_client.get("/admin/usage/alertchannel/").status_code == 403
    assert staff_client.get("/admin/usage/alertdelivery/").status_code == 403


def test_the_alert_list_says_which_channels_alerts_go_to_and_which_took_them(su_client, receiver):
    from datetime import timedelta

    from django.utils import timezone

    from orchestrator.models import ProviderConfig
    from usage.alerts import alerts_check

    add_channel(su_client, receiver, alert_kinds=["provider_test_failed"])
    ProviderConfig.objects.create(
        name="broken",
        provider_type="openai",
        fast_model="gpt-4o-mini",
        quality_model="gpt-4o",
        last_test_status="failed",
        last_tested_at=timezone.now() - timedelta(hours=1),
    )
    alerts_check()

    html = su_client.get("/admin/usage/alert/").content.decode()

    assert 'id="alert-channels"' in html and "ops slack — Slack-compatible webhook" in html
    assert "http://127.0.0.1/…0ken" in html and SECRET not in html
    assert "ops slack ✓" in html  # the alert's row: the channel accepted it
