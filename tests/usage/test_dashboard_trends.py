"""The dashboard's trends through the admin: charts drawn, and drill-down links that open the
usage log (or the dashboard for one day) over the chosen period."""

from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

DASHBOARD = "/admin/orchestrator/usagelog/dashboard/"
PERIOD = {"period": "custom", "since": "2026-03-01", "until": "2026-03-03"}
PERIOD_FILTER = {
    "created_at__gte": ["2026-03-01T00:00:00+00:00"],
    "created_at__lt": ["2026-03-04T00:00:00+00:00"],
}

pytestmark = pytest.mark.django_db


def links(html: str, section: str, end: str = "</table>") -> list[str]:
    part = html.split(f'id="{section}"', 1)[1].split(end, 1)[0]
    return [unescape(chunk.split('"', 1)[0]) for chunk in part.split('href="')[1:]]


def test_the_trend_charts_are_drawn_per_day(su_client, known_usage):
    html = su_client.get(DASHBOARD, PERIOD).content.decode()

    calls = html.split('id="trend-calls-chart"', 1)[1].split("</svg>", 1)[0]
    assert calls.count("<title>03-0") == 3 + 1 + 1  # served each day, day 1's error, 3's refusal
    assert "03-01: 1 errors" in calls and "03-03: 1 quota refusals" in calls
    assert "Calls per UTC day" in html and "p95 latency per UTC day" in html
    p95 = html.split('id="trend-p95-chart"', 1)[1].split("</svg>", 1)[0]
    assert p95.count("<circle") == 3 and "03-02: 970 ms p95" in p95
    tokens = html.split('id="trend-tokens-chart"', 1)[1].split("</svg>", 1)[0]
    assert "03-01: 300 input tokens" in tokens and "03-01: 150 output tokens" in tokens


def test_a_day_column_opens_that_day_hour_by_hour(su_client, known_usage):
    html = su_client.get(DASHBOARD, PERIOD).content.decode()
    day = [u for u in links(html, "trend-calls-chart", "</svg>") if "since=2026-03-02" in u][0]

    page = su_client.get(day)

    assert page.context["trend_step"] == "hour"
    assert "Calls per hour" in page.content.decode()
    assert page.context["totals"]["calls"] == 3


def test_drill_down_links_open_the_log_over_the_same_period(su_client, known_usage):
    html = su_client.get(DASHBOARD, PERIOD).content.decode()

    error_link = links(html, "top-errors")[0]
    query = parse_qs(urlsplit(error_link).query)
    assert query == {**PERIOD_FILTER, "error_code": ["PROVIDER_ERROR"]}
    rows = su_client.get(error_link).context["cl"].result_list
    assert [(r.error_code, r.created_at.day) for r in rows] == [("PROVIDER_ERROR", 1)]

    openai = known_usage["openai"]
    provider_link = next(
        u
        for u in links(html, "by-provider")
        if parse_qs(urlsplit(u).query).get("provider_config__id__exact") == [str(openai.pk)]
    )
    rows = su_client.get(provider_link).context["cl"].result_list
    # openai main's four rows of the period; not its rows of 28 Feb and 4 March
    assert len(rows) == 4 and {r.provider_config_id for r in rows} == {openai.pk}

    model_link = next(u for u in links(html, "by-model") if "claude-sonnet-4-5" in u)
    assert len(su_client.get(model_link).context["cl"].result_list) == 2

    bob = next(u for u in links(html, "top-users") if "user__id__exact" in u)
    assert parse_qs(urlsplit(bob).query).keys() == {*PERIOD_FILTER, "user__id__exact"}
    assert len(su_client.get(bob).context["cl"].result_list) == 3  # not his row of 4 March

    whole = unescape(html.split('" id="period-log-link"', 1)[0].rsplit('href="', 1)[1])
    assert parse_qs(urlsplit(whole).query) == PERIOD_FILTER
    assert len(su_client.get(whole).context["cl"].result_list) == 8


@pytest.mark.parametrize("period", ["24h", "7d", "90d"])
def test_an_idle_period_draws_empty_charts(su_client, period):
    response = su_client.get(DASHBOARD, {"period": period})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="trend-calls-chart"' in html and '<rect class="seg' not in html
    assert "No errors in this period." in html
    points = response.context["trend_p95"]
    assert points["lines"] == [] and points["dots"] == []
