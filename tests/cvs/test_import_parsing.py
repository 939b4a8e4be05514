"""What the parser makes of dates, headings and entries as CVs write them."""

from __future__ import annotations

import pytest

from cvs.importer import cv_file_read
from cvs.importer.dates import date_range_find


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("Sep. 2023 – Mar. 2024", "2023-09", "2024-03"),
        ("2021-03 – present", "2021-03", ""),
        ("06/2019 - 08/2020", "2019-06", "2020-08"),
        ("06/2019", "2019-06", "2019-06"),
        ("since January 2016", "2016-01", ""),
        ("März 2020 – heute", "2020-03", ""),
        ("janv. 2018 - déc. 2019", "2018-01", "2019-12"),
        ("2015 – 2019", "2015", "2019"),
        ("Sept 2018 – May 2023", "2018-09", "2023-05"),
    ],
)
def test_a_date_range_in_any_common_form_becomes_iso_months(written, start, end):
    found = date_range_find(written)
    assert found is not None
    assert (found.start, found.end) == (start, end)


def test_a_gpa_or_a_figure_is_not_a_date():
    assert date_range_find("GPA: 3.97/4.00, 8,500+ GitHub stars") is None


def test_headings_in_german_are_found_and_titles_paired_with_employers():
    text = """Anna Schmidt
anna.schmidt@example.de | +49 30 1234567

Berufserfahrung
Softwareentwicklerin, Muster GmbH
Berlin | 03/2020 – heute
- Baute die Zahlungs-API

Ausbildung
M.Sc. Informatik, Technische Universität München
10/2016 – 09/2019

Kenntnisse
Python, Go, PostgreSQL
""".encode()

    _, parsed = cv_file_read(filename="lebenslauf.txt", body=text)

    draft = parsed.draft
    assert draft["basics"]["name"] == "Anna Schmidt"
    assert draft["work"] == [
        {
            "name": "Muster GmbH",
            "position": "Softwareentwicklerin",
            "location": "Berlin",
            "startDate": "2020-03",
            "highlights": ["Baute die Zahlungs-API"],
        }
    ]
    assert draft["education"][0]["institution"] == "Technische Universität München"
    assert draft["education"][0]["studyType"].startswith("M.Sc.")
    assert [s["name"] for s in draft["skills"]] == ["Python", "Go", "PostgreSQL"]


def test_a_french_markdown_cv_is_read_by_its_headings():
    text = """# Claire Martin

claire.martin@example.fr

## Expérience professionnelle

### Ingénieure logiciel, Exemple SA
Lyon | sept. 2019 - présent

## Formation

### Master Informatique, Université de Lyon
2017 - 2019

## Compétences

Java, Kotlin, Docker
""".encode()

    _, parsed = cv_file_read(filename="cv.md", body=text)

    assert parsed.draft["basics"]["name"] == "Claire Martin"
    assert parsed.draft["work"][0]["name"] == "Exemple SA"
    assert parsed.draft["work"][0]["position"] == "Ingénieure logiciel"
    assert parsed.draft["work"][0]["startDate"] == "2019-09"
    assert parsed.draft["education"][0]["institution"] == "Université de Lyon"
    assert [s["name"] for s in parsed.draft["skills"]] == ["Java", "Kotlin", "Docker"]
