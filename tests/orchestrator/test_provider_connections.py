"""Every connection a vendor SDK opens goes through the outbound address policy: a base URL
checked when it was saved cannot be re-pointed at an internal address by DNS afterwards."""

from __future__ import annotations

import pytest

from orchestrator.models import UsageLog
from orchestrator.services import generate
from orchestrator.streaming import generate_stream
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def _rebound(double) -> str:
    # "localhost" stands for a public name whose DNS now answers a loopback address: the
    # host passed its check when it was saved, the name is not on the allow-list.
    return double.base_url.replace("127.0.0.1", "localhost")


def test_a_base_url_whose_name_now_resolves_internally_is_refused_at_connect(
    settings, any_double, make_provider, user
):
    settings.PROVIDER_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OFFLINE_PROVIDER_ENABLED = False
    # A key of its own: a new SDK client with a pool of its own, no connection kept alive.
    make_provider(
        any_double, base_url=_rebound(any_double), api_key=f"sk-rebound-{any_double.vendor}-0001"
    )
    any_double.default = Reply.ok('{"answer": "reached"}')

    with pytest.raises(Exception) as raised:
        generate(user=user, task="extraction", prompt="A posting.", use_cache=False)

    assert getattr(raised.value, "code", "") in {"PROVIDER_ERROR", "SERVICE_UNAVAILABLE"}
    assert any_double.requests == []  # nothing reached the address
    row = UsageLog.objects.filter(provider_type=any_double.vendor).latest("pk")
    assert "private network or this machine" in row.error_message


def test_a_listed_name_is_dialled_at_the_address_it_resolves_to(
    settings, any_double, make_provider, user
):
    settings.PROVIDER_ALLOWED_HOSTS = ["localhost"]
    make_provider(
        any_double, base_url=_rebound(any_double), api_key=f"sk-listed-{any_double.vendor}-0002"
    )
    any_double.default = Reply.ok('{"answer": "reached"}')

    result = generate(user=user, task="extraction", prompt="A posting.", use_cache=False)

    assert result.provider == any_double.vendor
    assert len(any_double.requests) >= 1


def test_streamed_answers_come_back_over_the_connection_the_first_one_opened(
    any_double, make_provider, user
):
    # OpenAI's sync SDK closes a stream at its `data: [DONE]` with the body's end unread; the
    # transport reads that end, or every stream would open a new connection (and in
    # production pay a new TLS handshake before its first token).
    # A key of its own: a new SDK client with a pool of its own.
    make_provider(any_double, api_key=f"sk-streams-{any_double.vendor}-0003")
    any_double.default = Reply.ok('{"answer": "streamed"}')

    texts = [
        "".join(generate_stream(user=user, task="extraction", prompt=f"Posting {n}."))
        for n in range(3)
    ]

    assert texts == ['{"answer": "streamed"}'] * 3
    assert len(any_double.requests) == 3
    assert any_double.connections_opened == 1
