"""The parser, without any AI, against public CVs whose fields were written down by hand
(tests/data/cvs/MANIFEST.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from cvs.importer import cv_file_read
from cvs.importer.scoring import accuracy, fields_score

CORPUS = Path(__file__).resolve().parent.parent / "data" / "cvs"


def corpus_files() -> list[Path]:
    suffixes = (".pdf", ".docx", ".txt", ".md")
    return sorted(p for p in CORPUS.iterdir() if p.suffix in suffixes and p.stem != "MANIFEST")


def test_the_corpus_holds_twenty_public_cvs_each_with_hand_written_fields():
    files = corpus_files()
    assert len(files) >= 20
    for path in files:
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert expected["name"] and expected["email"] and expected["work"], path.name
    assert sum(path.stat().st_size for path in files) < 5 * 1024 * 1024


def test_at_least_ninety_percent_of_the_corpus_fields_are_read_right_without_ai():
    total: Counter = Counter()
    for path in corpus_files():
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        _, parsed = cv_file_read(filename=path.name, body=path.read_bytes())
        total += fields_score(expected=expected, draft=parsed.draft)

    assert accuracy(total) >= 0.90, total


def test_a_latex_cv_without_space_glyphs_reads_with_its_spaces():
    _, parsed = cv_file_read(
        filename="cv.pdf", body=(CORPUS / "awesome-cv-resume.pdf").read_bytes()
    )
    summary = parsed.draft["basics"]["summary"]
    # Plain text extraction of this file reads "infrastructureoperations,andsecurity".
    assert "infrastructure operations, and security engineering" in summary
    assert parsed.draft["work"][0]["startDate"] == "2023-09"
    assert parsed.draft["work"][0]["endDate"] == "2024-03"


def test_a_two_column_cv_keeps_each_column_in_reading_order():
    _, parsed = cv_file_read(
        filename="cv.pdf", body=(CORPUS / "best-resume-ever-material-dark.pdf").read_bytes()
    )
    skills = {s["name"] for s in parsed.draft["skills"]}
    assert {"HTML5", "CSS3", "JavaScript", "Docker"} <= skills
    assert [w["startDate"] for w in parsed.draft["work"]] == ["2016-01", "2015-01", "2014-03"]
