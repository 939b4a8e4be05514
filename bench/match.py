"""Benchmark 6: the fact check and the CV match report (cvs.factcheck.cv_fact_check and
cvs.match.cv_match): every draft is fact-checked, and every CV draft response carries its
match report.

Pure Python, no database and no AI call: the typical case is the offline provider's CV for
the test suite's rich profile against a backend job (3 roles, 8 bullets, 20 job terms); the
case at the bounds a CV as large as an edit may make it (documents.bounds: 80 bullets, 20,000
characters) against a profile as large as it may be (100,000 characters). Each case runs many
times after a warm-up; p50/p95/p99 of one fact check plus one match report, and of the match
report alone.

    python -m bench.match [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from types import SimpleNamespace

from bench import env
from bench.stats import ms, record, summary, table, write_phase

TARGET_MS = 20.0  # p95 of one fact check and one report for a typical CV
BOUNDS_TARGET_MS = 50.0  # p95 of one report at the document bounds
BACKEND_JOB = {
    "title": "Senior Backend Engineer",
    "company": "Acme Freight",
    "description": "Acme Freight moves pallets across Europe.",
    "requirements": ["5+ years of Python", "Experience with Django and PostgreSQL"],
    "skills": ["Python", "Django", "PostgreSQL", "Kubernetes", "Terraform", "Redis", "Go"],
    "keywords": [
        "Django",
        "PostgreSQL",
        "Kubernetes",
        "Python",
        "AWS",
        "REST",
        "GraphQL",
        "Celery",
        "Docker",
        "CI/CD",
        "Airflow",
        "SQL",
        "Kafka",
        "gRPC",
        "Microservices",
        "Linux",
        "Elasticsearch",
    ],
}


def _job(fields: dict) -> SimpleNamespace:
    return SimpleNamespace(pk=1, **fields)


def cases() -> list[tuple[str, dict, SimpleNamespace, dict]]:
    """(label, CV, job, profile) of each measured case."""
    from cvs.offline import draft_cv
    from tests.fixtures.profiles import at_the_document_bounds

    profile = json.loads((env.ROOT / "tests/data/profiles/rich.json").read_text())
    typical = draft_cv(profile, BACKEND_JOB)

    # At the bounds: a profile of PROFILE_MAX_CHARS, a CV of MAX_BULLETS bullets and about
    # MAX_DOCUMENT_CHARS characters (documents.bounds refuses an edit beyond them).
    big_profile, big = at_the_document_bounds(profile, draft_cv(profile, BACKEND_JOB))
    assert len(json.dumps(big_profile, ensure_ascii=False)) <= 100_000  # PROFILE_MAX_CHARS
    return [
        (f"typical CV ({_size(typical, BACKEND_JOB)})", typical, _job(BACKEND_JOB), profile),
        (f"CV at the bounds ({_size(big, BACKEND_JOB)})", big, _job(BACKEND_JOB), big_profile),
    ]


def _size(cv: dict, job: dict) -> str:
    bullets = sum(len(e["bullets"]) for e in cv["experience"])
    terms = len({t.casefold() for t in job["skills"] + job["keywords"]})
    return f"{len(cv['experience'])} roles, {bullets} bullets, {terms} job terms"


def _timed(call, runs: int) -> dict[str, float]:
    for _ in range(min(runs, 50)):  # warm-up: regex caches, allocator
        call()
    latencies = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - started) * 1000)
    return summary(latencies)


def _target(typical: bool, what: str) -> tuple[str | None, float | None]:
    if typical and what == "fact check + match":
        return f"<= {TARGET_MS:g} ms", TARGET_MS
    if not typical and what == "match report":
        return f"<= {BOUNDS_TARGET_MS:g} ms", BOUNDS_TARGET_MS
    return None, None


def run(*, quick: bool) -> tuple[list[dict], str]:
    from cvs.claims import profile_index_forget
    from cvs.factcheck import cv_fact_check
    from cvs.match import cv_match

    records, rows = [], []
    for label, cv, job, profile in cases():
        typical = label.startswith("typical")
        runs = (2_000 if quick else 10_000) if typical else (100 if quick else 500)
        score = cv_match(cv=cv, job=job, profile=profile)["score"]
        # Each call reads the profile afresh (its index is kept between calls otherwise).
        calls = {
            "fact check + match": lambda cv=cv, job=job, profile=profile: (
                profile_index_forget(),
                cv_fact_check(cv, profile),
                cv_match(cv=cv, job=job, profile=profile),
            ),
            "match report": lambda cv=cv, job=job, profile=profile: (
                profile_index_forget(),
                cv_match(cv=cv, job=job, profile=profile),
            ),
        }
        for what, call in calls.items():
            s = _timed(call, runs)
            rows.append((what, label, runs, score, ms(s["p50"]), ms(s["p95"]), ms(s["p99"])))
            target, limit = _target(typical, what)
            records.append(
                record(
                    f"{what} p95, {label}",
                    s["p95"],
                    "ms",
                    target=target,
                    check=(lambda v, limit=limit: v <= limit) if limit else None,
                    group="match",
                )
            )
            print(f"{what} {label}: p50 {s['p50']:.3f} ms, p95 {s['p95']:.3f} ms", flush=True)
    markdown = "\n\n".join(
        [
            "### 6. Fact check and CV match report",
            "`cvs.factcheck.cv_fact_check` (every claim of a draft against the profile) and "
            "`cvs.match.cv_match` (the score from the job's terms the profile backs, and the "
            "profile fact behind every bullet); in-process, no database, no AI call. Targets: "
            f"both together <= {TARGET_MS:g} ms p95 for a typical CV; the match report <= "
            f"{BOUNDS_TARGET_MS:g} ms p95 at the document bounds.",
            table(("what", "case", "calls", "score", "p50 ms", "p95 ms", "p99 ms"), rows),
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
