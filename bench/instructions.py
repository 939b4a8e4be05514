"""Benchmark 12: what generate() adds to one AI call, counted in CPU instructions.

The millisecond figures of phase 1 follow the host: machines of this project measured 1.5 ms
of overhead on 2026-11-29 and 4.5 ms on 2026-12-08 (the reference loop in the report's header
moved with them), while the later code executes 15% fewer instructions per call; by time
alone a change cannot be told from the host's weather.
An instruction count does not move with the host: callgrind (valgrind) counts the
instructions the process executes, the same for the same code, inputs and libraries whatever
else the machine is doing. What it cannot see is time spent waiting (PostgreSQL's commit,
Redis, the network): those are phase 1's.

The counts run in one child process under `valgrind --tool=callgrind --instr-atstart=no`:
set-up and warm-up run uninstrumented; for each figure the child switches instrumentation on
(`callgrind_control`) for N calls only, off again, and has the count dumped. Per vendor: (A)
the bare SDK call to the in-process double with the adapter's own client, (B)
`generate(task="extraction", use_cache=False)` to the same double, the whole path on
PostgreSQL + Redis; B − A is what the gateway itself executes per call (the double runs in the
same process and is counted in both). And (C) a cache hit. The config snapshot's version check
is put off for the counted calls (`snapshot.RECHECK_SECONDS`), so the count does not depend on
how slowly valgrind runs; a real server makes that check at most once a second.

    python -m bench.instructions [--quick] [--json FILE]
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import env
from bench.stats import phase_main, record, table, warn

VENDORS = ("openai", "anthropic", "gemini")
_TOTALS = re.compile(r"^totals: (\d+)", re.MULTILINE)


def _callgrind(*args: str) -> None:
    command = ["callgrind_control", *args, str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)


def _on() -> None:
    _callgrind("--instr=on")


def _off() -> None:
    _callgrind("--instr=off")


def _counted(call, n: int, out: Path, label: str, *, switches: bool = False) -> float:
    """Instructions per call of `call` over `n` calls, as callgrind counts them; a call that
    `switches` instrumentation on and off itself (a stream, counted to its first event) is
    not wrapped in a switch."""
    _callgrind("--zero")
    if not switches:
        _on()
    for _ in range(n):
        call()
    if not switches:
        _off()
    _callgrind(f"--dump={label}")
    dumps = sorted(out.parent.glob(out.name + ".*"), key=lambda p: int(p.suffix[1:]))
    text = dumps[-1].read_text()
    if f"dump {label}" not in text:
        raise RuntimeError(f"callgrind's dump of {label} is not where it was expected")
    return int(_TOTALS.search(text).group(1)) / n


def stream_count(n: int) -> int:
    return max(10, n // 5)


def child(vendors: list[str], n: int, out: Path) -> None:
    """Set up, warm up and count each figure (run under callgrind); prints the counts as JSON."""
    env.setup_django(env.MAIN_DB)

    from bench import fixtures
    from bench.overhead import TASK, bare_call
    from bench.postings import posting
    from bench.streaming import bare_stream, letter_setup, served_stream
    from orchestrator import snapshot
    from orchestrator.services import generate
    from tests.support.doubles import VendorDouble

    fixtures.clean_start()
    user = fixtures.bench_user("bench-instructions")
    _, client, job, _, letter_prompt, letter = letter_setup("bench-instructions-stream")
    counts = {}
    recheck = snapshot.RECHECK_SECONDS
    for vendor in vendors:
        double = VendorDouble(vendor).start()
        try:
            config, key = fixtures.provider_configs({vendor: double.base_url})[vendor]
            double.expect_key = key
            fixtures.activate_only(vendor)
            prompt = posting(1)
            bare = bare_call(vendor, key, config.base_url, config.fast_model, prompt)

            def served(prompt=prompt, vendor=vendor, hit=False):
                result = generate(user=user, task=TASK, prompt=prompt, use_cache=hit)
                if result.cached != hit or result.provider != vendor:
                    raise RuntimeError(f"expected a {'hit' if hit else 'call'} of {vendor}")

            calls = {"bare": bare, "served": served}
            if vendor == vendors[0]:
                served(posting(2))  # stored, so the hits below are hits
                calls["hit"] = functools.partial(served, posting(2), hit=True)
            for call in calls.values():
                for _ in range(30):
                    call()
            snapshot.RECHECK_SECONDS = 3600.0
            snapshot.current()
            for kind, call in calls.items():
                counts[f"{kind} {vendor}"] = _counted(call, n, out, f"{kind}-{vendor}")
            # The streamed letter, each stream counted from its start to its first event (then
            # read to its end uncounted); what switching itself costs is counted apart. Fewer
            # of them: each switch forks a process under valgrind, which is slow.
            stream_n = stream_count(n)
            double.default = letter
            model = config.fast_model
            streams = {
                "bare stream": bare_stream(vendor, key, config.base_url, model, letter_prompt),
                "served stream": served_stream(client, job.pk, vendor),
            }
            for stream in streams.values():
                for _ in range(10):
                    stream()
            switched = {
                "switching": lambda: (_on(), _off()),
                "bare stream": bare_stream(
                    vendor, key, config.base_url, model, letter_prompt, begin=_on, reached=_off
                ),
                "served stream": served_stream(client, job.pk, vendor, begin=_on, reached=_off),
            }
            for kind, call in switched.items():
                label = f"{kind.replace(' ', '-')}-{vendor}"
                counts[f"{kind} {vendor}"] = _counted(call, stream_n, out, label, switches=True)
            snapshot.RECHECK_SECONDS = recheck
        finally:
            double.stop()
    print(json.dumps(counts))


def counts(vendors: tuple[str, ...], n: int) -> dict[str, float]:
    """{"bare openai": instructions per call, ...}, counted in a child under callgrind."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
        command += [f"--callgrind-out-file={out}", sys.executable, "-m", "bench.instructions"]
        command += ["--child", ",".join(vendors), str(n), str(out)]
        done = subprocess.run(command, cwd=env.ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the instruction counts failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(*, quick: bool) -> tuple[list[dict], str]:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        warn("valgrind is not installed: no instruction counts")
        return [], "### 12. Instructions per AI call\n\nNot measured: valgrind is not installed."
    n = 30 if quick else 100
    vendors = VENDORS[:1] if quick else VENDORS
    counted = counts(vendors, n)
    records, rows, stream_rows = [], [], []
    for vendor in vendors:
        bare, served = counted[f"bare {vendor}"], counted[f"served {vendor}"]
        added = served - bare
        rows.append((vendor, n, f"{bare:,.0f}", f"{served:,.0f}", f"{added:,.0f}"))
        records += [
            record(f"instructions: bare SDK call ({vendor})", round(bare), "instr", group="ir"),
            record(f"instructions: generate() ({vendor})", round(served), "instr", group="ir"),
            record(
                f"instructions added by generate() ({vendor})",
                round(added),
                "instr",
                group="ir",
                note="B - A per call; the same on any host for the same code and libraries",
            ),
        ]
        switching = counted[f"switching {vendor}"]
        bare_first = counted[f"bare stream {vendor}"] - switching
        served_first = counted[f"served stream {vendor}"] - switching
        first_added = served_first - bare_first
        stream_rows.append(
            (
                vendor,
                stream_count(n),
                f"{bare_first:,.0f}",
                f"{served_first:,.0f}",
                f"{first_added:,.0f}",
            )
        )
        records.append(
            record(
                f"instructions added to a streamed letter's first event ({vendor})",
                round(first_added),
                "instr",
                group="ir",
                note="the endpoint to its first event, less the bare SDK stream to its first text",
            )
        )
        print(
            f"instructions {vendor}: A {bare:,.0f}, B {served:,.0f}, B-A {added:,.0f}; "
            f"first event: A {bare_first:,.0f}, B {served_first:,.0f}, B-A {first_added:,.0f}"
        )
    hit = counted[f"hit {vendors[0]}"]
    records.append(record("instructions: cache hit", round(hit), "instr", group="ir"))
    markdown = "\n\n".join(
        [
            "### 12. Instructions per AI call (callgrind)",
            "What phase 1 times, counted instead: instructions executed per call, the same on "
            "any host for the same code and libraries (waits for PostgreSQL, Redis and the "
            "network are not instructions; phase 1 has them). A = the bare SDK call to the "
            "in-process double, B = `generate(use_cache=False)` to it on PostgreSQL + Redis, "
            f"each counted over {n} calls after a warm-up; B − A is the gateway's own work.",
            table(("vendor", "calls", "A bare SDK", "B generate()", "B − A"), rows),
            f"C = a cache hit through `generate(use_cache=True)`: {hit:,.0f} instructions.",
            "The streamed letter (phase 8's A and B, counted): A = the bare SDK stream to its "
            "first text chunk, B = `POST /api/v1/cover-letter/generate` with `Accept: "
            "text/event-stream` through Django's whole stack in process (token auth, throttles, "
            "the job and profile, the gateway's reservation) to its first event; each counted "
            "from its start to that point, less what switching the count on and off costs.",
            table(("vendor", "streams", "A first text", "B first event", "B − A"), stream_rows),
        ]
    )
    return records, markdown


def main() -> None:
    if sys.argv[1:2] == ["--child"]:  # inside valgrind: vendors, calls, callgrind's out file
        vendors, n, out = sys.argv[2:5]
        child(vendors.split(","), int(n), Path(out))
        return
    phase_main(run, description=__doc__, database=env.MAIN_DB)


if __name__ == "__main__":
    main()
