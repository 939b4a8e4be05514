"""The offline provider's CV: only facts from the profile, ordered by the job's keywords.

The candidate's headline is their own (the profile's label or current position), never the job
they apply for; skills are only the profile's, those the job asks for first.
"""

from __future__ import annotations

import re

from documents.offline import (
    current_work,
    job_terms,
    join_words,
    matched_skills,
    profile_skills,
    relevance,
    sentence_words,
    skill_groups,
    term_key,
)
from documents.selectors import profile_contact
from orchestrator.providers.offline import required_json


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
