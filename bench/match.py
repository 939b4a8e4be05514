"""Benchmark 6: the CV match report (cvs.match.cv_match), which every CV draft response carries.

Pure Python, no database and no AI call: the typical case is the offline provider's CV for
the test suite's rich profile against a backend job (3 roles, 7 bullets, 5 job terms); the
large case a 10-role CV with 8 bullets each against a job listing 40 skills and keywords.
Each case runs many times after a warm-up; p50/p95/p99 of one call.

    python -m bench.match [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from types import SimpleNamespace

from bench import env
from bench.stats import ms, record, summary, table, write_phase

TARGET_MS = 20.0  # p95 of one report for a typical CV
BACKEND_JOB = {
    "title": "Senior Backend Engineer",
    "company": "Acme Freight",
    "description": "Acme Freight moves pallets across Europe.",
    "requirements": ["5+ years of Python", "Experience with Django and PostgreSQL"],
    "skills": ["Python", "Django", "PostgreSQL", "Kubernetes"],
    "keywords": ["Django", "PostgreSQL", "Kubernetes", "Python", "AWS"],
}


def _job(fields: dict) -> SimpleNamespace:
    return SimpleNamespace(pk=1, **fields)


def cases() -> list[tuple[str, dict, SimpleNamespace, dict]]:
    """(label, CV, job, profile) of each measured case."""
    from cvs.offline import draft_cv

    profile = json.loads((env.ROOT / "tests/data/profiles/rich.json").read_text())
    typical = draft_cv(profile, BACKEND_JOB)

    big_profile = copy.deepcopy(profile)
    big_profile["work"] = [
        {
            "name": f"Employer {n}",
            "position": "Engineer",
            "highlights": [
                f"Shipped feature {n}.{k} with Python, Django and PostgreSQL for 2 million "
                f"users, cutting latency by {10 + k}%"
                for k in range(8)
            ],
        }
        for n in range(10)
    ]
    big_job = {
        **BACKEND_JOB,
        "requirements": [f"Experience with tool {n}" for n in range(20)] + ["Go is a plus"],
        "skills": [f"Tool {n}" for n in range(20)] + ["Python", "Go"],
        "keywords": [f"keyword {n}" for n in range(18)],
    }
    big = draft_cv(big_profile, big_job)
    return [
        (f"typical CV ({_size(typical, BACKEND_JOB)})", typical, _job(BACKEND_JOB), profile),
        (f"large CV ({_size(big, big_job)})", big, _job(big_job), big_profile),
    ]


def _size(cv: dict, job: dict) -> str:
    bullets = sum(len(e["bullets"]) for e in cv["experience"])
    terms = len({t.casefold() for t in job["skills"] + job["keywords"]})
    return f"{len(cv['experience'])} roles, {bullets} bullets, {terms} job terms"


def run(*, quick: bool) -> tuple[list[dict], str]:
    from cvs.match import cv_match

    runs = 2_000 if quick else 10_000
    records, rows = [], []
    for label, cv, job, profile in cases():
        for _ in range(200):  # warm-up: regex caches, allocator
            cv_match(cv=cv, job=job, profile=profile)
        latencies = []
        for _ in range(runs):
            started = time.perf_counter()
            report = cv_match(cv=cv, job=job, profile=profile)
            latencies.append((time.perf_counter() - started) * 1000)
        s = summary(latencies)
        rows.append((label, runs, report["score"], ms(s["p50"]), ms(s["p95"]), ms(s["p99"])))
        typical = label.startswith("typical")
        records.append(
            record(
                f"match report p95, {label}",
                s["p95"],
                "ms",
                target=f"<= {TARGET_MS:g} ms" if typical else None,
                check=(lambda v: v <= TARGET_MS) if typical else None,
                group="match",
            )
        )
        records.append(record(f"match report p50, {label}", s["p50"], "ms", group="match"))
        print(f"match {label}: p50 {s['p50']:.3f} ms, p95 {s['p95']:.3f} ms", flush=True)
    markdown = "\n\n".join(
        [
            "### 6. CV match report",
            "`cvs.match.cv_match`: the score from the job's skills and keywords, matched and "
            "missing terms, and the profile fact behind every bullet; in-process, no database, "
            f"no AI call. {runs} calls per case after 200 warm-up calls.",
            table(("case", "calls", "score", "p50 ms", "p95 ms", "p99 ms"), rows),
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
