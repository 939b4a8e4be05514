"""The entries of an experience or education section: which lines belong to one role or one
school, its dates, and which of its words name the title, the employer, the degree or the
institution."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import DateRange, date_range_find
from .lines import Line

TITLE_WORDS = re.compile(
    r"\b(engineer|developer|programmer|manager|intern|internship|analyst|consultant|director|"
    r"scientist|researcher|research|assistant|lead|leader|designer|specialist|officer|architect|"
    r"teacher|lecturer|professor|associate|head|coordinator|administrator|technician|president|"
    r"founder|co-?founder|ceo|cto|cfo|coo|vp|owner|student|fellow|postdoc|writer|editor|"
    r"accountant|nurse|trainee|apprentice|sre|devops|member|advisor|adviser|partner|"
    r"executive|representative|supervisor|tutor|volunteer|clerk|agent|staff|principal|"
    r"ingenieur|entwickler|berater|leiter|praktikant|werkstudent|ingénieur|développeur|"
    r"chef|stagiaire|ingeniero|desarrollador|jefe|ingegnere|sviluppatore|ontwikkelaar|"
    r"programista|kierownik|desenvolvedor|gerente)\b",
    re.IGNORECASE,
)
EMPLOYER_WORDS = re.compile(
    r"\b(inc|llc|ltd|gmbh|corp|corporation|company|co|ag|sa|s\.a|plc|bv|srl|labs?|group|"
    r"technologies|systems|solutions|university|institute|bank|agency|studio|foundation|"
    r"command|research|google|microsoft|amazon|apple|meta|nvidia|ibm)\b\.?",
    re.IGNORECASE,
)
DEGREE = re.compile(
    r"\b(ph\.?\s?d\.?|doctor(ate)?( of [\w ]+)?|dr\.|m\.?\s?sc?\.?|b\.?\s?sc?\.?|b\.?\s?a\.?|"
    r"m\.?\s?a\.?|mba|b\.?\s?eng\.?|m\.?\s?eng\.?|bachelor(['’]s)?( of [\w ]+)?|"
    r"master(['’]s)?( of [\w ]+)?|diplom[a-z-]*|licen[cs]e|licenciatura|laurea|abitur|"
    r"baccalauréat|high school|associate(['’]s)? degree|magister|magistra|inżynier|"
    r"engineer(ing)? degree|a-levels?|gcse|mestrado|grado|máster|doctorado|dottorato|"
    r"(postgraduate |graduate )?certificate|postgraduate diploma)(?=\W|$)",
    re.IGNORECASE,
)
SCHOOL_WORDS = re.compile(
    r"\b(university|universit[äéà]t?|universidad|università|universiteit|uniwersytet|"
    r"universidade|college|institute|institut|instituto|istituto|school|schule|école|escuela|"
    r"scuola|academy|akademie|polytechnic|politecnico|polytechnique|hochschule|gymnasium|lyceum|"
    r"lycée|eth|epfl|mit|postech|kaist)\b",
    re.IGNORECASE,
)
DURATION = re.compile(r"^\d+\s+(years?|months?|yrs?|mos?)(\s+\d+\s+(months?|mos?))?$", re.I)
_SPLITTERS = (" | ", " — ", " – ", " - ", " at ", " @ ", ", ", "; ", " bei ", " chez ", " en ")


@dataclass
class Entry:
    header: list[Line] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    extra_fields: list[str] = field(default_factory=list)  # dates beside bullets (RenderCV)


def entries_split(lines: list[Line]) -> list[Entry]:
    """One entry per role or school. A new entry starts at a non-bullet line that follows the
    bullets of the previous one, or at a second date range in the header lines."""
    entries: list[Entry] = []
    current: Entry | None = None
    last_bullet: Line | None = None
    for line in lines:
        if line.bullet and _is_entry_head(line):
            line = Line(**{**line.__dict__, "bullet": False})
        if line.bullet:
            if current is None:
                current = Entry()
                entries.append(current)
            fields = line.fields
            current.bullets.append(fields[0] if fields else line.plain)
            current.extra_fields += fields[1:]
            last_bullet = line
            continue
        if last_bullet is not None and _continues(line, last_bullet):
            fields = line.fields
            current.bullets[-1] += " " + (fields[0] if fields else line.plain)
            current.extra_fields += fields[1:]
            continue
        starts_new = (
            current is None
            or bool(current.bullets)
            or (_has_dates(current) and date_range_find(line.plain) is not None)
        )
        if starts_new:
            carried = _undated_tail(current) if current and not current.bullets else []
            current = Entry(header=carried)
            entries.append(current)
        current.header.append(line)
        last_bullet = None
    return [entry for entry in entries if entry.header]


def _is_entry_head(line: Line) -> bool:
    """An entry whose first line carries a bullet mark ("• Google    Mountain View, CA")."""
    fields = line.fields
    return len(fields) == 2 and not date_range_find(fields[1]) and len(fields[1].split()) <= 4


def _continues(line: Line, bullet: Line) -> bool:
    """A wrapped bullet's next line: indented like the bullet's text, or starting lowercase."""
    if line.indent and bullet.indent and abs(line.indent - bullet.indent) <= 2.0:
        return True
    return line.plain[:1].islower()


def _undated_tail(entry: Entry) -> list[Line]:
    """Without bullets between entries, the lines after an entry's dates open the next one
    ("Georgia Tech / MSc ... 2012 – 2013 / BITS Pilani / BEng ... 2008 – 2012")."""
    dated = [i for i, line in enumerate(entry.header) if date_range_find(line.plain)]
    if not dated or dated[-1] == len(entry.header) - 1:
        return []
    # Only the last line moves: lines before it are the previous entry's description.
    tail = entry.header[-1:]
    del entry.header[-1:]
    return tail


def _has_dates(entry: Entry) -> bool:
    return any(date_range_find(line.plain) for line in entry.header)


def entry_fields(entry: Entry) -> tuple[list[str], DateRange | None, str]:
    """The entry's content fields (dates and locations taken out), its dates and location.
    Fields are split at wide gaps, at " | " and before a trailing " – Place"; a place-like
    field ("San Francisco, CA"), a short field beside the first one, or what is left beside
    the dates when no location was seen yet ("London | 2021-03 – Present"), is the location."""
    dates: DateRange | None = None
    content: list[str] = []
    location = ""
    for line in entry.header:
        parts: list[str] = []
        for column in line.fields:
            for part in column.split(" | "):
                head, dash, tail = part.rpartition(" – ")
                if dash and head.strip() and looks_like_place(tail):
                    parts += [head.strip(), tail.strip()]
                elif part.strip():
                    parts.append(part.strip())
        line_dated = date_range_find(line.plain) is not None
        for position, text in enumerate(parts):
            found = date_range_find(text)
            if found and dates is None:
                dates = found
                text = text.replace(found.text, " ").strip(" ,|–-·()")
            elif found and len(found.text) >= len(text) - 3:
                continue  # a second lone date (an end date on its own)
            if not text or DURATION.match(text):
                continue
            short = len(text.split()) <= 4 and not _is_named(text)
            if looks_like_place(text) or (
                short and (position > 0 or (line_dated and not location and content))
            ):
                location = location or text
                continue
            content.append(" ".join(text.split()))
    if dates is None:
        for text in entry.extra_fields:
            if found := date_range_find(text):
                dates = found
                break
    return content, dates, location


PLACE = re.compile(r"^[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*, [A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?\.?$")


def looks_like_place(text: str) -> bool:
    """ "San Francisco, CA", "Istanbul, Türkiye", "Remote"."""
    text = text.strip()
    if text.casefold() in ("remote", "online", "hybrid"):
        return True
    return bool(PLACE.match(text)) and not EMPLOYER_WORDS.search(text) and not _is_named(text)


def _is_named(text: str) -> bool:
    return bool(TITLE_WORDS.search(text) or DEGREE.search(text) or SCHOOL_WORDS.search(text))


def _split_two(text: str) -> list[str]:
    for splitter in _SPLITTERS:
        if splitter in text:
            first, _, rest = text.partition(splitter)
            if first.strip() and rest.strip():
                return [first.strip(), rest.strip()]
    return [text]


def work_entry(entry: Entry) -> tuple[dict, float]:
    content, dates, location = entry_fields(entry)
    described = [text for text in content if len(text.split()) > 8]
    content = [text for text in content if len(text.split()) <= 8] + described
    parts = content[:2] if len(content) >= 2 else _split_two(content[0]) if content else []
    if len(parts) == 1 and len(content) == 1:
        parts = [content[0], ""]
    if not parts:
        return {}, 0.0
    first, second = (parts + [""])[:2]
    first_title, second_title = _title_score(first), _title_score(second)
    if second_title > first_title:
        title, employer = second, first
    else:
        title, employer = first, second
    confidence = 0.9 if abs(first_title - second_title) >= 1 else 0.5
    item = {"name": employer or "", "position": title}
    if location:
        item["location"] = location
    if dates:
        item["startDate"] = dates.start
        if dates.end:
            item["endDate"] = dates.end
    else:
        confidence = min(confidence, 0.6)
    if entry.bullets:
        item["highlights"] = [b for b in entry.bullets if b]
    extra = [text for text in content[2:] if text]
    if extra:
        item["summary"] = " ".join(extra)
    if not employer or not title:
        confidence = 0.3
    return item, confidence


def _title_score(text: str) -> float:
    score = len(TITLE_WORDS.findall(text)) - 1.5 * len(EMPLOYER_WORDS.findall(text))
    return score


def education_entry(entry: Entry) -> tuple[dict, float]:
    content, dates, location = entry_fields(entry)
    pieces: list[str] = []
    for text in content:
        pieces += [part for part in re.split(r"\s*[,;|]\s+|\s+[–—-]\s+", text) if part]
    degree_text, institution, area = "", "", ""
    used: set[str] = set()
    for piece in pieces:
        if not degree_text and (match := DEGREE.search(piece)) and match.start() <= 2:
            rest = piece[match.end() :].strip(" ,")
            degree_text = piece
            used.add(piece)
            if rest and SCHOOL_WORDS.search(rest):  # "PhD Princeton University"
                degree_text, institution = match[0].strip(), institution or rest
            elif (sub := re.match(r"(?:in|of|en|in der|im)\s+(.+)", rest, re.I)) is not None:
                area = sub[1].split(";")[0].strip()
        elif not institution and SCHOOL_WORDS.search(piece):
            institution = piece
            used.add(piece)
    leftovers = [p for p in pieces if p not in used]
    if not institution and leftovers:
        institution = leftovers.pop(0)
    if degree_text and not area and leftovers and not re.search(r"\bgpa\b|\d", leftovers[0], re.I):
        area = leftovers[0]
    if not institution:
        return {}, 0.0
    item = {"institution": institution}
    if degree_text:
        item["studyType"] = degree_text.split(";")[0].strip()
    if area:
        item["area"] = area
    if dates:
        item["startDate"] = dates.start
        if dates.end:
            item["endDate"] = dates.end
    confidence = 0.9 if degree_text and SCHOOL_WORDS.search(institution) else 0.6
    return item, confidence if degree_text else 0.4


def skills_from(lines: list[Line]) -> list[dict]:
    """'Languages: Python, C++' -> {"name": "Languages", "keywords": [...]}; a plain list of
    words -> one skill each."""
    skills: list[dict] = []
    for line in lines:
        text = line.plain
        parts = line.fields if len(line.fields) > 1 else [text]
        for part in parts:
            label, colon, rest = part.partition(":")
            if colon and len(label.split()) <= 4 and rest.strip():
                keywords = _skill_words(rest)
                if keywords:
                    skills.append({"name": label.strip(), "keywords": keywords})
                    continue
            skills += [{"name": word} for word in _skill_words(part)]
    return skills


def _skill_words(text: str) -> list[str]:
    words = re.split(r"\s*(?:,|;|•|·|\||\t|\s\s+|\band\b(?=\s+[A-Z]))\s*", text)
    return [w.strip(" .") for w in words if w.strip(" .") and len(w.strip()) <= 60]
