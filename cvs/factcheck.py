"""Is every claim of a CV draft backed by the master profile?

Whatever wrote the draft, a CV must say only what is true of the candidate. Every employer,
school, degree, job title, date range, skill, certification and figure in a draft is read
against the profile (cvs.claims holds the index and the paraphrase rules):

- employer, school: the profile has it (case, accents and "Ltd"/"Inc" aside);
- degree: the profile's degree at that school, in any usual spelling ("B.Sc." is "BSc");
- job title: the profile's position at that employer (Sr/Senior, Back-end/Backend);
- date range: the profile's dates for that entry ("Mar 2021" is "2021-03", "Present" an open
  end, a year alone any month of it);
- skill (in the skills list, or a named technology in a bullet, the summary or the headline):
  a profile skill, or named in the profile's own text;
- certification: the words of one of the profile's certificates (its name and issuer);
- figure: in a bullet, the profile fact of that employer it came from has it ("four" is 4);
  in the summary, the profile has it somewhere.

`cv_fact_check` returns the draft with each unbacked claim removed (an entry, a skill, a
bullet or a sentence; an unbacked title or date range is put back to the profile's) and the
list of what was removed and why. A user's own edit is never changed: `cv_fact_problems`
names what it claims beyond the profile, and the edit keeps it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from documents.wording import fold, numbers, words
from jobs.parsing import find_skills

from .claims import (
    ProfileIndex,
    employer_key,
    profile_index,
    same_date,
    show_number,
    stems,
    title_key,
)

# Spelled-out degrees and their usual abbreviations, already normalised (see _norm).
_DEGREES = {
    "bachelor of science": "bsc",
    "bachelor of arts": "ba",
    "bachelor of engineering": "beng",
    "bachelor of technology": "btech",
    "bachelor of commerce": "bcom",
    "bachelor of business administration": "bba",
    "bachelor of laws": "llb",
    "bachelor of education": "bed",
    "bachelor of fine arts": "bfa",
    "master of science": "msc",
    "master of arts": "ma",
    "master of engineering": "meng",
    "master of business administration": "mba",
    "master of laws": "llm",
    "master of philosophy": "mphil",
    "master of education": "med",
    "doctor of philosophy": "phd",
    "doctor of medicine": "md",
    "associate of arts": "aa",
    "associate of science": "as",
    "bachelors": "bachelor",
    "masters": "master",
    "bs": "bsc",
    "ms": "msc",
    "sb": "bsc",
}
# Words that may come and go between a degree and its field without changing what it says.
_FILLER = {"in", "of", "the", "and", "degree", "hons", "honours", "honors", "with"}
# Named technologies that are also everyday words in a sentence ("the rest of the team",
# "security reviews"): in prose they are not read as skill claims; in the skills list they are.
PROSE_NOT_SKILLS = frozenset(
    "rest security research testing sales networking communication leadership teamwork "
    "mentoring problem solving statistics accounting budgeting negotiation recruitment "
    "customer service social media agile ui design ux git".split()
) | {"problem solving", "customer service", "social media", "ui design"}
# A bullet's figures come from the fact that shares at least this part of its words.
FACT_MIN_SHARE = 1 / 3
# What a regeneration is asked for: the claims that make a whole entry untrue. The rest are
# removed from the answer without another paid call.
RETRY_KINDS = frozenset({"employer", "institution", "degree"})
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Unbacked:
    kind: str  # employer, institution, degree, title, dates, skill, certification, figure, ...
    text: str  # the claim as the draft has it
    problem: str  # one sentence a user can act on


@dataclass
class FactCheck:
    cv: dict
    unbacked: list[Unbacked] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """What was removed from the draft, and why."""
        return [f"Removed: {u.problem}" for u in self.unbacked]


# --- Degrees -------------------------------------------------------------------------------


def _norm(text: str) -> str:
    text = fold(text)
    text = re.sub(r"(?<=\w)['’]s\b", "s", text)
    text = text.replace("&", " and ").replace(".", "")  # "B.Sc." -> "bsc"
    return " ".join(re.sub(r"[^\w+#]+", " ", text).split())


def _degree_key(text: str) -> tuple[str, ...]:
    text = f" {_norm(text)} "
    for long, short in sorted(_DEGREES.items(), key=lambda item: -len(item[0])):
        text = text.replace(f" {long} ", f" {short} ")
    return tuple(sorted(w for w in text.split() if w not in _FILLER))


def _degree_matches(degree: str, area_claimed: str, entry: dict) -> bool:
    study, area = entry.get("studyType") or "", entry.get("area") or ""
    claimed = _degree_key(degree)
    if not claimed:
        return True  # no degree claimed, nothing to contradict
    if claimed == _degree_key(f"{study} {area}"):
        return True
    # "BSc" with field "Computer Science" (or no field) says the same as the profile.
    if claimed == _degree_key(study) and (
        not area_claimed or _degree_key(area_claimed) == _degree_key(area)
    ):
        return True
    return not study and claimed == _degree_key(area)


def _profile_degree(entry: dict) -> str:
    return " ".join(p for p in (entry.get("studyType"), entry.get("area")) if p) or "no degree"


# --- Each kind of claim --------------------------------------------------------------------


def _prose_skills(text: str, index: ProfileIndex) -> list[str]:
    """Named technologies in a sentence that the profile does not back."""
    return [
        s for s in find_skills(text) if fold(s) not in PROSE_NOT_SKILLS and not index.backs_skill(s)
    ]


def _bullet_problem(bullet: str, employer: str, facts: list[dict], index: ProfileIndex) -> str:
    invented = _prose_skills(bullet, index)
    if invented:
        return f'Skill "{invented[0]}" in "{bullet}" is not in your profile.'
    figures = numbers(bullet)
    if not figures:
        return ""
    mine = stems(bullet)
    for fact in facts:
        shared = len(mine & fact["stems"]) / len(mine) if mine else 1.0
        if shared >= FACT_MIN_SHARE and figures <= fact["numbers"]:
            return ""
    shown = ", ".join(show_number(n) for n in sorted(figures))
    return (
        f'Figures ({shown}) in "{bullet}" are not in the fact of your profile at {employer} '
        "it came from."
    )


def _matching_work(item: dict, works: list[dict]) -> dict:
    """The profile entry a CV entry stands for: same title if there is one, else the first."""
    wanted = title_key(item.get("title") or "")
    return next((w for w in works if title_key(w.get("position") or "") == wanted), works[0])


def _check_title(item: dict, works: list[dict], found: list[Unbacked]) -> None:
    claimed = item.get("title") or ""
    positions = [w.get("position") or "" for w in works]
    if not claimed or title_key(claimed) in {title_key(p) for p in positions}:
        return
    employer = item.get("employer") or ""
    found.append(
        Unbacked(
            "title",
            claimed,
            f'Title "{claimed}" at {employer} is not in your profile '
            f"(your profile has: {'; '.join(p for p in positions if p) or 'no title'}).",
        )
    )
    item["title"] = positions[0]


def _dates_backed(item: dict, entry: dict, start_key: str, end_key: str) -> bool:
    return same_date(item.get("start_date") or "", entry.get(start_key) or "") and same_date(
        item.get("end_date") or "", entry.get(end_key) or ""
    )


def _dates_text(start: str, end: str) -> str:
    return f"{start or '?'} – {end or 'present'}"


def _check_dates(item: dict, entries: list[dict], keys: tuple[str, str], where: str) -> list:
    """[Unbacked] when the entry's date range is not one of the profile's; the range is then
    put back to the profile's own."""
    if any(_dates_backed(item, e, *keys) for e in entries):
        return []
    claimed = _dates_text(item.get("start_date") or "", item.get("end_date") or "")
    entry = entries[0]
    actual = _dates_text(entry.get(keys[0]) or "", entry.get(keys[1]) or "")
    item["start_date"] = entry.get(keys[0]) or ""
    item["end_date"] = entry.get(keys[1]) or ("Present" if entry.get(keys[0]) else "")
    return [
        Unbacked(
            "dates",
            claimed,
            f'Dates "{claimed}" at {where} are not in your profile (your profile has: {actual}).',
        )
    ]


def _check_bullets(item: dict, index: ProfileIndex, found: list[Unbacked]) -> None:
    employer = item.get("employer") or ""
    facts = index.facts_of(employer_key(employer))
    kept = []
    for bullet in item.get("bullets") or []:
        problem = _bullet_problem(bullet, employer, facts, index) if isinstance(bullet, str) else ""
        if problem:
            found.append(Unbacked("bullet", bullet, problem))
        else:
            kept.append(bullet)
    item["bullets"] = kept


def _check_experience(cv: dict, index: ProfileIndex, found: list[Unbacked]) -> None:
    kept = []
    for item in cv.get("experience") or []:
        employer = item.get("employer") or ""
        works = index.work.get(employer_key(employer))
        if not works:
            found.append(
                Unbacked("employer", employer, f'Employer "{employer}" is not in your profile.')
            )
            continue
        work = _matching_work(item, works)
        _check_title(item, works, found)
        found += _check_dates(item, [work, *works], ("startDate", "endDate"), employer)
        _check_bullets(item, index, found)
        kept.append(item)
    cv["experience"] = kept


def _check_degree(item: dict, entries: list[dict], found: list[Unbacked]) -> None:
    degree, area = item.get("degree") or "", item.get("field") or ""
    if any(_degree_matches(degree, area, entry) for entry in entries):
        return
    institution = item.get("institution") or ""
    known = "; ".join(_profile_degree(e) for e in entries)
    found.append(
        Unbacked(
            "degree",
            degree,
            f'Degree "{degree}" at {institution} is not in your profile '
            f"(your profile has: {known}).",
        )
    )
    truth = entries[0]
    item["degree"] = " ".join(p for p in (truth.get("studyType"), truth.get("area")) if p)
    item["field"] = truth.get("area") or ""


def _check_education(cv: dict, profile: dict, found: list[Unbacked]) -> None:
    schools: dict[str, list[dict]] = {}
    for entry in profile.get("education") or []:
        schools.setdefault(employer_key(entry.get("institution") or ""), []).append(entry)
    kept = []
    for item in cv.get("education") or []:
        institution = item.get("institution") or ""
        entries = schools.get(employer_key(institution))
        if not entries:
            found.append(
                Unbacked(
                    "institution",
                    institution,
                    f'Institution "{institution}" is not in your profile.',
                )
            )
            continue
        _check_degree(item, entries, found)
        if item.get("start_date") or item.get("end_date"):
            found += _check_dates(item, entries, ("startDate", "endDate"), institution)
        kept.append(item)
    cv["education"] = kept


def _skill_parts(skill: str) -> list[str]:
    # "Python (Django, Flask)" claims three skills.
    return [p.strip() for p in re.split(r"[,;()]|\band\b", skill) if p.strip()]


def _check_skills(cv: dict, index: ProfileIndex, found: list[Unbacked]) -> None:
    kept = []
    for skill in cv.get("skills") or []:
        parts = _skill_parts(skill) if isinstance(skill, str) else []
        unbacked = [p for p in parts if not index.backs_skill(p)]
        if unbacked:
            found.append(Unbacked("skill", skill, f'Skill "{skill}" is not in your profile.'))
        else:
            kept.append(skill)
    cv["skills"] = kept


def _certificate_backed(name: str, index: ProfileIndex) -> bool:
    claimed = {w for w in words(name) if w not in {"and", "of", "the", "in"}}
    return bool(claimed) and any(claimed <= cert for cert in index.certificates)


def _check_certifications(cv: dict, index: ProfileIndex, found: list[Unbacked]) -> None:
    kept = []
    for cert in cv.get("certifications") or []:
        if isinstance(cert, str) and _certificate_backed(cert, index):
            kept.append(cert)
        else:
            found.append(
                Unbacked(
                    "certification", str(cert), f'Certification "{cert}" is not in your profile.'
                )
            )
    cv["certifications"] = kept


def _sentence_problem(sentence: str, index: ProfileIndex) -> str:
    invented = _prose_skills(sentence, index)
    if invented:
        return f'Skill "{invented[0]}" in "{sentence}" is not in your profile.'
    extra = numbers(sentence) - index.all_numbers
    if extra:
        shown = ", ".join(show_number(n) for n in sorted(extra))
        return f'Figures ({shown}) in "{sentence}" are not in your profile.'
    return ""


def _check_summary(cv: dict, index: ProfileIndex, found: list[Unbacked]) -> None:
    summary = cv.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        return
    kept = []
    for sentence in _SENTENCE.split(summary.strip()):
        problem = _sentence_problem(sentence, index)
        if problem:
            found.append(Unbacked("summary", sentence, problem))
        else:
            kept.append(sentence)
    cv["summary"] = " ".join(kept)


def headline_backed(headline: str, index: ProfileIndex) -> bool:
    """Every word of the headline is a word of the profile's label, positions or skills:
    "Senior Backend Engineer | Python" passes for a Senior Software Engineer with a Backend
    label and Python; "Staff Engineer" does not."""
    claimed = {w for w in title_key(headline) if w not in {"and", "of", "the", "in", "at"}}
    return claimed <= index.vocabulary


def _check_headline(cv: dict, profile: dict, index: ProfileIndex, found: list[Unbacked]) -> None:
    header = cv.get("header")
    if not isinstance(header, dict):
        return
    headline = header.get("headline") or ""
    if not headline or headline_backed(headline, index):
        return
    found.append(Unbacked("headline", headline, f'Headline "{headline}" is not in your profile.'))
    header["headline"] = own_headline(profile)


def own_headline(profile: dict) -> str:
    """The candidate's own headline: their label, or their current position."""
    basics = profile.get("basics") or {}
    work = profile.get("work") or []
    current = next((w for w in work if not w.get("endDate")), work[0] if work else {})
    return basics.get("label") or current.get("position") or ""


# --- The check -----------------------------------------------------------------------------


def cv_fact_check(cv: dict, profile: dict) -> FactCheck:
    """The draft with every claim the profile does not back removed, and what was removed."""
    index = profile_index(profile)
    checked = copy.deepcopy(cv) if isinstance(cv, dict) else {}
    found: list[Unbacked] = []
    _check_headline(checked, profile, index, found)
    _check_summary(checked, index, found)
    _check_experience(checked, index, found)
    _check_education(checked, profile, found)
    _check_skills(checked, index, found)
    _check_certifications(checked, index, found)
    return FactCheck(cv=checked, unbacked=found)


def cv_fact_problems(cv: dict, profile: dict) -> list[str]:
    """One sentence per claim of the CV that the profile does not back."""
    return [u.problem for u in cv_fact_check(cv, profile).unbacked]


def cv_retry_problems(cv: dict, profile: dict) -> list[str]:
    """The problems worth a regeneration: an invented employer, school or degree."""
    return [u.problem for u in cv_fact_check(cv, profile).unbacked if u.kind in RETRY_KINDS]


def cv_user_edit_notes(cv: dict, profile: dict) -> list[str]:
    """A user's edit is theirs: what it claims beyond the profile is kept, and marked."""
    return [f"Added by you: {problem}" for problem in cv_fact_problems(cv, profile)]
