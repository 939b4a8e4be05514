"""One outbound address policy for every call the service makes on its own: provider base URLs
(the config form and "Test now") and alert webhooks refuse what the job fetcher refuses, resolve
a host once and connect to the address that was checked."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from core import outbound
from orchestrator.models import ProviderConfig
from orchestrator.services import provider_test
from tests.support.webhook_receiver import webhook_receiver
from usage.alerts.channels import DeliveryFailed, News, channel_send, channel_set_url
from usage.models import AlertChannel

pytestmark = pytest.mark.django_db
PUBLIC_IP = "93.184.215.14"  # a global unicast address; never really dialled (see `connects`)
INTERNAL = [
    "127.0.0.1",
    "10.1.2.3",
    "169.254.169.254",  # cloud metadata
    "::1",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "::ffff:127.0.0.1",
]


@pytest.fixture
def answers(monkeypatch):
    """Made-up names: each lookup takes the next answer of its list, the last one repeats."""
    table: dict[str, list[str]] = {}
    lookups: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in table:
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        ip = table[host].pop(0) if len(table[host]) > 1 else table[host][0]
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    table["lookups"] = lookups  # type: ignore[assignment]
    return table


@pytest.fixture
def connects(monkeypatch):
    """Every TCP connect attempted; only loopback is really dialled (tests have no internet)."""
    attempts: list[tuple[str, int]] = []
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        attempts.append((address[0], address[1]))
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise ConnectionRefusedError("no route to the internet in tests")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts


@pytest.mark.parametrize("address", INTERNAL)
def test_the_policy_refuses_internal_addresses_and_their_ipv6_wrappers(address):
    assert outbound.address_forbidden(address)


@pytest.mark.parametrize("address", [PUBLIC_IP, "64:ff9b::808:808", "2002:808:808::1"])
def test_the_policy_lets_public_addresses_and_their_wrappers_through(address):
    assert not outbound.address_forbidden(address)


# --- provider base URLs --------------------------------------------------------------------------


def provider_form(**overrides):
    data = {
        "name": "internal",
        "provider_type": "openai_compatible",
        "base_url": "http://169.254.169.254/v1",
        "fast_model": "m",
        "quality_model": "m",
        "priority": "10",
        "is_active": "on",
        "api_key": "",
        "_save": "Save",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "base_url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:11434/v1",
        "http://[::1]:8000/v1",
        "http://[64:ff9b::a9fe:a9fe]/v1",
        "http://[2002:7f00:1::1]/v1",
    ],
)
def test_a_provider_base_url_on_an_internal_address_is_refused_on_save(
    settings, su_client, base_url
):
    settings.PROVIDER_ALLOWED_HOSTS = []

    page = su_client.post(
        "/admin/orchestrator/providerconfig/add/", provider_form(base_url=base_url)
    )

    assert page.status_code == 200
    assert "private network or this machine" in page.content.decode()
    assert "PROVIDER_ALLOWED_HOSTS" in page.content.decode()
    assert not ProviderConfig.objects.filter(name="internal").exists()


def test_a_listed_host_may_be_a_providers_base_url(settings, su_client):
    settings.PROVIDER_ALLOWED_HOSTS = ["127.0.0.1:11434"]

    su_client.post(
        "/admin/orchestrator/providerconfig/add/",
        provider_form(base_url="http://127.0.0.1:11434/v1"),
    )

    assert ProviderConfig.objects.get(name="internal").base_url == "http://127.0.0.1:11434/v1"


def test_test_now_calls_no_internal_address_that_is_not_listed(
    settings, openai_double, make_provider
):
    config = make_provider(openai_double)  # on 127.0.0.1, saved before the list changed
    settings.PROVIDER_ALLOWED_HOSTS = []

    result = provider_test(config=config)

    assert not result.ok and "private network or this machine (127.0.0.1)" in result.message
    assert openai_double.requests == []
    config.refresh_from_db()
    assert config.last_test_status == "failed"


# --- alert webhooks ------------------------------------------------------------------------------


def webhook(url: str, *, private: bool = False) -> AlertChannel:
    made = AlertChannel(name="hook", kind="webhook", allow_private_network=private)
    channel_set_url(channel=made, url=url)
    made.save()
    return made


@pytest.mark.parametrize(
    "host", ["[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "[64:ff9b::a9fe:a9fe]", "169.254.169.254"]
)
def test_a_webhook_on_a_nat64_or_6to4_wrapper_of_an_internal_address_is_refused(host, connects):
    with pytest.raises(DeliveryFailed, match="private network or this machine"):
        channel_send(channel=webhook(f"http://{host}/hook/s3cr3t"), news=News([], []))
    assert connects == []


def test_a_webhook_host_is_resolved_once_and_the_checked_address_is_dialled(answers, connects):
    with webhook_receiver() as receiver:
        port = int(receiver.base_url.rsplit(":", 1)[1])
        # Checked: a public address. A second lookup would hand out the loopback receiver.
        answers["hooks.example.test"] = [PUBLIC_IP, "127.0.0.1"]
        hook = webhook(f"http://hooks.example.test:{port}/hook/s3cr3t")

        with pytest.raises(DeliveryFailed, match="ConnectError"):
            channel_send(channel=hook, news=News([], []))

        assert receiver.received == []
    assert answers["lookups"] == ["hooks.example.test"]
    assert connects == [(PUBLIC_IP, port)]
