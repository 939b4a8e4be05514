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
    r"accountant|nurse|trainee|apprentice|sre|devops|member|advisor|adviser|partner|tester|"
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
    r"engineer(ing|['’]s)? degree|a-levels?|gcse|mestrado|grado|máster|doctorado|dottorato|"
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
BRACKETED_LIST = re.compile(r"\s*\(([^()]*,[^()]*)\)")
DURATION = re.compile(r"^\d+\s+(years?|months?|yrs?|mos?)(\s+\d+\s+(months?|mos?))?$", re.I)
_SPLITTERS = (" | ", " — ", " – ", " - ", " at ", " @ ", ", ", "; ", " bei ", " chez ", " en ")


@dataclass
class Entry:
    header: list[Line] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    extra_fields: list[str] = field(default_factory=list)  # dates beside bullets (RenderCV)


def entries_split(lines: list[Line]) -> list[Entry]:
    """One entry per role or school. A new entry starts at a non-bullet line that follows the
    bullets of the previous one, at a second date range in the header lines, or at a line set
    like the entry's first one."""
    entries: list[Entry] = []
    last_bullet: Line | None = None
    for line in lines:
        if line.bullet and _is_entry_head(line):
            line = Line(**{**line.__dict__, "bullet": False})
        if line.bullet:
            if not entries:
                entries.append(Entry())
            _bullet_add(entries[-1], line)
            last_bullet = line
        elif last_bullet is not None and _continues(line, last_bullet):
            _bullet_continue(entries[-1], line)
        else:
            _header_add(entries, line)
            last_bullet = None
    return [entry for entry in entries if entry.header]


def _header_add(entries: list[Entry], line: Line) -> None:
    """A header line joins the current entry or opens the next one."""
    current = entries[-1] if entries else None
    if current is None or current.bullets or _set_like_first(current, line):
        entries.append(Entry())
    elif _has_dates(current) and date_range_find(line.plain) is not None:
        entries.append(Entry(header=_undated_tail(current)))
    entries[-1].header.append(line)


def _bullet_add(entry: Entry, line: Line) -> None:
    fields = line.fields
    entry.bullets.append(fields[0] if fields else line.plain)
    entry.extra_fields += fields[1:]


def _bullet_continue(entry: Entry, line: Line) -> None:
    fields = line.fields
    entry.bullets[-1] += " " + (fields[0] if fields else line.plain)
    entry.extra_fields += fields[1:]


def _set_like_first(entry: Entry, line: Line) -> bool:
    """A line set like the entry's first one, after lines set otherwise, opens the next entry
    of a list without bullets ("Company A" bold / "Developer" / ... / "Company B" bold)."""
    if len(entry.header) < 2 or not (line.bold or line.size):
        return False
    first, previous = entry.header[0], entry.header[-1]
    return (line.size, line.bold) == (first.size, first.bold) != (previous.size, previous.bold)


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
    """When a second date range opens a new entry, the lines after the previous entry's dates
    open it too ("Georgia Tech / MSc ... 2012 – 2013 / BITS Pilani / BEng ... 2008 – 2012"),
    unless the dates lead each entry ("2014 - 2017 / Engineer at MAX-IV / 2017 - present")."""
    dated = [i for i, line in enumerate(entry.header) if date_range_find(line.plain)]
    if not dated or dated[0] == 0 or dated[-1] == len(entry.header) - 1:
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
    fields = _Fields()
    for line in entry.header:
        line_dated = date_range_find(line.plain) is not None
        for position, text in enumerate(_line_parts(line)):
            fields.take(text, beside=position > 0, line_dated=line_dated)
    if fields.dates is None:
        found = (date_range_find(text) for text in entry.extra_fields)
        fields.dates = next((dates for dates in found if dates), None)
    return fields.content, fields.dates, fields.location


def _bracket_trim(text: str) -> str:
    """What is left of a field once its dates are out: "Engineer (Sep 2019 – )" -> "Engineer";
    a bracket that belongs to a name stays: "Pension Plan (HOOPP)"."""
    text = re.sub(r"\(\s*[,;|–-]?\s*\)", " ", text).strip(" ,|–-·")
    if text.count("(") != text.count(")"):
        text = text.strip(" ,|–-·()")  # the dates took one half of a bracket
    return text


def _line_parts(line: Line) -> list[str]:
    """A header line's fields: its columns, split at " | " and before a trailing " – Place"."""
    parts: list[str] = []
    for column in line.fields:
        for part in column.split(" | "):
            head, dash, tail = part.rpartition(" – ")
            if dash and head.strip() and looks_like_place(tail):
                parts += [head.strip(), tail.strip()]
            elif part.strip():
                parts.append(part.strip())
    return parts


@dataclass
class _Fields:
    """What an entry's header lines hold, field by field."""

    content: list[str] = field(default_factory=list)
    dates: DateRange | None = None
    location: str = ""

    def take(self, text: str, *, beside: bool, line_dated: bool) -> None:
        text = self._undated(text)
        if not text or DURATION.match(text):
            return
        if looks_like_place(text) or self._beside_as_place(text, beside, line_dated):
            self.location = self.location or text
        else:
            self.content.append(" ".join(text.split()))

    def _undated(self, text: str) -> str:
        """The text without the entry's first date range; "" for a later lone date (an end
        date on its own)."""
        found = date_range_find(text)
        if found and self.dates is None:
            self.dates = found
            return _bracket_trim(text.replace(found.text, " "))
        if found and len(found.text) >= len(text) - 3:
            return ""
        return text

    def _beside_as_place(self, text: str, beside: bool, line_dated: bool) -> bool:
        if len(text.split()) > 4 or _is_named(text):
            return False
        return beside or (line_dated and not self.location and bool(self.content))


PLACE = re.compile(
    r"^[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*"
    r"(?:, [A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?\.?| \([A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*\))$"
)


def looks_like_place(text: str) -> bool:
    """ "San Francisco, CA", "Istanbul, Türkiye", "Lund (Sweden)", "Remote"."""
    text = text.strip()
    if text.casefold() in ("remote", "online", "hybrid"):
        return True
    return bool(PLACE.match(text)) and not EMPLOYER_WORDS.search(text) and not _is_named(text)


def _is_named(text: str) -> bool:
    return bool(TITLE_WORDS.search(text) or DEGREE.search(text) or SCHOOL_WORDS.search(text))


def _split_two(text: str) -> list[str]:
    """A title and an employer in one field: split at " | ", " – ", " at ", ", " and the like,
    else after the last title word ("FRONTEND DEVELOPER COMPANY B")."""
    for splitter in _SPLITTERS:
        if splitter in text:
            first, _, rest = text.partition(splitter)
            if first.strip() and rest.strip():
                return [first.strip(), rest.strip()]
    ends = [match.end() for match in TITLE_WORDS.finditer(text)]
    rest = text[ends[-1] :].strip() if ends else ""
    if rest[:1].isupper() and len(text.split()) <= 8:
        return [text[: ends[-1]].strip(), rest]
    return [text]


def work_entry(entry: Entry) -> tuple[dict, float]:
    content, dates, location = entry_fields(entry)
    if not content:
        return {}, 0.0
    names, described = _names_first(content)
    parts = names[:2] if len(names) >= 2 else _split_two(names[0])
    title, employer, confidence = _title_and_employer(*(parts + [""])[:2])
    item = {"name": employer or "", "position": title}
    if location:
        item["location"] = location
    _dates_put(item, dates)
    if entry.bullets:
        item["highlights"] = [b for b in entry.bullets if b]
    if described:
        item["summary"] = " ".join(described)
    if not employer or not title:
        return item, 0.3
    return item, confidence if dates else min(confidence, 0.6)


def _names_first(content: list[str]) -> tuple[list[str], list[str]]:
    """The fields that may name the title and the employer, short ones first, and the rest
    (sentences, and names past the first two) that describe the role."""
    sentences = [text for text in content if _is_sentence(text)]
    names = [text for text in content if text not in sentences] or sentences[:2]
    names.sort(key=lambda text: len(text.split()) > 8)
    return names, names[2:] + [text for text in sentences if text not in names]


def _is_sentence(text: str) -> bool:
    """ "Making coffee and baking cookies." (a name ends in a capital or an abbreviation:
    "Omnious. Co., Ltd.")."""
    words = text.split()
    last = words[-1].rstrip(".")
    return text.endswith(".") and len(words) >= 4 and last.isalpha() and last.islower()


def _title_and_employer(first: str, second: str) -> tuple[str, str, float]:
    """Which of two fields is the title: the one with more title words and fewer employer
    words; sure when they differ by a whole word."""
    first_title, second_title = _title_score(first), _title_score(second)
    confidence = 0.9 if abs(first_title - second_title) >= 1 else 0.5
    if second_title > first_title:
        return second, first, confidence
    return first, second, confidence


def _dates_put(item: dict, dates: DateRange | None) -> None:
    if dates:
        item["startDate"] = dates.start
        if dates.end:
            item["endDate"] = dates.end


def _title_score(text: str) -> float:
    score = len(TITLE_WORDS.findall(text)) - 1.5 * len(EMPLOYER_WORDS.findall(text))
    return score


def education_entry(entry: Entry) -> tuple[dict, float]:
    content, dates, _ = entry_fields(entry)
    school = _School()
    for text in content:
        school.pieces += [part for part in re.split(r"\s*[,;|]\s+|\s+[–—-]\s+", text) if part]
    for piece in school.pieces:
        school.take(piece)
    school.leftovers_place()
    if not school.institution:
        return {}, 0.0
    item = {"institution": school.institution}
    if school.degree:
        item["studyType"] = school.degree.split(";")[0].strip()
    if school.area:
        item["area"] = school.area
    _dates_put(item, dates)
    if not school.degree:
        return item, 0.4
    return item, 0.9 if SCHOOL_WORDS.search(school.institution) else 0.6


@dataclass
class _School:
    """The degree, institution and area among an education entry's pieces of text."""

    pieces: list[str] = field(default_factory=list)
    degree: str = ""
    institution: str = ""
    area: str = ""
    used: set[str] = field(default_factory=set)

    def take(self, piece: str) -> None:
        match = DEGREE.search(piece) if not self.degree else None
        if match and match.start() <= 2:
            self._degree_take(piece, match)
        elif not self.institution and SCHOOL_WORDS.search(piece):
            self.institution = piece
            self.used.add(piece)

    def _degree_take(self, piece: str, match: re.Match) -> None:
        rest = piece[match.end() :].strip(" ,")
        self.degree = piece
        self.used.add(piece)
        if rest and SCHOOL_WORDS.search(rest):  # "PhD Princeton University"
            self.degree, self.institution = match[0].strip(), self.institution or rest
        elif (sub := re.match(r"(?:in|of|en|in der|im)\s+(.+)", rest, re.I)) is not None:
            self.area = sub[1].split(";")[0].strip()

    def leftovers_place(self) -> None:
        """What no word named: the first is the institution if none was found, else the
        degree's area unless it is a grade or a figure. Without a degree, words above the
        school name what was studied ("Computer Programming and Analysis / Seneca
        Polytechnic")."""
        leftovers = [piece for piece in self.pieces if piece not in self.used]
        if not self.institution and leftovers:
            self.institution = leftovers.pop(0)
        if self.area or not leftovers or re.search(r"\bgpa\b|\d", leftovers[0], re.I):
            return
        if self.degree or self._studied_above(leftovers[0]):
            self.area = leftovers[0]

    def _studied_above(self, piece: str) -> bool:
        if self.institution not in self.pieces:
            return False
        above = self.pieces.index(piece) < self.pieces.index(self.institution)
        return above and len(piece.split()) >= 2 and not looks_like_place(piece)


def skills_from(lines: list[Line], *, open_brackets: bool = False) -> list[dict]:
    """'Languages: Python, C++' -> {"name": "Languages", "keywords": [...]}; a plain list of
    words -> one skill each. With open_brackets a list in brackets is more of the same list:
    "SQL (Oracle, MySQL)" -> SQL, Oracle, MySQL."""
    skills: list[dict] = []
    for line in lines:
        for part in line.fields if len(line.fields) > 1 else [line.plain]:
            if open_brackets:
                part = BRACKETED_LIST.sub(r", \1", part)
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
