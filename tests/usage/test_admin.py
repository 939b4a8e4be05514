"""The usage log in the admin: read-only, filtered, exported as CSV; and the dashboard."""

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orchestrator.models import UsageLog
from tests.fixtures.usage import log_usage
from usage.models import Alert

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/orchestrator/usagelog/"
DASHBOARD = "/admin/orchestrator/usagelog/dashboard/"


def read_csv(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_changelist_lists_rows_with_users_and_providers(su_client, known_usage):
    response = su_client.get(CHANGELIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "openai main" in html and "claude" in html and "alice" in html
    assert "0.0105" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("provider_type=anthropic", 2),
        ("model=gpt-4o-mini", 6),
        ("task_type=cv_draft", 2),
        ("status__exact=error", 3),
        ("plan=PRO_MONTHLY", 3),
        ("cache_hit__exact=1", 1),
        ("q=bob", 4),
        ("q=alice%40example.com", 5),
        ("created_at__year=2026&created_at__month=3&created_at__day=2", 3),
    ],
)
def test_filters_search_and_date_drill_down(su_client, known_usage, query, expected):
    response = su_client.get(f"{CHANGELIST}?{query}")

    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_the_log_is_read_only(su_client, known_usage):
    row = UsageLog.objects.first()

    assert su_client.get(CHANGELIST + "add/").status_code == 403
    assert su_client.get(f"{CHANGELIST}{row.pk}/delete/").status_code == 403
    page = su_client.get(f"{CHANGELIST}{row.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert su_client.post(f"{CHANGELIST}{row.pk}/change/", {"cost_usd": "0"}).status_code == 403


def test_the_changelist_query_count_does_not_grow_with_rows(su_client, user):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert su_client.get(CHANGELIST).status_code == 200
        return len(ctx.captured_queries)

    log_usage(at=timezone.now(), user=user)
    few = queries()
    for _ in range(30):
        log_usage(at=timezone.now(), user=user)

    assert queries() == few


def test_export_streams_the_filtered_rows(su_client, known_usage):
    changelist = su_client.get(CHANGELIST + "?task_type=cv_draft")
    assert 'href="/admin/orchestrator/usagelog/export/?task_type=cv_draft"' in (
        changelist.content.decode()
    )

    rows = read_csv(su_client.get(CHANGELIST + "export/?task_type=cv_draft"))

    assert sorted((r["username"], r["status"], r["cost_usd"]) for r in rows) == [
        ("alice", "error", "0.00000000"),
        ("bob", "success", "0.01050000"),
    ]
    claude = next(r for r in rows if r["username"] == "bob")
    assert claude["provider"] == "claude" and claude["model"] == "claude-sonnet-4-5"
    assert claude["email"] == "bob@example.com" and claude["total_tokens"] == "1500"


def test_export_follows_search_and_date_drill_down(su_client, known_usage):
    rows = read_csv(
        su_client.get(CHANGELIST + "export/?q=bob&created_at__year=2026&created_at__month=3")
    )

    # bob's three rows of the period and the one at midnight on 4 March.
    assert sorted(r["cost_usd"] for r in rows) == [
        "0.00000000",
        "0.00022500",
        "0.01050000",
        "2.00000000",
    ]


def test_export_with_bad_filters_is_refused_politely(su_client, known_usage):
    response = su_client.get(CHANGELIST + "export/?cost_usd__gte=abc", follow=True)

    assert response.status_code == 200
    assert "nothing was exported" in response.content.decode()


def test_export_selected_rows_action(su_client, known_usage):
    picked = UsageLog.objects.filter(cache_hit=True).values_list("pk", flat=True)

    response = su_client.post(
        CHANGELIST, {"action": "export_selected_csv", "_selected_action": list(picked)}
    )

    rows = read_csv(response)
    assert [(r["cache_hit"], r["saved_cost_usd"]) for r in rows] == [("true", "0.01050000")]


def test_dashboard_shows_the_period_numbers(su_client, known_usage):
    response = su_client.get(
        DASHBOARD, {"period": "custom", "since": "2026-03-01", "until": "2026-03-03"}
    )

    assert response.status_code == 200
    context = response.context
    assert context["totals"]["calls"] == 8
    assert context["totals"]["cost_text"] == "$0.0109"
    assert [r["label"] for r in context["by_plan"]["rows"]] == ["PRO_MONTHLY", "FREEMIUM"]
    assert [r["label"] for r in context["by_user"]["rows"]] == ["bob", "alice", "system (no user)"]
    assert context["quota_exceeded"] == 1
    html = response.content.decode()
    assert html.count('<rect class="bar"') >= 2 + 4 + 3  # plans, tasks, users
    assert 'id="trend-cost-chart"' in html and 'id="cost-by-task-chart"' in html
    assert "03-02: $0.0107 cost" in html  # a column's tooltip
    assert "openai main" in html and "895.0" in html and "979.0" in html  # p95 / p99
    assert "20.0%" in html and "$0.0105" in html  # cache hit ratio, money saved
    assert "25.0%" in html  # openai main's error rate


def test_the_dashboards_error_rate_leaves_quota_refusals_out(su_client, user):
    now = timezone.now() - timedelta(minutes=5)
    for _ in range(3):
        log_usage(at=now, user=user)
    log_usage(at=now, user=user, status="error", error_code="PROVIDER_ERROR")
    for _ in range(2):
        log_usage(
            at=now, user=user, provider_type="", model="", status="error",
            error_code="QUOTA_EXCEEDED",
        )  # fmt: skip

    response = su_client.get(DASHBOARD, {"period": "24h"})

    totals = response.context["totals"]
    assert (totals["errors"], totals["error_rate_text"]) == (1, "25.0%")  # 1 of 4 calls
    assert response.context["quota_exceeded"] == 2
    html = response.content.decode()
    assert "25.0% of calls · quota refusals apart" in html
    assert '<div class="v" id="quota-exceeded">2</div>' in html


def test_dashboard_periods(su_client, user):
    now = timezone.now()
    today = datetime.combine(now.date(), time.min, tzinfo=UTC)
    log_usage(at=now - timedelta(hours=2), user=user, cost="0.5")
    log_usage(at=now - timedelta(days=3), user=user, cost="0.25")
    log_usage(at=now - timedelta(days=20), user=user, cost="0.125")
    # Whole days: the first minute of the 30th day back is in, the last of the 31st is not.
    log_usage(at=today - timedelta(days=29), user=user, cost="0.0625")
    log_usage(at=today - timedelta(days=29, seconds=1), user=user, cost="0.03125")

    def calls(**params):
        return su_client.get(DASHBOARD, params).context["totals"]["calls"]

    assert calls() == 2  # the last 7 days by default
    assert calls(period="24h") == 1
    assert calls(period="30d") == 4
    assert calls(period="90d") == 5


def test_dashboard_rejects_a_bad_period_without_failing(su_client):
    response = su_client.get(
        DASHBOARD, {"period": "custom", "since": "2026-03-05", "until": "2026-03-01"}
    )

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    since, until = response.context["since"], response.context["until"]
    # The last 7 days: today and the 6 before it, whole UTC days.
    assert since == datetime.combine(until.date() - timedelta(days=6), time.min, tzinfo=UTC)

    response = su_client.get(DASHBOARD, {"period": "fortnight", "since": "yesterday"})
    assert response.status_code == 200 and "Showing the last 7 days." in (response.content.decode())


def test_dashboard_with_no_usage(su_client):
    response = su_client.get(DASHBOARD)

    assert response.status_code == 200
    assert "No provider calls in this period." in response.content.decode()


def test_dashboard_lists_open_alerts(su_client):
    now = datetime(2026, 3, 1, tzinfo=UTC)
    Alert.objects.create(
        kind="error_rate",
        subject="openai main",
        message="5 of 20 failed",
        first_seen=now,
        last_seen=now,
    )
    Alert.objects.create(
        kind="latency",
        subject="old one",
        message="gone",
        first_seen=now,
        last_seen=now,
        resolved_at=now,
    )

    html = su_client.get(DASHBOARD).content.decode()

    assert 'id="open-alerts"' in html and "5 of 20 failed" in html
    assert "old one" not in html
