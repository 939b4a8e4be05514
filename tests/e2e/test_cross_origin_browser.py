"""A browser app on another origin, in headless Chromium: its script sends `Authorization`
and `Prefer` (both pass the preflight) and reads what a frontend needs from the answers — the
quota left, a background task's Location, an export's file name, and Retry-After on a 429."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from tests.support.browser import CHROMIUM, chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at "
        "/usr/bin/chromium (apt-get install chromium; .ci/run does it)",
    ),
]

PAGE = b"<!doctype html><title>Job app</title><p>A frontend on its own origin.</p>"

# What the frontend's script does, against the API at API (an async function's body).
FLOW = """
const api = (path, options = {}) => fetch(API + "/api/v1" + path, options);
const json = (body, token, extra = {}) => ({
  method: "POST",
  headers: {
    "Content-Type": "application/json",
    ...(token ? {Authorization: "Bearer " + token} : {}),
    ...extra,
  },
  body: JSON.stringify(body),
});
const user = {username: "grace", email: "grace@example.com", password: "plum-Orchard-77"};
await api("/auth/register", json(user));
const token = (await (await api("/auth/token", json(user))).json()).data.token;
const auth = {Authorization: "Bearer " + token};
await api("/profile", {method: "PUT", headers: {...auth, "Content-Type": "application/json"},
  body: JSON.stringify({data: {basics: {name: "Grace Hopper", label: "Backend engineer"},
    work: [{name: "Remington Rand", position: "Engineer",
            highlights: ["Built compilers in Python"]}],
    skills: [{name: "Python"}, {name: "Django"}]}})});
const extracted = await api("/job-extractor/extract", json({text: POSTING}, token));
const job = (await extracted.json()).data;
const background = await api(
  "/cv-drafter/draft", json({job_id: job.id}, token, {Prefer: "respond-async"}));
const location = background.headers.get("Location");
const task = (await (await fetch(location, {headers: auth})).json()).data;
const exported = await api(`/cvs/${task.result.id}/export?format=md`, {headers: auth});
const limited = await api("/cover-letter/generate", json({job_id: job.id}, token));
return {
  extracted: extracted.status,
  quotaPlan: extracted.headers.get("X-Quota-Plan"),
  tokensLeft: extracted.headers.get("X-Quota-Daily-Tokens-Remaining"),
  requestId: extracted.headers.get("X-Request-Id"),
  background: background.status,
  location,
  taskStatus: task.status,
  exported: exported.status,
  fileName: exported.headers.get("Content-Disposition"),
  limited: limited.status,
  retryAfter: limited.headers.get("Retry-After"),
};
"""
POSTING = (
    "Senior Backend Engineer\nCompany: Acme Freight\nLocation: London, UK\n\n"
    "You will build the Django REST APIs behind our freight network.\n"
    "Requirements: 5+ years of Python; Django and PostgreSQL; AWS."
)


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_origin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_frontend_on_another_origin_reads_the_quota_file_name_and_retry_after(
    live_server, other_origin, settings, tmp_path, transactional_db
):
    call_command("seed_defaults")  # the plans, which an earlier test's flush may have taken
    settings.CORS_ALLOWED_ORIGINS = [other_origin]
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    # Three AI-budget requests a minute (extraction, draft, export: exports share the AI
    # budget): the fourth (the letter) is refused with Retry-After.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "ai_burst": "3/min"},
    }

    with chromium(tmp_path / "profile") as browser:
        browser.call("Page.enable")
        browser.call("Page.navigate", url=other_origin + "/")
        browser.wait_for("Page.loadEventFired")
        script = (
            f"(async () => {{ const API = {json.dumps(live_server.url)}; "
            f"const POSTING = {json.dumps(POSTING)}; {FLOW} }})()"
        )
        answer = browser.call(
            "Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True
        )

    assert "exceptionDetails" not in answer, answer.get("exceptionDetails")
    seen = answer["result"]["value"]
    assert seen["extracted"] == 201
    assert seen["quotaPlan"] == "FREEMIUM" and int(seen["tokensLeft"]) > 0
    assert len(seen["requestId"]) == 36
    assert seen["background"] == 202  # Prefer passed the preflight
    assert seen["location"].startswith(live_server.url + "/api/v1/tasks/")
    assert seen["taskStatus"] == "succeeded"
    assert seen["exported"] == 200
    assert seen["fileName"].startswith("attachment;") and ".md" in seen["fileName"]
    assert seen["limited"] == 429 and int(seen["retryAfter"]) > 0
