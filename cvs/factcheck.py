"""Does a CV draft claim employers, schools or degrees that the master profile does not have?

Whatever wrote the draft, an invented employer or degree is the one mistake a CV must never
carry, so every draft is checked against the profile before a user sees it.
"""

from __future__ import annotations

import re
import unicodedata

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
_COMPANY_SUFFIX = re.compile(
    r"\s+(?:inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|bv|corp|corporation|co|company)$"
)


def _norm(text: str) -> str:
    # "Lycée" and "Lycee" are the same school to anyone reading a CV.
    text = unicodedata.normalize("NFKD", (text or "").casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=\w)['’]s\b", "s", text)
    text = text.replace("&", " and ")
    text = text.replace(".", "")  # "B.Sc." -> "bsc", "M.B.A." -> "mba"
    return " ".join(re.sub(r"[^\w+#]+", " ", text).split())


def _employer_key(name: str) -> str:
    return _COMPANY_SUFFIX.sub("", _norm(name))


def _degree_key(text: str) -> tuple[str, ...]:
    text = f" {_norm(text)} "
    for long, short in sorted(_DEGREES.items(), key=lambda item: -len(item[0])):
        text = text.replace(f" {long} ", f" {short} ")
    return tuple(sorted(w for w in text.split() if w not in _FILLER))


def _degree_matches(degree: str, field: str, entry: dict) -> bool:
    study, area = entry.get("studyType") or "", entry.get("area") or ""
    claimed = _degree_key(degree)
    if not claimed:
        return True  # no degree claimed, nothing to contradict
    if claimed == _degree_key(f"{study} {area}"):
        return True
    # "BSc" with field "Computer Science" (or no field) says the same as the profile.
    if claimed == _degree_key(study) and (not field or _degree_key(field) == _degree_key(area)):
        return True
    return not study and claimed == _degree_key(area)


def cv_fact_problems(cv: dict, profile: dict) -> list[str]:
    """One sentence per employer, institution or degree in the CV that the profile lacks."""
    problems = []
    employers = {_employer_key(w.get("name") or "") for w in profile.get("work") or []}
    for item in cv.get("experience") or []:
        employer = item.get("employer") or ""
        if _employer_key(employer) not in employers:
            problems.append(f'Employer "{employer}" is not in your profile.')

    schools = profile.get("education") or []
    for item in cv.get("education") or []:
        institution = item.get("institution") or ""
        entries = [
            e
            for e in schools
            if _employer_key(e.get("institution") or "") == _employer_key(institution)
        ]
        if not entries:
            problems.append(f'Institution "{institution}" is not in your profile.')
            continue
        degree, field = item.get("degree") or "", item.get("field") or ""
        if not any(_degree_matches(degree, field, entry) for entry in entries):
            known = "; ".join(
                " ".join(p for p in (e.get("studyType"), e.get("area")) if p) or "no degree"
                for e in entries
            )
            problems.append(
                f'Degree "{degree}" at {institution} is not in your profile '
                f"(your profile has: {known})."
            )
    return problems
