"""POST /api/v1/cover-letter/generate as server-sent events: the letter arrives while the
vendor writes it, through each vendor's real SDK and streaming wire format."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import QuotaCounter
from letters.models import CoverLetter
from orchestrator.models import UsageLog
from tests.fixtures.letters import as_written
from tests.fixtures.profiles import LETTER_URL
from tests.fixtures.vendors import MODELS
from tests.support.doubles import Reply, StreamReply

pytestmark = pytest.mark.django_db

STREAM = {"HTTP_ACCEPT": "text/event-stream"}


def stream(client, job, query="", headers=STREAM, **fields):
    return client.post(LETTER_URL + query, {"job_id": job.pk, **fields}, format="json", **headers)


def events_of(response) -> list[tuple[str, dict]]:
    """The response's server-sent events, parsed as a client would."""
    body = b"".join(response.streaming_content).decode()
    return list(_parse(body))


def _parse(body: str):
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        yield lines["event"], json.loads(lines["data"])


def letter_rows():
    return list(UsageLog.objects.filter(task_type="cover_letter").order_by("pk"))


def counters(user):
    return {c.period: c for c in QuotaCounter.objects.filter(user=user)}


def vendor_was_asked_to_stream(double) -> bool:
    seen = double.requests[-1]
    if double.vendor == "gemini":
        return seen.path.endswith(":streamGenerateContent") and seen.query.get("alt") == "sse"
    return seen.body.get("stream") is True


def test_the_letter_streams_as_each_vendor_writes_it(
    api_client, user, any_double, make_provider, job, with_profile, good_letter
):
    make_provider(any_double)
    answer = json.dumps(good_letter)
    # No thinking tokens, so the row's counts are the scripted ones exactly.
    any_double.default = StreamReply.of(
        answer, size=24, input_tokens=321, output_tokens=456, thinking_tokens=0
    )

    response = stream(api_client, job)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    events = events_of(response)
    names = [name for name, _ in events]
    assert names[0] == "start" and names[-1] == "done"
    assert set(names[1:-1]) == {"delta"} and len(names) > 20  # piece by piece, not at once
    assert events[0][1] == {
        "provider": any_double.vendor,
        "model": MODELS[any_double.vendor][0],  # the fast tier of the Freemium plan
        "cached": False,
    }
    letter = events[-1][1]
    assert as_written(letter["content"]) == good_letter
    assert "".join(data["text"] for name, data in events if name == "delta") == letter["text"]
    assert letter["warnings"] == []
    saved = CoverLetter.objects.get(pk=letter["id"])
    assert as_written(saved.content) == good_letter and saved.owner == user
    (row,) = letter_rows()
    assert (row.status, row.provider_type, row.input_tokens, row.output_tokens) == (
        "success",
        any_double.vendor,
        321,
        456,
    )
    assert row.cost_usd > 0 and saved.usage_log_id == row.pk
    assert vendor_was_asked_to_stream(any_double)
    day = counters(user)["day"]
    assert (day.tokens_used, day.tokens_reserved, day.cost_reserved_usd) == (777, 0, 0)
    assert day.cost_used_usd == row.cost_usd


@pytest.mark.parametrize("failure", ["error", "cut"])
def test_a_vendor_failing_mid_stream_ends_with_an_error_event_and_an_error_row(
    api_client, user, any_double, make_provider, job, with_profile, good_letter, failure
):
    make_provider(any_double)
    answer = json.dumps(good_letter)
    any_double.default = StreamReply.of(
        answer, size=24, input_tokens=321, output_tokens=456, fail_after=10, failure=failure
    )

    events = events_of(stream(api_client, job))

    names = [name for name, _ in events]
    assert names[0] == "start" and "delta" in names and names[-1] == "error"
    assert "done" not in names
    assert events[-1][1]["error_code"] == "PROVIDER_ERROR"
    assert any_double.vendor in events[-1][1]["message"].lower()
    assert not CoverLetter.objects.exists()
    (row,) = letter_rows()
    assert (row.status, row.error_code) == ("error", "PROVIDER_ERROR")
    # What was used: as the vendor reported it so far, or (OpenAI reports usage only at the
    # end of a stream) estimated, and said so.
    assert row.input_tokens > 0 and row.output_tokens > 0
    if any_double.vendor == "openai":
        assert "tokens estimated" in row.error_message
    else:
        assert row.input_tokens == 321
    day = counters(user)["day"]
    assert day.tokens_reserved == 0
    assert day.tokens_used == row.input_tokens + row.output_tokens


def test_a_failure_before_the_first_piece_falls_back_to_the_next_provider(
    api_client, openai_double, anthropic_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double, priority=1)
    make_provider(anthropic_double, priority=2)
    openai_double.default = Reply.error(500)
    anthropic_double.default = StreamReply.of(json.dumps(good_letter), input_tokens=50)

    events = events_of(stream(api_client, job))

    assert events[0] == (
        "start",
        {"provider": "anthropic", "model": MODELS["anthropic"][0], "cached": False},
    )
    assert events[-1][0] == "done" and as_written(events[-1][1]["content"]) == good_letter
    rows = letter_rows()
    assert [(r.provider_type, r.status) for r in rows] == [
        *[("openai", "error")] * openai_double.request_count,
        ("anthropic", "success"),
    ]
    assert openai_double.request_count >= 1


def test_an_answer_that_is_not_a_letter_is_an_error_event(
    api_client, gemini_double, make_provider, job, with_profile
):
    make_provider(gemini_double)
    gemini_double.default = StreamReply.of("Sorry, I cannot help with that.", size=8)

    events = events_of(stream(api_client, job))

    assert events[-1][0] == "error"
    assert events[-1][1]["error_code"] == "BAD_AI_OUTPUT"
    assert not CoverLetter.objects.exists()
    (row,) = letter_rows()
    assert (row.status, row.error_code) == ("error", "BAD_AI_OUTPUT")


def test_the_offline_provider_streams_its_paragraphs(api_client, job, with_profile):
    response = stream(api_client, job, query="?stream=1", headers={})

    events = events_of(response)
    assert events[0] == ("start", {"provider": "offline", "model": "offline", "cached": False})
    deltas = [data["text"] for name, data in events if name == "delta"]
    letter = events[-1][1]
    assert len(deltas) >= 5  # subject, greeting, three paragraphs, sign-off...
    assert "".join(deltas) == letter["text"]
    assert letter["content"]["paragraphs"][1] in deltas[3]


def test_a_cached_letter_streams_at_once(
    api_client, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    openai_double.default = StreamReply.of(json.dumps(good_letter))
    first = events_of(stream(api_client, job))

    again = events_of(stream(api_client, job))

    assert again[0][1]["cached"] is True
    assert [name for name, _ in again] == ["start", "delta", "done"]
    assert again[1][1]["text"] == first[-1][1]["text"] == again[-1][1]["text"]
    assert openai_double.request_count == 1
    assert [r.cache_hit for r in letter_rows()] == [False, True]


def test_a_client_that_goes_away_leaves_an_error_row_with_what_was_used(
    api_client, user, anthropic_double, make_provider, job, with_profile, good_letter, monkeypatch
):
    make_provider(anthropic_double)
    anthropic_double.default = StreamReply.of(
        json.dumps(good_letter), size=24, input_tokens=321, pause=0.01
    )
    response = stream(api_client, job)
    pieces = iter(response.streaming_content)
    next(pieces), next(pieces)  # start, then the first text

    # What the server does when the client's socket is gone; the end of the request must
    # not close the test's database connection (Django's test client guards it the same way).
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    response.close()

    (row,) = letter_rows()
    assert (row.status, row.error_code) == ("error", "CLIENT_CLOSED")
    assert row.input_tokens == 321 and row.output_tokens >= 1
    assert counters(user)["day"].tokens_reserved == 0
    assert not CoverLetter.objects.exists()


def test_errors_before_the_stream_are_json_envelopes(api_client, job, with_profile):
    missing = api_client.post(LETTER_URL, {"job_id": 999999}, format="json", **STREAM)
    bad_tone = stream(api_client, job, tone="sarcastic")

    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    assert missing.json()["error_code"] == "NOT_FOUND"
    assert bad_tone.status_code == 400
    assert bad_tone.json()["error_code"] == "INVALID_INPUT"


def test_without_a_profile_the_stream_is_refused_but_a_wrong_job_is_not_found_first(
    api_client, job
):
    no_profile = stream(api_client, job)
    missing = api_client.post(LETTER_URL, {"job_id": 999999}, format="json", **STREAM)

    assert no_profile.status_code == 400
    assert no_profile["Content-Type"] == "application/json"
    assert no_profile.json()["error_code"] == "INVALID_INPUT"
    assert "profile" in no_profile.json()["message"]
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "NOT_FOUND"


def test_the_job_and_the_profile_are_read_in_one_query_before_the_first_event(
    api_client, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    openai_double.default = StreamReply.of(json.dumps(good_letter), size=24)

    with CaptureQueriesContext(connection) as queries:
        response = stream(api_client, job)
        events = events_of(response)

    assert events[-1][0] == "done"
    reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    job_reads = [sql for sql in reads if 'FROM "jobs_job"' in sql]
    (job_read,) = job_reads  # one read of the job, and it brings the profile along
    assert '"cvs_masterprofile"' in job_read
    assert not any('FROM "cvs_masterprofile"' in sql and sql not in job_reads for sql in reads)
    # Only what the prompt needs: not the page the job was extracted from.
    assert "source_text" not in job_read and "raw_ai_output" not in job_read
    letter = CoverLetter.objects.get()
    assert (letter.job_id, letter.profile_version) == (job.pk, with_profile.version)


def test_a_used_up_quota_is_refused_before_the_stream(
    api_client, user, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    QuotaCounter.objects.all().delete()
    from billing.models import Plan

    plan = Plan.objects.get(code="FREEMIUM")
    plan.daily_token_limit = 10
    plan.save()

    response = stream(api_client, job)

    assert response.status_code == 429
    assert response.json()["error_code"] == "QUOTA_EXCEEDED"
    assert openai_double.request_count == 0


def test_the_letter_rules_run_on_the_finished_letter(
    api_client, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    good_letter["paragraphs"] = good_letter["paragraphs"][:2]
    openai_double.default = StreamReply.of(json.dumps(good_letter))

    events = events_of(stream(api_client, job))

    letter = events[-1][1]
    assert events[-1][0] == "done"
    assert "The body has 2 paragraphs; it needs exactly 3." in letter["warnings"]
    assert CoverLetter.objects.get(pk=letter["id"]).warnings == letter["warnings"]
    assert openai_double.request_count == 1  # a streamed letter is not written twice


def test_an_empty_answer_before_any_text_is_repaired_as_generate_would(
    api_client, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    # Nothing streamed yet, so the empty answer can still be asked again with the problem named.
    openai_double.script(
        StreamReply.of("", thinking_tokens=0),
        StreamReply.of(json.dumps(good_letter), thinking_tokens=0),
    )

    events = events_of(stream(api_client, job))

    assert events[0][0] == "start" and events[-1][0] == "done"
    letter = events[-1][1]
    assert as_written(letter["content"]) == good_letter
    assert "".join(data["text"] for name, data in events if name == "delta") == letter["text"]
    assert [(r.status, r.error_code) for r in letter_rows()] == [
        ("error", "BAD_AI_OUTPUT"),
        ("success", ""),
    ]
    assert openai_double.request_count == 2
    assert "Your previous answer was rejected" in json.dumps(openai_double.requests[-1].body)


def test_with_capture_on_a_streamed_attempt_keeps_its_prompt_and_whole_answer(
    api_client, user, openai_double, anthropic_double, make_provider, job, with_profile,
    good_letter, settings,
):  # fmt: skip
    from orchestrator.models import UsageCapture

    settings.AI_CAPTURE_PAYLOADS = True
    make_provider(openai_double, priority=1)
    make_provider(anthropic_double, priority=2)
    openai_double.script(Reply.invalid_key())
    answer = json.dumps(good_letter)
    anthropic_double.default = StreamReply.of(answer, size=24, thinking_tokens=0)

    assert events_of(stream(api_client, job))[-1][0] == "done"

    failed, served = letter_rows()
    assert UsageCapture.objects.get(usage_log=served).answer == answer
    kept = UsageCapture.objects.get(usage_log=failed)
    assert kept.answer == "" and kept.prompt == UsageCapture.objects.get(usage_log=served).prompt
    assert kept.prompt and kept.system_prompt
