"""Percentiles and result records shared by every benchmark phase."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def pct(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (PostgreSQL's percentile_cont)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": pct(values, 0.50),
        "p95": pct(values, 0.95),
        "p99": pct(values, 0.99),
        "mean": sum(values) / len(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }


def record(
    name: str,
    value: float | int,
    unit: str,
    *,
    target: str | None = None,
    check: Callable[[float], bool] | None = None,
    group: str = "",
    note: str = "",
) -> dict[str, Any]:
    """One figure. ``met`` is true/false where there is a target, null where there is none."""
    met = None if check is None else bool(check(value))
    return {
        "name": name,
        "value": round(value, 3) if isinstance(value, float) else value,
        "unit": unit,
        "target": target,
        "met": met,
        "group": group,
        "note": note,
    }


def write_phase(path: str | None, records: list[dict], markdown: str, extra: dict | None = None):
    """A phase's records and its own detail section, read back by the runner."""
    payload = {"records": records, "markdown": markdown, **(extra or {})}
    if path:
        Path(path).write_text(json.dumps(payload, indent=1, default=str))
    else:
        print(markdown)
        json.dump(records, sys.stdout, indent=1, default=str)
        print()


def phase_main(
    run: Callable[..., tuple[list[dict], str]], *, description: str | None, database: str
) -> None:
    """The command line of one phase run alone: --quick, and --json PATH for the runner."""
    from bench import env

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    env.setup_django(database)
    records, markdown = run(quick=args.quick)
    write_phase(args.json, records, markdown)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float) -> str:
    return f"{value:.2f}"


def warn(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\nWARNING: {message}\n{bar}\n", file=sys.stderr, flush=True)
