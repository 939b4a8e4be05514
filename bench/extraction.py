"""Benchmark 6: offline extraction accuracy, per field, over the corpus of real job pages.

Every page of tests/data/job_pages goes through the offline provider's extraction (what a user
without any API key gets); each expected field is scored as in tests/jobs/corpus.py. Pages with
schema.org data and pages without are counted apart, each against its own target.

    python -m bench.extraction [--quick] [--json FILE]
"""

from __future__ import annotations

import time

from bench import env
from bench.stats import phase_main, record, table

TARGETS = {True: 0.98, False: 0.80}


def run(quick: bool = False) -> tuple[list[dict], str]:
    from jobs.evaluation import FIELDS
    from jobs.offline import extract_job
    from tests.jobs.corpus import accuracy, corpus, score

    started = time.perf_counter()
    result = score(extract_job)
    seconds = time.perf_counter() - started
    pages = corpus()
    records, rows = [], []
    for structured in (True, False):
        kind = "structured data" if structured else "no structured data"
        for name in FIELDS:
            right, checked = accuracy(result["tally"], structured, name)
            if checked:
                rows.append((kind, name, right, checked, f"{right / checked:.0%}"))
                records.append(
                    record(
                        f"offline extraction {name}, {kind}",
                        right / checked,
                        "ratio",
                        group="extraction",
                        note=f"{right}/{checked} fields",
                    )
                )
        right, checked = accuracy(result["tally"], structured)
        target = TARGETS[structured]
        records.append(
            record(
                f"offline extraction, all fields, {kind}",
                right / checked,
                "ratio",
                target=f">= {target:.0%}",
                check=lambda v, t=target: v >= t,
                group="extraction",
                note=f"{right}/{checked} fields",
            )
        )
        rows.append((kind, "**all**", right, checked, f"{right / checked:.0%}"))
    records.append(
        record(
            "offline extraction time per page",
            seconds * 1000 / len(pages),
            "ms",
            group="extraction",
        )
    )
    held = score(extract_job, held_out_only=True)["tally"]
    held_right = sum(accuracy(held, s)[0] for s in (True, False))
    held_checked = sum(accuracy(held, s)[1] for s in (True, False))
    records.append(
        record(
            "offline extraction, all fields, held-out pages",
            held_right / held_checked,
            "ratio",
            group="extraction",
            note=f"{held_right}/{held_checked} fields",
        )
    )
    misses = (
        "\n".join(
            f"- `{page}` {field}: expected {expected!r}, got {got!r}"
            for page, field, expected, got in result["misses"]
        )
        or "- none"
    )
    markdown = "\n\n".join(
        [
            "### 6. Offline extraction accuracy",
            f"{len(pages)} real job pages from `tests/data/job_pages` (sources in its "
            f"MANIFEST.md: {sum(p.structured for p in pages)} with schema.org data, "
            f"{sum(not p.structured for p in pages)} without), each through the offline "
            "provider's extraction; a field is right as defined in `tests/jobs/corpus.py`.",
            table(("pages", "field", "right", "checked", "accuracy"), rows),
            "Pages added after the rules were written (held out, see the MANIFEST): "
            f"{held_right}/{held_checked} fields right.",
            "Fields missed:\n\n" + misses,
        ]
    )
    return records, markdown


def main() -> None:
    phase_main(run, description=__doc__, database=env.MAIN_DB)


if __name__ == "__main__":
    main()
