"""Lines of a CV to a JSON Resume draft in the profile's shape, with how sure the parser is of
each field and what it could not place."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .dates import date_range_find
from .entries import (
    DEGREE,
    TITLE_WORDS,
    education_entry,
    entries_split,
    skills_from,
    work_entry,
)
from .lines import Line
from .sections import (
    CERTIFICATES,
    EDUCATION,
    LANGUAGES,
    OTHER,
    SKILLS,
    SUMMARY,
    URL,
    WORK,
    body_size,
    find_email,
    find_name,
    find_phone,
    find_phone_alone,
    section_of,
)

# Below this a field is reported as low confidence (and is what an AI pass would fill).
LOW_CONFIDENCE = 0.6
MAX_UNREAD_LINES = 40
ENTRY_SPLIT = re.compile(r" [-–—|@] | at ")
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d+(\s*(/|of)\s*\d+)?$|^.{0,40}\s[–-]\s*\d+\s*/\s*\d+$")


@dataclass
class ParsedCV:
    draft: dict
    confidence: dict[str, float] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    text: str = ""  # the file's text in reading order, for an AI pass over what is left

    @property
    def low_confidence(self) -> list[str]:
        return [path for path, value in self.confidence.items() if value < LOW_CONFIDENCE]


def cv_parse(lines: list[Line]) -> ParsedCV:
    lines = [line for line in lines if line.plain and not _is_page_furniture(line)]
    header, sections = _sections_split(lines)
    parsed = ParsedCV(draft={}, text="\n".join(line.plain for line in lines))
    _basics(parsed, header, lines)
    for section, title, body in sections:
        SECTION_READERS.get(section, _other_read)(parsed, title, body)
    return parsed


def _sections_split(lines: list[Line]) -> tuple[list[Line], list[tuple[str, str, list[Line]]]]:
    """The header (the lines before the first heading) and each section with its heading's
    text and its lines."""
    size = body_size(lines)
    header: list[Line] = []
    sections: list[tuple[str, str, list[Line]]] = []
    heading_size = 0.0  # the type size of the first heading named by its words
    for line in lines:
        section = section_of(line, body_size=size)
        if section and section != OTHER and not heading_size:
            heading_size = line.size
        current = sections[-1][0] if sections else None
        if section == OTHER and not _other_heading(line, current, header, heading_size):
            section = None
        if section:
            sections.append((section, line.plain, []))
        else:
            (sections[-1][2] if sections else header).append(line)
    return header, sections


def _other_heading(line: Line, current: str | None, header: list[Line], size: float) -> bool:
    """Whether a heading-like line we have no section for is one, or is content set big."""
    if current is None:
        # The big line on top is the person's name, not a heading.
        return not all(top.size <= line.size for top in header)
    if size and line.size < size * 0.95:
        return False  # smaller than the real headings: an employer or a school in bold
    return not _entry_head(line, current)


def _entry_head(line: Line, section: str) -> bool:
    """A role or a degree set as big as a heading: "COMPANY A - Developer" under Experience,
    "BACHELOR OF SCIENCE" under Education."""
    text = line.plain
    if section == EDUCATION:
        return DEGREE.fullmatch(text) is not None
    return section == WORK and bool(TITLE_WORDS.search(text)) and bool(ENTRY_SPLIT.search(text))


def _is_page_furniture(line: Line) -> bool:
    """Page numbers and running footers ("John Doe – 1/2", "Page 2 of 3")."""
    text = line.plain.casefold()
    fields = line.fields
    if len(fields) >= 2 and fields[-1].isdigit() and len(fields[-1]) <= 2:
        return True  # "February 10, 2026  Byungjin Park · Résumé  2"
    return bool(_PAGE_NUMBER.search(text))


def _basics(parsed: ParsedCV, header: list[Line], lines: list[Line]) -> None:
    basics: dict = {}
    name, sure = find_name(header, lines)
    if name:
        basics["name"], parsed.confidence["basics.name"] = name, sure
    top = "\n".join(line.plain for line in header)
    email = find_email(top) or find_email("\n".join(line.plain for line in lines))
    if email:
        basics["email"], parsed.confidence["basics.email"] = email, 1.0
    phone = (
        find_phone(top.replace(email, " "))
        or find_phone("\n".join(line.plain for line in lines if "phone" in line.plain.casefold()))
        or find_phone_alone(lines)
    )
    if phone:
        basics["phone"], parsed.confidence["basics.phone"] = phone, 0.9
    _links_put(basics, header, email)
    label = _label(header, name)
    if label:
        basics["label"], parsed.confidence["basics.label"] = label, 0.6
    if basics:
        parsed.draft["basics"] = basics


def _links_put(basics: dict, header: list[Line], email: str) -> None:
    """The header's LinkedIn and GitHub profiles and the first other web address."""
    for line in header:
        for match in URL.finditer(line.plain):
            url = match[0]
            if "@" in line.plain[max(0, match.start() - 1) : match.start() + 1] or url in email:
                continue
            if "linkedin" in url or "github" in url:
                network = "LinkedIn" if "linkedin" in url else "GitHub"
                basics.setdefault("profiles", []).append({"network": network, "url": url})
            elif "url" not in basics and "." in url and not url.replace(".", "").isdigit():
                basics["url"] = url


def _label(header: list[Line], name: str) -> str:
    """The headline right under the name ("DevOps Engineer · Software Architect")."""
    for index, line in enumerate(header[:-1]):
        if line.plain == name or line.fields[:1] == [name]:
            following = header[index + 1].plain
            if (
                len(following.split()) <= 8
                and not find_email(following)
                and not find_phone(following)
                and not any(ch.isdigit() for ch in following)
            ):
                return following
    return ""


def _summary_read(parsed: ParsedCV, title: str, body: list[Line]) -> None:
    if not body:
        return
    basics = parsed.draft.setdefault("basics", {})
    text = " ".join(line.plain for line in body)
    basics["summary"] = f"{basics['summary']} {text}" if basics.get("summary") else text


def _work_read(parsed: ParsedCV, title: str, body: list[Line]) -> None:
    _entries_read(parsed, "work", work_entry, body)


def _education_read(parsed: ParsedCV, title: str, body: list[Line]) -> None:
    _entries_read(parsed, "education", education_entry, body)


def _entries_read(parsed: ParsedCV, key: str, read: Callable, body: list[Line]) -> None:
    for entry in entries_split(body):
        item, sure = read(entry)
        if item:
            _add(parsed, key, item, sure)
        else:
            parsed.unread += [line.plain for line in entry.header]


def _skills_read(parsed: ParsedCV, title: str, body: list[Line]) -> None:
    for skill in skills_from(body, open_brackets=True):
        _add(parsed, "skills", skill, 0.8)


def _certificates_read(parsed: ParsedCV, title: str, body: list[Line]) -> None:
    for line in body:
        text = line.plain
        dates = date_range_find(text)
        item = {"name": text.replace(dates.text, "").strip(" ,–-") if dates else text}
        if dates:
            item["date"] = dates.start
        if item["name"]:
            _add(parsed, "certificates", item, 0.8)


def _languages_read(parsed: ParsedCV, title: str, body: list[Line]) -> None:
    for skill in skills_from(body):
        for word in [skill["name"], *skill.get("keywords", [])]:
            language, _, fluency = word.partition("(")
            item = {"language": language.strip(" -–:")}
            if fluency.strip(") "):
                item["fluency"] = fluency.strip(") ")
            if item["language"]:
                _add(parsed, "languages", item, 0.7)


def _other_read(parsed: ParsedCV, title: str, body: list[Line]) -> None:
    parsed.unread.append(f"{title} ({len(body)} lines, a section the profile has no place for)")


SECTION_READERS: dict[str, Callable[[ParsedCV, str, list[Line]], None]] = {
    SUMMARY: _summary_read,
    WORK: _work_read,
    EDUCATION: _education_read,
    SKILLS: _skills_read,
    CERTIFICATES: _certificates_read,
    LANGUAGES: _languages_read,
}


def _add(parsed: ParsedCV, key: str, item: dict, sure: float) -> None:
    items = parsed.draft.setdefault(key, [])
    parsed.confidence[f"{key}[{len(items)}]"] = sure
    items.append(item)
