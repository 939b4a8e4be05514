"""The cover-letter rules a user relies on: three paragraphs, 220–320 words, no stray greetings."""

from __future__ import annotations

import pytest

from letters.rules import body_word_count, letter_problems

SENTENCES = [
    "I am writing to apply for the Data Analyst role at Northwind Health.",
    "For four years I have turned messy clinic data into dashboards that managers use weekly.",
    "At my current employer I rebuilt the reporting pipeline in SQL and Python.",
    "The work cut the time to publish monthly figures from five days to one.",
    "I enjoy explaining numbers to people who do not work with data every day.",
    "Your focus on patient outcomes is the reason I want to bring that work to you.",
]


def paragraph(words: int) -> str:
    """A paragraph of exactly `words` words, made of real sentences."""
    tokens = " ".join(SENTENCES * 10).split()[:words]
    return " ".join(tokens).rstrip(".,") + "."


def letter(*paragraph_words: int, **fields) -> dict:
    return {
        "subject": "Application for Data Analyst at Northwind Health",
        "greeting": "Dear Hiring Manager,",
        "paragraphs": [paragraph(n) for n in paragraph_words],
        "sign_off": "Sincerely,",
        "signature": "Amara Okafor",
        **fields,
    }


def test_a_letter_that_keeps_every_rule_has_no_problems():
    assert letter_problems(letter(80, 90, 80)) == []


def test_word_count_ignores_lone_punctuation():
    assert body_word_count({"paragraphs": ["Python — and SQL & more.", "Two words"]}) == 6


@pytest.mark.parametrize("words", [(110, 110), (60, 60, 60, 60)])
def test_the_body_needs_exactly_three_paragraphs(words):
    problems = letter_problems(letter(*words))

    assert problems == [f"The body has {len(words)} paragraphs; it needs exactly 3."]


@pytest.mark.parametrize("words, total", [((50, 50, 50), 150), ((140, 130, 130), 400)])
def test_the_body_must_have_220_to_320_words_and_says_how_many_it_has(words, total):
    problems = letter_problems(letter(*words))

    assert problems == [f"The body has {total} words; it needs 220 to 320."]


@pytest.mark.parametrize("words", [(74, 73, 73), (107, 107, 106)])
def test_the_word_limits_are_inclusive(words):
    assert letter_problems(letter(*words)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Dear Hiring Manager, I am writing to apply for the role.",
        "Hello! I am writing to apply for the role.",
        "Hi team, I am writing to apply for the role.",
        "To whom it may concern: I am writing to apply for the role.",
        "I am writing to apply for the role. Dear Ms Rivera, my background fits.",
        "I am writing to apply.\nDear Sir or Madam,\nmy background fits.",
    ],
)
def test_a_greeting_inside_a_paragraph_is_caught(text):
    body = letter(80, 90, 80)
    body["paragraphs"][1] = text + " " + paragraph(90 - len(text.split()))

    assert letter_problems(body) == [
        "Paragraph 2 contains a greeting; the greeting belongs only at the top of the letter."
    ]


@pytest.mark.parametrize(
    "ending",
    [
        "Sincerely, Amara Okafor",
        "Thank you for your time. Sincerely\nAmara",
        "Best regards,\nAmara Okafor",
        "Kind regards",
        "Yours faithfully, Amara",
        "Warm regards, Amara",
        "Regards,",
    ],
)
def test_a_sign_off_inside_a_paragraph_is_caught(ending):
    body = letter(80, 90, 80)
    body["paragraphs"][2] = paragraph(80 - len(ending.split())) + " " + ending

    assert letter_problems(body) == [
        "Paragraph 3 contains a sign-off; the sign-off belongs only at the end of the letter."
    ]


def test_prose_that_merely_uses_the_words_is_not_a_greeting_or_sign_off():
    body = letter(80, 90, 80)
    body["paragraphs"][0] = (
        "I sincerely hope to hear from you, and with best regards to your "
        "timeline I can start in May. The team is dear to me. " + paragraph(56)
    )

    assert letter_problems(body) == []


def test_empty_fields_and_an_empty_paragraph_are_each_named():
    body = letter(110, 1, 110, subject="", greeting=" ", sign_off="", signature="")
    body["paragraphs"][1] = "   "

    assert letter_problems(body) == [
        "The subject line is missing.",
        "The greeting is missing.",
        "The sign-off is missing.",
        "The signature is missing.",
        "Paragraph 2 is empty.",
    ]
