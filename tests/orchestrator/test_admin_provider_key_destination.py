"""A stored key only ever goes to the server it was entered for.

Pointing a config at another base URL (or another provider type) needs the key entered again,
or removed, in the same save; otherwise anyone who may edit configs could send the stored key
to a server of their own with "Test credentials". Every change is on the config's history.
"""

import pytest
from django.contrib.admin.models import LogEntry

from orchestrator.models import ProviderConfig
from tests.fixtures.admin import messages_of, run_action
from tests.fixtures.vendors import TEST_KEYS
from tests.support.doubles import VendorDouble

pytestmark = pytest.mark.django_db
OLD_KEY = TEST_KEYS["openai"]
NEW_KEY = "sk-live-entered-again-0000000099zz"


@pytest.fixture
def capture():
    """A server the editor controls: it records every request's headers."""
    with VendorDouble("openai") as double:
        yield double


def change(client, config, **fields):
    data = {
        "name": config.name,
        "provider_type": config.provider_type,
        "base_url": config.base_url,
        "fast_model": config.fast_model,
        "quality_model": config.quality_model,
        "priority": str(config.priority),
        "is_active": "on" if config.is_active else "",
        "api_key": "",
        "_save": "Save",
    }
    data.update(fields)
    return client.post(
        f"/admin/orchestrator/providerconfig/{config.pk}/change/",
        {k: v for k, v in data.items() if v not in ("", None)},
        follow=True,
    )


def headers_seen(double) -> str:
    return " ".join(f"{k}: {v}" for seen in double.requests for k, v in seen.headers.items())


def test_a_new_base_url_with_a_blank_key_is_refused_and_the_key_never_leaves(
    provider_admin_client, openai_double, capture, make_provider
):
    config = make_provider(openai_double, last_test_status="ok")

    response = change(provider_admin_client, config, base_url=capture.base_url)

    html = response.content.decode()
    assert response.status_code == 200 and "errornote" in html
    assert "You changed the base URL or the provider type: enter the API key again" in html
    config.refresh_from_db()
    assert config.base_url == openai_double.base_url and config.api_key == OLD_KEY

    result = run_action(provider_admin_client, "providerconfig", "test_credentials", [config.pk])

    assert messages_of(result)[0][0] == "success"  # it went to the old server, with the old key
    assert openai_double.requests[-1].api_key == OLD_KEY
    assert capture.requests == []


def test_a_new_provider_type_with_a_blank_key_is_refused(
    provider_admin_client, openai_double, make_provider
):
    config = make_provider(openai_double)

    response = change(provider_admin_client, config, provider_type="openai_compatible")

    assert "enter the API key again" in response.content.decode()
    config.refresh_from_db()
    assert config.provider_type == "openai" and config.api_key == OLD_KEY


def test_removing_the_key_with_the_move_sends_no_key_there(
    provider_admin_client, openai_double, capture, make_provider
):
    config = make_provider(openai_double)

    change(
        provider_admin_client,
        config,
        provider_type="openai_compatible",
        base_url=capture.base_url,
        remove_api_key="on",
    )
    config.refresh_from_db()
    assert config.base_url == capture.base_url and config.api_key == ""
    run_action(provider_admin_client, "providerconfig", "test_credentials", [config.pk])

    assert capture.request_count >= 1
    assert OLD_KEY not in headers_seen(capture) and OLD_KEY[-8:] not in headers_seen(capture)


def test_the_key_entered_again_is_the_only_one_the_new_server_sees(
    provider_admin_client, openai_double, capture, make_provider
):
    config = make_provider(openai_double, last_test_status="ok")

    change(provider_admin_client, config, base_url=capture.base_url, api_key=NEW_KEY)
    config.refresh_from_db()
    assert config.api_key == NEW_KEY and config.last_test_status == "untested"
    run_action(provider_admin_client, "providerconfig", "test_credentials", [config.pk])

    assert {seen.api_key for seen in capture.requests} == {NEW_KEY}
    assert OLD_KEY not in headers_seen(capture)


def test_unchanged_destination_keeps_the_key_as_before(
    provider_admin_client, openai_double, make_provider
):
    config = make_provider(openai_double, last_test_status="ok")

    change(provider_admin_client, config, name="openai renamed", priority="3")

    config.refresh_from_db()
    assert config.name == "openai renamed" and config.api_key == OLD_KEY
    assert config.last_test_status == "ok"


def test_the_history_names_who_changed_which_fields_never_the_key(
    provider_admin, provider_admin_client, openai_double, capture, make_provider
):
    config = make_provider(openai_double)

    change(provider_admin_client, config, base_url=capture.base_url, api_key=NEW_KEY)
    run_action(provider_admin_client, "providerconfig", "deactivate", [config.pk])

    entries = LogEntry.objects.filter(object_id=str(config.pk)).order_by("action_time")
    assert [(e.user, e.get_change_message()) for e in entries] == [
        (provider_admin, "Changed Base URL and API key."),
        (provider_admin, "Deactivated."),
    ]
    history = provider_admin_client.get(
        f"/admin/orchestrator/providerconfig/{config.pk}/history/"
    ).content.decode()
    assert "Changed Base URL and API key." in history and "pat" in history
    for key in (OLD_KEY, NEW_KEY):
        assert key not in history and key[-8:] not in history
        assert all(key not in e.change_message for e in entries)


def test_removing_the_key_is_named_in_the_history(su_client, openai_double, make_provider):
    config = make_provider(openai_double)

    change(su_client, config, provider_type="openai_compatible", remove_api_key="on")

    entry = LogEntry.objects.get(object_id=str(config.pk))
    assert entry.get_change_message() == "Changed Provider type and API key (removed)."
    assert ProviderConfig.objects.get(pk=config.pk).api_key == ""
