"""Words for how and on what terms a job is done: work mode (remote, hybrid, on-site) and
employment type (full-time, part-time, contract, internship, temporary), in the languages the
offline extraction reads.
"""

from __future__ import annotations

import re

MODES = {
    "Remote": r"(?:fully |100% )?remote(?:[- ]first)?",
    "Hybrid": r"hybrid",
    "On-site": r"on[- ]?site|in[- ]office|on[- ]premises?",
}
# A word on its own (a header fragment, a label's value) says the type; in running text only
# the unambiguous ones do ("contract" is also "contract negotiations", "stage" a stage).
TYPES = {
    "Full-time": r"full[- _]?time|vollzeit|voltijds?|temps plein|tiempo completo|"
    r"jornada completa|tempo pieno|tempo integral|permanent|festanstellung|unbefristet|CDI|"
    r"全职|正社員",
    "Part-time": r"part[- _]?time|teilzeit|deeltijds?|temps partiel|tiempo parcial|"
    r"medio tiempo|minijob|兼职|パート",
    "Contract": r"contract(?:or)?|freelance|fixed[- ]term|befristet|CDD",
    "Internship": r"internship|intern|praktikum|stage",
    "Temporary": r"temporary|temp|interim|aushilfe",
}
_IN_TEXT = {
    "Full-time": r"\bfull[- ]time\b|\bpermanent\b|vollzeit|voltijds|temps plein|tiempo completo|"
    r"jornada completa|tempo pieno|tempo integral|全职|正社員",
    "Part-time": r"\bpart[- ]time\b|teilzeit|deeltijds|temps partiel|tiempo parcial|"
    r"medio tiempo|兼职|パート",
    "Contract": r"\bcontractor\b|\bfreelance\b|\bfixed[- ]term\b|\bcontract\s+(?:role|position|"
    r"basis)\b|\(contract\)|\b\d+(?:\s*[–-]\s*\d+)?[- ]month contract\b|\bbefristet",
    "Internship": r"\binternship\b|\bpraktikum\b",
    "Temporary": r"\btemporary\b",
}
# "Permanent" says how long, not how many hours: a "permanent, part-time role" is part-time.
_PERMANENT = r"\bpermanent\b|festanstellung|unbefristet"
# How far into a posting its own header and first lines reach.
HEAD_CHARS = 600


def mode_of(text: str) -> str:
    """ "Hybrid" for "(Hybrid)", "On-site" for "onsite"; "" unless the text is just a mode."""
    bare = text.strip(" ()[]").lower()
    return next((mode for mode, rx in MODES.items() if re.fullmatch(rx, bare)), "")


def mode_in(text: str) -> str:
    """The mode a place or label value starts or ends with: "Remote (Argentina)",
    "Dublin, Ireland (Hybrid)", "Berlin · Hybrid"."""
    for mode, rx in MODES.items():
        if re.search(rf"^(?:{rx})\b|[(·•|,]\s*(?:{rx})\s*\)?$", text.strip(), re.I):
            return mode
    return ""


def with_mode(place: str, mode: str) -> str:
    """ "Dublin, Ireland (Hybrid)": the place with its work mode; either alone if the other is
    unknown."""
    if place and mode:
        return f"{place} ({mode})"
    return place or mode


def type_of(text: str, *, at_start: bool = False) -> str:
    """The employment type the text is, or with `at_start` begins with ("Full-time (> 32
    hours)")."""
    bare = text.strip(" ()[]")
    for label, rx in TYPES.items():
        if re.fullmatch(rx, bare, re.I) or (at_start and re.match(rf"(?:{rx})\b", bare, re.I)):
            return label
    return ""


def mode_in_text(text: str) -> str:
    """Remote or hybrid as the first part of a posting states it ("hybrid cloud" is not)."""
    head = text[:2000]
    hybrid = r"\bhybrid\b(?!\s+(?:cloud|apps?|mobile|cars?|vehicles?|engines?)\b)"
    if re.search(hybrid, head, re.I) and not re.search(r"\bfully remote\b", head, re.I):
        return "Hybrid"
    pattern = r"\b(?:fully remote|remote[- ]first|100% remote|remote (?:job|role|position))\b"
    return "Remote" if re.search(pattern, head, re.I) else ""


def type_in_text(text: str) -> str:
    """The employment type the posting's first lines name first, else any the text names."""
    head = re.sub(_PERMANENT, "", text[:HEAD_CHARS], flags=re.I)
    found = [
        (match.start(), label)
        for label, rx in _IN_TEXT.items()
        if (match := re.search(rx, head, re.I))
    ]
    if found:
        return min(found)[1]
    if re.search(_PERMANENT, text[:HEAD_CHARS], re.I):
        return "Full-time"
    return next((label for label, rx in _IN_TEXT.items() if re.search(rx, text, re.I)), "")
