"""The fault table: printed, and kept as a section of BENCHMARKS.md between two markers (the
benchmark runner keeps the section when it rewrites the rest of the file)."""

from __future__ import annotations

import platform
from pathlib import Path

BEGIN, END = "<!-- fault-suite:begin -->", "<!-- fault-suite:end -->"
COLUMNS = (
    "fault",
    "requests",
    "survived",
    "5xx",
    "no answer",
    "vendor calls",
    "rows missing",
    "holds leaked (tokens / users)",
    "tasks stuck",
    "counter drift (tokens / counters)",
    "bystander p50 / worst",
    "note",
)


def _cells(r: dict) -> list[str]:
    slow = r["bystander_worst_s"] is not None
    bystander = f"{r['bystander_p50_s']:.2f} s / {r['bystander_worst_s']:.2f} s" if slow else ""
    dash = "–" if slow else None  # no AI call in a slow-client attack
    return [
        r["name"],
        str(r["requests"]),
        str(r["survived"]),
        str(r["5xx"]),
        str(r["no_answer"]),
        dash or str(r["vendor_calls"]),
        dash or str(r["rows_missing"]),
        dash or f"{r['held_tokens']:,} / {r['holding_users']}",
        dash or str(r["tasks_stuck"]),
        dash or f"{r['drift_tokens']:,} / {r['drifting_counters']}",
        bystander,
        "; ".join(r["notes"]),
    ]


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    return "\n".join(lines)


def section(rows: list[dict], *, command: str, started: str, minutes: float, load: float) -> str:
    return f"""{BEGIN}
## Fault suite

`{command}` ({started}, {minutes:.1f} min, {platform.node() or "this machine"}: {_cores()}
cores, load average {load:.1f} at the start). Each fault hits a real server (gunicorn as
`make serve` runs it, a private PostgreSQL cluster and redis-server, a Celery worker, the
OpenAI double answering after 1 s) while its own API users send requests; the lost columns
are counted from the database once everything has settled (README: Fault suite). Target: 0
in every lost column; 5xx only where the note says why; the bystander under 1 s during the
slow-client attacks.

{table(rows)}
{END}"""


def _cores() -> int:
    import os

    return os.cpu_count() or 0


def write_section(path: Path, text: str) -> None:
    """Put the section in place of the old one, or at the end of the file."""
    old = path.read_text() if path.exists() else ""
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + text + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip() + "\n\n" + text + "\n"
    path.write_text(new)


def keep_section(old: str, new: str) -> str:
    """`new` with the fault section of `old` (the benchmark runner rewrites everything else)."""
    if BEGIN not in old or END not in old:
        return new
    kept = old[old.index(BEGIN) : old.index(END) + len(END)]
    if BEGIN in new and END in new:
        return new[: new.index(BEGIN)] + kept + new[new.index(END) + len(END) :]
    return new.rstrip() + "\n\n" + kept + "\n"
