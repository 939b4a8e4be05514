"""Offline extraction against real public job pages: how many fields a user gets right."""

from __future__ import annotations

import pytest

from jobs.evaluation import FIELDS, field_matches
from jobs.offline import extract_job
from tests.jobs.corpus import accuracy, corpus, score


@pytest.fixture(scope="module")
def result() -> dict:
    return score(extract_job)


def report(result: dict) -> str:
    lines = []
    for structured in (True, False):
        for name in FIELDS:
            right, checked = accuracy(result["tally"], structured, name)
            if checked:
                kind = "structured" if structured else "plain"
                lines.append(f"{kind:10} {name:16} {right}/{checked}")
    lines += [
        f"miss: {page} {field}: expected {exp!r}, got {got!r}"
        for page, field, exp, got in result["misses"]
    ]
    return "\n".join(lines)


def test_the_corpus_mixes_pages_with_and_without_structured_data():
    pages = corpus()

    assert sum(p.structured for p in pages) >= 4
    assert sum(not p.structured for p in pages) >= 8
    assert len(pages) >= 20
    assert {p.path.suffix for p in pages} >= {".html", ".txt"}


def test_pages_with_structured_data_get_at_least_98_percent_of_fields_right(result):
    right, checked = accuracy(result["tally"], True)

    print(report(result))
    assert right / checked >= 0.98, report(result)


def test_pages_without_structured_data_get_at_least_80_percent_of_fields_right(result):
    right, checked = accuracy(result["tally"], False)

    print(report(result))
    assert right / checked >= 0.80, report(result)


@pytest.mark.parametrize(
    ("name", "expected", "actual", "right"),
    [
        ("salary", "", "$100 m", False),
        ("salary", "$148,200 - $239,800", "$148,200–$239,800", True),
        ("location", "Montreal, Quebec, Canada", "Montreal, Quebec, Canada (hybrid)", True),
        ("location", "Rome", "", False),
        ("title", "Data Analyst", "DATA ANALYST", True),
        ("company", "Heidi", "Heidi Health", False),
    ],
)
def test_the_scoring_rules(name, expected, actual, right):
    assert field_matches(name, expected, actual) is right
