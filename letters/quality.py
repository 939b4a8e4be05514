"""Rules that read a letter against the profile and the job, whoever wrote it: a letter that
repeats itself, contradicts itself about the posting, or leaves out every figure of a profile
that has some reads like a form. What they find goes into the letter's warnings.

- Repeated phrase: the same three words (two of them more than filler words) twice in the
  body ("a Data Engineer ... as a Data Engineer"). Names may recur: the company's, and those
  of the candidate's employers.
- Contradiction: a sentence that sets skills apart from the posting ("beyond what the
  posting names", "not in the posting") while naming one the posting asks for.
- No figure: the body has no number although the profile's work has some.
"""

from __future__ import annotations

import re
from typing import Any

from documents.wording import STOPWORDS, numbers, skill_key, words

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


def _body(letter: dict) -> list[str]:
    paragraphs = letter.get("paragraphs") or []
    return (
        [paragraphs]
        if isinstance(paragraphs, str)
        else [p for p in paragraphs if isinstance(p, str)]
    )


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
