"""What the opening of a pasted posting says: its title, company, place and kind of contract.

People paste a posting in a few usual shapes, and the opening carries the fields:
- one sentence: "Senior Python Developer at Acme GmbH, Berlin.", "Acme is hiring a Data Engineer
  in Amsterdam.", "Werkstudent (m/w/d) bei Siemens AG in München", "We're looking for a
  Frontend Engineer to join Spotify in Stockholm.";
- one line of parts: "Product Designer – Zalando – Berlin, Germany";
- a job board's header, copied with the posting: the title line, the company line, the place
  line, with work mode and contract fragments ("Dublin, Ireland · Hybrid · Full-time",
  "Dublin, Ireland (Hybrid)", "Stripe · Dublin, Ireland").
Every shape asks for evidence on both sides: a title that reads like one, a company written as
a name, a place written as a place, so that "We work at the intersection of design and data"
gives nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobs.page_facts import is_title
from jobs.terms import mode_of, type_of, with_mode

# Words that open a sentence, never a job title ("We work at ...", "Life at Acme").
_NOT_TITLE_START = {
    "we",
    "i",
    "you",
    "our",
    "they",
    "it",
    "this",
    "that",
    "the",
    "a",
    "an",
    "life",
    "working",
    "work",
    "careers",
    "career",
    "jobs",
    "join",
    "about",
    "welcome",
    "apply",
    "here",
    "there",
    "at",
    "in",
}
# Name words that are not names: a company is never "our team" or "the intersection".
_NOT_NAME = {"us", "our", "the", "you", "your", "we", "a", "an", "this", "my", "their", "it"}
# Section headings that a header line could otherwise be taken for.
_HEADINGS = re.compile(
    r"^(?:about|overview|summary|description|job description|the role|role|responsibilities|"
    r"requirements|qualifications|benefits|apply|apply now|save|share|new|easy apply)\b",
    re.I,
)
_PLACE_CONNECTORS = {"de", "del", "da", "am", "an", "der", "upon", "on", "sur", "im"}
_NAME_WORD = r"[A-Z0-9À-ÖØ-Þ][\w&.'’+-]*"
_CONNECTOR = r"&|of|and|de|du|des|la|le|von|van|der|den|für|for|und|et|y|e"
NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|{_CONNECTOR})){{0,5}}"
_LEGAL_WORD = r"(?:Inc|Ltd|LLC|LLP|PLC|GmbH|AG|SE|SA|S\.A|SAS|SARL|BV|B\.V|NV|AB|AS|Oy|KG|Co|Corp)"
_LEGAL = rf"{_LEGAL_WORD}\.?"
# Fragments of a header line that say nothing about the job: "2 days ago", "100 applicants".
_NOISE = re.compile(
    r"\b(?:ago|applicants?|posted|reposted|promoted|actively|hiring|easy apply|clicked|"
    r"employees|followers)\b|^\d",
    re.I,
)
_CHROME = re.compile(
    r"^(?:skip to|back to|(?:see|view) all|all jobs|(?:home|menu|new|share|save|print)$)", re.I
)
# Words that make a line a job title rather than a company's name; they only decide which of
# two short header lines is which ("Amazon" over "Senior Software Development Engineer").
_ROLE = re.compile(
    r"\b(?:engineer|developer|programmer|manager|designer|analyst|scientist|consultant|"
    r"specialist|assistant|technician|director|officer|coordinator|administrator|architect|"
    r"accountant|executive|representative|associate|intern|trainee|lead|head|teacher|writer|"
    r"editor|researcher|nurse|advisor|adviser|agent|clerk|operator|driver|cook|chef|"
    r"werkstudent|entwickler|ingenieur|berater|leiter|mitarbeiter)",
    re.I,
)
_FRAGMENT_SEP = re.compile(r"\s+[·•|]\s+|\s*[·•]\s*|\s+[-–—]\s+")


@dataclass
class Opening:
    """Fields read from the opening of a posting; empty where the opening says nothing."""

    title: str = ""
    company: str = ""
    location: str = ""
    employment_type: str = ""
    # A name above the title: the company on a job board, a department on a careers page, so
    # it yields to what a page's markup says.
    weak_company: str = ""


def read_opening(lines: list[str]) -> Opening:
    """The fields in the opening lines of a posting, in the first shape that fits."""
    if not lines:
        return Opening()
    first = _first_sentence(lines[0])
    for reader in (_hiring, _looking, _at, _parts):
        opening = reader(first)
        if opening:
            return opening
    # A copied page may start with its chrome ("Skip to main content", "Back to jobs").
    start = next((i for i, line in enumerate(lines[:3]) if not _CHROME.match(line)), 0)
    return _header(lines[start : start + 5]) or Opening()


def is_place(text: str) -> bool:
    """A place as postings write one: "Dublin, Ireland", "Austin, TX", "London, England, UK"
    (a single name counts only with a comma part, since "Stripe" or "Overview" look the same).
    """
    parts = [p.strip() for p in text.split(",")]
    return 2 <= len(parts) <= 4 and all(_is_place_part(p) for p in parts)


def _is_place_part(part: str) -> bool:
    if re.fullmatch(r"[A-Z]{2,3}", part):  # "TX", "UK", "USA"
        return True
    words = part.split()
    return (
        0 < len(words) <= 4
        and not _HEADINGS.match(part)
        and words[0][0].isupper()
        and all(w[0].isupper() or w in _PLACE_CONNECTORS for w in words)
        and not any(ch.isdigit() for ch in part)
        and not type_of(part)
    )


# ---------------------------------------------------------------- one sentence


def _first_sentence(line: str) -> str:
    # A full stop after a legal form or an initial ("Acme Inc. is hiring") ends no sentence.
    for match in re.finditer(r"[.!?](?=\s+\S|$)", line):
        before = line[: match.start()].rsplit(None, 1)[-1] if line[: match.start()] else ""
        if re.fullmatch(rf"{_LEGAL_WORD}|St|Dr|Mt|Ft|No|Nr|Mr|Mrs|Ms", before) or len(before) == 1:
            continue
        return line[: match.start()].strip()
    return line.strip()


def as_title(text: str) -> str:
    """The text if it reads like a job title, else ""."""
    text = text.strip(" ,;:-–—")
    words = text.split()
    if (
        not words
        or len(words) > 10
        or not words[0][0].isupper()
        or words[0].lower().strip("'’") in _NOT_TITLE_START
        or re.search(r"[.!?;:]$", text)
        or not is_title(text)
    ):
        return ""
    return text


def _company(text: str) -> str:
    match = re.fullmatch(rf"({NAME})(?:,?\s+{_LEGAL})?", text.strip())
    if not match or match.group(1).split()[0].lower() in _NOT_NAME:
        return ""
    return text.strip()


def _place(text: str) -> tuple[str, str]:
    """(place, mode) from "Berlin", "Dublin, Ireland (Hybrid)", "Remote"; ("", "") if none."""
    text = text.strip(" ,;:")
    mode = ""
    tail = re.search(r"\s*[(\[]([^)\]]+)[)\]]$", text)
    if tail and mode_of(tail.group(1)):
        mode, text = mode_of(tail.group(1)), text[: tail.start()].strip()
    if mode_of(text):
        return "", mode_of(text)
    lead = re.fullmatch(r"(\S+(?: \S+)?)\s*(?:\(([^)]+)\)|[-–—,]\s*(.+))", text)
    if not mode and lead and mode_of(lead.group(1)):  # "Remote (US)", "Remote - Germany"
        inner = (lead.group(2) or lead.group(3)).strip()
        if is_place(inner) or _is_place_part(inner) or re.fullmatch(r"[A-Z]{2,4}", inner):
            return inner, mode_of(lead.group(1))
    if is_place(text) or (text and _is_place_part(text)):
        return text, mode
    return "", ""


def _company_and_place(rest: str) -> tuple[str, str] | None:
    """ "Acme GmbH, Berlin", "Siemens AG in München", "Acme" → (company, location)."""
    rest = rest.strip(" ,;")
    match = re.fullmatch(
        rf"(?P<company>{NAME}(?:,?\s+{_LEGAL})?)"
        r"(?:(?:,\s*|\s+(?:in|at|en|à)\s+|\s+[-–—]\s+|\s+(?=\())(?P<place>.+))?",
        rest,
    )
    if not match:
        return None
    company = _company(match.group("company"))
    place, mode = _place(match.group("place") or "")
    if not company or (match.group("place") and not (place or mode)):
        return None
    return company, with_mode(place, mode)


def _hiring(sentence: str) -> Opening | None:
    match = re.fullmatch(
        rf"(?P<company>{NAME}(?:,?\s+{_LEGAL})?)\s+(?:is|are)\s+(?:now\s+)?(?:hiring|looking for|"
        r"seeking|searching for|recruiting)(?:\s+(?:an?|our next|a new))?\s+(?P<title>.+?)"
        r"(?:\s+(?:in|at|to join (?:us|our team|the team) in)\s+(?P<place>.+))?"
        r"|(?P<company2>.+?)\s+(?:sucht|stellt)\s+(?:eine[nr]?\s+)?(?P<title2>.+?)"
        r"(?:\s+(?:ein\s+)?in\s+(?P<place2>.+?))?(?:\s+ein)?",
        sentence,
    )
    if not match:
        return None
    company = _company(match.group("company") or match.group("company2"))
    title = as_title(match.group("title") or match.group("title2"))
    place, mode = _place(match.group("place") or match.group("place2") or "")
    if not (company and title):
        return None
    return Opening(title=title, company=company, location=with_mode(place, mode))


def _looking(sentence: str) -> Opening | None:
    match = re.fullmatch(
        r"(?:we(?:'|’)re|we are|(?:we|they) (?:are )?(?:currently )?)\s*(?:looking for|seeking|"
        r"searching for|hiring)\s+(?:an?|our next|a new)\s+(?P<title>.+?)\s+to join\s+"
        r"(?P<rest>.+)",
        sentence,
        re.I,
    )
    if not match:
        return None
    title = as_title(match.group("title"))
    found = _company_and_place(match.group("rest"))
    # "... to join our team in Berlin": a title and a place, but no company's name.
    ours = re.fullmatch(
        r"(?:us|(?:our|the)(?: [a-z-]+){1,2})(?:\s+in\s+(?P<place>.+))?", match.group("rest")
    )
    if title and not found and ours:
        place, mode = _place(ours.group("place") or "")
        found = ("", with_mode(place, mode))
    if not (title and found):
        return None
    return Opening(title=title, company=found[0], location=found[1])


def _at(sentence: str) -> Opening | None:
    match = re.fullmatch(r"(?P<title>.+?)\s+(?:at|@|bei|chez|presso)\s+(?P<rest>.+)", sentence)
    if not match:
        return None
    title = as_title(match.group("title"))
    found = _company_and_place(match.group("rest")) if title else None
    if not found:
        return None
    return Opening(title=title, company=found[0], location=found[1])


def _parts(line: str) -> Opening | None:
    # "Product Designer – Zalando – Berlin, Germany": three parts, the last one a place.
    # Pipes are left out: "Graduate Trader | Optiver | LinkedIn" is a browser title's shape.
    parts = [p.strip() for p in re.split(r"\s+[–—-]\s+", line)]
    if len(parts) != 3:
        return None
    title, company = as_title(parts[0]), _company(parts[1])
    place, mode = _place(parts[2])
    if title and not place and mode:
        # "Senior Engineer - Backend - Remote": the middle part is the title's, not a company.
        return Opening(title=line[: line.rindex(parts[2])].rstrip(" -–—"), location=mode)
    if not (title and company and place):
        return None
    return Opening(title=title, company=company, location=with_mode(place, mode))


# ---------------------------------------------------------------- a job board's header


def _header(lines: list[str]) -> Opening | None:
    """Title line, then company and place lines (or one "Company · Place · Hybrid" line)."""
    if len(lines) < 2 or not as_title(lines[0]):
        return None
    found = _HeaderFields()
    for line in lines[1:4]:
        fragments = _fragments(line)
        if fragments is None:
            break
        for fragment in fragments:
            found.take(fragment)
    if not (found.place or found.mode):
        return None  # without a place line, a short second line may be anything
    opening = Opening(
        title=lines[0],
        company=found.company,
        location=with_mode(found.place, found.mode),
        employment_type=found.kind,
    )
    company = found.company
    if company == lines[1] and _ROLE.search(company) and not _ROLE.search(lines[0]):
        opening.title, opening.company, opening.weak_company = company, "", lines[0]
    return opening


@dataclass
class _HeaderFields:
    """What the lines under a header's title say, each field as its first fragment gave it."""

    company: str = ""
    place: str = ""
    mode: str = ""
    kind: str = ""

    def take(self, fragment: str) -> None:
        """The fragment as the first field it can be: a place, a work mode, a contract or,
        before any place, the company's name."""
        if not self.place and self._took_place(fragment):
            return
        if mode_of(fragment):
            self.mode = self.mode or mode_of(fragment)
        elif type_of(fragment):
            self.kind = self.kind or type_of(fragment)
        elif not (self.company or self.place or _NOISE.search(fragment)) and _company(fragment):
            self.company = fragment

    def _took_place(self, fragment: str) -> bool:
        place, mode = _place(fragment)
        if not (place and is_place(place)):
            return False
        self.place, self.mode = place, self.mode or mode
        return True


def _fragments(line: str) -> list[str] | None:
    """A header line's parts, or None where the header ends (a sentence, a heading)."""
    if len(line) > 120 or re.search(r"[.!?:]$", line) or _HEADINGS.match(line):
        return None
    fragments = [f.strip() for f in _FRAGMENT_SEP.split(line) if f.strip()]
    # "Dublin, Ireland (Hybrid)" and "Full-time (Contract)": a bracketed mode is a fragment too.
    split = []
    for fragment in fragments:
        tail = re.search(r"\s*\(([^)]+)\)$", fragment)
        if tail and (mode_of(tail.group(1)) or type_of(tail.group(1))):
            split += [fragment[: tail.start()], tail.group(1)]
        else:
            split.append(fragment)
    return [f for f in split if f]
