"""The offline provider's interview prep: questions from the posting's requirements, each
answered from the profile fact that best matches it, and a gap to prepare for where none does.
No AI: it reads the same prompt a vendor would (core.prompting.read_block)."""

from __future__ import annotations

import json
import re
from typing import Any

from core.prompting import read_block

from .check import NO_MATCH
from .facts import numbers_in

MAX_TECHNICAL = 5
_TEAM = re.compile(r"\b(led|lead|mentor\w*|team|coach\w*|organi[sz]ed|hired)\b", re.I)


def _mentions(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, flags=re.I) is not None


def _best_fact(facts: list[dict], term: str) -> dict | None:
    """The fact naming `term` that says most (numbers first), from a role before other kinds."""
    hits = [f for f in facts if _mentions(f["text"], term)]
    return max(
        hits, key=lambda f: (" at " in f["context"], len(numbers_in(f["text"]))), default=None
    )


def _outline(fact: dict, aim: str) -> dict:
    where = fact["context"] if " at " in fact["context"] else f"my {fact['context']}"
    numbers = numbers_in(fact["text"])
    return {
        "situation": f"As {where}." if " at " in fact["context"] else f"From {where}.",
        "task": aim,
        "action": fact["text"],
        "result": "The figures to give: " + ", ".join(sorted(numbers)) + "."
        if numbers
        else "Say what changed because of it, and how you knew.",
    }


def _question(kind: str, question: str, fact: dict | None, aim: str) -> dict:
    if fact is None:
        return {
            "kind": kind,
            "question": question,
            "outline": None,
            "sources": [],
            "note": NO_MATCH,
        }
    return {
        "kind": kind,
        "question": question,
        "outline": _outline(fact, aim),
        "sources": [fact["id"]],
        "note": "",
    }


def _job_terms(job: dict) -> list[str]:
    seen, terms = set(), []
    for term in [*(job.get("skills") or []), *(job.get("keywords") or [])]:
        if isinstance(term, str) and term.strip() and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term.strip())
    return terms[:MAX_TECHNICAL]


def _behavioural(facts: list[dict]) -> list[dict]:
    work = [f for f in facts if " at " in f["context"]]
    measured = max(work, key=lambda f: len(numbers_in(f["text"])), default=None)
    if measured is not None and not numbers_in(measured["text"]):
        measured = None
    team = next((f for f in work if _TEAM.search(f["text"])), None)
    return [
        _question(
            "behavioural",
            "Tell us about a time you delivered a result you could measure.",
            measured,
            "Show the impact of your work, with its numbers.",
        ),
        _question(
            "behavioural",
            "Tell us about a time you led or helped other people.",
            team,
            "Show how you work with and for a team.",
        ),
    ]


def _company(job: dict, facts: list[dict], terms: list[str]) -> dict:
    company = job.get("company") or "this company"
    fact = next((f for term in terms for f in facts if _mentions(f["text"], term)), None)
    return _question(
        "company",
        f"Why do you want to work at {company}?",
        fact,
        f"Connect what {company} needs to what you have done.",
    )


def answer_interview_prep(prompt: str) -> dict[str, Any]:
    facts = json.loads(read_block(prompt, "facts") or "[]")
    job = json.loads(read_block(prompt, "job") or "{}")
    terms = _job_terms(job)
    technical = [
        _question(
            "technical",
            f"What have you built with {term}?",
            _best_fact(facts, term),
            f"Show hands-on experience with {term}.",
        )
        for term in terms
    ]
    return {"questions": [*_behavioural(facts), *technical, _company(job, facts, terms)]}
