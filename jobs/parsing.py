"""Job postings without an AI: schema.org JSON-LD, readable page text and plain-text heuristics.

The offline provider extracts jobs with these functions, and they are pure (no database), so a
page can be tried in a shell. Every dict they return has exactly the JOB_SCHEMA keys.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import html_text
import jstyleson
import lxml.html
from extruct.jsonld import JsonLdExtractor

from jobs.schemas import JOB_SCHEMA
from orchestrator.validation import strip_bad_text, validate

MAX_KEYWORDS = 20

# A modest vocabulary: enough to tag typical tech and office postings, small enough to read.
# Plain entries match case-insensitively on word edges; (name, regex) pairs exist for names that
# are also common English words ("React", "Go", "Excel") and must not match "react quickly".
_SKILL_TERMS = """
Python|Java|JavaScript|TypeScript|C++|C#|.NET|PHP|Ruby on Rails|Kotlin|Scala|Elixir|Perl|
Haskell|Clojure|Dart|Flutter|Objective-C|SQL|NoSQL|PostgreSQL|MySQL|SQLite|MongoDB|Redis|
Elasticsearch|Cassandra|DynamoDB|Snowflake|BigQuery|Django|FastAPI|Node.js|Next.js|Angular|
Vue.js|Svelte|Spring Boot|Laravel|Symfony|jQuery|HTML|CSS|Sass|Tailwind|GraphQL|REST|gRPC|
Kafka|RabbitMQ|Celery|Airflow|Spark|Hadoop|dbt|Pandas|NumPy|scikit-learn|TensorFlow|PyTorch|
Machine Learning|Deep Learning|NLP|Computer Vision|LLM|Data Analysis|Data Science|
Data Engineering|Statistics|Tableau|Power BI|Looker|AWS|Azure|GCP|Google Cloud|Docker|
Kubernetes|Terraform|Ansible|Linux|Bash|Git|GitHub Actions|GitLab|Jenkins|CI/CD|DevOps|
Microservices|Serverless|Security|OAuth|Networking|Android|iOS|React Native|Figma|Sketch|
UX|UI Design|Product Management|Project Management|Stakeholder Management|Agile|Scrum|
Kanban|Jira|Confluence|SEO|SEM|Google Analytics|Salesforce|HubSpot|SAP|Copywriting|
Content Marketing|Digital Marketing|Social Media|Accounting|Bookkeeping|Financial Modelling|
Financial Analysis|Budgeting|Financial Forecasting|QuickBooks|Customer Service|Sales|
Business Development|Negotiation|Recruitment|Communication|Leadership|Mentoring|
Teamwork|Problem Solving|Research|Testing|Test Automation|Selenium|Cypress|pytest|Jest|
Unit Testing
"""
_CASE_SENSITIVE = [
    ("Go", r"\bGolang\b|\bGo(?=\s*[,/)]|\s+(?:and|or)\b)|(?<=[,/(]\s)Go\b|(?<=[,/(])Go\b"),
    ("React", r"\bReact(?:\.js|JS)?\b(?! Native)"),
    ("Rust", r"\bRust\b"),
    ("Swift", r"\bSwift\b"),
    ("Excel", r"\b(?:Microsoft |MS )?Excel\b"),
    ("Flask", r"\bFlask\b"),
    ("Express", r"\bExpress(?:\.js)?\b"),
]
_EDGE_L, _EDGE_R = r"(?<![A-Za-z0-9_+#])", r"(?![A-Za-z0-9_+#])"
# Each pattern comes with a lower-case literal its matches must contain: a cheap `in` test
# skips most regexes, which matters on megabyte pages.
_SKILL_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    (
        term,
        next(p for p in re.split(r"[^a-z0-9+#]", term.lower()) if p),
        re.compile(_EDGE_L + re.escape(term).replace(r"\.js", r"\.?js") + _EDGE_R, re.I),
    )
    for term in (t.strip() for t in _SKILL_TERMS.replace("\n", "").split("|"))
    if term
] + [(name, name[:2].lower(), re.compile(rx)) for name, rx in _CASE_SENSITIVE]

# Title words that say nothing about the job itself.
_TITLE_NOISE = {
    "senior",
    "junior",
    "lead",
    "principal",
    "staff",
    "head",
    "chief",
    "associate",
    "assistant",
    "mid",
    "level",
    "entry",
    "intern",
    "the",
    "and",
    "for",
    "with",
    "of",
    "in",
    "at",
    "to",
    "a",
    "an",
    "or",
    "m",
    "f",
    "d",
    "w",
    "x",
    "remote",
    "hybrid",
    "onsite",
    "full",
    "time",
    "part",
    "contract",
    "permanent",
    "temporary",
    "new",
    "ii",
    "iii",
    "iv",
    "sr",
    "jr",
}

_EMPLOYMENT_TYPES = {
    "FULL_TIME": "Full-time",
    "PART_TIME": "Part-time",
    "CONTRACTOR": "Contract",
    "CONTRACT": "Contract",
    "TEMPORARY": "Temporary",
    "INTERN": "Internship",
    "INTERNSHIP": "Internship",
    "VOLUNTEER": "Volunteer",
    "PER_DIEM": "Per diem",
    "OTHER": "Other",
    "PERMANENT": "Full-time",
    "FREELANCE": "Contract",
}
_UNITS = {
    "HOUR": "per hour",
    "DAY": "per day",
    "WEEK": "per week",
    "MONTH": "per month",
    "YEAR": "per year",
    "ANNUAL": "per year",
    "ANNUM": "per year",
}

_BULLET = re.compile(r"^\s*(?:[-*•·–—▪●◦‣✓✔]|\d{1,2}[.)])\s+")
# Headings over requirement lists. Loose phrases ("You have") count only as a whole line.
_REQ_HEADING = re.compile(
    r"^(?:(?:key|minimum|basic|essential|required|preferred|our)\s+)?(?:requirements?|"
    r"qualifications?|what you(?:'|’)?ll (?:bring|need)|what you (?:bring|need)|must[- ]haves?|"
    r"what we(?:'|’)?re looking for|what we are looking for|skills (?:and|&) experience|"
    r"experience (?:and|&) skills|(?:required|relevant) experience|your profile|your skills|"
    r"(?:the )?ideal candidate)(?:\s+[^\s.]+){0,3}$"
    r"|^(?:you have|you bring|who you are|about you|you are|you should have|experience)$",
    re.I,
)
_OTHER_HEADING = re.compile(
    r"^(?:responsibilities|what you(?:'|’)?ll do|your role|the role|about (?:us|the role|the "
    r"team|the company)|benefits|perks|what we offer|we offer|compensation|salary|how to "
    r"apply|nice to have|bonus points|duties|key responsibilities|day to day|why join)\b",
    re.I,
)


# ---------------------------------------------------------------- JSON-LD


def jsonld_job(html: str) -> dict | None:
    """The page's schema.org JobPosting as a JOB_SCHEMA dict, or None if it has none usable."""
    # A page's JSON may escape a NUL or half a surrogate pair (\u0000, \ud800): text no
    # HTML parser, database or response can carry.
    items = _without_bad_text(_jsonld_items(html))
    ids = {n["@id"]: n for n in _nodes(items) if isinstance(n.get("@id"), str) and len(n) > 2}
    for posting in filter(_is_posting, _nodes(items)):
        title = _clean(_text_of(posting.get("title") or posting.get("name")))
        description = _html_to_text(_text_of(posting.get("description")))
        if not title or not description:
            continue
        explicit_skills = _list_of_terms(posting.get("skills"))
        skills = explicit_skills or find_skills(f"{title}\n{description}")
        requirements = list(
            dict.fromkeys(requirements_from_text(description) + _jsonld_requirements(posting))
        )
        job = {
            "title": title,
            "company": _clean(_name_of(_resolve(posting.get("hiringOrganization"), ids))),
            "location": _jsonld_location(posting),
            "employment_type": _employment_type(posting.get("employmentType")),
            "salary": _salary(posting.get("baseSalary")) or _salary(posting.get("estimatedSalary")),
            "description": description,
            "requirements": requirements,
            "skills": skills,
            "keywords": keywords_for(title, skills),
        }
        validate(job, JOB_SCHEMA)
        return job
    return None


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


def _without_bad_text(value: Any) -> Any:
    if isinstance(value, str):
        return strip_bad_text(value)
    if isinstance(value, list):
        return [_without_bad_text(item) for item in value]
    if isinstance(value, dict):
        return {strip_bad_text(str(k)): _without_bad_text(v) for k, v in value.items()}
    return value


def _lenient_json(raw: str) -> Any:
    raw = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?://\s*\]\]>|-->)\s*$", "", raw.strip())
    raw = raw.strip().rstrip(";")
    for attempt in (raw, re.sub(r",\s*([}\]])", r"\1", raw)):
        for loads in (json.loads, jstyleson.loads):
            try:
                return loads(attempt, strict=False)
            except ValueError:
                continue
    return None


def _nodes(node: Any) -> Iterator[dict]:
    # Postings hide in @graph, in lists, or as a WebPage's mainEntity; walk everything.
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
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and re.split(r"[/:#]", t)[-1] == "JobPosting" for t in types)


def _resolve(value: Any, ids: dict[str, dict]) -> Any:
    # In an @graph the organisation is often a reference: {"@id": "#org"}.
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


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


def _jsonld_location(posting: dict) -> str:
    places = posting.get("jobLocation") or []
    parts = []
    for place in places if isinstance(places, list) else [places]:
        address = place.get("address", place) if isinstance(place, dict) else place
        if isinstance(address, dict):
            fields = [
                _name_of(address.get(k))
                for k in ("addressLocality", "addressRegion", "addressCountry")
            ]
            unique = [f for i, f in enumerate(fields) if f and f not in fields[:i]]
            text = ", ".join(unique) or _clean(_text_of(address.get("name")))
        else:
            text = _clean(_text_of(address))
        if text and text not in parts:
            parts.append(_clean(text))
    kinds = posting.get("jobLocationType") or ""
    if "TELECOMMUTE" in str(kinds).upper():
        where = posting.get("applicantLocationRequirements")
        where = where if isinstance(where, list) else [where] if where else []
        names = ", ".join(n for n in (_clean(_name_of(w)) for w in where) if n)
        parts.append(f"Remote ({names})" if names else "Remote")
    return "; ".join(parts)


def _employment_type(value: Any) -> str:
    values = value if isinstance(value, list) else re.split(r"[,/]", str(value or ""))
    labels = []
    for raw in values:
        key = re.sub(r"[\s-]+", "_", str(raw).strip()).upper()
        if not key:
            continue
        label = _EMPLOYMENT_TYPES.get(key, str(raw).strip().replace("_", " ").capitalize())
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def _salary(value: Any) -> str:
    if isinstance(value, list):
        return next((s for s in map(_salary, value) if s), "")
    if isinstance(value, (int, float)):
        return _money(value)
    if not isinstance(value, dict):
        return _clean(value) if isinstance(value, str) else ""
    currency = _text_of(value.get("currency") or value.get("salaryCurrency"))
    amount = value.get("value", value)
    unit = ""
    if isinstance(amount, dict):
        unit = _text_of(amount.get("unitText"))
        low = amount.get("minValue")
        high = amount.get("maxValue")
        single = amount.get("value") if amount.get("value") is not None else amount.get("median")
    else:
        low = high = None
        single = amount
    unit = unit or _text_of(value.get("unitText"))
    numbers = [n for n in map(_money, (low, high)) if n] or [n for n in [_money(single)] if n]
    if not numbers:
        return ""
    span = "–".join(dict.fromkeys(numbers))  # a range whose ends agree is one number
    period = _UNITS.get(unit.strip().upper(), unit.strip().lower())
    return " ".join(p for p in (currency.strip(), span, period) if p)


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
                category = _clean(_text_of(value.get("credentialCategory")))
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
            lines = _html_to_text(text).splitlines()
            items.extend(_BULLET.sub("", line).strip() for line in lines if line.strip())
    return list(dict.fromkeys(i for i in items if i))


# ---------------------------------------------------------------- page text


def _html_to_text(fragment: str) -> str:
    """Description HTML (sometimes entity-escaped twice) as text: one block or bullet a line."""
    if "<" not in fragment and "&lt;" in fragment:
        fragment = html_lib.unescape(fragment)
    if "<" not in fragment:
        return _tidy(html_lib.unescape(fragment))
    return _tree_text(html_text.parse_html(fragment))


def _tree_text(tree: lxml.html.HtmlElement) -> str:
    # Mark list items so requirement lists survive the trip to plain text.
    for item in tree.iter("li"):
        item.text = "- " + (item.text or "").lstrip()
    return _tidy(html_text.extract_text(tree, guess_layout=True))


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def main_text(html: str) -> str:
    """The readable main text of a page: no scripts, menus, headers, footers or forms."""
    tree = html_text.parse_html(html)
    junk = (
        "//script|//style|//noscript|//template|//svg|//iframe|//nav|//aside|//form|"
        "//button|//*[@role='navigation' or @role='banner' or @role='contentinfo' or "
        "@role='complementary' or @aria-hidden='true']"
    )
    # A header or footer inside an article is the article's own (it holds the job title).
    junk += (
        "|//header[not(ancestor::main or ancestor::article)]"
        "|//footer[not(ancestor::main or ancestor::article)]"
    )
    for node in tree.xpath(junk):
        if node.getparent() is not None:
            node.drop_tree()
    candidates = tree.xpath("//main|//*[@role='main']|//article")
    root = max(candidates, key=lambda n: len(n.text_content())) if candidates else tree
    return _tree_text(root)


# ---------------------------------------------------------------- plain text


def job_from_text(text: str) -> dict:
    """Best-effort job fields from posting text; unknown fields are empty, never missing."""
    text = _tidy(text or "")
    lines = [line for line in text.splitlines() if line.strip()]
    title = _label(lines, r"job title|title|position|role")
    company = _label(lines, r"company|employer|organi[sz]ation|hiring company")
    if not title:
        title = next((_BULLET.sub("", line) for line in lines[:8] if _looks_like_title(line)), "")
        at = re.match(r"^(.+?)\s+(?:at|@)\s+(.+)$", title)
        if at:
            title, company = at.group(1).strip(), company or at.group(2).strip()
    company = company or _company_from_prose(text)
    skills = find_skills(text)
    job = {
        "title": title[:200],
        "company": company[:200],
        "location": _label(lines, r"location|based in|office|work location") or _remote(text),
        "employment_type": _text_employment_type(lines, text),
        "salary": _label(lines, r"salary|compensation|pay|salary range") or find_salary(text),
        "description": text,
        "requirements": requirements_from_text(text),
        "skills": skills,
        "keywords": keywords_for(title, skills),
    }
    validate(job, JOB_SCHEMA)
    return job


def _label(lines: list[str], names: str) -> str:
    pattern = re.compile(rf"^\s*(?:{names})\s*[:：\-–]\s*(.+)$", re.I)
    for line in lines:
        match = pattern.match(line)
        if match and len(match.group(1)) < 150:
            return match.group(1).strip()
    return ""


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 12
        and len(line) <= 100
        and not line.rstrip().endswith((".", ":"))
        and not re.match(
            r"^(?:https?://|www\.|skip to|apply|job description|home\b|menu\b|"
            r"posted|date|\d)",
            line,
            re.I,
        )
        and not re.match(r"^[^:]{1,25}:\s", line)
    )


_NOT_COMPANY = {"us", "the", "you", "our", "this", "a", "an", "my", "your", "we"}


def _company_from_prose(text: str) -> str:
    name = r"([A-Z][\w&.'-]*(?:[ \t]+[A-Z][\w&.'-]*){0,3})"
    for pattern in (
        rf"^About[ \t]+{name}[ \t]*$",
        rf"\b{name}[ \t]+is[ \t]+(?:hiring|looking|seeking)",
        rf"\bJoin[ \t]+{name}\b",
    ):
        match = re.search(pattern, text, re.M)
        if match and match.group(1).split()[0].lower() not in _NOT_COMPANY:
            return match.group(1)
    return ""


def _remote(text: str) -> str:
    return (
        "Remote"
        if re.search(r"\b(?:fully remote|remote[- ]first|100% remote|remote)\b", text[:2000], re.I)
        else ""
    )


def _text_employment_type(lines: list[str], text: str) -> str:
    labelled = _label(lines, r"employment type|job type|contract type|type")
    if labelled:
        return _employment_type(labelled) if "_" in labelled else labelled
    for label, pattern in (
        ("Full-time", r"\bfull[- ]time\b|\bpermanent\b"),
        ("Part-time", r"\bpart[- ]time\b"),
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


_CURRENCY = r"(?:US\$|C\$|A\$|[$€£¥₹₦]|USD|EUR|GBP|CAD|AUD|CHF|INR|KES|KSh|NGN|ZAR)"
_NUMBER = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:\.\d+)?\s?[kK]?|\d+(?:\.\d+)?\s?[kKmM]?"
_AMOUNT = rf"(?:{_CURRENCY}\s?(?:{_NUMBER})|(?:{_NUMBER})\s?{_CURRENCY})"
_SALARY = re.compile(
    rf"{_AMOUNT}(?:\s*(?:-|–|—|to)\s*(?:{_AMOUNT}|{_NUMBER}))?"
    r"(?:\s*(?:per|/|a|an)\s*(?:year|yr|annum|month|mo|week|day|hour|hr)\b|\s*p\.?a\.?|"
    r"\s*(?:annually|yearly|monthly|hourly)\b)?"
)


def find_salary(text: str) -> str:
    match = _SALARY.search(text)
    return re.sub(r"\s+", " ", match.group(0)).strip() if match else ""


def requirements_from_text(text: str) -> list[str]:
    """The list under a Requirements / Qualifications / You have heading, bullets stripped."""
    sections: list[list[tuple[bool, str, bool]]] = []
    current: list[tuple[bool, str, bool]] | None = None
    blank = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            blank = True
            continue
        bullet = bool(_BULLET.match(line))
        heading = stripped.rstrip(":").strip()
        if not bullet and len(heading) <= 60 and _REQ_HEADING.match(heading):
            current = []
            sections.append(current)
        elif not bullet and (_OTHER_HEADING.match(heading) or stripped.endswith(":")):
            current = None
        elif current is not None:
            current.append((bullet, _BULLET.sub("", stripped).strip(), blank))
        blank = False
    found: list[str] = []
    for section in sections:
        found.extend(_section_items(section))
    return list(dict.fromkeys(found))


def _section_items(section: list[tuple[bool, str, bool]]) -> list[str]:
    # A list is the first run of bullets (an intro line may precede it); without bullets, the
    # first block of short lines.
    if any(bullet for bullet, _, _ in section):
        start = next(i for i, (bullet, _, _) in enumerate(section) if bullet)
        items = []
        for bullet, text, _ in section[start:]:
            if not bullet:
                break
            items.append(text)
        return items
    items = []
    for _, text, blank_before in section:
        if items and blank_before:
            break
        if len(text) <= 250:
            items.append(text)
    return items


# ---------------------------------------------------------------- skills and keywords


def find_skills(text: str) -> list[str]:
    """Vocabulary skills in the text, most mentioned first."""
    hits = []
    lowered = text.lower()
    for name, literal, pattern in _SKILL_PATTERNS:
        if literal not in lowered:
            continue
        matches = list(pattern.finditer(text))
        if matches:
            hits.append((-len(matches), matches[0].start(), name))
    return [name for *_, name in sorted(hits)]


def _list_of_terms(value: Any) -> list[str]:
    if isinstance(value, list):
        terms = [t for v in value for t in _list_of_terms(v)]
    elif isinstance(value, dict):
        terms = _list_of_terms(_text_of(value.get("name")))
    elif isinstance(value, str):
        terms = re.split(r"[,;\n]", _html_to_text(value))
    else:
        terms = []
    terms = [_BULLET.sub("", t).strip(" .") for t in terms]
    return list(dict.fromkeys(t for t in terms if t and len(t) <= 60))


def keywords_for(title: str, skills: list[str]) -> list[str]:
    """Skills first, then the title's telling words; case-insensitively unique, at most 20."""
    words = [
        w
        for w in re.findall(r"[A-Za-z][A-Za-z0-9+#./-]*", title)
        if w.lower().strip("./-") not in _TITLE_NOISE and len(w) > 1
    ]
    seen: set[str] = set()
    keywords = []
    for term in [*skills, *words]:
        key = term.lower()
        if key not in seen:
            seen.add(key)
            keywords.append(term)
    return keywords[:MAX_KEYWORDS]
