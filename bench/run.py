"""The benchmark runner: every phase in its own process, then BENCHMARKS.md and results.json.

    python -m bench [--quick] [--only overhead,quota,...] [--no-write]

Phases: overhead (1), throughput (2), reports (3), quota (4), profile (5), match (6),
extraction (7), streaming (8), export (9), imports (10), outcomes (11), instructions (12).
Each runs as `python -m bench.<module> --json bench/out/<phase>.json`, so one failing phase
is reported and the others still run. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bench import env
from bench.faults.report import keep_section
from bench.stats import table, warn

PHASES = {  # name -> module, in the order they run
    "overhead": "bench.overhead",
    "instructions": "bench.instructions",
    "quota": "bench.quota",
    "reports": "bench.report_queries",
    "throughput": "bench.throughput",
    "profile": "bench.profile",
    "match": "bench.match",
    "extraction": "bench.extraction",
    "imports": "bench.imports",
    "streaming": "bench.streaming",
    "outcomes": "bench.outcomes",
    "export": "bench.export",
}
PACKAGES = (
    "django",
    "djangorestframework",
    "psycopg",
    "openai",
    "anthropic",
    "google-genai",
    "httpx",
    "redis",
    "gunicorn",
    "pyinstrument",
)
QUIET_CORES = 0.3  # CPU busy before the run (cores) above which the figures are suspect


def busy_cores(seconds: float = 3.0) -> float:
    """How many cores other work keeps busy right now (the load average lags by minutes)."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    busy, total = sample()
    time.sleep(seconds)
    busy2, total2 = sample()
    return (busy2 - busy) / max(1, total2 - total) * (os.cpu_count() or 1)


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    info = {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
        "busy_cores_at_start": round(busy_cores(), 2),
    }
    try:
        import psycopg

        with psycopg.connect(env.MAIN_DB.rsplit("/", 1)[0] + "/postgres") as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            for name in (
                "shared_buffers",
                "work_mem",
                "max_connections",
                "synchronous_commit",
                "max_parallel_workers_per_gather",
            ):
                info[f"pg_{name}"] = conn.execute(f"SHOW {name}").fetchone()[0]
    except Exception as exc:  # the description must not stop the run
        info["postgresql"] = f"unknown ({type(exc).__name__})"
    try:
        info.update(host_speed())
    except Exception as exc:
        info["pg_select1_ms"] = f"unknown ({type(exc).__name__})"
    try:
        import redis

        info["redis"] = redis.Redis.from_url(env.REDIS).info("server")["redis_version"]
    except Exception as exc:
        info["redis"] = f"unknown ({type(exc).__name__})"
    info["packages"] = {}
    for package in PACKAGES:
        try:
            info["packages"][package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info["packages"][package] = "not installed"
    return info


def host_speed() -> dict:
    """What the host gives right now: this VM's speed has been seen to vary about 2x within
    an hour, so every run records the basic costs its figures are made of."""
    import psycopg

    def p50_ms(step, n: int = 300) -> float:
        times = []
        for _ in range(n):
            started = time.perf_counter()
            step()
            times.append((time.perf_counter() - started) * 1000)
        return round(sorted(times)[n // 2], 3)

    env.create_database(env.MAIN_DB)
    with psycopg.connect(env.MAIN_DB, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_host_speed (id serial PRIMARY KEY)")
        try:
            select = p50_ms(lambda: conn.execute("SELECT 1"))
            commit = p50_ms(lambda: conn.execute("INSERT INTO bench_host_speed DEFAULT VALUES"))
        finally:
            conn.execute("DROP TABLE bench_host_speed")
    python = p50_ms(lambda: sum(i * i for i in range(100_000)), n=30)
    return {"pg_select1_ms": select, "pg_commit_ms": commit, "python_loop_ms": python}


def run_phase(name: str, quick: bool) -> dict:
    out = env.OUT / f"{name}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", PHASES[name], "--json", str(out)] + (["--quick"] * quick)
    print(f"\n=== {name}: {shlex.join(command[1:])}", flush=True)
    started = time.perf_counter()
    code = subprocess.call(command, cwd=env.ROOT)
    seconds = time.perf_counter() - started
    if code != 0 or not out.exists():
        warn(f"phase {name} failed (exit {code}); its figures are missing")
        return {
            "records": [],
            "markdown": f"### {name}\n\n**Failed (exit {code}).** Run "
            f"`python -m {PHASES[name]}` to see why.",
            "seconds": seconds,
            "failed": True,
        }
    result = json.loads(out.read_text())
    result["seconds"] = seconds
    return result


def _value(record: dict) -> str:
    value = record["value"]
    if isinstance(value, float):
        return f"{value:,.2f}" if record["unit"] != "ratio" else f"{value:.0%}"
    return f"{value:,}"


def _met(record: dict) -> str:
    return {True: "yes", False: "**no**", None: ""}[record["met"]]


def render(meta: dict, phases: dict[str, dict]) -> str:
    m = meta["machine"]
    records = [r for phase in phases.values() for r in phase["records"]]
    targeted = [r for r in records if r["target"]]
    lines = [
        "# Benchmarks",
        "",
        f"Run {meta['date']} — **{meta['mode']} mode** — command: `{meta['command']}` "
        f"({meta['python_command']}); {meta['seconds']:.0f} s in all.",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB RAM, {m['os']}; "
        f"Python {m['python']}; PostgreSQL {m.get('postgresql')} (shared_buffers "
        f"{m.get('pg_shared_buffers')}, work_mem {m.get('pg_work_mem')}, max_connections "
        f"{m.get('pg_max_connections')}, synchronous_commit {m.get('pg_synchronous_commit')}); "
        f"Redis {m.get('redis')}; "
        f"host speed at start: PostgreSQL `SELECT 1` round trip {m.get('pg_select1_ms')} ms, "
        f"one-row durable INSERT {m.get('pg_commit_ms')} ms, a reference Python loop "
        f"{m.get('python_loop_ms')} ms (p50s); "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        + f". Before the run other work kept {m['busy_cores_at_start']:.2f} cores busy "
        f"(1-minute load average {m['load_average_at_start'][0]:.2f}).",
        "",
        "Settings: `config.settings.production` configured by environment (DEBUG off, "
        "DATABASE_URL = the bench's own PostgreSQL database, REDIS_URL = Redis db 13 for the "
        "cache, result cache and breaker, the PostgreSQL connection pool); vendor doubles from "
        "`tests/support/doubles` on loopback. "
        "How to run and what each phase does: `bench/README.md`.",
        "",
    ]
    if meta["mode"] == "quick":
        lines += [
            "> Quick mode: fewer samples, shorter load levels, 100k report rows only. "
            "The committed figures come from a full `make bench` on a quiet machine.",
            "",
        ]
    if m["busy_cores_at_start"] > QUIET_CORES:
        lines += [
            f"> **The machine was not quiet** ({m['busy_cores_at_start']:.2f} cores busy with "
            "other work at start): treat these figures as noisy.",
            "",
        ]
    lines += [
        "## Targets",
        "",
        table(
            ("figure", "value", "unit", "target", "met"),
            [(r["name"], _value(r), r["unit"], r["target"], _met(r)) for r in targeted],
        ),
        "",
        "## Details",
        "",
    ]
    for phase in phases.values():
        lines += [phase["markdown"], ""]
    lines += [
        "## All figures",
        "",
        table(
            ("figure", "value", "unit", "target", "met"),
            [(r["name"], _value(r), r["unit"], r["target"] or "", _met(r)) for r in records],
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the everyday run, < 3 minutes")
    parser.add_argument("--only", help=f"comma-separated phases of: {', '.join(PHASES)}")
    parser.add_argument(
        "--no-write",
        action="store_true",
        help="print only; leave BENCHMARKS.md and bench/results.json alone",
    )
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(PHASES)
    unknown = set(chosen) - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    env.OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = machine()
    if info["busy_cores_at_start"] > QUIET_CORES:
        warn(
            f"{info['busy_cores_at_start']:.2f} cores are busy with other work: the figures "
            "will be noisy. Run the full benchmark on a quiet machine."
        )
    phases = {name: run_phase(name, args.quick) for name in PHASES if name in chosen}
    in_make = "MAKELEVEL" in os.environ
    python_command = shlex.join([".venv/bin/python", "-m", "bench", *sys.argv[1:]])
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if args.quick else "full",
        "command": ("make bench" + (" QUICK=1" if args.quick else ""))
        if in_make
        else python_command,
        "python_command": python_command,
        "seconds": time.perf_counter() - started,
        "phases": {
            name: {"seconds": round(p["seconds"], 1), "failed": p.get("failed", False)}
            for name, p in phases.items()
        },
        "machine": info,
    }
    markdown = render(meta, phases)
    print("\n" + markdown)
    if not args.no_write:
        # The fault suite's section (make faults) stays as that suite last wrote it.
        old = env.ROOT / "BENCHMARKS.md"
        old_text = old.read_text() if old.exists() else ""
        old.write_text(keep_section(old_text, markdown))
        results = [r for p in phases.values() for r in p["records"]]
        (env.ROOT / "bench" / "results.json").write_text(
            json.dumps({"meta": meta, "results": results}, indent=1, default=str) + "\n"
        )
        print("\nwrote BENCHMARKS.md and bench/results.json", flush=True)
    if any(p.get("failed") for p in phases.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
