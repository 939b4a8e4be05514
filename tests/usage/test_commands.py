"""Usage's management commands (usage_report, check_alerts), run as `manage.py` would run them."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from orchestrator.models import ProviderConfig
from usage.models import Alert

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


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


# --- check_alerts ----------------------------------------------------------------------------


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
