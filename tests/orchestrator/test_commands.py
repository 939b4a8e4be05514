"""The staff's management commands, run as `manage.py` would run them."""

import csv
import io
import json
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from billing.models import Plan, Subscription
from orchestrator import crypto
from orchestrator.models import ModelPrice, ProviderConfig, RoutingRule
from orchestrator.plans import plan_for_user
from tests.fixtures.vendors import TEST_KEYS
from tests.support.doubles import Reply
from usage.models import Alert

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# --- test_provider ---------------------------------------------------------------------------


def test_test_provider_by_name(openai_double, make_provider):
    config = make_provider(openai_double)

    out = run("test_provider", "openai test")

    assert "[1/1] openai test (openai)" in out and "OK (gpt-6-luna answered" in out
    assert "All 1 provider test(s) passed." in out
    config.refresh_from_db()
    assert config.last_test_status == "ok"


def test_test_provider_fails_with_the_vendors_reason(anthropic_double, make_provider):
    make_provider(anthropic_double)
    anthropic_double.script(Reply.invalid_key())
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 provider test"):
        call_command("test_provider", "anthropic test", stdout=out)

    assert "anthropic test: failed" in out.getvalue()
    assert TEST_KEYS["anthropic"] not in out.getvalue()
    assert ProviderConfig.objects.get(name="anthropic test").last_test_status == "failed"


def test_test_provider_all(openai_double, gemini_double, make_provider):
    make_provider(openai_double)
    make_provider(gemini_double)
    gemini_double.script(Reply.error(503))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 3 provider test"):
        call_command("test_provider", "--all", stdout=out)

    text = out.getvalue()
    assert "[3/3]" in text and "Offline (built in)" in text
    assert "openai test: OK" in text and "gemini test: failed" in text


def test_test_provider_wants_names_or_all(db):
    with pytest.raises(CommandError, match="or pass --all"):
        run("test_provider")
    with pytest.raises(CommandError, match="No provider config named nope"):
        run("test_provider", "nope")


# --- usage_report ------------------------------------------------------------------------------

PERIOD = ["--since", "2026-03-01", "--until", "2026-03-03"]  # until is included


def test_usage_report_table(known_usage):
    out = run("usage_report", *PERIOD, "--group-by", "plan")

    lines = out.splitlines()
    assert lines[0] == "Usage by plan from 2026-03-01 00:00 to 2026-03-04 00:00 UTC"
    assert lines[1].split() == [
        "plan",
        "calls",
        "errors",
        "tokens",
        "cost",
        "USD",
        "cache",
        "hits",
        "saved",
        "USD",
    ]
    assert lines[2].split() == ["PRO_MONTHLY", "3", "0", "2100", "0.01072500", "1", "0.01050000"]
    assert lines[3].split() == ["FREEMIUM", "5", "2", "462", "0.00014300", "0", "0.00000000"]
    assert lines[-1].split() == ["TOTAL", "8", "2", "2562", "0.01086800", "1", "0.01050000"]


def test_usage_report_csv(known_usage):
    out = run("usage_report", *PERIOD, "--group-by", "user", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["user"], r["calls"], r["cost_usd"]) for r in rows] == [
        ("bob", "3", "0.01072500"),
        ("alice", "4", "0.00013500"),
        ("system (no user)", "1", "0.00000800"),
    ]


def test_usage_report_json(known_usage):
    out = run("usage_report", *PERIOD, "--group-by", "day", "--format", "json")

    data = json.loads(out)
    assert data["group_by"] == "day" and data["since"] == "2026-03-01T00:00:00+00:00"
    assert [(r["key"], r["cost_usd"]) for r in data["rows"]] == [
        ("2026-03-01", "0.00013500"),
        ("2026-03-02", "0.01072500"),
        ("2026-03-03", "0.00000800"),
    ]
    assert data["totals"]["cost_usd"] == "0.01086800" and data["totals"]["users"] == 2


def test_usage_report_with_datetimes_and_a_limit(known_usage):
    out = run(
        "usage_report",
        "--since",
        "2026-03-02T00:00:00Z",
        "--until",
        "2026-03-02T10:30:00+00:00",
        "--group-by",
        "task",
        "--format",
        "json",
        "--limit",
        "1",
    )

    rows = json.loads(out)["rows"]
    assert [(r["key"], r["calls"]) for r in rows] == [("cv_draft", 1)]


def test_usage_report_limit_prints_the_groups_others_and_the_total(known_usage):
    out = run("usage_report", *PERIOD, "--group-by", "user", "--limit", "1")

    lines = out.splitlines()
    assert lines[2].split() == ["bob", "3", "0", "2100", "0.01072500", "1", "0.01050000"]
    # alice's 4 calls and the anonymous one, summed; then the total of all three
    assert lines[3].split() == ["others", "5", "2", "462", "0.00014300", "0", "0.00000000"]
    assert set(lines[4]) == {"-", " "}
    assert lines[5].split() == ["TOTAL", "8", "2", "2562", "0.01086800", "1", "0.01050000"]

    data = json.loads(
        run("usage_report", *PERIOD, "--group-by", "user", "--limit", "2", "--format", "json")
    )
    assert [r["label"] for r in data["rows"]] == ["bob", "alice"]
    assert data["others"]["calls"] == 1 and data["others"]["cost_usd"] == "0.00000800"
    with pytest.raises(CommandError, match="invalid positive value"):
        run("usage_report", "--limit", "0")


def test_usage_report_default_period_is_whole_utc_days(db):
    from usage.management.commands.usage_report import Command

    out = run("usage_report")
    today = timezone.now().date()
    assert out.splitlines()[0].startswith(
        f"Usage by day from {today - timedelta(days=6):%Y-%m-%d} 00:00 to {today:%Y-%m-%d} "
    )
    help_text = Command().create_parser("manage.py", "usage_report").format_help()
    for default in ("Default: day", "Default: table", "default: every group", "last 7", "80% or"):
        assert default in " ".join(help_text.split()), default


def test_usage_report_refuses_bad_input(db):
    with pytest.raises(CommandError, match="not a date"):
        run("usage_report", "--since", "last tuesday")
    with pytest.raises(CommandError, match="not a date"):
        run("usage_report", "--until", "2026-02-30")
    with pytest.raises(CommandError, match="before --until"):
        run("usage_report", "--since", "2026-03-05", "--until", "2026-03-01")
    with pytest.raises(CommandError, match="invalid choice"):
        run("usage_report", "--group-by", "colour")


# --- rotate_encryption_key -------------------------------------------------------------------


@pytest.fixture
def old_and_new_keys(settings):
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    return old, new


def _config(name: str, key: str) -> ProviderConfig:
    config = ProviderConfig(name=name, provider_type="openai", fast_model="a", quality_model="b")
    config.set_api_key(key)
    config.save()
    return config


def test_rotation_re_encrypts_every_key_with_the_first(settings, old_and_new_keys):
    old, new = old_and_new_keys
    configs = [
        _config("one", "sk-one-0000000000000000001111"),
        _config("two", "sk-two-0000000000000000002222"),
    ]
    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    out = run("rotate_encryption_key")

    assert "Rotating 2 stored key(s)" in out and "Rotated 2, failed 0." in out
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can go now
    for config, key in zip(
        configs, ["sk-one-0000000000000000001111", "sk-two-0000000000000000002222"], strict=True
    ):
        config.refresh_from_db()
        assert config.api_key == key
    assert "Rotated 2, failed 0." in run("rotate_encryption_key")  # safe to rerun


def test_rotation_reports_keys_it_cannot_read_and_rotates_the_rest(settings, old_and_new_keys):
    old, new = old_and_new_keys
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    _config("orphan", "sk-orphan-000000000000000000000")  # under a key about to be lost
    settings.FIELD_ENCRYPTION_KEYS = [old]
    good = _config("good", "sk-good-0000000000000000000000")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 key\\(s\\) could not be decrypted: orphan"):
        call_command("rotate_encryption_key", stdout=out)

    assert "orphan: cannot be decrypted" in out.getvalue()
    assert "Rotated 1, failed 1." in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new]
    good.refresh_from_db()
    assert good.api_key == "sk-good-0000000000000000000000"
    with pytest.raises(crypto.DecryptionError):
        ProviderConfig.objects.get(name="orphan").api_key  # noqa: B018


# --- set_plan --------------------------------------------------------------------------------


def test_set_plan_by_username_and_by_email(user):
    out = run("set_plan", "alice", "pro_monthly")
    assert "alice is now on PRO_MONTHLY (Pro (monthly))" in out
    assert plan_for_user(user=user).code == "PRO_MONTHLY"

    run("set_plan", "ALICE@example.com", "PAYGO")
    assert plan_for_user(user=user).code == "PAYGO"


def test_set_plan_to_the_plan_the_user_has_says_so_and_changes_nothing(user):
    run("set_plan", "alice", "PRO_MONTHLY")
    before = list(Subscription.objects.filter(user=user).values())

    out = run("set_plan", "alice", "pro_monthly")

    assert "alice is already on PRO_MONTHLY (Pro (monthly)) since " in out
    assert "nothing changed" in out and "is now on" not in out
    assert list(Subscription.objects.filter(user=user).values()) == before
    assert plan_for_user(user=user).code == "PRO_MONTHLY"


def test_set_plan_renews_an_ended_period_of_the_same_plan(user):
    run("set_plan", "alice", "PRO_MONTHLY")
    Subscription.objects.filter(user=user).update(
        current_period_end=timezone.now() - timedelta(days=1)
    )
    assert plan_for_user(user=user).code == "FREEMIUM"  # the paid period is over

    out = run("set_plan", "alice", "PRO_MONTHLY")

    assert "alice is now on PRO_MONTHLY" in out
    assert plan_for_user(user=user).code == "PRO_MONTHLY"
    assert list(
        Subscription.objects.filter(user=user).order_by("id").values_list("status", flat=True)
    ) == ["canceled", "active"]


def test_set_plan_refuses_unknown_users_and_plans(user):
    with pytest.raises(CommandError, match="No user with username or email 'zed'"):
        run("set_plan", "zed", "PAYGO")
    with pytest.raises(CommandError, match='Unknown plan "GOLD"; choose one of FREEMIUM'):
        run("set_plan", "alice", "GOLD")
    assert plan_for_user(user=user).code == "FREEMIUM"


def test_set_plan_refuses_an_ambiguous_email(user, django_user_model):
    django_user_model.objects.create_user("alice2", "alice@example.com", "x-pass-1234")

    with pytest.raises(CommandError, match="2 users have the email"):
        run("set_plan", "alice@example.com", "PAYGO")


# --- check_alerts, seed_defaults -------------------------------------------------------------


def test_check_alerts_reports_and_mails(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    ProviderConfig.objects.create(
        name="broken",
        provider_type="openai",
        fast_model="a",
        quality_model="b",
        last_test_status="failed",
        last_test_message="broken: failed — auth",
    )

    out = run("check_alerts")

    assert "OPEN  Provider credentials failing — broken" in out and "1 open alert(s)." in out
    assert len(mail.outbox) == 1
    assert run("check_alerts").endswith("1 open alert(s).\n") and len(mail.outbox) == 1
    assert Alert.objects.count() == 1


def test_check_alerts_fails_on_open_alerts_for_a_monitoring_check(db):
    assert run("check_alerts", "--fail-on-open").endswith("0 open alert(s).\n")
    ProviderConfig.objects.create(
        name="broken",
        provider_type="openai",
        fast_model="a",
        quality_model="b",
        last_test_status="failed",
        last_test_message="broken: failed — auth",
    )
    with pytest.raises(CommandError, match="1 open alert") as failed:
        run("check_alerts", "--fail-on-open")
    assert failed.value.returncode == 1
    assert run("check_alerts").endswith("1 open alert(s).\n")  # without the flag: status 0


def test_seed_defaults_on_a_fresh_database_says_what_is_there_and_what_it_created(db):
    Plan.objects.filter(code="PRO_ANNUAL").delete()  # as if one were missing

    out = run("seed_defaults")

    assert "Defaults in place: 4 plans, " in out
    assert "Created now: 1 plan, " in out and "routing rules." in out
    assert "created 0" not in out


def test_seed_defaults_is_idempotent(db):
    RoutingRule.objects.filter(plan__code="FREEMIUM", task="cv_draft").update(tier="quality")
    counts = (
        RoutingRule.objects.count(),
        ModelPrice.objects.count(),
        ProviderConfig.objects.count(),
    )

    out = run("seed_defaults")

    assert "Defaults in place: 4 plans, " in out
    assert "Nothing was missing; nothing was changed." in out
    assert counts == (
        RoutingRule.objects.count(),
        ModelPrice.objects.count(),
        ProviderConfig.objects.count(),
    )
    # What an admin changed stays changed.
    assert RoutingRule.objects.get(plan__code="FREEMIUM", task="cv_draft").tier == "quality"


def test_test_provider_prints_the_model_warnings(openai_double, make_provider):
    make_provider(openai_double, quality_model="gpt-4o")
    out = io.StringIO()

    call_command("test_provider", "openai test", stdout=out)

    assert "warning: gpt-4o is being retired (2027-01-14); choose a current model." in (
        out.getvalue()
    )
