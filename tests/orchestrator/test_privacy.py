"""The placeholders of personal values (orchestrator.privacy): what goes out never holds a
known value, what comes back holds them all again."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.prompting import block
from documents.selectors import profile_personal_values
from orchestrator.privacy import Shield
from orchestrator.request import AIRequest
from tests.fixtures.profiles import RICH

VALUES = profile_personal_values(profile=RICH)


def request(prompt: str, system_prompt: str | None = None) -> AIRequest:
    return AIRequest(task="cv_draft", prompt=prompt, system_prompt=system_prompt)


def test_the_profile_names_its_identifying_basics_and_nothing_else():
    assert VALUES == {
        "NAME": "Amara Okafor",
        "EMAIL": "amara.okafor@example.com",
        "PHONE": "+44 20 7946 0321",
        "URL": "https://amara.dev",
        "PROFILE_1_USERNAME": "aokafor",
        "PROFILE_1_URL": "https://github.com/aokafor",
        "PROFILE_2_USERNAME": "amaraokafor",
        "PROFILE_2_URL": "https://linkedin.com/in/amaraokafor",
    }


def test_every_value_of_the_profile_block_becomes_its_placeholder():
    shield = Shield(VALUES)

    hidden = shield.hide(request(block("profile", RICH)))

    for value in VALUES.values():
        assert value.lower() not in hidden.prompt.lower()
    assert '"name": "[[NAME]]"' in hidden.prompt
    assert '"url": "[[PROFILE_1_URL]]"' in hidden.prompt
    assert "London" in hidden.prompt  # the city stays: a CV is written for a place
    assert "[[EMAIL]]" in hidden.system_prompt  # the model is told what they are
    assert shield.leak(hidden) is None


def test_values_written_otherwise_in_a_job_text_are_found_too_and_a_recruiter_is_kept():
    shield = Shield(VALUES)
    job = (
        "Referred by AMARA OKAFOR (Amara\nOkafor), call +44 (20) 7946-0321? No: "
        "442079460321. Write to Amara.Okafor@Example.com, not to jobs@acme.example "
        "or Jo Smith +44 161 496 0000. Canada-based fans of Ada welcome."
    )

    hidden = shield.hide_text(job)

    assert "okafor" not in hidden.lower()
    assert "7946" not in hidden
    assert "jobs@acme.example" in hidden and "Jo Smith +44 161 496 0000" in hidden
    assert "Canada-based fans of Ada" in hidden


def test_an_answer_gets_the_real_values_back_escaped_for_json():
    shield = Shield({"NAME": 'Zoë "Zed" Brontë', "EMAIL": "zoe@example.com"})
    answer = json.dumps({"signature": "[[NAME]]", "text": "Mail [[ email ]] or [[NOBODY]]"})

    restored = json.loads(shield.restore_text(answer, in_json=True))

    assert restored == {
        "signature": 'Zoë "Zed" Brontë',
        "text": "Mail zoe@example.com or [[NOBODY]]",
    }


def test_a_placeholder_cut_between_streamed_pieces_comes_back_whole():
    shield = Shield(VALUES)
    text = '{"signature": "[[NAME]]", "contact": "[[EMAIL]] [x] [["}'
    pieces = [text[i : i + 3] for i in range(0, len(text), 3)]

    restored = "".join(shield.restore_pieces(iter(pieces), in_json=True))

    assert restored == text.replace("[[NAME]]", "Amara Okafor").replace(
        "[[EMAIL]]", "amara.okafor@example.com"
    )


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
_value = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=20
)


@settings(max_examples=300, deadline=None)
@given(
    name=_value,
    email=_value,
    username=_value,
    phone=st.from_regex(r"\+?[0-9][0-9 ()\-]{5,15}[0-9]", fullmatch=True),
    around=st.lists(_text, min_size=4, max_size=4),
)
def test_what_the_placeholders_hide_the_last_scan_never_finds(name, email, username, phone, around):
    """The scan before each call looks for exactly what hiding replaced, so a hidden request
    never trips it: in normal operation no call is ever refused for a personal value."""
    values = {"NAME": name, "EMAIL": email, "PROFILE_1_USERNAME": username, "PHONE": phone}
    shield = Shield(values)
    profile = {"basics": {"name": name, "email": email, "phone": phone}}
    prompt = around[0].join([block("profile", profile), name, email, username, phone, around[1]])

    hidden = shield.hide(request(prompt, around[2] + username + around[3]))

    assert shield.leak(hidden) is None


def test_a_value_left_in_an_outgoing_request_is_caught_by_the_scan():
    shield = Shield(VALUES)
    hidden = shield.hide(request(block("profile", RICH)))

    repaired = replace(hidden, prompt=hidden.prompt + "\nYou wrote amara.okafor@EXAMPLE.com")

    assert shield.leak(repaired) == "[[EMAIL]]"


def test_a_personal_task_called_without_its_values_is_refused_before_it_leaves(user):
    from core.errors import PIIBlocked
    from cvs.ai import CV_DRAFT
    from orchestrator.models import UsageLog
    from orchestrator.services import generate_task

    with pytest.raises(PIIBlocked):
        generate_task(user=user, task=CV_DRAFT, prompt=block("profile", RICH))

    row = UsageLog.objects.get(user=user)
    assert (row.error_code, row.provider_type) == ("PII_BLOCKED", "offline")
    assert "none of them hidden" in row.error_message
