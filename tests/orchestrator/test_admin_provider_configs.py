"""The provider console's ProviderConfig pages: the write-only key, the actions, the status."""

import pytest
from django.db import connection

from orchestrator.models import ProviderConfig
from orchestrator.services import generate
from tests.fixtures.admin import messages_of, run_action
from tests.fixtures.vendors import TEST_KEYS
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db
NEW_KEY = "sk-live-9f8e7d6c5b4a39281706abcd"


def ping(user):
    return generate(user=user, task="provider_test", prompt="Say OK.", use_cache=False)


def assert_no_key(response, *keys):
    html = response.content.decode()
    for key in keys:
        assert key not in html
        assert key[:8] not in html, f"the start of a key ({key[:8]}…) is on the page"


def form_data(**overrides):
    data = {
        "name": "openai prod",
        "provider_type": "openai",
        "base_url": "",
        "fast_model": "gpt-6-luna",
        "quality_model": "gpt-6.1-sol",
        "priority": "10",
        "is_active": "on",
        "api_key": NEW_KEY,
        "_save": "Save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_adding_a_config_stores_the_key_encrypted_and_shows_only_its_fingerprint(su_client):
    response = su_client.post("/admin/orchestrator/providerconfig/add/", form_data(), follow=True)

    assert response.status_code == 200
    assert_no_key(response, NEW_KEY)
    config = ProviderConfig.objects.get(name="openai prod")
    assert config.api_key == NEW_KEY and config.key_fingerprint == "…abcd"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM orchestrator_providerconfig WHERE id = %s", [config.pk])
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert NEW_KEY not in raw and NEW_KEY[:8] not in raw
    listing = su_client.get("/admin/orchestrator/providerconfig/")
    assert "…abcd" in listing.content.decode()
    assert_no_key(listing, NEW_KEY)


def test_the_change_form_never_sends_the_key_back(su_client, openai_double, make_provider):
    config = make_provider(openai_double)

    response = su_client.get(f"/admin/orchestrator/providerconfig/{config.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="password" name="api_key"' in html and "…wxyz" in html
    assert_no_key(response, TEST_KEYS["openai"])
    assert config.api_key_encrypted not in html  # not even the ciphertext


def test_a_blank_key_on_edit_keeps_the_stored_one(su_client, openai_double, make_provider):
    config = make_provider(openai_double, last_test_status="ok")

    response = su_client.post(
        f"/admin/orchestrator/providerconfig/{config.pk}/change/",
        form_data(name="openai renamed", base_url=openai_double.base_url, api_key=""),
        follow=True,
    )

    assert response.status_code == 200
    assert_no_key(response, TEST_KEYS["openai"])
    config.refresh_from_db()
    assert config.name == "openai renamed"
    assert config.api_key == TEST_KEYS["openai"] and config.last_test_status == "ok"


def test_a_new_key_replaces_the_old_and_needs_a_new_test(su_client, openai_double, make_provider):
    config = make_provider(openai_double, last_test_status="ok")

    su_client.post(
        f"/admin/orchestrator/providerconfig/{config.pk}/change/",
        form_data(base_url=openai_double.base_url),
    )

    config.refresh_from_db()
    assert config.api_key == NEW_KEY and config.key_fingerprint == "…abcd"
    assert config.last_test_status == "untested"


def test_a_vendor_config_without_a_key_is_refused_and_the_typed_key_is_not_echoed(su_client):
    response = su_client.post(
        "/admin/orchestrator/providerconfig/add/", form_data(api_key="", name="")
    )
    assert response.status_code == 200
    assert "This provider needs an API key." in response.content.decode()

    # A key typed into a form that fails validation is not rendered back either.
    response = su_client.post(
        "/admin/orchestrator/providerconfig/add/", form_data(name="", fast_model="")
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert_no_key(response, NEW_KEY)
    assert not ProviderConfig.objects.filter(provider_type="openai").exists()


def test_an_openai_compatible_server_needs_a_base_url_but_no_key(su_client):
    data = form_data(
        name="ollama",
        provider_type="openai_compatible",
        api_key="",
        fast_model="llama3.2",
        quality_model="llama3.1:70b",
    )
    response = su_client.post("/admin/orchestrator/providerconfig/add/", data)
    assert "needs its base URL" in response.content.decode()

    su_client.post(
        "/admin/orchestrator/providerconfig/add/", {**data, "base_url": "http://127.0.0.1:11434/v1"}
    )

    assert ProviderConfig.objects.get(name="ollama").api_key == ""


def test_test_credentials_marks_a_working_key_ok(su_client, openai_double, make_provider):
    config = make_provider(openai_double)

    response = run_action(su_client, "providerconfig", "test_credentials", [config.pk])

    assert messages_of(response) == [("success", messages_of(response)[0][1])]
    assert "openai test: OK (gpt-6-luna answered" in messages_of(response)[0][1]
    config.refresh_from_db()
    assert config.last_test_status == "ok" and config.last_tested_at is not None
    assert_no_key(response, TEST_KEYS["openai"])
    assert 'class="badge badge-active"' in response.content.decode()


def test_test_credentials_reports_a_rejected_key(su_client, any_double, make_provider):
    config = make_provider(any_double)
    any_double.script(Reply.invalid_key())

    response = run_action(su_client, "providerconfig", "test_credentials", [config.pk])

    [(level, message)] = messages_of(response)
    assert level == "error" and message.startswith(f"{config.name}: failed")
    config.refresh_from_db()
    assert config.last_test_status == "failed" and config.last_test_message == message
    html = response.content.decode()
    assert 'class="badge badge-failed"' in html
    assert_no_key(response, TEST_KEYS[any_double.vendor])


def test_make_default_moves_the_default(
    su_client, openai_double, anthropic_double, make_provider, user
):
    first = make_provider(openai_double, is_default=True)
    second = make_provider(anthropic_double, is_active=False, priority=50)

    response = run_action(su_client, "providerconfig", "make_default", [second.pk])

    assert messages_of(response) == [("success", "anthropic test is now the default provider.")]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default, second.is_active) == (False, True, True)
    # The orchestrator follows at once: the new default is asked first.
    assert ping(user).provider == "anthropic"
    assert_no_key(response, TEST_KEYS["openai"], TEST_KEYS["anthropic"])


def test_make_default_wants_exactly_one_config(
    su_client, openai_double, anthropic_double, make_provider
):
    configs = [make_provider(openai_double), make_provider(anthropic_double)]

    response = run_action(su_client, "providerconfig", "make_default", [c.pk for c in configs])

    assert messages_of(response) == [("warning", "Select exactly one provider to make default.")]
    assert not ProviderConfig.objects.filter(is_default=True).exists()


def test_deactivate_and_activate(su_client, openai_double, make_provider, user):
    config = make_provider(openai_double)

    response = run_action(su_client, "providerconfig", "deactivate", [config.pk])

    assert messages_of(response) == [("success", "Deactivated 1 provider(s).")]
    config.refresh_from_db()
    assert not config.is_active
    assert 'class="badge badge-inactive"' in response.content.decode()
    assert ping(user).provider == "offline"

    response = run_action(su_client, "providerconfig", "activate", [config.pk])

    config.refresh_from_db()
    assert config.is_active and messages_of(response) == [("success", "Activated 1 provider(s).")]
    assert ping(user).provider == "openai"


def test_status_and_circuit_columns(su_client, openai_double, anthropic_double, make_provider):
    make_provider(openai_double, is_default=True, last_test_status="ok")
    make_provider(anthropic_double, last_test_status="untested")

    html = su_client.get("/admin/orchestrator/providerconfig/").content.decode()

    for badge in ("default", "active", "untested", "closed"):
        assert f'class="badge badge-{badge}"' in html
    assert "Circuit" in html


def test_history_page_shows_no_key(su_client):
    su_client.post("/admin/orchestrator/providerconfig/add/", form_data())
    config = ProviderConfig.objects.get(name="openai prod")
    su_client.post(
        f"/admin/orchestrator/providerconfig/{config.pk}/change/",
        form_data(api_key="sk-second-key-0000000000000000zzzz"),
    )

    response = su_client.get(f"/admin/orchestrator/providerconfig/{config.pk}/history/")

    assert response.status_code == 200 and "Changed" in response.content.decode()
    assert_no_key(response, NEW_KEY, "sk-second-key-0000000000000000zzzz")


def test_deleting_a_config(su_client, openai_double, make_provider):
    config = make_provider(openai_double)

    response = su_client.post(
        f"/admin/orchestrator/providerconfig/{config.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert not ProviderConfig.objects.filter(pk=config.pk).exists()
    assert_no_key(response, TEST_KEYS["openai"])


def test_a_crash_report_would_mask_the_posted_key(su_client):
    from django.views.debug import SafeExceptionReporterFilter

    response = su_client.post("/admin/orchestrator/providerconfig/add/", form_data())

    posted = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert posted["api_key"] == "********************" and posted["name"] == "openai prod"
