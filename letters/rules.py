"""The rules every cover letter keeps, whoever wrote it (an AI vendor or the offline provider).
Both kinds return sentences a user can act on; an empty list means the letter is fine.

- The letter's form (`letter_problems`): a subject, a greeting, exactly three body paragraphs
  of 220-320 words, a sign-off and a signature, the greeting and sign-off only in their
  places. The AI task's check: a letter that breaks one is written once more.
- Its quality, read against the profile and the job (`letter_quality_problems`): a letter that
  repeats itself, contradicts itself about the posting, or leaves out every figure of a
  profile that has some reads like a form. What they find is only a warning.
  - Repeated phrase: the same three words (two of them more than filler words) twice in the
    body ("a Data Engineer ... as a Data Engineer"). Names may recur: the company's, and
    those of the candidate's employers.
  - Contradiction: a sentence that sets skills apart from the posting ("beyond what the
    posting names", "not in the posting") while naming one the posting asks for.
  - No figure: the body has no number although the profile's work has some.
- Its recipient (`hiring_manager`): the person the posting names as hiring manager or contact,
  the letter's addressee (its recipient block, and the offline writer's greeting).
"""

from __future__ import annotations

import re
from typing import Any

from documents.wording import STOPWORDS, numbers, skill_key, words

from .schemas import BODY_MAX_WORDS, BODY_MIN_WORDS, BODY_PARAGRAPHS

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


def _body(letter: dict) -> list[str]:
    """The paragraphs that are text."""
    return [p for p in _paragraphs(letter) if isinstance(p, str)]


def body_word_count(letter: dict) -> int:
    return sum(_words(p) for p in _body(letter))


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


# --- Quality: the letter read against the profile and the job ------------------------------

NGRAM = 3
# Words that carry no claim: a phrase repeats only when two other words recur with them.
FILLER = STOPWORDS | frozenset(
    "m s re ve ll d t also there then so very about how what which who will would can could "
    "have has had do did am not no more most up out all any each just me you your us".split()
)
_APART = re.compile(
    r"beyond (?:what|the) (?:the )?(?:posting|job|role|advert)|not (?:named |listed |asked )?"
    r"(?:in|by|for) (?:the|your) (?:posting|job|role|advert)|outside (?:the|your) posting",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def repeated_phrases(text: str, *, allowed: set[str]) -> list[str]:
    """Runs of NGRAM words that occur more than once with two words that are neither filler
    nor one of the `allowed` names."""
    tokens = words(text)
    seen: dict[tuple[str, ...], int] = {}
    repeated = []
    for i in range(len(tokens) - NGRAM + 1):
        gram = tuple(tokens[i : i + NGRAM])
        if len([w for w in gram if w not in FILLER and w not in allowed]) < 2:
            continue
        seen[gram] = seen.get(gram, 0) + 1
        if seen[gram] == 2:
            repeated.append(" ".join(gram))
    return repeated


def _posting_terms(job: Any) -> set[str]:
    names = [*(getattr(job, "skills", None) or []), *(getattr(job, "keywords", None) or [])]
    return {skill_key(n) for n in names}


def contradictions(text: str, job: Any, skills: list[str]) -> list[str]:
    """Skills a sentence sets apart from the posting although the posting names them."""
    asked = _posting_terms(job)
    found = []
    for sentence in _SENTENCE.split(text):
        if _APART.search(sentence):
            mentioned = [s for s in skills if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", sentence)]
            found += [s for s in mentioned if skill_key(s) in asked]
    return found


def _profile_figures(profile: dict) -> list[str]:
    facts = [
        h
        for work in profile.get("work") or []
        for h in [*(work.get("highlights") or []), work.get("summary") or ""]
        if isinstance(h, str)
    ]
    return [f for f in facts if numbers(f)]


def letter_quality_problems(letter: dict, *, profile: dict, job: Any) -> list[str]:
    body = " ".join(_body(letter))
    # Names may recur: the company's, and the candidate's employers'.
    names = " ".join(
        [
            getattr(job, "company", "") or "",
            *(w.get("name") or "" for w in profile.get("work") or []),
        ]
    )
    problems = [
        f'The letter repeats "{phrase}".'
        for phrase in repeated_phrases(body, allowed=set(words(names)))
    ]
    skills = [
        name
        for skill in profile.get("skills") or []
        for name in [skill.get("name") or "", *(skill.get("keywords") or [])]
        if name
    ]
    for skill in dict.fromkeys(contradictions(body, job, skills)):
        problems.append(
            f"The letter sets {skill} apart from the posting, but the posting asks for it."
        )
    figures = _profile_figures(profile)
    # "one" is a word more than a figure ("one of the teams").
    if figures and not numbers(body) - {0.0, 1.0}:
        problems.append(
            f'The letter has no figure, though your profile has some (e.g. "{figures[0]}").'
        )
    return problems


# --- The recipient ------------------------------------------------------------------------

# "Hiring manager: Jane Doe", "Contact person - Jan Kowalski", "Reports to: Priya Shah".
# A name is two or three capitalised words on the same line.
_NAMED_CONTACT = re.compile(
    r"\b(?i:hiring manager|contact person|contact|recruiter|reports to)[ \t]*(?:is[ \t]*)?"
    r"[:\-–—]?[ \t]*((?:(?:Dr|Ms|Mr|Mrs)\.?[ \t]+)?[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,2})"
)


def hiring_manager_in(texts: list[str]) -> str:
    """The person the texts name as the hiring manager or contact, or ""."""
    for text in texts:
        found = _NAMED_CONTACT.search(text or "")
        if found:
            return found.group(1).strip()
    return ""


def hiring_manager(job: Any) -> str:
    """The person the job names as its hiring manager or contact, or ""."""
    return hiring_manager_in(
        [getattr(job, "description", "") or "", *(getattr(job, "requirements", []) or [])]
    )
