"""The routing matrix, model prices, the alert list, and the other apps' admin pages."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from billing.models import Plan
from orchestrator.models import ModelPrice, ProviderConfig, RoutingRule
from orchestrator.registry import matrix_tasks
from orchestrator.services import generate
from tests.fixtures.admin import messages_of, run_action
from usage.models import Alert, AlertThresholds

pytestmark = pytest.mark.django_db
MATRIX = "/admin/orchestrator/routingrule/matrix/"


def matrix_data(**changes) -> dict[str, str]:
    """The matrix as it stands, with (plan code, task) cells changed."""
    data = {}
    for rule in RoutingRule.objects.select_related("plan"):
        data[f"tier_{rule.plan_id}_{rule.task}"] = changes.get(
            f"{rule.plan.code}:{rule.task}", rule.tier
        )
    return data


def test_the_matrix_shows_plans_by_tasks(su_client):
    response = su_client.get(MATRIX)

    html = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "Job extraction",
        "CV draft",
        "Cover letter",
        "Interview prep",
        "FREEMIUM",
        "PRO_ANNUAL",
    ):
        assert heading in html
    freemium = Plan.objects.get(code="FREEMIUM")
    assert f'name="tier_{freemium.pk}_cv_draft"' in html
    assert html.count("<select") == 4 * len(matrix_tasks())  # plans × tasks in the matrix


def test_saving_the_matrix_changes_the_next_call(su_client, openai_double, make_provider, user):
    make_provider(openai_double)  # fast gpt-6-luna, quality gpt-6.1-sol
    assert generate(user=user, task="cv_draft", prompt="Draft.").model == "gpt-6-luna"

    response = su_client.post(MATRIX, matrix_data(**{"FREEMIUM:cv_draft": "quality"}), follow=True)

    assert messages_of(response) == [("success", "Routing policy saved: 1 cell(s) changed.")]
    rule = RoutingRule.objects.get(plan__code="FREEMIUM", task="cv_draft")
    assert rule.tier == "quality"
    assert generate(user=user, task="cv_draft", prompt="Draft.", use_cache=False).model == (
        "gpt-6.1-sol"
    )
    history = su_client.get(f"/admin/orchestrator/routingrule/{rule.pk}/history/")
    assert "Tier set to quality (matrix)." in history.content.decode()


def test_the_matrix_refuses_a_tier_that_does_not_exist(su_client):
    response = su_client.post(MATRIX, matrix_data(**{"PAYGO:extraction": "turbo"}))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert RoutingRule.objects.get(plan__code="PAYGO", task="extraction").tier == "fast"


def test_the_matrix_fills_a_missing_rule(su_client):
    RoutingRule.objects.filter(plan__code="PRO_ANNUAL", task="cover_letter").delete()

    su_client.post(
        MATRIX,
        {**matrix_data(), f"tier_{Plan.objects.get(code='PRO_ANNUAL').pk}_cover_letter": "quality"},
    )

    assert RoutingRule.objects.get(plan__code="PRO_ANNUAL", task="cover_letter").tier == ("quality")


def test_the_plain_rule_list_is_editable_too(su_client):
    rules = list(RoutingRule.objects.order_by("plan_id", "task"))
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules), "_save": "Save"}
    for i, rule in enumerate(rules):
        data[f"form-{i}-id"] = rule.pk
        data[f"form-{i}-tier"] = "quality" if rule == rules[0] else rule.tier

    su_client.post("/admin/orchestrator/routingrule/", data)

    rules[0].refresh_from_db()
    assert rules[0].tier == "quality"
    assert (
        'href="/admin/orchestrator/routingrule/matrix/"'
        in su_client.get("/admin/orchestrator/routingrule/").content.decode()
    )


def test_prices_are_edited_in_the_list(su_client):
    ModelPrice.objects.create(
        provider_type="openai",
        model="gpt-6-luna",
        input_per_million=Decimal("0.1"),
        output_per_million=Decimal("0.5"),
    )
    prices = list(ModelPrice.objects.all())
    data = {"form-TOTAL_FORMS": len(prices), "form-INITIAL_FORMS": len(prices), "_save": "Save"}
    for i, price in enumerate(prices):
        data[f"form-{i}-id"] = price.pk
        data[f"form-{i}-input_per_million"] = price.input_per_million
        data[f"form-{i}-output_per_million"] = price.output_per_million
        data[f"form-{i}-cached_input_per_million"] = price.cached_input_per_million
    target = next(i for i, p in enumerate(prices) if p.model == "gpt-6-luna")
    data[f"form-{target}-output_per_million"] = "0.650000"

    response = su_client.post("/admin/orchestrator/modelprice/", data, follow=True)

    assert response.status_code == 200
    assert ModelPrice.objects.get(model="gpt-6-luna").output_per_million == Decimal("0.65")


def test_alerts_are_listed_read_only_and_resolved_by_action(su_client):
    now = datetime(2026, 3, 1, tzinfo=UTC)
    alert = Alert.objects.create(
        kind="error_rate", subject="openai main", message="3 of 20", first_seen=now, last_seen=now
    )

    listing = su_client.get("/admin/usage/alert/")
    assert "openai main" in listing.content.decode()
    assert 'class="badge badge-open"' in listing.content.decode()
    assert su_client.get("/admin/usage/alert/add/").status_code == 403

    response = run_action(su_client, "alert", "resolve", [alert.pk], app="usage")

    assert messages_of(response) == [("success", "Resolved 1 alert(s).")]
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_the_check_can_be_run_from_the_alert_list(su_client, settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    ProviderConfig.objects.create(
        name="broken",
        provider_type="openai",
        fast_model="a",
        quality_model="b",
        last_test_status="failed",
    )

    assert su_client.get("/admin/usage/alert/check/").status_code == 405
    response = su_client.post("/admin/usage/alert/check/", follow=True)

    assert messages_of(response) == [("info", "Alert check done: 1 open alert(s).")]
    assert Alert.objects.get().subject == "broken"


def test_the_alert_list_says_nowhere_when_admins_is_empty(su_client, settings):
    settings.ADMINS = []

    html = su_client.get("/admin/usage/alert/").content.decode()

    assert "Nowhere: ADMINS is empty. Alerts are only listed" in html
    assert "Mailed to" not in html


def test_the_alert_list_says_where_alerts_go_and_the_thresholds_in_force(su_client, settings):
    settings.ADMINS = [("Ops", "ops@example.com"), ("Lead", "lead@example.com")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.ALERT_ERROR_RATE, settings.ALERT_P95_LATENCY_MS = 0.15, 8000

    html = su_client.get("/admin/usage/alert/").content.decode()

    assert "Mailed to Ops &lt;ops@example.com&gt;, Lead &lt;lead@example.com&gt;." in html
    assert "Nowhere" not in html and "console mail backend" not in html
    assert "<th" in html and "Provider error rate above</th><td>15.0%</td>" in html
    assert "P95 latency above (ms)</th><td>8,000 ms</td>" in html
    assert 'href="/admin/usage/alertthresholds/"' in html


def test_alert_thresholds_are_edited_in_the_admin(provider_admin_client, staff_client):
    page = provider_admin_client.get("/admin/usage/alertthresholds/")
    assert page.status_code == 200 and "Provider error rate above" in page.content.decode()
    form = {
        "error_rate": "0.25",
        "p95_latency_ms": "9000",
        "cost_spike_factor": "3",
        "quota_refusals": "10",
        "window_minutes": "30",
        "min_calls": "50",
        "repeat_hours": "12",
        "latency_thresholds-TOTAL_FORMS": "0",
        "latency_thresholds-INITIAL_FORMS": "0",
    }

    response = provider_admin_client.post("/admin/usage/alertthresholds/", form, follow=True)

    assert response.redirect_chain[-1][0] == "/admin/usage/alert/"  # where they show
    thresholds = AlertThresholds.objects.get()
    assert (thresholds.error_rate, thresholds.window_minutes) == (0.25, 30)
    html = provider_admin_client.get("/admin/usage/alert/").content.decode()
    assert "Provider error rate above</th><td>25.0%</td>" in html
    assert "Window (minutes)</th><td>30 min</td>" in html
    assert staff_client.get("/admin/usage/alertthresholds/").status_code == 403
    refused = provider_admin_client.post(
        "/admin/usage/alertthresholds/", {**form, "error_rate": "1.5"}
    )
    assert refused.status_code == 200 and "errornote" in refused.content.decode()
    assert AlertThresholds.objects.get().error_rate == 0.25


@pytest.mark.parametrize(
    "url",
    [
        "/admin/jobs/job/",
        "/admin/documents/masterprofile/",
        "/admin/cvs/cvdraft/",
        "/admin/letters/coverletter/",
        "/admin/billing/plan/",
        "/admin/billing/subscription/",
        "/admin/auth/user/",
        "/admin/orchestrator/aitask/",
        "/admin/orchestrator/modelprice/",
    ],
)
def test_other_pages_render(su_client, url):
    assert su_client.get(url).status_code == 200
