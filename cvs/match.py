"""How well a CV matches a job, and which profile fact each CV bullet came from.

Deterministic and local (no AI call), so the same CV, job and profile always give the same
report, in well under a millisecond for a typical CV.

The score: every skill and keyword the job lists is a term with a weight:

- required (weight 2): a skill in the job's `skills`, unless the job's requirements mention it
  only in lines that say it is optional ("nice to have", "preferred", "a plus", "bonus",
  "desirable", "ideally");
- preferred (weight 1): such an optional skill;
- keyword (weight 1): a term in the job's `keywords` that is not one of its skills.

    score = round(100 × (sum of the weights of the terms found in the CV)
                       / (sum of the weights of all the terms))

and 0 when the job lists no skills or keywords. A term is found when its words appear, in
order and as whole words, in the CV's headline, summary, experience (titles and bullets),
education, skills or certifications — not in the target job, which names the job, not the
candidate. Comparison ignores case and accents, and "/" or "-" between words ("CI/CD" is
found in "CI CD"); it does not know synonyms ("Postgres" is not "PostgreSQL").

Bullet sources: each bullet of an experience entry is compared with the highlights and the
summary of the profile's entries for the same employer (matched as the fact check matches
them). The fact is the one that shares the largest part of the bullet's content words
(compared on their first four letters, so "serving" meets "serves"); at least half of them
must be shared, otherwise the bullet gets a warning that no profile fact backs it. A bullet
with a figure its fact does not have (a number, "35%") gets a warning too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .factcheck import _employer_key

REQUIRED, PREFERRED, KEYWORD = "required", "preferred", "keyword"
WEIGHTS = {REQUIRED: 2, PREFERRED: 1, KEYWORD: 1}
# A bullet is backed by a fact that has at least this share of its content words.
SOURCE_MIN_SHARE = 0.5
FORMULA = (
    "score = round(100 × found weight / total weight); required skills weigh 2, preferred "
    "skills and other keywords 1; 0 when the job lists no skills or keywords."
)

_OPTIONAL = re.compile(
    r"nice[\s-]to[\s-]have|preferred|preferably|\ba plus\b|\bbonus\b|desirable|ideally|"
    r"advantageous|optional",
    re.I,
)
# Words that may sit inside a term: "node.js", "c++", "c#", "asp.net".
_WORD = re.compile(r"[\w+#]+(?:\.[\w+#]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_STOPWORDS = frozenset(
    "a an and as at by for from in into of on or our the their to with within was were is are "
    "be been that this those these it its over per via".split()
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _phrase(text: str) -> str:
    """Words joined by single spaces and framed by spaces, for whole-word phrase search."""
    return f" {' '.join(_words(text))} "


def _stems(text: str) -> set[str]:
    return {w[:4] for w in _words(text) if w not in _STOPWORDS and (len(w) > 2 or w.isdigit())}


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".") for n in _NUMBER.findall(text or "")}


def job_terms(job: Any) -> list[dict[str, Any]]:
    """The job's skills and keywords, each once, with its kind and weight."""
    optional_lines = [_phrase(line) for line in job.requirements or [] if _OPTIONAL.search(line)]
    other_lines = [_phrase(line) for line in job.requirements or [] if not _OPTIONAL.search(line)]
    terms: dict[str, dict[str, Any]] = {}
    for listed_as, names in ((REQUIRED, job.skills or []), (KEYWORD, job.keywords or [])):
        for name in names:
            key = _phrase(name)
            if not key.strip() or key in terms:
                continue
            kind = listed_as
            only_optional = any(key in line for line in optional_lines) and not any(
                key in line for line in other_lines
            )
            if kind == REQUIRED and only_optional:
                kind = PREFERRED
            terms[key] = {"term": name.strip(), "kind": kind, "weight": WEIGHTS[kind]}
    return list(terms.values())


def _cv_sections(cv: dict) -> dict[str, str]:
    experience = cv.get("experience") or []
    education = cv.get("education") or []
    header = cv.get("header") or {}
    return {
        name: _phrase(" \n ".join(texts))
        for name, texts in (
            ("headline", [header.get("headline") or ""]),
            ("summary", [cv.get("summary") or ""]),
            (
                "experience",
                [e.get("title") or "" for e in experience]
                + [b for e in experience for b in e.get("bullets") or [] if isinstance(b, str)],
            ),
            (
                "education",
                [f"{e.get('degree') or ''} {e.get('field') or ''}" for e in education],
            ),
            ("skills", [s for s in cv.get("skills") or [] if isinstance(s, str)]),
            ("certifications", [c for c in cv.get("certifications") or [] if isinstance(c, str)]),
        )
    }


def _facts_by_employer(profile: dict) -> dict[str, list[dict[str, Any]]]:
    facts: dict[str, list[dict[str, Any]]] = {}
    for work in profile.get("work") or []:
        employer = work.get("name") or ""
        texts = [("highlight", h) for h in work.get("highlights") or [] if isinstance(h, str)]
        if work.get("summary"):
            texts.append(("summary", work["summary"]))
        facts.setdefault(_employer_key(employer), []).extend(
            {"employer": employer, "field": field, "highlight": text, "stems": _stems(text)}
            for field, text in texts
        )
    return facts


def _bullet_source(bullet: str, employer: str, facts: list[dict[str, Any]] | None) -> dict:
    entry: dict[str, Any] = {"text": bullet, "source": None, "warning": ""}
    if facts is None:
        entry["warning"] = f'Employer "{employer}" is not in your profile, so nothing backs this.'
        return entry
    stems = _stems(bullet)
    best, best_share = None, 0.0
    for fact in facts:
        share = len(stems & fact["stems"]) / len(stems) if stems else 0.0
        if share > best_share:
            best, best_share = fact, share
    if best is None or best_share < SOURCE_MIN_SHARE:
        entry["warning"] = f"No fact in your profile for {employer} backs this bullet."
        return entry
    entry["source"] = {
        "employer": best["employer"],
        "field": best["field"],
        "highlight": best["highlight"],
    }
    extra = sorted(_numbers(bullet) - _numbers(best["highlight"]))
    if extra:
        entry["warning"] = f"Figures not in the profile fact: {', '.join(extra)}."
    return entry


def cv_match(*, cv: dict, job: Any, profile: dict) -> dict[str, Any]:
    """The match report of a CV's content against a job, with each bullet's profile source."""
    sections = _cv_sections(cv)
    matched, missing = [], []
    found_weight = total_weight = 0
    for term in job_terms(job):
        key = _phrase(term["term"])
        found_in = [name for name, text in sections.items() if key in text]
        total_weight += term["weight"]
        if found_in:
            found_weight += term["weight"]
            matched.append({**term, "found_in": found_in})
        else:
            missing.append(term)

    facts = _facts_by_employer(profile)
    bullets = []
    for index, item in enumerate(cv.get("experience") or []):
        employer = item.get("employer") or ""
        employer_facts = facts.get(_employer_key(employer))
        for number, bullet in enumerate(item.get("bullets") or []):
            if isinstance(bullet, str):
                source = _bullet_source(bullet, employer, employer_facts)
                bullets.append({"experience": index, "bullet": number, **source})
    return {
        "job_id": job.pk,
        # Half up, as a person rounds (Python's round() would make 82.5 into 82).
        "score": int(100 * found_weight / total_weight + 0.5) if total_weight else 0,
        "matched": matched,
        "missing": missing,
        "bullets": bullets,
        "unsourced_bullets": sum(1 for b in bullets if b["source"] is None),
        "formula": FORMULA,
    }
