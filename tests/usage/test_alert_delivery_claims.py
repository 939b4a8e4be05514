"""Two alert checks at once (the "Run the check now" button during the scheduled one) send each
delivery once: the first claims it under a row lock, the second skips it. (Here, after
billing's tests: a transactional test without serialized_rollback runs after theirs.)"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from orchestrator.models import ProviderConfig
from tests.support.webhook_receiver import webhook_receiver
from tests.usage.test_alert_channels import NOW, channel
from usage.alerts import alerts_check
from usage.alerts.delivery import alert_deliveries_send
from usage.models import AlertDelivery

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Needs PostgreSQL row locks."),
    pytest.mark.django_db(transaction=True),
]


def test_a_check_running_beside_another_does_not_send_its_deliveries_again(db):
    ProviderConfig.objects.create(
        name="openai main",
        provider_type="openai",
        fast_model="gpt-4o-mini",
        quality_model="gpt-4o",
        last_test_status="failed",
    )
    with webhook_receiver() as receiver:
        channel(receiver, kind="webhook")
        receiver.delay = 1.0  # the first check is still sending when the second starts
        first = threading.Thread(target=lambda: (alerts_check(now=NOW), connection.close()))
        first.start()
        time.sleep(0.5)

        sent_meanwhile = alert_deliveries_send(now=NOW)
        first.join(timeout=30)

    assert sent_meanwhile == 0
    assert len(receiver.received) == 1
    assert AlertDelivery.objects.get().delivered_at == NOW
