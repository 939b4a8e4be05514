"""Job fields from pages without structured data, and from pasted posting text.

Each field is taken from the most explicit evidence there is, in this order: a label in the text
("Title:", "Standort:", "薪资："), the page's facts (`jobs.page_facts`: marked elements, the
heading, the browser title's usual shapes, the URL slug), then the wording of the text: a place
under the heading, hiring-company phrases, address patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.validation import validate
from jobs.page_facts import AT, HIRING, PageHints, is_title, page_facts, page_hints, split_facts
from jobs.parsing import (
    BULLET,
    clean,
    employment_type_label,
    find_skills,
    keywords_for,
    main_text,
    requirements_from_text,
    tidy,
)
from jobs.pasted import Opening, as_title, read_opening
from jobs.salary import find_salary
from jobs.schemas import JOB_SCHEMA
from jobs.terms import mode_in, mode_in_text, mode_of, type_in_text, type_of, with_mode

_LABELS = {
    "title": r"job\s*title|position\s*title|title|position|role|vacancy|stellenbezeichnung|"
    r"poste|intitulé du poste|puesto|cargo|posizione|functie|职位名称|职位|岗位|職種|"
    r"المسمى الوظيفي",
    "company": r"company(?:\s*name)?|employer|organi[sz]ation|hiring company|unternehmen|"
    r"arbeitgeber|firma|entreprise|société|empresa|azienda|bedrijf|公司(?:名称)?|企業名|会社名|"
    r"الشركة|جهة العمل",
    "location": r"(?:job\s*|work\s*)?location|based in|office|standort|arbeitsort|einsatzort|"
    r"lieu(?: de travail)?|localisation|ubicaci[oó]n|localidad|sede(?: di lavoro)?|"
    r"luogo di lavoro|locatie|standplaats|(?:工作)?地点|勤務地|الموقع|مكان العمل",
    "employment_type": r"employment type|job type|type of employment|work type|type|"
    r"anstellungsart|beschäftigungsart|jornada|工作性质|雇用形態|نوع الوظيفة",
    # How long rather than how many hours ("Temporary to permanent"): read after the above.
    "contract_type": r"contract type|vertragsart|type de contrat|tipo de contrato|"
    r"tipo di contratto|dienstverband",
    "work_mode": r"remote status|work(?:place)?\s*(?:mode|model|arrangement|setting)|"
    r"workplace type|arbeitsmodell",
    "salary": r"salary(?:\s*range)?|pay(?:\s*range)?|compensation|wage|stipend|gehalt|vergütung|"
    r"salaire|rémunération|salario|sueldo|retribuzione|stipendio|salaris|薪资|薪酬|薪水|"
    r"月薪|年薪|給与|月給|年収|الراتب",
}
# Class or id fragments by which job pages mark their fields.
_NOT_COMPANY = {"us", "the", "you", "our", "this", "a", "an", "my", "your", "we", "it", "they"}
_NAME = r"([A-Z][\w&.'’-]*(?:[ \t]+(?:[A-Z][\w&.'’-]*|&|of|and|de|du|la|von|van)){0,4})"


def job_from_page(html: str) -> dict:
    """Best-effort job fields from a page without usable structured data."""
    text = main_text(html)
    return job_from_text(f"{page_facts(html, summary=len(text) < 500)}\n\n{text}")


def job_from_text(text: str) -> dict:
    """Best-effort job fields from posting text; unknown fields are empty, never missing.

    Page facts at the top of the text (`page_facts`) are read as hints, not as description.
    """
    posting = _read(text)
    opening = read_opening(posting.lines)
    title = _first(
        _label(posting.labelled, "title"),
        *posting.hints.title,
        *posting.hints.weak_title,
        opening.title,
        posting.first_line,
        default="",
    )
    # The opening's company and place belong to the job only when its title is the job's.
    opened = opening if title == opening.title else Opening()
    title, employer = _title_at_company(title, posting, opened)
    company = _company(posting, opened, employer, title)
    location = _location(posting, opened, title)
    skills = find_skills(posting.text)
    job = {
        "title": title[:200],
        "company": company[:200],
        "location": location[:200],
        "employment_type": _employment_type(posting.labelled, opened, posting.text),
        "salary": _salary(posting),
        "description": posting.text,
        "requirements": requirements_from_text(posting.text),
        "skills": skills,
        "keywords": keywords_for(title, skills),
    }
    validate(job, JOB_SCHEMA)
    return job


@dataclass(frozen=True)
class _Posting:
    """A posting text as the fields are read from it."""

    text: str
    lines: list[str]  # the text's non-blank lines, bullets dropped
    labelled: list[str]  # lines that may carry a label, the page summary's parts among them
    hints: PageHints
    first_line: str  # the first line that reads like a title, its tag ("[Remote]") apart
    tag: str


def _read(text: str) -> _Posting:
    """The posting text read once; page facts at its top become hints."""
    facts, text = split_facts(tidy(text or ""))
    hints = page_hints(facts)
    text = text.strip() or facts.get("summary", "")
    lines = [BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]
    labelled = [part for line in lines[:80] for part in _split_labels(line)] + hints.extra_lines
    first_line, tag = _first_title_line(lines)
    return _Posting(text, lines, labelled, hints, first_line, tag)


def _title_at_company(title: str, posting: _Posting, opened: Opening) -> tuple[str, str]:
    """(title, company) from a first line "Data Engineer at Acme"; else (title, "")."""
    at = re.match(rf"^(.+?)\s+{AT}\s+(.+)$", title) if title == posting.first_line else None
    if at and not opened.title and as_title(at.group(1)):
        return at.group(1).strip(), at.group(2).strip()
    return title, ""


def _company(posting: _Posting, opened: Opening, employer: str, title: str) -> str:
    """The employer, from the most explicit evidence to the weakest."""
    return _first(
        _label(posting.labelled, "company"),
        *posting.hints.company,
        opened.company,
        employer,
        _company_from_prose(posting.text),
        *posting.hints.weak_company,
        opened.weak_company,
        _repeated_name(posting.lines[:10], posting.text, title),
        default="",
    )


def _location(posting: _Posting, opened: Opening, title: str) -> str:
    """The place, from the most explicit evidence to the weakest, with the work mode stated."""
    location = _first(
        _label(posting.labelled, "location"),
        *posting.hints.location,
        opened.location,
        _place_under_title(posting.lines, title),
        _address(posting.text),
        default="",
    )
    if mode_in(location):
        return location
    mode = _work_mode(posting.labelled, posting.tag)
    return with_mode(location, mode) or mode_in_text(posting.text)


def _salary(posting: _Posting) -> str:
    # "Salary: Approximately $46,000 per year, commensurate ..." is "$46,000 per year".
    pay = _label(posting.labelled, "salary")
    return (find_salary(pay) or pay) if re.search(r"\d", pay) else find_salary(posting.text)


def _first(*candidates: str, default: str) -> str:
    return next((clean(c) for c in candidates if c and clean(c)), default)


# ---------------------------------------------------------------- text


def _label(lines: list[str], field_name: str) -> str:
    names = _LABELS[field_name]
    inline = re.compile(rf"^(?:{names})\s*[:：]\s*(.+)$|^(?:{names})\s+[-–]\s+(.+)$", re.I)
    alone = re.compile(rf"^(?:{names})\s*[:：]?$", re.I)
    spaced = re.compile(r"^(?:location|standort)\s+(\S.{0,40})$", re.I)
    for i, line in enumerate(lines):
        match = inline.match(line) or (field_name == "location" and spaced.match(line))
        if match:
            value = next(g for g in match.groups() if g)
            if len(value) < 150:
                return value.strip()
        elif alone.match(line) and i + 1 < len(lines) and _is_value(lines[i + 1]):
            # A label on its own line ("Employment type" / "Full-time"), not a heading over
            # a paragraph ("Role" / "You will ...").
            return lines[i + 1]
    return ""


_ANY_LABEL = re.compile(
    rf"\s+(?=(?:{'|'.join(_LABELS.values())}|category|date posted|posted|experience level|"
    r"remote status|department|reference|deadline|closing date)\s*:\s)",
    re.I,
)


_GLUED_LABEL = re.compile(rf"^(.*?\S)\s*((?:{'|'.join(_LABELS.values())}))$", re.I)


def _split_labels(line: str) -> list[str]:
    # "Job Title: X Company: Y Location: Z" on one line is three labelled lines.
    if len(re.findall(r"\S\s*:\s", line)) >= 3:
        return [part for part in _ANY_LABEL.split(line) if part]
    # A copied list of labels and values can glue each value to the next label: "Temporary
    # to permanent Employment type", "£ 182KJob location". Only a capitalised label of two
    # words or more is split off, so "Senior Project Manager Office" stays whole.
    glued = _GLUED_LABEL.match(line)
    if glued and " " in glued.group(2) and glued.group(2)[0].isupper():
        joined = not line[len(glued.group(1))].isspace()
        if not (joined and glued.group(1)[-1].islower()):  # "Workplace location" stays whole
            return [glued.group(1), glued.group(2)]
    return [line]


def _is_value(line: str) -> bool:
    return len(line) <= 80 and len(line.split()) <= 10 and not line.rstrip().endswith((".", ":"))


def _first_title_line(lines: list[str]) -> tuple[str, str]:
    for line in lines[:8]:
        tag = re.match(r"^\[([^\]]{1,30})\]\s*", line)
        candidate = line[tag.end() :] if tag else line
        if _looks_like_title(candidate):
            return candidate, tag.group(1) if tag else ""
    return "", ""


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 12
        and len(line) <= 100
        and not line.rstrip().endswith((".", ":"))
        and not re.match(
            r"^(?:https?://|www\.|skip to|apply|job description|home\b|menu\b|posted|date|\d|"
            r"back to|(?:see|view) all|all jobs|(?:new|share|save|print)$)",
            line,
            re.I,
        )
        and not re.match(r"^[^:]{1,25}:\s", line)
        and is_title(line)
    )


def _company_from_prose(text: str) -> str:
    for pattern in (
        rf"\b{_NAME}[ \t]+{HIRING}\b",
        rf"\b{_NAME}[ \t]+is[ \t]+(?:looking|seeking|searching)",
        rf"\b{_NAME}[ \t]+is[ \t]+an?[ \t]+(?:[\w-]+[ \t]+){{0,3}}(?:company|startup|firm|"
        r"business|organi[sz]ation|employer|leader|provider|platform)\b",
        rf"^About[ \t]+{_NAME}[ \t]*:?[ \t]*$",
        rf"\bJoin[ \t]+{_NAME}\b",
    ):
        for match in re.finditer(pattern, text, re.M):
            name = re.split(r"[.!?]\s+", match.group(1))[-1]  # "... in USA. WEX is a"
            if name.split()[0].lower() not in _NOT_COMPANY:
                return name
    return ""


def _repeated_name(head: list[str], text: str, title: str) -> str:
    # A short name alone on a line near the top that the text keeps repeating is the employer.
    for line in head:
        if line != title and 0 < len(line.split()) <= 4 and len(line) <= 40:
            if re.match(r"^[A-Z0-9]", line) and text.count(line) >= 3:
                return line
    return ""


_PLACE = r"[A-Z][a-zà-ÿ]+(?:[ -][A-Z][a-zà-ÿ]+){0,2}"


def _place_under_title(lines: list[str], title: str) -> str:
    # Job pages put the place right under the heading: "Seoul, Korea", "Austin, TX".
    place = re.compile(rf"^{_PLACE}(?:,\s*(?:{_PLACE}|[A-Z]{{2}}))+$")
    for i, line in enumerate(lines[:12]):
        if title and line == title:
            return next((n for n in lines[i + 1 : i + 3] if place.match(n)), "")
    return ""


def _address(text: str) -> str:
    match = re.search(
        rf"\b(?:located in|based in|office in|position is in|work from our)\s+(?:the\s+)?"
        rf"({_PLACE},\s*(?:[A-Z]{{2}}\b|{_PLACE}))",
        text,
    )
    return match.group(1) if match else ""


def _work_mode(lines: list[str], tag: str) -> str:
    # Only what the posting states about this job: a label ("Remote status: Hybrid") or a tag
    # before the title ("[Remote]"); a phrase in the text counts only where no place is known.
    return mode_in(_label(lines, "work_mode")) or mode_of(tag)


def _employment_type(lines: list[str], opening: Opening, text: str) -> str:
    labelled = _label(lines, "employment_type") or _label(lines, "contract_type")
    if labelled and len(labelled) <= 40:
        return type_of(labelled, at_start=True) or employment_type_label(labelled)
    return opening.employment_type or type_in_text(text)
