"""Job fields from pages without structured data, and from pasted posting text.

Each field is taken from the most explicit evidence there is, in this order: a label in the text
("Title:", "Standort:", "薪资："), the page's own markup (an element whose class or id names the
field, the heading), the browser title's usual shapes ("X at Y", "Y hiring X in Z", "X | Y |
Site"), then the URL slug and the wording of the text. A generic browser title ("Careers - Job
details") is never a job title, and a site name is a company only when nothing better exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import html_text
import lxml.html

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
from jobs.salary import find_salary
from jobs.schemas import JOB_SCHEMA
from orchestrator.validation import validate

# Label words in the languages postings come in; each is matched as a whole label.
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
    "employment_type": r"employment type|job type|contract type|type of employment|"
    r"work type|type|anstellungsart|vertragsart|beschäftigungsart|type de contrat|"
    r"tipo de contrato|jornada|tipo di contratto|dienstverband|工作性质|雇用形態|نوع الوظيفة",
    "salary": r"salary(?:\s*range)?|pay(?:\s*range)?|compensation|wage|stipend|gehalt|vergütung|"
    r"salaire|rémunération|salario|sueldo|retribuzione|stipendio|salaris|薪资|薪酬|薪水|"
    r"月薪|年薪|給与|月給|年収|الراتب",
}
# Class or id fragments by which job pages mark their fields.
_MARKUP = {
    "title": r"job[-_ ]?title|posting[-_]headline|position[-_]?title|vacancy[-_]?title|"
    r"card-layout__title|app-title",
    "company": r"company[-_]?name|org[-_]name|employer|hiring[-_]?organi[sz]ation|"
    r"posting[-_]company",
    "location": r"location",
}
_GENERIC_TITLE = re.compile(
    r"^(?:careers?|jobs?|job (?:details?|detail|description|opening|offer)|vacanc(?:y|ies)|"
    r"vacancy details|open positions|current openings|stellenangebote?|stellenanzeige|"
    r"stellenausschreibung|offres? d.emploi|annonce|empleos?|oferta(?: de empleo)?|vacantes?|"
    r"vacatures?|annuncio|招聘|求人|채용|home|apply|sign in|log ?in)(?:\b|$)|job details?$",
    re.I,
)
_HIRING = (
    r"(?:is\s+hiring(?:\s+an?)?|hiring|sta\s+assumendo|está\s+contratando|recrute|sucht|"
    r"stellt\s+ein)"
)
_AT = r"(?:at|@|bei|chez|presso)"
_NOT_COMPANY = {"us", "the", "you", "our", "this", "a", "an", "my", "your", "we", "it", "they"}
_NAME = r"([A-Z][\w&.'’-]*(?:[ \t]+(?:[A-Z][\w&.'’-]*|&|of|and|de|du|la|von|van)){0,4})"


# The page facts a posting text may start with (see `page_facts`), and the hint each feeds.
_FACTS = {
    "Page title": "browser",
    "Site name": "site",
    "Page heading": "heading",
    "Page address": "address",
    "Page summary": "summary",
    "Marked as job title": "title",
    "Marked as company": "company",
    "Marked as location": "location",
    "Beside the job title": "beside",
}
_FACT_LINE = re.compile(rf"^({'|'.join(_FACTS)}): (.+)$")


@dataclass
class PageHints:
    """What a page's markup says beyond its text; every list is in order of trust."""

    title: list[str] = field(default_factory=list)
    company: list[str] = field(default_factory=list)
    location: list[str] = field(default_factory=list)
    weak_title: list[str] = field(default_factory=list)
    weak_company: list[str] = field(default_factory=list)
    extra_lines: list[str] = field(default_factory=list)


def job_from_page(html: str) -> dict:
    """Best-effort job fields from a page without usable structured data."""
    text = main_text(html)
    return job_from_text(f"{page_facts(html, summary=len(text) < 500)}\n\n{text}")


def page_facts(html: str, *, summary: bool = False) -> str:
    """What the page's markup says beyond its text, one labelled line each, for the top of
    the posting text: the browser title, site name, heading, address, and the elements whose
    class or id names a field. A model reads them as context; `job_from_text` reads them back.
    """
    tree = html_text.parse_html(html)
    facts = {
        "Page title": _browser_title(tree),
        "Site name": _meta(tree, "og:site_name") or _meta(tree, "application-name"),
        "Page heading": next((_text(h) for h in tree.xpath("//h1") if _text(h)), ""),
        "Page address": _meta(tree, "og:url") or _canonical(tree),
    }
    for (kind, pattern), label in zip(_MARKUP.items(), list(_FACTS)[5:8], strict=True):
        for text, element in _marked(tree, pattern):
            facts[label] = text
            if kind == "title":
                facts["Beside the job title"] = _after_title(element, text)
            break
    if summary:
        facts["Page summary"] = _meta(tree, "og:description") or _meta(tree, "description")
    return "\n".join(f"{label}: {value}" for label, value in facts.items() if value)


def _hints(facts: dict[str, str]) -> PageHints:
    hints = PageHints()
    hints.title += [facts["title"]] if facts.get("title") else []
    hints.company += [facts["company"]] if facts.get("company") else []
    hints.location += [facts["location"]] if facts.get("location") else []
    hints.weak_company += [facts["beside"]] if facts.get("beside") else []
    browser, site = facts.get("browser", ""), facts.get("site", "")
    heading = facts.get("heading", "") if _is_title(facts.get("heading", "")) else ""
    if heading and browser and heading in browser:
        hints.title.append(heading)  # the page and its title bar agree
    parsed = _parse_browser_title(browser, heading, site)
    hints.title += parsed.get("title", [])
    hints.company += parsed.get("company", [])
    hints.location += parsed.get("location", [])
    hints.weak_title += [heading] if heading else []
    hints.weak_title += [t for t in (_site_stripped(browser, site),) if _is_title(t)]
    hints.weak_title += [_slug_title(facts.get("address", ""))]
    if site and site.casefold() not in browser.casefold().split("|")[0]:
        hints.weak_company.append(site)
    # "薪资：25-50K，地点：北京": the summary's labelled parts count as lines.
    summary = facts.get("summary", "")
    hints.extra_lines = [s.strip() for s in re.split(r"[，,;；|｜]", summary) if s.strip()]
    return hints


def _split_facts(text: str) -> tuple[dict[str, str], str]:
    facts: dict[str, str] = {}
    lines = text.splitlines()
    while lines and (match := _FACT_LINE.match(lines[0].strip())):
        facts[_FACTS[match.group(1)]] = match.group(2).strip()
        lines.pop(0)
    return facts, "\n".join(lines)


def job_from_text(text: str) -> dict:
    """Best-effort job fields from posting text; unknown fields are empty, never missing.

    Page facts at the top of the text (`page_facts`) are read as hints, not as description.
    """
    facts, text = _split_facts(tidy(text or ""))
    hints = _hints(facts)
    text = text.strip() or facts.get("summary", "")
    lines = [BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]
    labelled = lines[:80] + hints.extra_lines
    first_line, tag = _first_title_line(lines)

    title = _first(
        _label(labelled, "title"), *hints.title, *hints.weak_title, first_line, default=""
    )
    at = re.match(rf"^(.+?)\s+{_AT}\s+(.+)$", title) if title == first_line else None
    if at:
        title = at.group(1).strip()
    company = _first(
        _label(labelled, "company"),
        *hints.company,
        at.group(2).strip() if at else "",
        _company_from_prose(text),
        *hints.weak_company,
        _repeated_name(lines[:10], text, title),
        default="",
    )
    location = _first(
        _label(labelled, "location"),
        *hints.location,
        "Remote" if tag and re.search(r"remote", tag, re.I) else "",
        _place_under_title(lines, title),
        _address(text),
        _remote(text),
        default="",
    )
    pay = _label(labelled, "salary")
    skills = find_skills(text)
    job = {
        "title": title[:200],
        "company": company[:200],
        "location": location[:200],
        "employment_type": _employment_type(labelled, text),
        # "Salary: Approximately $46,000 per year, commensurate ..." is "$46,000 per year".
        "salary": (find_salary(pay) or pay) if re.search(r"\d", pay) else find_salary(text),
        "description": text,
        "requirements": requirements_from_text(text),
        "skills": skills,
        "keywords": keywords_for(title, skills),
    }
    validate(job, JOB_SCHEMA)
    return job


def _first(*candidates: str, default: str) -> str:
    return next((clean(c) for c in candidates if c and clean(c)), default)


# ---------------------------------------------------------------- page markup


def _marked(tree: lxml.html.HtmlElement, pattern: str):
    rx = re.compile(pattern, re.I)
    for element in tree.xpath("//body//*[@class or @id]"):
        if element.tag in ("script", "style", "input", "form", "button", "nav"):
            continue
        if rx.search(f"{element.get('class', '')} {element.get('id', '')}"):
            text = _text(element)
            if text and len(text) <= 120 and len(text.split()) <= 15:
                yield text, element


def _after_title(element: lxml.html.HtmlElement, title: str) -> str:
    # "Civil Engineer / Tenders Department": a heading often carries the organisation too.
    parent = element.getparent()
    whole = _text(parent) if parent is not None else ""
    match = re.match(rf"^{re.escape(title)}\s*(?:/|\||–|—| - |,| at | @ )\s*(.+)$", whole)
    rest = match.group(1).strip() if match else ""
    return rest if 0 < len(rest) <= 80 and len(rest.split()) <= 8 else ""


def _text(element: lxml.html.HtmlElement) -> str:
    return clean(element.text_content())


def _meta(tree: lxml.html.HtmlElement, name: str) -> str:
    values = tree.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')
    return clean(values[0]) if values else ""


def _canonical(tree: lxml.html.HtmlElement) -> str:
    values = tree.xpath('//link[@rel="canonical"]/@href')
    return values[0] if values else ""


def _browser_title(tree: lxml.html.HtmlElement) -> str:
    titles = tree.xpath("//title")
    return (_text(titles[0]) if titles else "") or _meta(tree, "og:title")


def _site_stripped(browser: str, site: str) -> str:
    parts = [p.strip() for p in browser.split(" | ")]
    if len(parts) > 1 or (site and parts[-1].casefold() == site.casefold()):
        parts = parts[:-1]
    return " | ".join(parts)


def _parse_browser_title(browser: str, heading: str, site: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}

    def add(**fields: str | None) -> None:
        for key, value in fields.items():
            if value and value.strip(" -–—|"):
                found.setdefault(key, []).append(value.strip(" -–—|"))

    # Greenhouse: "Job Application for <title> at <company>".
    bare = re.sub(r"^job application for\s+", "", _site_stripped(browser, site), flags=re.I)
    if heading and bare.startswith(heading):
        rest = bare[len(heading) :]
        match = re.match(rf"^\s+{_AT}\s+(.+?)(?:\s+[—–-]\s+(.+))?$", rest)
        if match:
            add(company=match.group(1), location=match.group(2))
        return found
    hiring = re.match(rf"^(.+?)\s+{_HIRING}\s+(.+?)(?:\s+in\s+(.+))?$", bare)
    chinese = re.match(r"^「?([^」_]+?)(?:招聘)?」?_([^_]+?)招聘", bare)
    at = re.match(rf"^(.+?)\s+{_AT}\s+([^|]+?)(?:\s+[—–]\s+(.+))?$", bare)
    parts = [p.strip() for p in browser.split(" | ")]
    if hiring:
        add(company=hiring.group(1), title=hiring.group(2), location=hiring.group(3))
    elif chinese:
        add(title=chinese.group(1), company=chinese.group(2))
    elif at:
        add(title=at.group(1), company=at.group(2), location=at.group(3))
    elif len(parts) == 3 and _is_title(parts[0]):
        add(title=parts[0], company=parts[1])
    return {k: [v for v in vs if k != "title" or _is_title(v)] for k, vs in found.items()}


def _is_title(text: str) -> bool:
    return bool(text) and len(text) <= 120 and not _GENERIC_TITLE.search(text.strip())


def _slug_title(url: str) -> str:
    segment = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1])
    segment = re.sub(r"\.\w{2,5}$", "", segment)
    segment = re.sub(r"(?:[_-](?=[A-Za-z0-9]*\d)[A-Za-z0-9]{4,}|[_-]\d+)$", "", segment)
    words = [w for w in re.split(r"[-_+]", segment.replace("---", "-–-")) if w]
    if sum(w.isalpha() for w in words) < 2:
        return ""
    title = " ".join(words).replace(" – ", " - ")
    title = title.title() if title.islower() else title
    return title if _is_title(title) else ""


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
        elif alone.match(line) and i + 1 < len(lines) and len(lines[i + 1]) <= 80:
            return lines[i + 1]
    return ""


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
            r"^(?:https?://|www\.|skip to|apply|job description|home\b|menu\b|posted|date|\d)",
            line,
            re.I,
        )
        and not re.match(r"^[^:]{1,25}:\s", line)
        and _is_title(line)
    )


def _company_from_prose(text: str) -> str:
    for pattern in (
        rf"\b{_NAME}[ \t]+{_HIRING}\b",
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


def _remote(text: str) -> str:
    head = text[:2000]
    if re.search(r"\bhybrid\b", head, re.I) and not re.search(r"\bfully remote\b", head, re.I):
        return "Hybrid"
    pattern = r"\b(?:fully remote|remote[- ]first|100% remote|remote (?:job|role|position))\b"
    return "Remote" if re.search(pattern, head, re.I) else ""


def _employment_type(lines: list[str], text: str) -> str:
    labelled = _label(lines, "employment_type")
    if labelled and len(labelled) <= 40:
        return employment_type_label(labelled)
    for label, pattern in (
        (
            "Full-time",
            r"\bfull[- ]time\b|\bpermanent\b|vollzeit|voltijds|temps plein|tiempo completo|"
            r"jornada completa|tempo pieno|tempo integral|全职|正社員",
        ),
        (
            "Part-time",
            r"\bpart[- ]time\b|teilzeit|deeltijds|temps partiel|tiempo parcial|medio tiempo|"
            r"part-time|兼职|パート",
        ),
        (
            "Contract",
            r"\bcontractor\b|\bfreelance\b|\bfixed[- ]term\b|"
            r"\bcontract\s+(?:role|position|basis)\b",
        ),
        ("Internship", r"\binternship\b"),
        ("Temporary", r"\btemporary\b"),
    ):
        if re.search(pattern, text, re.I):
            return label
    return ""
