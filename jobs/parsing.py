"""What every offline extraction shares: page text, requirement lists, skills and keywords.

`jobs.structured` reads a page's schema.org data and `jobs.heuristics` reads pages and pasted
text without it; both build on these pure functions, so a page can be tried in a shell.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import html_text
import lxml.html

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

BULLET = re.compile(r"^\s*(?:[-*•·–—▪●◦‣✓✔]|\d{1,2}[.)])\s+")
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
# Headings over what a posting would like but does not require: their items are kept as
# requirements that say so ("Nice to have: Kubernetes"), so the match score weighs them as
# preferred, apart from the required ones.
_PREFERRED_HEADING = re.compile(
    r"^(?:nice[ -]to[ -]haves?|bonus(?: points)?|preferred(?: qualifications| skills| "
    r"experience)?|desirable(?: skills)?|(?:it'?s )?a plus|good to have|extra credit|"
    r"pluspunkte|wünschenswert)\b",
    re.I,
)
PREFERRED_PREFIX = "Nice to have: "
_OTHER_HEADING = re.compile(
    r"^(?:responsibilities|what you(?:'|’)?ll do|your role|the role|about (?:us|the role|the "
    r"team|the company)|benefits|perks|what we offer|we offer|compensation|salary|how to "
    r"apply|duties|key responsibilities|day to day|why join)\b",
    re.I,
)


# ---------------------------------------------------------------- small helpers


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


def employment_type_label(value: Any) -> str:
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


# ---------------------------------------------------------------- page text


def html_to_text(fragment: str) -> str:
    """Description HTML (sometimes entity-escaped twice) as text: one block or bullet a line."""
    if "<" not in fragment and "&lt;" in fragment:
        fragment = html_lib.unescape(fragment)
    if "<" not in fragment:
        return tidy(html_lib.unescape(fragment))
    return _tree_text(html_text.parse_html(fragment))


def _tree_text(tree: lxml.html.HtmlElement) -> str:
    # Mark list items so requirement lists survive the trip to plain text.
    for item in tree.iter("li"):
        item.text = "- " + (item.text or "").lstrip()
    return tidy(html_text.extract_text(tree, guess_layout=True))


def tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def main_text(html: str) -> str:
    """The readable main text of a page: no scripts, menus, headers, footers or forms."""
    tree = html_text.parse_html(html)
    junk = (
        "//script|//style|//noscript|//template|//svg|//iframe|//nav|//aside|"
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
    # A form is a sign-in or search box, except on pages (ASP.NET) that wrap everything in one.
    whole = len(tree.text_content())
    for form in tree.xpath("//form"):
        if form.getparent() is not None and len(form.text_content()) < whole / 2:
            form.drop_tree()
    candidates = tree.xpath("//main|//*[@role='main']|//article")
    root = max(candidates, key=lambda n: len(n.text_content())) if candidates else tree
    return _tree_text(root)


def _heading_kind(line: str) -> str:
    """ "required", "preferred", "other" for a heading line, "" for any other line."""
    stripped = line.strip()
    heading = stripped.rstrip(":").strip()
    if BULLET.match(line):
        return ""
    if len(heading) <= 60 and _PREFERRED_HEADING.match(heading):
        return "preferred"
    if len(heading) <= 60 and _REQ_HEADING.match(heading):
        return "required"
    if _OTHER_HEADING.match(heading) or stripped.endswith(":"):
        return "other"
    return ""


def requirements_from_text(text: str) -> list[str]:
    """The list under a Requirements / Qualifications / You have heading, bullets stripped;
    then the items under a Nice to have / Bonus / Preferred heading, each marked "Nice to
    have: " so they stay apart from the required ones."""
    sections: list[tuple[str, list[tuple[bool, str, bool]]]] = []
    current: list[tuple[bool, str, bool]] | None = None
    blank = False
    for line in text.splitlines():
        if not line.strip():
            blank = True
            continue
        kind = _heading_kind(line)
        if kind in ("required", "preferred"):
            current = []
            sections.append((kind, current))
        elif kind == "other":
            current = None
        elif current is not None:
            current.append((bool(BULLET.match(line)), BULLET.sub("", line.strip()).strip(), blank))
        blank = False
    found: list[str] = []
    for kind, section in sections:
        items = _section_items(section)
        if kind == "preferred":
            items = [i if _says_optional(i) else PREFERRED_PREFIX + i for i in items]
        found.extend(items)
    return list(dict.fromkeys(found))


def _says_optional(item: str) -> bool:
    return bool(re.search(r"nice to have|preferred|a plus|bonus|desirable|ideally", item, re.I))


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
