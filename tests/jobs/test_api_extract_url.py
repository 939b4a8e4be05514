"""POST /api/v1/job-extractor/extract with a URL: JSON-LD first, the AI otherwise, once per URL.

The job board is a real HTTP server on 127.0.0.1 (allowed through EXTRACTOR_ALLOWED_HOSTS, as
an intranet board would be); the AI is a vendor double behind the real SDK.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobs.models import Job
from orchestrator.models import AITask
from tests.fixtures.api import assert_error, usage_rows
from tests.fixtures.jobs import EXTRACT, job_answer
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db


def test_a_page_with_json_ld_is_read_without_any_ai_call(api_client, job_site, ai, user):
    response = api_client.post(EXTRACT, {"url": job_site.url("/acme")}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["success"] is True
    job = body["data"]
    assert job["source"] == "url"
    assert job["source_url"] == job_site.url("/acme")
    assert job["title"] == "Senior Backend Engineer (Python)"
    assert job["company"] == "Acme Analytics"
    assert job["extracted_by"] == "jsonld"
    assert job["model"] == ""
    assert any("PostgreSQL" in item for item in job["requirements"])
    assert ai.request_count == 0
    assert usage_rows() == []
    assert Job.objects.get(pk=job["id"]).owner == user


@pytest.mark.parametrize("vendor", ["openai", "anthropic", "gemini"])
def test_a_page_without_json_ld_goes_to_the_ai_with_its_text(
    vendor, request, api_client, job_site, make_provider, user
):
    double = request.getfixturevalue(f"{vendor}_double")
    make_provider(double)
    answer = job_answer(title="Customer Success Manager (AI)")
    double.default = Reply.ok(answer, input_tokens=700, output_tokens=150, thinking_tokens=0)

    response = api_client.post(EXTRACT, {"url": job_site.url("/brightside")}, format="json")

    assert response.status_code == 201, response.json()
    job = response.json()["data"]
    assert job["title"] == "Customer Success Manager (AI)"
    assert job["skills"] == ["HubSpot", "Salesforce", "Excel"]
    assert job["extracted_by"] == vendor
    assert job["model"]
    [seen] = double.requests
    sent = json.dumps(seen.body)
    assert "Brightside builds scheduling software for 1,200 clinics" in sent
    assert job_site.url("/brightside") in sent
    assert "Similar jobs" not in sent  # the sidebar is not the posting
    [row] = usage_rows(user)
    assert (row.task_type, row.status, row.input_tokens, row.output_tokens) == (
        "extraction",
        "success",
        700,
        150,
    )
    stored = Job.objects.get(pk=job["id"])
    assert stored.usage_log_id == row.pk
    assert stored.raw_ai_output == answer


def test_the_same_url_again_returns_the_stored_job_without_fetch_or_ai(api_client, job_site, ai):
    first = api_client.post(EXTRACT, {"url": job_site.url("/brightside")}, format="json")
    assert first.status_code == 201

    # Spelled differently: upper-case host part, a fragment and a tracking parameter.
    again = api_client.post(
        EXTRACT,
        {"url": job_site.url("/brightside?utm_source=mail#apply").replace("http://", "HTTP://")},
        format="json",
    )

    assert again.status_code == 200, again.json()
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert "already extracted" in again.json()["message"]
    assert job_site.hits["/brightside"] == 1
    assert ai.request_count == 1
    assert len(usage_rows()) == 1
    assert Job.objects.count() == 1


def test_force_extracts_the_url_again_and_updates_the_same_job(api_client, job_site, ai):
    first = api_client.post(EXTRACT, {"url": job_site.url("/brightside")}, format="json")
    ai.default = Reply.ok(job_answer(title="Customer Success Lead"))

    again = api_client.post(
        EXTRACT, {"url": job_site.url("/brightside"), "force": True}, format="json"
    )

    assert again.status_code == 200, again.json()
    job = again.json()["data"]
    assert job["id"] == first.json()["data"]["id"]
    assert job["title"] == "Customer Success Lead"
    assert job_site.hits["/brightside"] == 2
    assert ai.request_count == 2  # a forced extraction is not served from the cache
    assert Job.objects.count() == 1


def test_force_on_a_json_ld_page_fetches_it_again_still_without_ai(api_client, job_site, ai):
    api_client.post(EXTRACT, {"url": job_site.url("/acme")}, format="json")
    again = api_client.post(EXTRACT, {"url": job_site.url("/acme"), "force": True}, format="json")

    assert again.status_code == 200
    assert job_site.hits["/acme"] == 2
    assert ai.request_count == 0


def test_two_users_extract_the_same_url_each_for_themselves(api_client, job_site, ai, other_user):
    from rest_framework.test import APIClient

    mine = api_client.post(EXTRACT, {"url": job_site.url("/acme")}, format="json")
    bob = APIClient()
    bob.force_authenticate(other_user)
    theirs = bob.post(EXTRACT, {"url": job_site.url("/acme")}, format="json")

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["data"]["id"] != theirs.json()["data"]["id"]
    assert job_site.hits["/acme"] == 2


def test_a_url_sent_as_a_multipart_form_works_too(api_client, job_site, ai):
    response = api_client.post(EXTRACT, {"url": job_site.url("/acme")}, format="multipart")

    assert response.status_code == 201
    assert response.json()["data"]["extracted_by"] == "jsonld"


def test_a_blocked_page_is_a_fetch_failure_that_suggests_a_screenshot(api_client, job_site, ai):
    response = api_client.post(EXTRACT, {"url": job_site.url("/blocked")}, format="json")

    assert_error(response, 422, "FETCH_FAILED", "screenshot")
    assert ai.request_count == 0
    assert Job.objects.count() == 0


def test_a_page_with_no_readable_text_is_a_fetch_failure_without_ai(api_client, job_site, ai):
    response = api_client.post(EXTRACT, {"url": job_site.url("/app-shell")}, format="json")

    assert_error(response, 422, "FETCH_FAILED", "no readable text", "paste its text")
    assert ai.request_count == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/jobs/1",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/jobs",
        "http://0.0.0.0/jobs",
        "http://localhost/jobs",
    ],
)
def test_private_and_metadata_addresses_are_refused(api_client, job_site, ai, url):
    response = api_client.post(EXTRACT, {"url": url}, format="json")

    assert_error(response, 400, "INVALID_INPUT", "private or local network address")
    assert Job.objects.count() == 0
    assert ai.request_count == 0


def test_loopback_that_is_not_allowed_is_refused_without_a_request(
    api_client, job_site, elsewhere, ai
):
    response = api_client.post(EXTRACT, {"url": elsewhere.url("/page")}, format="json")

    assert_error(response, 400, "INVALID_INPUT", "private or local network address")
    assert sum(elsewhere.hits.values()) == 0


def test_ipv6_loopback_with_the_port_of_a_real_server_is_refused(
    api_client, job_site, elsewhere, ai
):
    port = elsewhere.authority.rsplit(":", 1)[1]
    response = api_client.post(EXTRACT, {"url": f"http://[::1]:{port}/page"}, format="json")

    assert_error(response, 400, "INVALID_INPUT", "private or local network address")


def test_a_redirect_from_an_allowed_site_to_loopback_is_refused(
    api_client, job_site, elsewhere, ai
):
    response = api_client.post(EXTRACT, {"url": job_site.url("/to-elsewhere")}, format="json")

    assert_error(response, 400, "INVALID_INPUT", "private or local network address")
    assert job_site.hits["/to-elsewhere"] == 1
    assert sum(elsewhere.hits.values()) == 0
    assert Job.objects.count() == 0


@pytest.mark.parametrize(
    "url, words",
    [
        ("ftp://example.com/job", "only http and https"),
        ("http://user:secret@example.com/job", "user name or password"),
        ("http://exa mple.com:99999/", "not valid"),
    ],
)
def test_urls_that_cannot_be_fetched_are_invalid_input(api_client, ai, url, words):
    response = api_client.post(EXTRACT, {"url": url}, format="json")

    assert_error(response, 400, "INVALID_INPUT", words)


def test_async_url_extraction_runs_through_the_task(
    api_client, django_capture_on_commit_callbacks, job_site
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            EXTRACT + "?async=1", {"url": job_site.url("/acme")}, format="json"
        )

    assert response.status_code == 202

    task = api_client.get(response["Location"]).json()["data"]
    assert task["status"] == "succeeded"
    assert task["result"]["extracted_by"] == "jsonld"
    assert job_site.hits["/acme"] == 1


def _corpus_page(name: str):
    body = (Path(__file__).resolve().parent.parent / "data" / "job_pages" / name).read_bytes()
    return lambda: (200, {"Content-Type": "text/html; charset=utf-8"}, body)


def test_a_real_page_without_job_posting_data_is_read_offline_with_its_page_facts(
    api_client, job_site, user
):
    # A real careers page: its JSON-LD is only a WebPage; no vendor is configured.
    job_site.routes["/riot"] = _corpus_page("riotgames_greenhouse_seoul.html")

    response = api_client.post(EXTRACT, {"url": job_site.url("/riot")}, format="json")

    assert response.status_code == 201, response.json()
    job = response.json()["data"]
    assert job["extracted_by"] == "offline"
    assert (job["title"], job["company"], job["location"]) == (
        "APAC Esports Partnership Manager",
        "Riot Games",
        "Seoul, Korea",
    )
    assert "Page title:" not in job["description"]  # the facts are hints, not the posting
    [row] = usage_rows(user)
    assert (row.provider_type, row.status) == ("offline", "success")


def test_a_microdata_posting_is_read_without_any_ai_call(api_client, job_site, ai):
    job_site.routes["/nurse"] = lambda: (
        200,
        {"Content-Type": "text/html"},
        b"""<html><body><div itemscope itemtype="http://schema.org/JobPosting">
        <h1 itemprop="title">Staff Nurse</h1><div itemprop="hiringOrganization" itemscope
        itemtype="http://schema.org/Organization"><span itemprop="name">St Mary's</span></div>
        <div itemprop="description">Care for patients on the cardiology ward.</div>
        </div></body></html>""",
    )

    response = api_client.post(EXTRACT, {"url": job_site.url("/nurse")}, format="json")

    assert response.status_code == 201, response.json()
    job = response.json()["data"]
    assert (job["title"], job["company"], job["extracted_by"]) == (
        "Staff Nurse",
        "St Mary's",
        "jsonld",
    )
    assert ai.requests == []


def test_the_ai_sees_the_pages_title_above_its_text(api_client, job_site, ai):
    response = api_client.post(EXTRACT, {"url": job_site.url("/brightside")}, format="json")

    assert response.status_code == 201, response.json()
    [seen] = ai.requests
    assert "Page title: " in json.dumps(seen.body, ensure_ascii=False)


def test_nuls_and_lone_surrogates_in_a_page_s_json_ld_are_dropped_before_storing(
    api_client, job_site, ai
):
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "Data\u0000 Engineer\ud800",
        "description": "<p>Build pipelines in Python and SQL for our analytics team.\ud800</p>",
        "hiringOrganization": {"@type": "Organization", "name": "Null\u0000Corp"},
        "skills": ["Python\ud800", "\u0000"],
    }
    # json.dumps writes both as \u escapes, as a page would.
    page = f'<html><script type="application/ld+json">{json.dumps(posting)}</script></html>'
    job_site.routes["/odd"] = lambda: (200, {"Content-Type": "text/html"}, page.encode())

    response = api_client.post(EXTRACT, {"url": job_site.url("/odd")}, format="json")

    assert response.status_code == 201, response.json()
    job = Job.objects.get()
    assert (job.title, job.company) == ("Data Engineer", "NullCorp")
    assert job.skills == ["Python"]
    assert "\ud800" not in job.description
    assert ai.request_count == 0


def test_an_async_url_the_fetcher_would_refuse_is_refused_at_once(api_client):
    # One set of URL rules: what the fetcher refuses (a control character here) is a 400 now,
    # not a queued task that fails later.
    response = api_client.post(
        EXTRACT + "?async=1", {"url": "https://example.com/jobs/\x01acme"}, format="json"
    )

    assert_error(response, 400, "INVALID_INPUT", "not valid")
    assert not AITask.objects.exists()
