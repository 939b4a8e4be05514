"""Benchmark 10: CV import without AI: per-field accuracy over the corpus of public CVs, and
the time to parse a two-page PDF.

Every file of tests/data/cvs goes through cvs.importer (what a user without any API key gets)
and is scored against the fields written by hand next to it (cvs.importer.scoring). The speed
figure reads RenderCV's two-page classic CV (LaTeX, one of the corpus files) again and again.

    python -m bench.imports [--quick] [--json FILE]
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from bench import env
from bench.stats import phase_main, record, table

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "cvs"
TWO_PAGES = CORPUS / "rendercv-classic.pdf"
FIELDS = ("name", "email", "phone", "employer", "title", "start", "school", "degree", "skill")
TARGET_ACCURACY, TARGET_P95_MS = 0.90, 300.0


def run(quick: bool = False) -> tuple[list[dict], str]:
    from cvs.importer import cv_file_read
    from cvs.importer.scoring import accuracy, fields_score

    files = sorted(
        p for p in CORPUS.iterdir() if p.suffix in (".pdf", ".docx") and p.stem != "MANIFEST"
    )
    total: Counter = Counter()
    per_file = []
    for path in files:
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        _, parsed = cv_file_read(filename=path.name, body=path.read_bytes())
        score = fields_score(expected=expected, draft=parsed.draft)
        total += score
        per_file.append((path.name, f"{accuracy(score):.0%}"))
    records, rows = [], []
    for name in FIELDS:
        right, checked = total[f"{name}_ok"], total[name]
        if checked:
            rows.append((name, right, checked, f"{right / checked:.0%}"))
            records.append(
                record(
                    f"CV import {name}, without AI",
                    right / checked,
                    "ratio",
                    group="imports",
                    note=f"{right}/{checked} fields",
                )
            )
    overall = accuracy(total)
    records.append(
        record(
            "CV import, all fields of the public corpus, without AI",
            overall,
            "ratio",
            target=f">= {TARGET_ACCURACY:.0%}",
            check=lambda v: v >= TARGET_ACCURACY,
            group="imports",
            note=f"{len(files)} files",
        )
    )
    body = TWO_PAGES.read_bytes()
    cv_file_read(filename=TWO_PAGES.name, body=body)  # imports and font caches warm
    timings = []
    for _ in range(10 if quick else 40):
        started = time.perf_counter()
        cv_file_read(filename=TWO_PAGES.name, body=body)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    records.append(
        record(
            "CV import, two-page PDF parse p95",
            p95,
            "ms",
            target=f"<= {TARGET_P95_MS:.0f} ms",
            check=lambda v: v <= TARGET_P95_MS,
            group="imports",
            note=f"median {timings[len(timings) // 2]:.0f} ms over {len(timings)} parses",
        )
    )
    markdown = "\n\n".join(
        [
            "### 10. CV import without AI",
            f"{len(files)} public CVs from `tests/data/cvs` (sources and the known misses in its "
            "MANIFEST.md), each read by `cvs.importer` and scored against the fields written by "
            "hand next to it (`cvs.importer.scoring`).",
            table(("field", "right", "checked", "accuracy"), rows),
            f"All fields: {overall:.1%}. Per file:",
            table(("file", "fields right"), per_file),
            f"Two-page PDF (`{TWO_PAGES.name}`): p95 {p95:.0f} ms, median "
            f"{timings[len(timings) // 2]:.0f} ms over {len(timings)} parses.",
        ]
    )
    return records, markdown


def main() -> None:
    phase_main(run, description=__doc__, database=env.MAIN_DB)


if __name__ == "__main__":
    main()
