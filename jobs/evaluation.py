"""The extraction's evaluation set (prompts.evaluations): the job-page corpus, each page with
the fields a reader of it would write down, graded field by field as tests/jobs/corpus.py
explains. Also the jobs the drafting tasks' sets pair with the fixture profiles."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings

from prompts.evaluations import EvalCase, EvalSet

from .ai import extract_job_data
from .models import Job
from .offline import extract_job
from .page_facts import page_facts
from .parsing import main_text
from .prompts import extraction_variables
from .schemas import JOB_FIELDS, JOB_LISTS

FIELDS = ("title", "company", "location", "employment_type", "salary")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" \t.,;:-–—|\"'").casefold()


def _figures(text: str) -> list[str]:
    return [re.sub(r"[^\d]", "", n) for n in re.findall(r"\d[\d,.\u00a0 ]*\d|\d", text)]


def field_matches(name: str, expected: str, actual: str) -> bool:
    if not expected:
        return not actual.strip()
    if name == "location":
        return all(_words(part) in _words(actual) for part in expected.split(","))
    if name == "salary":
        return _figures(expected) == _figures(actual)
    return _words(expected) == _words(actual)


def posting_of(page: str, *, html: bool) -> str:
    """What the extraction prompt carries for a page, as jobs.services builds it."""
    if not html:
        return page.strip()
    readable = main_text(page).strip()
    return f"{page_facts(page, summary=len(readable) < 500)}\n\n{readable}".strip()


def extraction_cases(data: Path) -> list[EvalCase]:
    cases = []
    for spec_path in sorted((data / "job_pages").glob("*.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        page = next(p for p in spec_path.parent.glob(f"{spec_path.stem}.*") if p != spec_path)
        cases.append(EvalCase(spec_path.stem, {"page": page, "expected": spec["fields"]}))
    return cases


def extraction_run(case: EvalCase, *, provider_type: str) -> tuple[Any, dict[str, float]]:
    page: Path = case.data["page"]
    posting = posting_of(page.read_text(encoding="utf-8"), html=page.suffix != ".txt")
    result = extract_job_data(
        user=None,
        variables=extraction_variables(posting[: int(settings.TEXT_MAX_CHARS)]),
        provider_type=provider_type,
        use_cache=False,
    )
    expected = case.data["expected"]
    right = [field_matches(n, v, result.data.get(n) or "") for n, v in expected.items()]
    grades = {"fields right": sum(right) / len(right) if right else 1.0}
    return result, grades


def drafting_cases(data: Path) -> list[EvalCase]:
    """Each fixture profile × each fixture job (its fields as the offline extraction reads
    them): the cases of the CV, letter and interview prep sets."""
    profiles = {p.stem: json.loads(p.read_text()) for p in sorted((data / "profiles").glob("*"))}
    jobs = {p.stem: extract_job(p.read_text()) for p in sorted((data / "jobs").glob("*"))}
    return [
        EvalCase(f"{profile_name} × {job_name}", {"profile": profile, "job": job})
        for profile_name, profile in profiles.items()
        for job_name, job in jobs.items()
    ]


def unsaved_job(fields: dict) -> Job:
    """A job the match report and the letter checks can read, never stored."""
    return Job(
        **{
            name: fields.get(name) or ([] if name in JOB_LISTS else "")
            for name in (*JOB_FIELDS, *JOB_LISTS)
        }
    )


EXTRACTION_SET = EvalSet(task="extraction", cases=extraction_cases, run=extraction_run)
