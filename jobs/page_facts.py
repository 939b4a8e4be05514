"""What a page's markup says about its job beyond the page's text.

The browser title, site name, heading, address and the elements whose class or id names a
field become labelled lines ("Page title: ...") above the posting text: a vendor model reads them
as context, and `jobs.heuristics` reads them back as hints, each trusted as far as it deserves.
A generic browser title ("Careers - Job details") is never a job title, and a site name is a
company only when nothing better exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import html_text
import lxml.html

from jobs.parsing import clean

_MARKUP = {
    "title": r"job[-_ ]?title|posting[-_]headline|position[-_]?title|vacancy[-_]?title|"
    r"card-layout__title|app-title",
    "company": r"company[-_]?name|org[-_]name|employer|hiring[-_]?organi[sz]ation|"
    r"posting[-_]company",
    "location": r"location",
}
GENERIC_TITLE = re.compile(
    r"^(?:careers?|jobs?|job (?:details?|detail|description|opening|offer)|vacanc(?:y|ies)|"
    r"vacancy details|open positions|current openings|stellenangebote?|stellenanzeige|"
    r"stellenausschreibung|offres? d.emploi|annonce|empleos?|oferta(?: de empleo)?|vacantes?|"
    r"vacatures?|annuncio|招聘|求人|채용|home|apply|sign in|log ?in)(?:\b|$)|job details?$",
    re.I,
)
HIRING = (
    r"(?:is\s+hiring(?:\s+an?)?|hiring|sta\s+assumendo|está\s+contratando|recrute|sucht|"
    r"stellt\s+ein)"
)
AT = r"(?:at|@|bei|chez|presso)"


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


def page_hints(facts: dict[str, str]) -> PageHints:
    """The hints in a page's facts (as `split_facts` reads them back), each in order of trust."""
    browser, site = facts.get("browser", ""), facts.get("site", "")
    heading = facts.get("heading", "") if is_title(facts.get("heading", "")) else ""
    # The page and its title bar agree.
    agreed = [heading] if heading and browser and heading in browser else []
    parsed = _parse_browser_title(browser, heading, site)
    return PageHints(
        title=[*_given(facts, "title"), *agreed, *parsed.get("title", [])],
        company=[*_given(facts, "company"), *parsed.get("company", [])],
        location=[*_given(facts, "location"), *parsed.get("location", [])],
        weak_title=_weak_titles(browser, site, heading, facts.get("address", "")),
        weak_company=[*_given(facts, "beside"), *_site_as_company(browser, site)],
        # "薪资：25-50K，地点：北京": the summary's labelled parts count as lines.
        extra_lines=[
            s.strip() for s in re.split(r"[，,;；|｜]", facts.get("summary", "")) if s.strip()
        ],
    )


def _given(facts: dict[str, str], hint: str) -> list[str]:
    """The fact as a one-item list, or none where the page does not give it."""
    return [facts[hint]] if facts.get(hint) else []


def _weak_titles(browser: str, site: str, heading: str, address: str) -> list[str]:
    """The heading, the browser title without the site's name, the address's last part."""
    stripped = _site_stripped(browser, site)
    return [
        *([heading] if heading else []),
        *([stripped] if is_title(stripped) else []),
        _slug_title(address),
    ]


def _site_as_company(browser: str, site: str) -> list[str]:
    """The site's name, unless the first part of the browser title holds it."""
    return [site] if site and site.casefold() not in browser.casefold().split("|")[0] else []


def split_facts(text: str) -> tuple[dict[str, str], str]:
    facts: dict[str, str] = {}
    lines = text.splitlines()
    while lines and (match := _FACT_LINE.match(lines[0].strip())):
        facts[_FACTS[match.group(1)]] = match.group(2).strip()
        lines.pop(0)
    return facts, "\n".join(lines)


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
        match = re.match(rf"^\s+{AT}\s+(.+?)(?:\s+[—–-]\s+(.+))?$", rest)
        if match:
            add(company=match.group(1), location=match.group(2))
        return found
    hiring = re.match(rf"^(.+?)\s+{HIRING}\s+(.+?)(?:\s+in\s+(.+))?$", bare)
    chinese = re.match(r"^「?([^」_]+?)(?:招聘)?」?_([^_]+?)招聘", bare)
    at = re.match(rf"^(.+?)\s+{AT}\s+([^|]+?)(?:\s+[—–]\s+(.+))?$", bare)
    parts = [p.strip() for p in browser.split(" | ")]
    if hiring:
        add(company=hiring.group(1), title=hiring.group(2), location=hiring.group(3))
    elif chinese:
        add(title=chinese.group(1), company=chinese.group(2))
    elif at:
        add(title=at.group(1), company=at.group(2), location=at.group(3))
    elif len(parts) == 3 and is_title(parts[0]):
        add(title=parts[0], company=parts[1])
    return {k: [v for v in vs if k != "title" or is_title(v)] for k, vs in found.items()}


def is_title(text: str) -> bool:
    return bool(text) and len(text) <= 120 and not GENERIC_TITLE.search(text.strip())


def _slug_title(url: str) -> str:
    segment = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1])
    segment = re.sub(r"\.\w{2,5}$", "", segment)
    segment = re.sub(r"(?:[_-](?=[A-Za-z0-9]*\d)[A-Za-z0-9]{4,}|[_-]\d+)$", "", segment)
    words = [w for w in re.split(r"[-_+]", segment.replace("---", "-–-")) if w]
    if sum(w.isalpha() for w in words) < 2:
        return ""
    title = " ".join(words).replace(" – ", " - ")
    title = title.title() if title.islower() else title
    return title if is_title(title) else ""
