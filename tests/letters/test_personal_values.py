"""A CV or a letter is written without the vendor ever seeing who it is for: the profile's
name, email, phone and links go out as placeholders, through each vendor's real SDK, and the
documents the user gets back carry the real values."""

from __future__ import annotations

import copy
import json
import re

import pytest

from billing.models import QuotaCounter
from cvs.models import CVDraft
from documents.selectors import profile_personal_values
from letters.models import CoverLetter
from orchestrator.models import UsageCapture, UsageLog
from tests.fixtures.letters import GOOD_LETTER
from tests.fixtures.profiles import DRAFT_URL, GOOD_CV, LETTER_URL, RICH, vendor_bodies
from tests.letters.test_api_stream import STREAM, events_of
from tests.support.doubles import Reply, StreamReply

pytestmark = pytest.mark.django_db

PERSONAL = profile_personal_values(profile=RICH)
RECRUITER = "Write to Jo Smith, jo.smith@acme.example, +44 161 496 0000."
# The job a candidate pasted quotes them too, and the recruiter.
JOB_TEXT = f"Amara Okafor was referred by a friend (amara.okafor@example.com). {RECRUITER}"

# What a model writes when it was sent placeholders: it copies them where they belong.
CV_WITH_PLACEHOLDERS = copy.deepcopy(GOOD_CV)
CV_WITH_PLACEHOLDERS["header"].update(
    name="[[NAME]]", email="[[EMAIL]]", phone="[[PHONE]]", links=["[[URL]]", "[[PROFILE_1_URL]]"]
)
LETTER_WITH_PLACEHOLDERS = dict(GOOD_LETTER, signature="[[NAME]]")


def holds_a_personal_value(text: str) -> list[str]:
    """The profile's personal values found in `text`, however they are written."""
    found = [value for value in PERSONAL.values() if value.lower() in text.lower()]
    digits = re.sub(r"\D", "", PERSONAL["PHONE"])
    if digits in re.sub(r"\D", "", text):
        found.append(PERSONAL["PHONE"])
    return found


@pytest.fixture
def job(user, make_job):
    return make_job(user, description=JOB_TEXT)


def test_a_cv_request_holds_no_personal_value_and_the_cv_holds_them_all(
    api_client, any_double, make_provider, job, with_profile, settings
):
    settings.AI_CAPTURE_PAYLOADS = True
    make_provider(any_double)
    any_double.default = Reply.ok(json.dumps(CV_WITH_PLACEHOLDERS))

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    (sent,) = vendor_bodies(any_double)
    assert holds_a_personal_value(sent) == []
    assert "[[NAME]]" in sent and "[[EMAIL]]" in sent and "[[PHONE]]" in sent
    assert "jo.smith@acme.example" in sent and "+44 161 496 0000" in sent  # the recruiter's
    assert "Parcelly Ltd" in sent  # the rest of the profile is there to write from
    header = response.json()["data"]["content"]["header"]
    # The header is the profile's own (cvs.contact): every link, whatever the model wrote.
    assert header == {
        **GOOD_CV["header"],
        "links": [
            "https://amara.dev",
            "https://github.com/aokafor",
            "https://linkedin.com/in/amaraokafor",
        ],
    }
    assert CVDraft.objects.get().content["header"]["email"] == "amara.okafor@example.com"
    # The capture keeps what the vendor was sent and what it answered: placeholders.
    capture = UsageCapture.objects.get()
    assert holds_a_personal_value(capture.prompt + capture.system_prompt + capture.answer) == []


def test_a_letter_request_holds_no_personal_value_and_the_letter_is_signed(
    api_client, any_double, make_provider, job, with_profile
):
    make_provider(any_double)
    any_double.default = Reply.ok(json.dumps(LETTER_WITH_PLACEHOLDERS))

    response = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    (sent,) = vendor_bodies(any_double)
    assert holds_a_personal_value(sent) == []
    assert "jo.smith@acme.example" in sent
    letter = response.json()["data"]
    assert {key: letter["content"][key] for key in GOOD_LETTER} == GOOD_LETTER
    sender = letter["content"]["sender"]
    assert (sender["name"], sender["email"]) == ("Amara Okafor", "amara.okafor@example.com")
    assert letter["text"].endswith("Sincerely,\n\nAmara Okafor")


def test_a_streamed_letter_shows_the_real_name_even_when_a_placeholder_is_cut_in_two(
    api_client, any_double, make_provider, job, with_profile
):
    make_provider(any_double)
    # Pieces of 5 characters: "[[NAME]]" arrives split over two or three of them.
    any_double.default = StreamReply.of(json.dumps(LETTER_WITH_PLACEHOLDERS), size=5)

    response = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json", **STREAM)

    assert response.status_code == 200
    events = events_of(response)
    written = "".join(data["text"] for name, data in events if name == "delta")
    assert written.endswith("Amara Okafor") and "[[" not in written
    assert events[-1][0] == "done"
    assert events[-1][1]["content"]["signature"] == "Amara Okafor"
    assert CoverLetter.objects.get().content["signature"] == "Amara Okafor"
    assert holds_a_personal_value("".join(vendor_bodies(any_double))) == []


def test_the_offline_provider_works_on_the_same_placeholders(
    api_client, job, with_profile, settings
):
    settings.AI_CAPTURE_PAYLOADS = True

    cv = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json").json()["data"]
    letter = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json").json()["data"]

    assert cv["provider"] == letter["provider"] == "offline"
    assert cv["content"]["header"]["name"] == "Amara Okafor"
    assert cv["content"]["header"]["phone"] == "+44 20 7946 0321"
    assert letter["content"]["signature"] == "Amara Okafor"
    captures = UsageCapture.objects.all()
    assert len(captures) == 2
    for capture in captures:
        assert "[[NAME]]" in capture.prompt and "[[NAME]]" in capture.answer
        assert holds_a_personal_value(capture.prompt + capture.answer) == []


def test_a_personal_value_about_to_leave_stops_the_call_before_it_is_sent(
    api_client, user, settings, openai_double, make_provider, job, with_profile
):
    """A vendor cannot know the user's email, but suppose its unusable answer quoted it: the
    repair request would send it back, quoted in the problem. The last scan stops it."""
    settings.AI_CAPTURE_PAYLOADS = True
    make_provider(openai_double)
    quoting = copy.deepcopy(CV_WITH_PLACEHOLDERS)
    quoting["header"]["name"] = ["amara.okafor@example.com"]  # not a string: fails the schema
    openai_double.default = Reply.ok(json.dumps(quoting))

    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == "PII_BLOCKED"
    assert "nothing was sent" in body["message"]
    assert openai_double.request_count == 1  # the repair never left
    rows = UsageLog.objects.filter(user=user).order_by("pk")
    assert [(r.error_code, r.provider_type) for r in rows] == [
        ("BAD_AI_OUTPUT", "openai"),
        ("PII_BLOCKED", "openai"),
    ]
    assert rows[1].error_message == "Stopped before sending: the request still held [[EMAIL]]."
    assert not CVDraft.objects.exists()
    # The refused attempt's hold on the quota is released; the first attempt is paid for.
    assert all(c.tokens_reserved == 0 for c in QuotaCounter.objects.filter(user=user))
    usage = api_client.get("/api/v1/usage/logs").json()
    assert "stopped before it left" in json.dumps(usage)


def test_a_cached_cv_is_kept_with_placeholders_and_served_with_the_values(
    api_client, openai_double, make_provider, job, with_profile
):
    make_provider(openai_double)
    openai_double.default = Reply.ok(json.dumps(CV_WITH_PLACEHOLDERS))

    first = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json").json()["data"]
    second = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json").json()["data"]

    assert openai_double.request_count == 1  # the second came from the result cache
    assert UsageLog.objects.filter(cache_hit=True).count() == 1
    assert first["content"]["header"]["name"] == second["content"]["header"]["name"]
    assert second["content"]["header"]["email"] == "amara.okafor@example.com"
