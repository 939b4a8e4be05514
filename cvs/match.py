"""How well a CV matches a job, counting only what the profile backs, and which profile fact
each CV bullet came from.

Deterministic and local (no AI call), so the same CV, job and profile always give the same
report; its cost grows linearly with the CV, the job and the profile.

The score: every skill and keyword the job lists is a term with a weight:

- required (weight 2): a skill in the job's `skills`, unless the job's requirements mention it
  only in lines that say it is optional ("nice to have", "preferred", "a plus", "bonus",
  "desirable", "ideally");
- preferred (weight 1): such an optional skill;
- keyword (weight 1): a term in the job's `keywords` that is not one of its skills.

Generic words ("Data", "Engineer", "Communication", GENERIC_TERMS) are not terms.

    score = round(100 × (sum of the weights of the matched terms)
                       / (sum of the weights of all the terms))

and 0 when the job lists no terms. A term is matched when the CV names it (headline, summary,
experience, education, skills or certifications) **and** the profile backs it (a profile
skill, or named in the profile's own text, as the fact check reads skills), and the report
names the fact that backs it. A term the CV names without the profile's backing counts
nothing: it is listed under `unbacked`. Spelling follows the fact check's paraphrase rules
(cvs.claims: "Postgres" is "PostgreSQL", "CI CD" is "CI/CD").

Bullet sources: each bullet of an experience entry is compared with the highlights and the
summary of the profile's entries for the same employer. The fact is the one that shares the
largest part of the bullet's content words (compared on their first four letters, so
"serving" meets "serves"); at least half of them must be shared, otherwise the bullet gets a
warning that no profile fact backs it. A bullet with a figure its fact does not have (a
number, "35%") gets a warning too.
"""

from __future__ import annotations

from typing import Any

from documents.wording import fold, numbers, skill_key, words

from .claims import (
    ProfileIndex,
    employer_key,
    grams,
    profile_index,
    show_number,
    stems,
)

REQUIRED, PREFERRED, KEYWORD = "required", "preferred", "keyword"
WEIGHTS = {REQUIRED: 2, PREFERRED: 1, KEYWORD: 1}
# A bullet is backed by a fact that has at least this share of its content words.
SOURCE_MIN_SHARE = 0.5
FORMULA = (
    "score = round(100 × matched weight / total weight); a term is matched when the CV names "
    "it and the profile backs it; required skills weigh 2, preferred skills and other "
    "keywords 1; generic words are not terms; 0 when the job lists no terms."
)
# Words every posting and CV has: they say nothing about fit, and anyone can write them.
GENERIC_TERMS = frozenset(
    skill_key(t)
    for t in (
        "data engineer engineering developer development software communication "
        "communications team teamwork experience skills skill work business management "
        "manager leadership collaboration problem solving analysis analytical design support "
        "product project senior junior lead technology technical english written verbal "
        "customer motivated passion passionate detail oriented remote hybrid office".split()
        + ["problem solving", "attention to detail", "team player", "self starter"]
    )
)
_OPTIONAL_WORDS = (
    "nice to have",
    "nice-to-have",
    "preferred",
    "preferably",
    "a plus",
    "bonus",
    "desirable",
    "ideally",
    "advantageous",
    "optional",
)


def _is_optional(line: str) -> bool:
    lowered = " ".join(fold(line).split())
    return any(word in lowered for word in _OPTIONAL_WORDS)


def is_generic(term: str) -> bool:
    return skill_key(term) in GENERIC_TERMS


def job_terms(job: Any) -> list[dict[str, Any]]:
    """The job's skills and keywords, each once, with its kind and weight; generic words
    left out."""
    optional, other = set(), set()
    for line in job.requirements or []:
        (optional if _is_optional(line) else other).update(grams(line))
    terms: dict[str, dict[str, Any]] = {}
    for listed_as, names in ((REQUIRED, job.skills or []), (KEYWORD, job.keywords or [])):
        for name in names:
            key = skill_key(name)
            if not key or key in terms or key in GENERIC_TERMS:
                continue
            kind = listed_as
            if kind == REQUIRED and key in optional and key not in other:
                kind = PREFERRED
            terms[key] = {"term": name.strip(), "kind": kind, "weight": WEIGHTS[kind]}
    return list(terms.values())


def _dicts(items: object) -> list[dict]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _strings(items: object) -> list[str]:
    return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []


def _cv_sections(cv: dict) -> dict[str, set[str]]:
    """The keys of every run of 1-3 words of each CV section."""
    experience, education = _dicts(cv.get("experience")), _dicts(cv.get("education"))
    header = cv.get("header") if isinstance(cv.get("header"), dict) else {}
    texts = {
        "headline": _strings([header.get("headline")]),
        "summary": _strings([cv.get("summary")]),
        "experience": _strings([e.get("title") for e in experience])
        + [b for e in experience for b in _strings(e.get("bullets"))],
        "education": [f"{e.get('degree') or ''} {e.get('field') or ''}" for e in education],
        "skills": _strings(cv.get("skills")),
        "certifications": _strings(cv.get("certifications")),
    }
    return {name: set().union(*map(grams, parts)) for name, parts in texts.items()}


def _fact_index(facts: list[dict]) -> dict[str, list[int]]:
    """stem -> the facts that have it, so a bullet meets only the facts it shares words with."""
    postings: dict[str, list[int]] = {}
    for number, fact in enumerate(facts):
        for stem in fact["stems"]:
            postings.setdefault(stem, []).append(number)
    return postings


# The facts a bullet is compared with in full: those sharing its rarest words, at most this
# many, so a bullet never meets every fact of a long profile (its words are common to all).
MAX_CANDIDATES = 64


def _best_fact(bullet_stems: set[str], facts: list[dict], postings: dict) -> tuple[dict, float]:
    if len(facts) <= MAX_CANDIDATES:  # every fact sharing a word is a candidate: no lookup
        shared_by = [len(bullet_stems & fact["stems"]) for fact in facts]
        most = max(shared_by, default=0)
        if not most:
            return {}, 0.0
        return facts[shared_by.index(most)], most / len(bullet_stems)
    candidates: dict[int, None] = {}
    for stem in sorted(bullet_stems, key=lambda s: (len(postings.get(s, ())), s)):
        for number in postings.get(stem, ()):
            candidates.setdefault(number)
            if len(candidates) >= MAX_CANDIDATES:
                break
        if len(candidates) >= MAX_CANDIDATES:
            break
    if not candidates:
        return {}, 0.0
    shared = {n: len(bullet_stems & facts[n]["stems"]) for n in candidates}
    number = min(shared, key=lambda n: (-shared[n], n))
    return facts[number], shared[number] / len(bullet_stems)


def _bullet_source(bullet: str, employer: str, facts: list[dict] | None, postings: dict) -> dict:
    entry: dict[str, Any] = {"text": bullet, "source": None, "warning": ""}
    if facts is None:
        entry["warning"] = f'Employer "{employer}" is not in your profile, so nothing backs this.'
        return entry
    best, share = _best_fact(stems(bullet), facts, postings)
    if not best or share < SOURCE_MIN_SHARE:
        entry["warning"] = f"No fact in your profile for {employer} backs this bullet."
        return entry
    entry["source"] = {k: best[k] for k in ("employer", "field", "highlight")}
    extra = sorted(numbers(bullet) - best["numbers"])
    if extra:
        entry["warning"] = (
            f"Figures not in the profile fact: {', '.join(show_number(n) for n in extra)}."
        )
    return entry


def _bullet_report(cv: dict, index: ProfileIndex) -> list[dict]:
    postings: dict[str, dict] = {}  # for the CV's own employers with many facts only
    bullets = []
    for number, item in enumerate(cv.get("experience") or []):
        if not isinstance(item, dict):
            continue
        employer = item.get("employer") or ""
        key = employer_key(employer)
        facts = index.facts_of(key) if key in index.work else None
        if facts is not None and len(facts) > MAX_CANDIDATES and key not in postings:
            postings[key] = _fact_index(facts)
        for place, bullet in enumerate(item.get("bullets") or []):
            if isinstance(bullet, str):
                source = _bullet_source(bullet, employer, facts, postings.get(key, {}))
                bullets.append({"experience": number, "bullet": place, **source})
    return bullets


def _term_in(term: str, sections: dict[str, set[str]]) -> list[str]:
    key = skill_key(term)
    if len(words(term)) > 3:  # longer than the runs the sections keep: every word must be in
        parts = [skill_key(w) for w in words(term)]
        return [name for name, keys in sections.items() if all(p in keys for p in parts)]
    return [name for name, keys in sections.items() if key in keys]


def cv_match(*, cv: dict, job: Any, profile: dict) -> dict[str, Any]:
    """The match report of a CV's content against a job, counting only what the profile backs,
    with each bullet's profile source."""
    index = profile_index(profile)
    sections = _cv_sections(cv)
    matched, missing, unbacked = [], [], []
    found_weight = total_weight = 0
    for term in job_terms(job):
        total_weight += term["weight"]
        found_in = _term_in(term["term"], sections)
        backing = index.backing(term["term"])
        if found_in and backing:
            found_weight += term["weight"]
            matched.append({**term, "found_in": found_in, "backed_by": backing})
        elif found_in:
            unbacked.append({**term, "found_in": found_in})
        else:
            missing.append({**term, "backed_by": backing})
    bullets = _bullet_report(cv, index)
    return {
        "job_id": job.pk,
        # Half up, as a person rounds (Python's round() would make 82.5 into 82).
        "score": int(100 * found_weight / total_weight + 0.5) if total_weight else 0,
        "matched": matched,
        "missing": missing,
        "unbacked": unbacked,
        "bullets": bullets,
        "unsourced_bullets": sum(1 for b in bullets if b["source"] is None),
        "formula": FORMULA,
    }
