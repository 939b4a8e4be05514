"""The rules every cover letter keeps, whoever wrote it (an AI vendor or the offline provider).

`letter_problems` returns sentences a user can act on; an empty list means the letter is fine.
"""

from __future__ import annotations

import re

from letters.schemas import BODY_MAX_WORDS, BODY_MIN_WORDS, BODY_PARAGRAPHS

# A greeting opens a line or sentence; "dear to me" or "hi-fi" in prose is not one.
_GREETING = re.compile(
    r"(?:^|\n|[.!?]\s+)(?:Dear\s+\S|Hello\b|Hi\s|Hi,|Hey\s|Greetings\b)|to whom it may concern",
    re.I,
)
# "..., Dear Ms Rivera, ..." buried mid-paragraph is a greeting too.
_DEAR_NAME = re.compile(r"\bDear\s+[A-Z][\w.'-]*(?:\s+(?:[A-Z][\w.'-]*|or|and))*\s*,")
# A sign-off is followed by a comma or a line end, or opens a sentence: "I sincerely hope" and
# "with regards to" are prose, "Sincerely, Jane" is a sign-off.
_SIGN_OFFS = (
    "Sincerely",
    "Yours sincerely",
    "Best regards",
    "Kind regards",
    "Warm regards",
    "Warmest regards",
    "Best wishes",
    "Yours faithfully",
    "Yours truly",
    "Regards",
    "Respectfully",
    "Cheers",
)
_ANY_SIGN_OFF = "|".join(_SIGN_OFFS)
_OPENING_SIGN_OFF = "|".join(s for s in _SIGN_OFFS if s != "Cheers")
_SIGN_OFF = re.compile(
    rf"\b(?:{_ANY_SIGN_OFF})\s*(?:,|$|\n)|(?:^|\n|[.!?]\s+)(?:{_OPENING_SIGN_OFF})\b", re.I
)


def _words(text: str) -> int:
    # A word is a token with at least one letter or digit, so "—" and "&" do not count.
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _paragraphs(letter: dict) -> list:
    paragraphs = letter.get("paragraphs") or []
    # One blob of text is one paragraph, not a list of characters.
    return [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)


def body_word_count(letter: dict) -> int:
    return sum(_words(p) for p in _paragraphs(letter) if isinstance(p, str))


def letter_problems(letter: dict) -> list[str]:
    problems = []
    for field, label in (
        ("subject", "subject line"),
        ("greeting", "greeting"),
        ("sign_off", "sign-off"),
        ("signature", "signature"),
    ):
        if not str(letter.get(field) or "").strip():
            problems.append(f"The {label} is missing.")
    paragraphs = _paragraphs(letter)
    if len(paragraphs) != BODY_PARAGRAPHS:
        problems.append(
            f"The body has {len(paragraphs)} paragraph"
            f"{'' if len(paragraphs) == 1 else 's'}; it needs exactly "
            f"{BODY_PARAGRAPHS}."
        )
    count = body_word_count(letter)
    if not BODY_MIN_WORDS <= count <= BODY_MAX_WORDS:
        problems.append(
            f"The body has {count} words; it needs {BODY_MIN_WORDS} to {BODY_MAX_WORDS}."
        )
    for number, paragraph in enumerate(paragraphs, start=1):
        text = paragraph.strip() if isinstance(paragraph, str) else ""
        if not text:
            problems.append(f"Paragraph {number} is empty.")
            continue
        if _DEAR_NAME.search(text) or _GREETING.search(text):
            problems.append(
                f"Paragraph {number} contains a greeting; the greeting belongs "
                f"only at the top of the letter."
            )
        if _SIGN_OFF.search(text):
            problems.append(
                f"Paragraph {number} contains a sign-off; the sign-off belongs "
                f"only at the end of the letter."
            )
    return problems
