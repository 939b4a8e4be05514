"""Hostile admin URLs are refused plainly: a NUL in a filter or search is a 400 and a usage
log id that is not a number a 404, never a database error (500)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
USAGE_LOG = "/admin/orchestrator/usagelog/"

NUL_QUERIES = [
    "error_code=%00",
    "request_id=%00",
    "task_type=%00",
    "provider_type=%00",
    "status=%00",
    "plan=%00",
    "model=%00",
    "tier=%00",
    "error_message__icontains=%00",
    "q=%00",
    "q=alice%00",
    "%00=1",
]
OTHER_CHANGELISTS = [
    "/admin/orchestrator/aitask/?kind=%00",
    "/admin/orchestrator/providerconfig/?provider_type=%00",
    "/admin/usage/alert/?kind=%00",
    "/admin/jobs/job/?model=%00",
    "/admin/billing/subscription/?status=%00",
    "/admin/orchestrator/usagelog/export/?error_code=%00",
]


@pytest.mark.parametrize("query", NUL_QUERIES)
def test_a_nul_in_a_usage_log_filter_is_a_bad_request(provider_admin_client, query):
    response = provider_admin_client.get(f"{USAGE_LOG}?{query}")

    assert response.status_code == 400
    assert b"NUL character" in response.content


@pytest.mark.parametrize("url", OTHER_CHANGELISTS)
def test_a_nul_in_any_admin_filter_is_a_bad_request(su_client, url):
    assert su_client.get(url).status_code == 400


@pytest.mark.parametrize("object_id", ["abc", "1x", "٣", "99999999999999999999999"])
def test_a_usage_log_id_that_is_not_a_number_is_not_found(provider_admin_client, object_id):
    assert provider_admin_client.get(f"{USAGE_LOG}{object_id}/change/").status_code == 404


def test_ordinary_filters_still_work(provider_admin_client):
    assert provider_admin_client.get(f"{USAGE_LOG}?error_code=BAD_AI_OUTPUT").status_code == 200
