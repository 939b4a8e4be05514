"""Fixtures for the product API tests: job sites on loopback, an AI provider, images."""

from __future__ import annotations

import io
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from rest_framework.test import APIClient

from orchestrator.models import UsageLog
from tests.doubles import Reply

PAGES = Path(__file__).resolve().parent.parent / "data" / "jobs"
EXTRACT = "/api/v1/job-extractor/extract"


@dataclass
class Site:
    """A web server on 127.0.0.1; `hits` counts requests per path."""

    server: ThreadingHTTPServer
    routes: dict[str, Callable[[], tuple[int, dict[str, str], bytes]]] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)

    @property
    def authority(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"http://{self.authority}{path}"


def _html(name: str) -> Callable[[], tuple[int, dict[str, str], bytes]]:
    body = (PAGES / name).read_bytes()
    return lambda: (200, {"Content-Type": "text/html; charset=utf-8"}, body)


@pytest.fixture
def make_site() -> Iterator[Callable[[], Site]]:
    started: list[Site] = []

    def make() -> Site:
        site: Site

        class Handler(BaseHTTPRequestHandler):
            # One write per response, no Nagle delay (as the vendor doubles in tests/doubles/ do).
            wbufsize = -1
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.hits[self.path] += 1
                route = site.routes.get(self.path)
                status, headers, body = route() if route else (404, {}, b"not found")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        site = Site(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
        threading.Thread(
            target=site.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        started.append(site)
        return site

    yield make
    for site in started:
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture
def elsewhere(make_site) -> Site:
    """A loopback server that is NOT allowed: nothing may ever reach it."""
    site = make_site()
    site.routes["/page"] = _html("brightside_no_jsonld.html")
    return site


@pytest.fixture
def job_site(make_site, elsewhere, settings) -> Site:
    """The job board the tests extract from, allowed as an intranet host would be."""
    site = make_site()
    site.routes.update(
        {
            "/acme": _html("acme_backend_jsonld.html"),
            "/brightside": _html("brightside_no_jsonld.html"),
            "/blocked": lambda: (403, {"Content-Type": "text/html"}, b"<h1>Access denied</h1>"),
            "/app-shell": lambda: (
                200,
                {"Content-Type": "text/html"},
                b"<html><body><div id=root></div><script>boot()</script></body></html>",
            ),
            "/to-elsewhere": lambda: (302, {"Location": elsewhere.url("/page")}, b""),
        }
    )
    settings.EXTRACTOR_ALLOWED_HOSTS = [site.authority]
    return site


@pytest.fixture
def ai(openai_double, make_provider):
    """An OpenAI provider (the double) first in the chain; the double answers with a job."""
    make_provider(openai_double)
    openai_double.default = Reply.ok(job_answer(), input_tokens=500, output_tokens=120)
    return openai_double


def job_answer(**overrides) -> str:
    """A schema-valid extraction answer, as a vendor would send it."""
    job = {
        "title": "Customer Success Manager",
        "company": "Brightside Software",
        "location": "Nairobi, Kenya (hybrid)",
        "employment_type": "Full-time",
        "salary": "KES 250,000 - 320,000 per month",
        "description": "Own a portfolio of 60 clinic accounts from onboarding to renewal.",
        "requirements": ["3+ years in customer success", "English and Swahili"],
        "skills": ["HubSpot", "Salesforce", "Excel"],
        "keywords": ["customer success", "SaaS", "HubSpot"],
    }
    job.update(overrides)
    return json.dumps(job)


def png(width: int = 320, height: int = 200, text: str = "Backend Engineer - apply now") -> bytes:
    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).text((10, 10), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "posting.png", content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def usage_rows(user=None) -> list[UsageLog]:
    rows = UsageLog.objects.order_by("id")
    return list(rows.filter(user=user) if user is not None else rows)


def assert_error(response, status: int, code: str, *words: str) -> dict:
    """The error envelope a client sees, with the words its message must contain."""
    body = response.json()
    assert response.status_code == status, body
    assert body["success"] is False
    assert body["error_code"] == code
    for word in words:
        assert word.lower() in body["message"].lower(), body["message"]
    return body


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()
