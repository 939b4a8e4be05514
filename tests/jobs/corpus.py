"""The job-page corpus (tests/data/job_pages) and how an extraction is scored against it.

Each page comes with `<name>.json`: whether the page carries schema.org data (`structured`) and
the fields a reader of the page would write down. A field counts as right when:
- title, company, employment type: the same words (case, spacing and edge punctuation aside);
- location: every comma-separated part of the expected place appears in the answer;
- salary: the same figures in the same order; an expected "" means the page states no pay, so
  any answer (a funding round, a revenue figure) is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# A field read right is judged by the product's own grader, the one `eval_prompts` uses.
from jobs.evaluation import field_matches

PAGES = Path(__file__).resolve().parent.parent / "data" / "job_pages"


@dataclass
class Page:
    name: str
    path: Path
    structured: bool
    expected: dict[str, str]
    held_out: bool = False

    def read(self) -> str:
        return self.path.read_text(encoding="utf-8")


def corpus() -> list[Page]:
    pages = []
    for spec_path in sorted(PAGES.glob("*.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        page = next(p for p in PAGES.iterdir() if p.stem == spec_path.stem and p.suffix != ".json")
        pages.append(
            Page(
                spec_path.stem,
                page,
                spec["structured"],
                spec["fields"],
                spec.get("held_out", False),
            )
        )
    return pages


def score(extract, *, held_out_only: bool = False) -> dict:
    """Per field and per kind of page (structured or not): right / checked, and the misses."""
    tally: dict[tuple[bool, str], list[int]] = {}
    misses = []
    for page in corpus():
        if held_out_only and not page.held_out:
            continue
        job = extract(page.read())
        for name, expected in page.expected.items():
            right = field_matches(name, expected, job[name])
            counts = tally.setdefault((page.structured, name), [0, 0])
            counts[0] += right
            counts[1] += 1
            if not right:
                misses.append((page.name, name, expected, job[name]))
    return {"tally": tally, "misses": misses}


def accuracy(tally: dict, structured: bool, name: str | None = None) -> tuple[int, int]:
    right = sum(v[0] for (s, n), v in tally.items() if s == structured and name in (None, n))
    checked = sum(v[1] for (s, n), v in tally.items() if s == structured and name in (None, n))
    return right, checked
