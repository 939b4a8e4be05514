"""What the offline provider's writers share (cvs.offline's CV, letters.offline's letter):
the profile's own skills and the job's terms, which of them the profile really has, and
small pieces of English ("a" or "an", "A, B and C")."""

from __future__ import annotations

import re

from jobs.parsing import keywords_for


def sentence_words(sentence: str) -> set[str]:
    return {w for w in re.findall(r"\w+", sentence.casefold()) if len(w) > 2}


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
