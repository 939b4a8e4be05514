"""Benchmark 9: exports of a CV at the document bounds (documents.bounds: 80 bullets, 20,000
characters of JSON), the largest a user's edit may make it.

In-process, no database: `documents.export.document_export` of the same CV as PDF, DOCX and
Markdown, in Latin script (the target: <= 2 s each), and as PDF in Chinese and Arabic (fallback
fonts; Arabic shaped by HarfBuzz), reported without a target: those take longer, and the
export's time cap (EXPORT_MAX_SECONDS) refuses one that runs past it.

    python -m bench.export [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time

from bench import env
from bench.stats import record, table, write_phase

TARGET_S = 2.0
TEXTS = {
    "Latin": "Shipped the billing service for 2 million users, cutting latency by 35% ",
    "Chinese": "张伟在阿里巴巴集团担任软件工程师负责计费服务 ",
    "Arabic": "محمد الأحمد مهندس برمجيات في شركة أرامكو ",
}


def cv_at_bounds(words: str) -> dict:
    """A CV as large as an edit may make it, written in one script."""
    from documents.bounds import MAX_BULLETS, MAX_DOCUMENT_CHARS

    bullet = (words * 10)[:200]
    roles = [
        {
            "employer": f"Employer {n}",
            "title": "Senior Software Engineer",
            "start_date": "2020-01",
            "end_date": "2021-01",
            "bullets": [bullet] * 8,
        }
        for n in range(MAX_BULLETS // 8)
    ]
    cv = {
        "header": {"name": "Amara Okafor", "headline": "Engineer"},
        "summary": "",
        "experience": roles,
        "education": [],
        "skills": ["Python", "Django", "PostgreSQL"],
        "certifications": [],
        "target": {"job_title": "Engineer", "company": "Acme"},
    }
    room = MAX_DOCUMENT_CHARS - len(json.dumps(cv, ensure_ascii=False)) - 10
    cv["summary"] = (words * 200)[: max(0, min(room, 2_000))]
    return cv


def _seconds(cv: dict, file_format: str) -> float:
    from cvs.export import cv_blocks
    from documents.export import document_export

    started = time.perf_counter()
    document_export(
        blocks=cv_blocks(cv), file_format=file_format, paper="a4", title="CV", author="", stem="cv"
    )
    return time.perf_counter() - started


def run(*, quick: bool) -> tuple[list[dict], str]:
    from core.errors import AppError

    runs = 2 if quick else 5
    cases = [("Latin", f) for f in ("pdf", "docx", "md")] + [("Chinese", "pdf"), ("Arabic", "pdf")]
    records, rows = [], []
    for script, file_format in cases:
        cv = cv_at_bounds(TEXTS[script])
        try:
            _seconds(cv, file_format)  # warm-up: fonts' coverage read once per process
            worst = max(_seconds(cv, file_format) for _ in range(runs))
            shown = f"{worst:.2f}"
        except AppError as exc:  # the time cap refused it
            worst, shown = float("nan"), f"refused ({exc.status} {exc.code})"
        latin = script == "Latin"
        label = f"{file_format} export at the bounds, {script}"
        records.append(
            record(
                label,
                worst,
                "s",
                target=f"<= {TARGET_S:g} s" if latin else None,
                check=(lambda v: v <= TARGET_S) if latin else None,
                group="export",
            )
        )
        rows.append((file_format, script, runs, shown))
        print(f"{label}: worst {shown} s", flush=True)
    markdown = "\n\n".join(
        [
            "### 9. Exports at the document bounds",
            "`documents.export.document_export` of a CV of 80 bullets and 20,000 characters (the "
            f"most an edit may store), worst of {runs} runs after a warm-up; in-process.",
            table(("format", "script", "runs", "worst s"), rows),
        ]
    )
    return records, markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    env.setup_django(env.MAIN_DB, migrate=False)  # settings and apps only; no query is made
    records, markdown = run(quick=args.quick)
    write_phase(args.json, records, markdown)


if __name__ == "__main__":
    main()
