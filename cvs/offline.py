"""The offline provider's CV: only facts from the profile, ordered by the job's keywords.

The candidate's headline is their own (the profile's label or current position), never the job
they apply for; skills are only the profile's, those the job asks for first.
"""

from __future__ import annotations

import re

from jobs.parsing import keywords_for
from orchestrator.providers.offline import required_json

from .contact import profile_contact


def sentence_words(sentence: str) -> set[str]:
    return {w for w in re.findall(r"\w+", sentence.casefold()) if len(w) > 2}


def unique_sentences(text: str) -> str:
    """The text with each sentence once (a profile summary often repeats the headline)."""
    kept: list[str] = []
    seen: list[set[str]] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        words = sentence_words(sentence)
        if words and any(len(words & o) >= 0.8 * min(len(words), len(o)) for o in seen):
            continue
        seen.append(words)
        kept.append(sentence)
    return " ".join(kept)


def term_key(term: str) -> str:
    return re.sub(r"[\s.]+", "", term.casefold())


def mentions(text: str, term: str) -> bool:
    pattern = r"(?<![\w+#])" + re.escape(term).replace(r"\ ", r"\s+") + r"(?![\w+#])"
    return re.search(pattern, text, re.I) is not None


def profile_skills(profile: dict) -> list[str]:
    names = []
    for skill in profile.get("skills") or []:
        names += [skill.get("name") or "", *(skill.get("keywords") or [])]
    unique: dict[str, str] = {}
    for name in names:
        if name.strip():
            unique.setdefault(term_key(name), name.strip())
    return list(unique.values())


def skill_groups(profile: dict) -> set[str]:
    # A skill entry with keywords names a group ("Backend", "Data"), a heading rather than a
    # skill, so a job's title word must not match it.
    skills = profile.get("skills") or []
    return {term_key(g["name"]) for g in skills if g.get("name") and g.get("keywords")}


def profile_text(profile: dict) -> str:
    basics = profile.get("basics") or {}
    parts = [basics.get("label") or "", basics.get("summary") or ""]
    for work in profile.get("work") or []:
        parts += [
            work.get("position") or "",
            work.get("summary") or "",
            *(work.get("highlights") or []),
        ]
    return "\n".join(parts)


def job_terms(job: dict) -> list[str]:
    """What the job asks for: its keywords and its skills (each once), or its title's words."""
    terms = [*(job.get("keywords") or []), *(job.get("skills") or [])]
    return list(dict.fromkeys(terms)) or keywords_for(job.get("title") or "", [])


def matched_skills(profile: dict, job: dict) -> list[str]:
    """The job's keywords the profile really has, in the job's order and the profile's words."""
    groups = skill_groups(profile)
    own = {term_key(s): s for s in profile_skills(profile) if term_key(s) not in groups}
    text = profile_text(profile)
    found = []
    for term in job_terms(job):
        if term_key(term) in own:
            found.append(own[term_key(term)])
        elif term in (job.get("skills") or []) and mentions(text, term):
            found.append(term)
    return list(dict.fromkeys(found))


def relevance(text: str, terms: list[str]) -> int:
    return sum(mentions(text, t) for t in terms)


def join_words(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def article(word: str) -> str:
    acronym_vowel = len(word) > 1 and word[1].isupper() and word[0] in "FHLMNRSX"
    return "an" if word[:1].upper() in "AEIOU" or acronym_vowel else "a"


def current_work(profile: dict) -> dict | None:
    work = profile.get("work") or []
    return next((w for w in work if not w.get("endDate")), work[0] if work else None)


def own_title(profile: dict) -> str:
    """The candidate's own headline: what they are (label, or current position), not the job
    they want."""
    current = current_work(profile) or {}
    return (profile.get("basics") or {}).get("label") or current.get("position") or ""


def _summary(profile: dict, skills: list[str]) -> str:
    basics = profile.get("basics") or {}
    current = current_work(profile) or {}
    lead = own_title(profile) or "Professional"
    summary = f"{lead} skilled in {join_words(skills[:4])}." if skills else f"{lead}."
    if basics.get("summary"):
        # Without matching skills the bare headline adds nothing the summary does not say.
        own_summary = basics["summary"].strip()
        summary = f"{summary} {own_summary}" if skills else own_summary
    elif current.get("position") and current.get("name"):
        summary += f" Currently {current['position']} at {current['name']}."
    return unique_sentences(summary)


def _cv_education(profile: dict) -> list[dict]:
    return [
        {
            "institution": e.get("institution") or "",
            "degree": f"{e.get('studyType') or ''} {e.get('area') or ''}".strip(),
            "field": e.get("area") or "",
            "start_date": e.get("startDate") or "",
            "end_date": e.get("endDate") or "",
        }
        for e in profile.get("education") or []
    ]


def _cv_skills(profile: dict, matched: list[str]) -> list[str]:
    """Only skills the profile has; those the job asks for first. A group's name ("Backend",
    "Data") heads a list of skills; it is not one itself."""
    groups = skill_groups(profile)
    own = [s for s in profile_skills(profile) if term_key(s) not in groups]
    first = [s for s in matched if term_key(s) in {term_key(o) for o in own}]
    return first + [s for s in own if s not in first]


def draft_cv(profile: dict, job: dict) -> dict:
    terms = job_terms(job)
    skills = matched_skills(profile, job)
    return {
        "header": {**profile_contact(profile), "headline": own_title(profile)},
        "summary": _summary(profile, skills),
        "experience": [_cv_role(work, terms) for work in profile.get("work") or []],
        "education": _cv_education(profile),
        "skills": _cv_skills(profile, skills),
        "certifications": [c["name"] for c in profile.get("certificates") or [] if c.get("name")],
        "target": {"job_title": job.get("title") or "", "company": job.get("company") or ""},
    }


def _cv_role(work: dict, terms: list[str]) -> dict:
    highlights = list(work.get("highlights") or [])
    # A stable sort keeps the profile's own order among equally relevant highlights.
    bullets = sorted(highlights, key=lambda h: -relevance(h, terms))
    if not bullets and work.get("summary"):
        bullets = [work["summary"]]
    start = work.get("startDate") or ""
    return {
        "employer": work.get("name") or "",
        "title": work.get("position") or "",
        "location": work.get("location") or "",
        "start_date": start,
        "end_date": work.get("endDate") or ("Present" if start else ""),
        "bullets": bullets,
    }


def answer_cv_draft(prompt: str) -> dict:
    """The offline answer of the CV task, from the prompt's <profile> and <job> blocks."""
    return draft_cv(required_json(prompt, "profile"), required_json(prompt, "job"))
