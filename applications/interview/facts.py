"""The profile as a numbered list of facts an interview answer can stand on.

The AI is shown these facts, never the profile's personal details (name, email, phone,
addresses, links), and cites them by id; so every source it gives can be checked exactly, and
an outline that cites nothing, or a number no cited fact has, is caught (applications.interview
.check).
"""

from __future__ import annotations

import re
from typing import Any

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _role(item: dict) -> str:
    position, employer = _text(item.get("position")), _text(item.get("name"))
    return " at ".join(p for p in (position, employer) if p)


def _work_facts(profile: dict) -> list[tuple[str, str]]:
    facts = []
    for item in profile.get("work") or []:
        if not isinstance(item, dict):
            continue
        role = _role(item)
        for text in (item.get("summary"), *(item.get("highlights") or [])):
            if _text(text):
                facts.append((_text(text), role))
    return facts


def _other_facts(profile: dict) -> list[tuple[str, str]]:
    return [
        *_project_facts(profile),
        *_education_facts(profile),
        *_certificate_facts(profile),
        *_skill_facts(profile),
    ]


def _entries(profile: dict, section: str) -> list[dict]:
    """A section's entries; anything in it that is not an entry is left out."""
    return [item for item in profile.get(section) or [] if isinstance(item, dict)]


def _project_facts(profile: dict) -> list[tuple[str, str]]:
    facts = []
    for item in _entries(profile, "projects"):
        for text in (item.get("description"), *(item.get("highlights") or [])):
            if _text(text):
                facts.append((_text(text), f"project {_text(item.get('name'))}".strip()))
    return facts


def _education_facts(profile: dict) -> list[tuple[str, str]]:
    facts = []
    for item in _entries(profile, "education"):
        degree = " ".join(p for p in (_text(item.get("studyType")), _text(item.get("area"))) if p)
        text = ", ".join(p for p in (degree, _text(item.get("institution"))) if p)
        if text:
            facts.append((text, "education"))
    return facts


def _certificate_facts(profile: dict) -> list[tuple[str, str]]:
    names = (_text(item.get("name")) for item in _entries(profile, "certificates"))
    return [(name, "certificate") for name in names if name]


def _skill_facts(profile: dict) -> list[tuple[str, str]]:
    facts = []
    for item in _entries(profile, "skills"):
        if _text(item.get("name")):
            keywords = [_text(k) for k in item.get("keywords") or [] if _text(k)]
            text = _text(item["name"]) + (": " + ", ".join(keywords) if keywords else "")
            facts.append((text, "skills"))
    return facts


def profile_facts(profile: dict) -> list[dict[str, str]]:
    """[{"id": "F1", "text": …, "context": …}, …]: the profile's summary, work, projects,
    education, certificates and skills, in that order. Ids are stable for one profile."""
    facts = []
    summary = _text((profile.get("basics") or {}).get("summary"))
    if summary:
        facts.append((summary, "summary"))
    facts += _work_facts(profile) + _other_facts(profile)
    return [
        {"id": f"F{i}", "text": text, "context": context}
        for i, (text, context) in enumerate(facts, start=1)
    ]


def numbers_in(text: str) -> set[str]:
    return {n.replace(",", ".") for n in _NUMBER.findall(text or "")}
