"""A page's schema.org JobPosting, wherever the page keeps it: JSON-LD, microdata or RDFa.

Postings hide in `@graph`, in lists, as a WebPage's `mainEntity`, in several script blocks or in
several syntaxes at once; the first usable posting wins, and its empty fields are filled from
another posting on the page with the same title (a microdata block with the salary the JSON-LD
left out). Pure functions, no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import extruct
import html_text
import json_repair
from extruct.jsonld import JsonLdExtractor
from extruct.rdfa import RDFaExtractor

from core.text import strip_bad_text
from core.validation import validate
from jobs.parsing import (
    BULLET,
    clean,
    employment_type_label,
    find_skills,
    html_to_text,
    keywords_for,
    requirements_from_text,
)
from jobs.salary import find_salary
from jobs.schemas import JOB_SCHEMA

_UNITS = {
    "HOUR": "per hour",
    "DAY": "per day",
    "WEEK": "per week",
    "MONTH": "per month",
    "YEAR": "per year",
    "ANNUAL": "per year",
    "ANNUM": "per year",
}
_FIELDS = ("company", "location", "employment_type", "salary")


def structured_job(html: str) -> dict | None:
    """The page's JobPosting as a JOB_SCHEMA dict, or None if it has none usable."""
    # A page's JSON may escape a NUL or half a surrogate pair (\u0000, \ud800): text no HTML
    # parser, database or response can carry.
    items = _without_bad_text(structured_items(html))
    ids = {n["@id"]: n for n in _nodes(items) if isinstance(n.get("@id"), str) and len(n) > 2}
    jobs = [job for job in (_job(p, ids) for p in filter(_is_posting, _nodes(items))) if job]
    if not jobs:
        return None
    first = jobs[0]
    for other in jobs[1:]:
        if other["title"].casefold() == first["title"].casefold():
            for field in _FIELDS:
                first[field] = first[field] or other[field]
    validate(first, JOB_SCHEMA)
    return first


def structured_items(html: str) -> list[Any]:
    """Every JSON-LD, microdata and RDFa item on the page, RDFa compacted to plain keys."""
    items = _jsonld_items(html)
    # Microdata and RDFa parsers are slow on megabyte pages; most pages have neither.
    if "JobPosting" in html and re.search(r"\bitemtype\s*=", html, re.I):
        try:
            # The uniform shape is JSON-LD's: {"@type": ..., "title": ...}.
            items += extruct.extract(html, syntaxes=["microdata"], uniform=True)["microdata"]
        except Exception:  # noqa: BLE001 - broken markup must not lose the page's other data
            pass
    if "JobPosting" in html and re.search(r"\btypeof\s*=", html, re.I):
        try:
            items += [_compact(node) for node in RDFaExtractor().extract(html)]
        except Exception:  # noqa: BLE001 - as above
            pass
    return items


def _job(posting: dict, ids: dict[str, dict]) -> dict | None:
    title = clean(_text_of(posting.get("title") or posting.get("name")))
    description = html_to_text(_text_of(posting.get("description")))
    if not title or not description:
        return None
    skills = _list_of_terms(posting.get("skills")) or find_skills(f"{title}\n{description}")
    requirements = requirements_from_text(description) + _jsonld_requirements(posting)
    salary = _salary(posting.get("baseSalary")) or _salary(posting.get("estimatedSalary"))
    return {
        "title": title,
        "company": clean(_name_of(_resolve(posting.get("hiringOrganization"), ids))),
        "location": _location(posting, ids),
        "employment_type": employment_type_label(posting.get("employmentType")),
        # Many postings state the pay only in their text.
        "salary": salary or find_salary(description),
        "description": description,
        "requirements": list(dict.fromkeys(requirements)),
        "skills": skills,
        "keywords": keywords_for(title, skills),
    }


def _without_bad_text(value: Any) -> Any:
    if isinstance(value, str):
        return strip_bad_text(value)
    if isinstance(value, list):
        return [_without_bad_text(item) for item in value]
    if isinstance(value, dict):
        return {strip_bad_text(str(k)): _without_bad_text(v) for k, v in value.items()}
    return value


def _jsonld_items(html: str) -> list[Any]:
    try:
        return JsonLdExtractor().extract(html)
    except Exception:  # noqa: BLE001 - one broken script makes extruct drop the whole page
        pass
    items: list[Any] = []
    tree = html_text.parse_html(html)
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        data = _lenient_json(script.text_content())
        items.extend(data if isinstance(data, list) else [data] if data is not None else [])
    return items


def _lenient_json(raw: str) -> Any:
    raw = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?://\s*\]\]>|-->)\s*$", "", raw.strip())
    raw = raw.strip().rstrip(";")
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        pass
    # Hand-written JSON-LD: trailing commas, comments, unescaped quotes in the description.
    repaired = json_repair.loads(raw)
    return repaired if isinstance(repaired, (dict, list)) and repaired else None


def _compact(node: Any) -> Any:
    # RDFa comes back as expanded JSON-LD: {"https://schema.org/title": [{"@value": "..."}]}.
    if isinstance(node, list):
        values = [_compact(v) for v in node]
        return values[0] if len(values) == 1 else values
    if not isinstance(node, dict):
        return node
    if "@value" in node:
        return node["@value"]
    compact: dict[str, Any] = {}
    for key, value in node.items():
        short = key if key.startswith("@") else re.split(r"[/#:]", key)[-1]
        if key == "@type":
            kinds = [
                re.split(r"[/#:]", t)[-1] for t in (value if isinstance(value, list) else [value])
            ]
            compact[short] = kinds[0] if len(kinds) == 1 else kinds
        else:
            compact[short] = _compact(value)
    return compact


def _nodes(node: Any) -> Iterator[dict]:
    if isinstance(node, list):
        for item in node:
            yield from _nodes(item)
    elif isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _nodes(value)


def _is_posting(node: dict) -> bool:
    types = node.get("@type")
    if types is None:
        # Some applicant-tracking systems (Workday) leave the type out of their JSON-LD.
        return "title" in node and bool({"hiringOrganization", "jobLocation"} & set(node))
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and re.split(r"[/:#]", t)[-1] == "JobPosting" for t in types)


def _resolve(value: Any, ids: dict[str, dict]) -> Any:
    # In an @graph (and in RDFa) the organisation is often a reference: {"@id": "#org"}.
    if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
        return ids.get(value.get("@id"), value)
    return value


def _text_of(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(_text_of(v) for v in value)
    if isinstance(value, dict):
        return _text_of(value.get("@value") or value.get("name") or value.get("description"))
    return "" if value is None else str(value)


def _name_of(value: Any) -> str:
    if isinstance(value, list):
        return _name_of(value[0]) if value else ""
    if isinstance(value, dict):
        return _text_of(value.get("name") or value.get("legalName"))
    return _text_of(value)


def _location(posting: dict, ids: dict[str, dict]) -> str:
    """Each place of the posting once, then "Remote (where)" for a remote job."""
    parts: list[str] = []
    for place in _listed(posting.get("jobLocation")):
        text = _place_text(_resolve(place, ids), ids)
        if text and text not in parts:
            parts.append(clean(text))
    remote = _remote(posting)
    return "; ".join([*parts, remote] if remote else parts)


def _listed(value: Any) -> list:
    """A value that may be one item or a list of them, as a list; nothing is no item."""
    return value if isinstance(value, list) else [value] if value else []


def _place_text(place: Any, ids: dict[str, dict]) -> str:
    # A Place with an address, a bare PostalAddress, or a name.
    address = _resolve(place.get("address", place) if isinstance(place, dict) else place, ids)
    if not isinstance(address, dict):
        return clean(_text_of(address))
    fields = [
        _name_of(address.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")
    ]
    unique = [f for i, f in enumerate(fields) if f and f not in fields[:i]]
    return ", ".join(unique) or clean(_text_of(address.get("name")))


def _remote(posting: dict) -> str:
    """For a remote job "Remote (Germany, Austria)", for any other ""."""
    if "TELECOMMUTE" not in str(posting.get("jobLocationType") or "").upper():
        return ""
    where = _listed(posting.get("applicantLocationRequirements"))
    names = ", ".join(n for n in (clean(_name_of(w)) for w in where) if n)
    return f"Remote ({names})" if names else "Remote"


def _salary(value: Any) -> str:
    """A baseSalary or estimatedSalary as text: an amount, a list of them, a number or text."""
    if isinstance(value, list):
        return next((s for s in map(_salary, value) if s), "")
    if isinstance(value, (int, float)):
        return _money(value)
    if isinstance(value, dict):
        return _monetary_amount(value)
    return clean(value) if isinstance(value, str) else ""


def _monetary_amount(value: dict) -> str:
    """A MonetaryAmount as "USD 50,000–60,000 per year"; "" without a figure."""
    currency = _text_of(value.get("currency") or value.get("salaryCurrency"))
    amount = value.get("value", value)
    unit = _text_of(amount.get("unitText")) if isinstance(amount, dict) else ""
    unit = unit or _text_of(value.get("unitText"))
    numbers = _figures(amount)
    if not numbers:
        return ""
    span = "–".join(dict.fromkeys(numbers))  # a range whose ends agree is one number
    period = _UNITS.get(unit.strip().upper(), unit.strip().lower())
    return " ".join(p for p in (currency.strip(), span, period) if p)


def _figures(amount: Any) -> list[str]:
    """A QuantitativeValue's range ends, else its one value (or median); or a bare value."""
    if not isinstance(amount, dict):
        return [n for n in [_money(amount)] if n]
    ends = [n for n in map(_money, (amount.get("minValue"), amount.get("maxValue"))) if n]
    single = amount.get("value") if amount.get("value") is not None else amount.get("median")
    return ends or [n for n in [_money(single)] if n]


def _money(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)) or value == "":
        return ""
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return ""
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


def _jsonld_requirements(posting: dict) -> list[str]:
    items: list[str] = []
    for key in ("qualifications", "experienceRequirements", "educationRequirements"):
        values = posting.get(key)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict):
                months = value.get("monthsOfExperience")
                text = _text_of(value.get("description"))
                category = clean(_text_of(value.get("credentialCategory")))
                if not text and category:
                    text = category[:1].upper() + category[1:]
                if not text and months:
                    years = int(float(months)) // 12
                    text = (
                        f"{years}+ years of experience"
                        if years
                        else f"{months} months of experience"
                    )
            else:
                text = _text_of(value)
            lines = html_to_text(text).splitlines()
            items.extend(BULLET.sub("", line).strip() for line in lines if line.strip())
    return list(dict.fromkeys(i for i in items if i))


def _list_of_terms(value: Any) -> list[str]:
    if isinstance(value, list):
        terms = [t for v in value for t in _list_of_terms(v)]
    elif isinstance(value, dict):
        terms = _list_of_terms(_text_of(value.get("name")))
    elif isinstance(value, str):
        terms = re.split(r"[,;\n]", html_to_text(value))
    else:
        terms = []
    terms = [BULLET.sub("", t).strip(" .") for t in terms]
    return list(dict.fromkeys(t for t in terms if t and len(t) <= 60))
