"""How many of a CV's fields an import got right, against fields a person wrote down by hand
(tests/data/cvs/*.json). Used by the test suite and the benchmark.

The fields: name, email, phone; each employer, its title and its start month; each school and
its degree; each skill. Texts match ignoring case, accents' absence and punctuation, and one
may contain the other ("Princeton University" in "Princeton University, Computer Science")."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter


def norm(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9+#]+", " ", text.casefold()).split())


def _same(expected: str, found: str) -> bool:
    a, b = norm(expected), norm(found)
    return bool(a and b) and (a == b or a in b or (len(b) > 3 and b in a))


def fields_score(*, expected: dict, draft: dict) -> Counter:
    """Counter of `<field>` (fields checked) and `<field>_ok` (right) per field kind."""
    score: Counter = Counter()
    _basics_score(score, expected, draft.get("basics") or {})
    _work_score(score, expected.get("work") or [], draft.get("work") or [])
    _schools_score(score, expected.get("education") or [], draft.get("education") or [])
    _skills_score(score, expected.get("skills") or [], draft.get("skills") or [])
    return score


def _check(score: Counter, kind: str, ok: bool) -> None:
    score[kind] += 1
    score[f"{kind}_ok"] += int(ok)


def _basics_score(score: Counter, expected: dict, basics: dict) -> None:
    if expected.get("name"):
        _check(score, "name", norm(expected["name"]) == norm(basics.get("name")))
    if expected.get("email"):
        email = (basics.get("email") or "").casefold()
        _check(score, "email", (expected["email"] or "").casefold() == email)
    if expected.get("phone"):
        digits = re.sub(r"\D", "", expected["phone"])
        found = re.sub(r"\D", "", basics.get("phone") or "")
        _check(score, "phone", bool(digits) and digits == found)


def _work_score(score: Counter, expected: list[dict], work: list[dict]) -> None:
    for item in expected:
        found = next((w for w in work if _same(item["employer"], w.get("name", ""))), None)
        _check(score, "employer", found is not None)
        _check(
            score, "title", found is not None and _same(item["title"], found.get("position", ""))
        )
        if item.get("start"):
            _check(score, "start", found is not None and found.get("startDate") == item["start"])


def _schools_score(score: Counter, expected: list[dict], schools: list[dict]) -> None:
    for item in expected:
        found = next(
            (s for s in schools if _same(item["institution"], s.get("institution", ""))), None
        )
        _check(score, "school", found is not None)
        if item.get("degree"):
            found = found or {}
            degree = " ".join(filter(None, (found.get("studyType"), found.get("area"))))
            _check(score, "degree", bool(found) and _same(item["degree"], degree))


def _skills_score(score: Counter, expected: list[str], skills: list[dict]) -> None:
    words = [
        word
        for skill in skills
        for word in (skill.get("name"), *(skill.get("keywords") or []))
        if word
    ]
    for skill in expected:
        _check(score, "skill", any(norm(skill) == norm(word) for word in words))


def accuracy(score: Counter) -> float:
    total = sum(v for k, v in score.items() if not k.endswith("_ok"))
    right = sum(v for k, v in score.items() if k.endswith("_ok"))
    return right / total if total else 1.0
