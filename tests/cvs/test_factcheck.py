"""A CV draft may only name employers, schools and degrees that are in the user's profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cvs.factcheck import cv_fact_problems

RICH = Path(__file__).resolve().parent.parent / "data" / "profiles" / "rich.json"
PROFILE = json.loads(RICH.read_text(encoding="utf-8"))


def cv(experience=None, education=None) -> dict:
    return {
        "experience": experience
        if experience is not None
        else [
            {"employer": "Parcelly Ltd", "title": "Senior Software Engineer", "bullets": []},
            {"employer": "ShopWave", "title": "Software Engineer", "bullets": []},
        ],
        "education": education
        if education is not None
        else [
            {"institution": "University of Leeds", "degree": "BSc Computer Science"},
        ],
    }


def test_a_cv_built_from_the_profile_has_no_problems():
    assert cv_fact_problems(cv(), PROFILE) == []


def test_an_invented_employer_is_named():
    draft = cv()
    draft["experience"].append({"employer": "Initech", "title": "Engineer", "bullets": []})

    assert cv_fact_problems(draft, PROFILE) == ['Employer "Initech" is not in your profile.']


@pytest.mark.parametrize("employer", ["parcelly ltd", "Parcelly", "Parcelly Ltd.", "SHOPWAVE"])
def test_employer_names_match_despite_case_punctuation_and_company_suffix(employer):
    title = "Software Engineer" if employer == "SHOPWAVE" else "Senior Software Engineer"
    draft = cv([{"employer": employer, "title": title, "bullets": []}])

    assert cv_fact_problems(draft, PROFILE) == []


def test_an_invented_degree_is_named_with_what_the_profile_has():
    draft = cv(education=[{"institution": "University of Leeds", "degree": "MSc Computer Science"}])

    assert cv_fact_problems(draft, PROFILE) == [
        'Degree "MSc Computer Science" at University of Leeds is not in your profile '
        "(your profile has: BSc Computer Science)."
    ]


def test_an_invented_institution_is_named():
    draft = cv(education=[{"institution": "Harvard University", "degree": "MBA"}])

    assert cv_fact_problems(draft, PROFILE) == [
        'Institution "Harvard University" is not in your profile.'
    ]


@pytest.mark.parametrize(
    "degree, field",
    [
        ("BSc Computer Science", ""),
        ("B.Sc. Computer Science", ""),
        ("bsc computer science", ""),
        ("BSc in Computer Science", ""),
        ("Bachelor of Science in Computer Science", ""),
        ("BSc (Hons) Computer Science", ""),
        ("B.Sc.", "Computer Science"),
        ("Bachelor of Science", ""),
        ("BSc Computer Science", "Computer Science"),
    ],
)
def test_degrees_match_their_usual_spellings(degree, field):
    entry = {"institution": "University of Leeds", "degree": degree, "field": field}

    assert cv_fact_problems(cv(education=[entry]), PROFILE) == []


@pytest.mark.parametrize(
    "degree, field",
    [
        ("BSc Physics", ""),
        ("BSc", "Physics"),
        ("BA Computer Science", ""),
        ("PhD Computer Science", ""),
    ],
)
def test_a_degree_that_says_something_else_is_caught(degree, field):
    entry = {"institution": "University of Leeds", "degree": degree, "field": field}

    assert len(cv_fact_problems(cv(education=[entry]), PROFILE)) == 1


def test_each_degree_is_checked_against_its_own_institution():
    # The profile's Postgraduate Certificate is from the Open University, not from Leeds.
    entry = {
        "institution": "University of Leeds",
        "degree": "Postgraduate Certificate Data Science",
    }

    assert len(cv_fact_problems(cv(education=[entry]), PROFILE)) == 1


def test_a_profile_entry_without_a_degree_accepts_no_invented_one():
    profile = {"work": [], "education": [{"institution": "Lycée Victor Hugo"}]}
    claims = cv([], [{"institution": "Lycee Victor Hugo", "degree": "Baccalauréat"}])
    honest = cv([], [{"institution": "Lycée Victor Hugo", "degree": ""}])

    assert cv_fact_problems(claims, profile) == [
        'Degree "Baccalauréat" at Lycee Victor Hugo is not in your profile '
        "(your profile has: no degree)."
    ]
    assert cv_fact_problems(honest, profile) == []
