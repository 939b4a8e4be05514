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
    basics = draft.get("basics") or {}

    def check(kind: str, ok: bool) -> None:
        score[kind] += 1
        score[f"{kind}_ok"] += int(ok)

    if expected.get("name"):
        check("name", norm(expected["name"]) == norm(basics.get("name")))
    if expected.get("email"):
        check(
            "email", (expected["email"] or "").casefold() == (basics.get("email") or "").casefold()
        )
    if expected.get("phone"):
        digits = re.sub(r"\D", "", expected["phone"])
        check("phone", bool(digits) and digits == re.sub(r"\D", "", basics.get("phone") or ""))
    work = draft.get("work") or []
    for item in expected.get("work") or []:
        found = next((w for w in work if _same(item["employer"], w.get("name", ""))), None)
        check("employer", found is not None)
        check("title", found is not None and _same(item["title"], found.get("position", "")))
        if item.get("start"):
            check("start", found is not None and found.get("startDate") == item["start"])
    schools = draft.get("education") or []
    for item in expected.get("education") or []:
        found = next(
            (s for s in schools if _same(item["institution"], s.get("institution", ""))), None
        )
        check("school", found is not None)
        if item.get("degree"):
            degree = " ".join(
                filter(None, ((found or {}).get("studyType"), (found or {}).get("area")))
            )
            check("degree", found is not None and _same(item["degree"], degree))
    skills = [
        word
        for skill in draft.get("skills") or []
        for word in (skill.get("name"), *(skill.get("keywords") or []))
        if word
    ]
    for skill in expected.get("skills") or []:
        check("skill", any(norm(skill) == norm(word) for word in skills))
    return score


def accuracy(score: Counter) -> float:
    total = sum(v for k, v in score.items() if not k.endswith("_ok"))
    right = sum(v for k, v in score.items() if k.endswith("_ok"))
    return right / total if total else 1.0
