"""Alert channels: webhooks received by a real loopback HTTP server (Slack-compatible and plain
JSON bodies), which kinds go where, failed deliveries recorded and retried with backoff, an
alert notified only once a channel accepted it, and URLs never shown or stored in clear."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from orchestrator.models import ProviderConfig
from tests.support.webhook_receiver import webhook_receiver
from tests.usage.test_alerts import NOW, calls
from usage.alerts import alerts_check
from usage.alerts.channels import channel_set_url
from usage.models import Alert, AlertChannel, AlertDelivery

pytestmark = pytest.mark.django_db

SECRET = "s3cr3tT0ken"


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]


@pytest.fixture
def receiver():
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def openai_config(db):
    return ProviderConfig.objects.create(
        name="openai main",
        provider_type="openai",
        fast_model="gpt-4o-mini",
        quality_model="gpt-4o",
        last_test_status="ok",
    )


def channel(receiver, *, kind="slack", kinds=(), private=True, name=None) -> AlertChannel:
    made = AlertChannel(
        name=name or f"{kind} hook",
        kind=kind,
        alert_kinds=list(kinds),
        allow_private_network=private,
    )
    channel_set_url(channel=made, url=receiver.url())
    made.save()
    return made


def failing_credentials(config) -> None:
    ProviderConfig.objects.filter(pk=config.pk).update(last_test_status="failed")


def test_a_slack_channel_receives_the_alert_as_text(openai_config, receiver):
    channel(receiver, kind="slack")
    calls(openai_config, count=20, errors=3)

    opened = alerts_check(now=NOW)

    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request["path"] == f"/hooks/T000/B000/{SECRET}"
    assert set(request["body"]) == {"text"}
    assert "1 alert firing" in request["body"]["text"]
    assert "openai main" in request["body"]["text"] and "15.0%" in request["body"]["text"]
    assert opened[0].notified_at == NOW and Alert.objects.get().notified_at == NOW
    assert mail.outbox == []  # a configured channel replaces the default mail to ADMINS


def test_a_json_channel_receives_structured_alerts_and_the_resolution(openai_config, receiver):
    channel(receiver, kind="webhook")
    calls(openai_config, count=20, errors=3)
    alerts_check(now=NOW)

    alerts_check(now=NOW + timedelta(hours=1))  # the errors are out of the window: resolved

    firing, resolved = (r["body"] for r in receiver.received)
    assert firing["firing"][0]["kind"] == "error_rate"
    assert firing["firing"][0]["subject"] == "openai main"
    assert firing["firing"][0]["value"] == "0.150000" and firing["resolved"] == []
    assert resolved["firing"] == [] and resolved["resolved"][0]["subject"] == "openai main"
    assert "1 resolved" in resolved["summary"]


def test_each_channel_gets_only_the_kinds_it_takes(openai_config, receiver, user):
    latency_only = channel(receiver, kind="webhook", kinds=["latency"], name="latency")
    errors = channel(receiver, kind="webhook", kinds=["error_rate"], name="errors")
    calls(openai_config, count=20, errors=3)

    alerts_check(now=NOW)

    assert len(receiver.received) == 1
    assert [a["kind"] for a in receiver.received[0]["body"]["firing"]] == ["error_rate"]
    assert AlertDelivery.objects.get().channel == errors
    assert not latency_only.deliveries.exists()


def test_a_500_is_recorded_retried_after_a_wait_then_delivered(openai_config, receiver):
    hook = channel(receiver, kind="slack")
    receiver.statuses = [500]
    failing_credentials(openai_config)

    alerts_check(now=NOW)

    delivery = AlertDelivery.objects.get()
    assert (delivery.attempts, delivery.delivered_at) == (1, None)
    assert "answered HTTP 500" in delivery.last_error and SECRET not in delivery.last_error
    assert delivery.next_attempt_at == NOW + timedelta(minutes=1)
    assert Alert.objects.get().notified_at is None  # nobody was told

    alerts_check(now=NOW + timedelta(seconds=30))  # before the wait is over: not tried
    assert len(receiver.received) == 1

    alerts_check(now=NOW + timedelta(minutes=2))

    assert len(receiver.received) == 2
    delivery.refresh_from_db()
    assert delivery.delivered_at == NOW + timedelta(minutes=2) and delivery.attempts == 2
    assert Alert.objects.get().notified_at == NOW + timedelta(minutes=2)
    assert hook.deliveries.count() == 1

    alerts_check(now=NOW + timedelta(minutes=5))  # delivered: not sent again
    assert len(receiver.received) == 2


def test_the_wait_doubles_with_each_failure(openai_config, receiver):
    channel(receiver)
    receiver.statuses = [500, 502, 503]
    failing_credentials(openai_config)

    alerts_check(now=NOW)
    alerts_check(now=NOW + timedelta(minutes=1))
    alerts_check(now=NOW + timedelta(minutes=3))

    delivery = AlertDelivery.objects.get()
    assert delivery.attempts == 3 and "HTTP 503" in delivery.last_error
    assert delivery.next_attempt_at == NOW + timedelta(minutes=3 + 4)


def test_one_channel_failing_does_not_stop_another(openai_config, receiver):
    broken = channel(receiver, kind="slack", name="broken")
    channel_set_url(channel=broken, url=f"http://127.0.0.1:1/hooks/{SECRET}")  # nobody listens
    broken.save()
    channel(receiver, kind="webhook", name="working")
    failing_credentials(openai_config)

    alerts_check(now=NOW)

    states = dict(AlertDelivery.objects.values_list("channel__name", "delivered_at"))
    assert states == {"broken": None, "working": NOW}
    error = AlertDelivery.objects.get(channel=broken).last_error
    assert (
        error.startswith("ConnectError posting to http://127.0.0.1/…0ken") and SECRET not in error
    )
    assert Alert.objects.get().notified_at == NOW


def test_a_loopback_url_is_refused_unless_the_channel_allows_it(openai_config, receiver):
    channel(receiver, kind="slack", private=False)
    failing_credentials(openai_config)

    alerts_check(now=NOW)

    assert receiver.received == []
    delivery = AlertDelivery.objects.get()
    assert "private network or this machine" in delivery.last_error
    assert SECRET not in delivery.last_error
    assert Alert.objects.get().notified_at is None


def test_with_no_channel_configured_alerts_are_mailed_to_admins(openai_config):
    failing_credentials(openai_config)

    alerts_check(now=NOW)

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ops@example.com"]
    default = AlertChannel.objects.get()
    assert (default.name, default.kind, default.addresses) == ("Email to ADMINS", "email", "")


def test_an_email_channel_with_addresses_mails_them(openai_config):
    AlertChannel.objects.create(name="on call", kind="email", addresses="a@x.org, b@x.org")
    failing_credentials(openai_config)

    alerts_check(now=NOW)

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@x.org", "b@x.org"]


def test_the_url_is_stored_encrypted_and_shown_masked(receiver):
    hook = channel(receiver)

    stored = AlertChannel.objects.values_list("url_encrypted", "url_hint").get(pk=hook.pk)
    assert SECRET not in stored[0]
    assert stored[1] == "http://127.0.0.1/…0ken"


# --- Latency thresholds per task and tier ------------------------------------------------------


def slow(config, *, task, tier, latency_ms, count=20):
    from tests.fixtures.usage import log_usage

    for _ in range(count):
        log_usage(
            at=NOW - timedelta(minutes=5),
            config=config,
            task=task,
            tier=tier,
            latency_ms=latency_ms,
        )


def own_latency_threshold(task: str, tier: str, ms: int) -> None:
    from usage.models import AlertThresholds, LatencyThreshold

    LatencyThreshold.objects.create(
        thresholds=AlertThresholds.get_solo(), task=task, tier=tier, p95_latency_ms=ms
    )


def test_a_quality_cv_draft_is_judged_by_its_own_latency_threshold(openai_config):
    own_latency_threshold("cv_draft", "quality", 30_000)
    slow(openai_config, task="cv_draft", tier="quality", latency_ms=20_000)  # slow, but allowed
    slow(openai_config, task="extraction", tier="fast", latency_ms=1_000)

    assert alerts_check(now=NOW) == []  # the general 5,000 ms would have fired on the drafts


def test_a_task_over_its_own_threshold_alerts_apart_from_the_provider(openai_config):
    own_latency_threshold("extraction", "fast", 2_000)
    slow(openai_config, task="extraction", tier="fast", latency_ms=3_000)
    slow(openai_config, task="cv_draft", tier="quality", latency_ms=4_000)  # under the general

    opened = alerts_check(now=NOW)

    assert [(a.kind, a.subject) for a in opened] == [("latency", "openai main · extraction (fast)")]
    assert opened[0].threshold == 2000 and opened[0].value == 3000
    assert "extraction (fast) calls to openai main is 3000 ms" in opened[0].message


def test_calls_without_a_threshold_of_their_own_keep_the_general_one(openai_config):
    own_latency_threshold("cv_draft", "quality", 60_000)
    slow(openai_config, task="cv_draft", tier="quality", latency_ms=50_000)
    slow(openai_config, task="extraction", tier="fast", latency_ms=6_000)

    opened = alerts_check(now=NOW)

    assert [(a.subject, a.value, a.threshold) for a in opened] == [("openai main", 6000, 5000)]


def test_a_malformed_stored_url_is_a_failed_delivery_that_does_not_show_it(openai_config):
    hook = AlertChannel(name="typo", kind="webhook", allow_private_network=True)
    channel_set_url(channel=hook, url=f"http://exa mple.invalid:99999/{SECRET}")
    hook.save()
    failing_credentials(openai_config)

    alerts_check(now=NOW)  # does not raise: the other channels and the next check go on

    delivery = AlertDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.delivered_at is None
    assert SECRET not in delivery.last_error
