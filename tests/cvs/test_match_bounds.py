"""The match report and the fact check at the document bounds give the reports they gave
before the profile index was made fast: tests/data/match/bounds_reports.json was written once
by the code before that change (a profile at PROFILE_MAX_CHARS, a CV of 80 bullets, as the
bench measures; and a mixed case with reworded, invented and foreign bullets, accents,
aliases, figures and an employer the profile lacks). And the 1-3 word runs the index reads
a text by are the ones a plain reading of the rules gives, for every text of the test
profiles and for the awkward ones."""

from __future__ import annotations

import copy
import json
import random
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest

from cvs.claims import AMBIGUOUS, grams, profile_index_forget
from cvs.factcheck import cv_fact_check
from cvs.match import cv_match
from cvs.offline import draft_cv
from documents.wording import ALIASES, fold
from tests.fixtures.profiles import at_the_document_bounds

DATA = Path(__file__).resolve().parent.parent / "data"
RICH = json.loads((DATA / "profiles" / "rich.json").read_text(encoding="utf-8"))
SPARSE = json.loads((DATA / "profiles" / "sparse.json").read_text(encoding="utf-8"))
EXPECTED = DATA / "match" / "bounds_reports.json"

BACKEND_JOB = {
    "title": "Senior Backend Engineer",
    "company": "Acme Freight",
    "requirements": [
        "5+ years of Python",
        "Experience with Django and PostgreSQL",
        "Nice to have: Go and Google Cloud",
    ],
    "skills": ["Python", "Django", "PostgreSQL", "Kubernetes", "Terraform", "Redis", "Go"],
    "keywords": [
        "Django",
        "Postgres",
        "Kubernetes",
        "AWS",
        "REST",
        "GraphQL",
        "Celery",
        "Docker",
        "CI CD",
        "Airflow",
        "SQL",
        "Kafka",
        "gRPC",
        "Google Cloud",
        "Linux",
        "Elasticsearch",
        "Data",
        "Node.js",
        "billing search routing services",
    ],
}


def _bounds() -> tuple[dict, dict]:
    """The bench's case (bench/match.py) against this file's job."""
    profile, cv = at_the_document_bounds(RICH, draft_cv(RICH, BACKEND_JOB))
    return cv, profile


_EXTRA_WORDS = "Kubernetes Go go React react Café Zürich naïve Node.js CI/CD k8s &".split()


def _mixed() -> tuple[dict, dict]:
    """Bullets reworded, shortened, with invented words and figures, some under an employer
    the profile lacks; profile entries with summaries, accents and one employer twice."""
    rng = random.Random(29)
    profile = copy.deepcopy(RICH)
    for n, work in enumerate(copy.deepcopy(SPARSE.get("work") or []) * 2):
        work["name"] = f"{work.get('name') or 'Sparse'} {n % 3}"
        profile["work"].append(work)
    profile["work"].append(
        {
            "name": "Lycée Numérique SAS",
            "position": "Développeur",
            "startDate": "2015-09",
            "endDate": "2017-06",
            "summary": "Maintenu le site de l'école, 1 200 élèves, avec Go et PostgreSQL.",
            "highlights": ["Migré 3 services vers Google Cloud en 2016", "go live en juin"],
        }
    )
    cv = draft_cv(profile, BACKEND_JOB)
    for item in cv["experience"]:
        bullets = []
        for bullet in item["bullets"]:
            tokens = bullet.split()
            rng.shuffle(tokens)
            kept = tokens[: max(1, len(tokens) * rng.choice((1, 2, 3)) // 3)]
            kept += rng.sample(_EXTRA_WORDS, rng.randrange(3))
            if rng.random() < 0.3:
                kept.append(str(rng.randrange(1, 500)))
            bullets.append(" ".join(kept))
        item["bullets"] = [*bullets, *item["bullets"], 7]
    cv["experience"].append(
        {"employer": "Nowhere Corp", "title": "Engineer", "bullets": ["Built things with Go"]}
    )
    cv["skills"] = [*cv["skills"], "Kubernetes", "Python (Django, Flask)", "Node.js"]
    cv["summary"] = f"{cv['summary']} Cut costs by 35%. Ran 99 Kafka clusters."
    return cv, profile


_TOPICS = "billing search routing payments invoices tracking alerts exports imports reports".split()


def _crowded() -> tuple[dict, dict]:
    """One employer of 150 highlights (more than a bullet is compared with in full) sharing
    most of their words, and 80 bullets at it, some reworded, some invented."""
    rng = random.Random(27)
    profile = copy.deepcopy(RICH)
    highlights = [
        f"Built the {rng.choice(_TOPICS)} and {rng.choice(_TOPICS)} services in Python for "
        f"{rng.randrange(2, 40)} teams, serving {rng.randrange(1, 9)} million requests a day"
        for _ in range(150)
    ]
    profile["work"] = [{"name": "Crowded Ltd", "position": "Engineer", "highlights": highlights}]
    bullets = [
        rng.choice(highlights)
        if rng.random() < 0.5
        else " ".join(rng.sample(rng.choice(highlights).split(), 8) + [rng.choice(_TOPICS)])
        for _ in range(80)
    ]
    cv = {**draft_cv(RICH, BACKEND_JOB), "experience": []}
    cv["experience"] = [{"employer": "Crowded", "title": "Engineer", "bullets": bullets}]
    return cv, profile


CASES = {"bounds": _bounds, "crowded": _crowded, "mixed": _mixed}


def reports(case: str) -> dict:
    """The match report and the fact check of a case, as JSON keeps them."""
    cv, profile = CASES[case]()
    job = SimpleNamespace(pk=1, **{"description": "", **BACKEND_JOB})
    profile_index_forget()
    match = cv_match(cv=cv, job=job, profile=profile)
    checked = cv_fact_check(cv, profile)
    found = {"match": match, "fact_check": {"cv": checked.cv, "warnings": checked.warnings}}
    return json.loads(json.dumps(found, ensure_ascii=False))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_reports_are_the_ones_the_code_gave_before_it_was_made_fast(case):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))[case]

    found = reports(case)

    assert found["match"]["score"] == expected["match"]["score"]
    assert found["match"]["bullets"] == expected["match"]["bullets"]
    assert found == expected


def test_the_bounds_case_sources_every_bullet_and_the_mixed_case_warns():
    bounds, mixed = reports("bounds")["match"], reports("mixed")["match"]

    assert len(bounds["bullets"]) == 80 and bounds["unsourced_bullets"] == 0
    assert 0 < mixed["unsourced_bullets"] < len(mixed["bullets"])
    assert any(b["warning"].startswith("Figures not in") for b in mixed["bullets"])


def reference_grams(text: str, n: int = 3) -> set[str]:
    """Every run of 1..n tokens, each token folded with "." and "_" dropped, joined, aliased;
    a lone ambiguous word only when capitalised (cvs.claims.grams, read plainly)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    cased = re.findall(r"[\w+#]+(?:\.[\w+#]+)*", text.replace("&", " and "))
    tokens = [fold(t).replace(".", "").replace("_", "") for t in cased]
    found = set()
    for i in range(len(tokens)):
        for size in range(1, n + 1):
            if i + size > len(tokens):
                break
            key = "".join(tokens[i : i + size])
            key = ALIASES.get(key, key)
            if size == 1 and key in AMBIGUOUS and not cased[i][:1].isupper():
                continue
            found.add(key)
    return found


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


AWKWARD = [
    "",
    "   ",
    "Go, go live, GO; React and react-native, R and r, C and c++",
    "Node.js / Vue.js / k8s & Postgres; CI/CD; ci cd; snake_case_name; a..b; 3.5 million",
    "Café Zürich naïve ﬁle ① Ｐｙｔｈｏｎ Straße İstanbul",
    "Python.Django.Flask x.y.z. end. Next",
    "C# F# C++ .NET ASP.NET Core",
    "Amazon Web Services, Google Cloud Platform, MS SQL, Microsoft SQL Server",
    "ml ai ML AI py PY js Js JS ts",
    "Ruby on Rails, Dart, Swift, Spark, Flask, Excel, Express",
]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_runs_of_words_are_the_plain_ones(n):
    texts = _texts(RICH) + _texts(SPARSE) + AWKWARD + _texts(_mixed())

    for text in texts:
        assert grams(text, n) == reference_grams(text, n), text


def test_a_figure_at_the_end_of_one_text_never_scales_with_the_next_text():
    profile = {
        "basics": {"label": "Engineer", "summary": "Led 5"},
        "work": [{"name": "Acme", "summary": "million users served"}],  # texts side by side
    }
    cv = {"summary": "Led 5 teams. Served 5 million users."}
    profile_index_forget()

    checked = cv_fact_check(cv, profile)

    assert checked.cv["summary"] == "Led 5 teams."
    assert checked.warnings == [
        'Removed: Figures (5,000,000) in "Served 5 million users." are not in your profile.'
    ]
