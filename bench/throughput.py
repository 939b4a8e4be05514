"""Benchmark 2: API throughput of the production server configuration under closed-loop load.

Starts the gunicorn command of the Makefile's `serve` target (same options, its own port) on
the bench database and Redis with production settings, a vendor double answering every call
after 1.0 s in its own process, and drives POST /api/v1/job-extractor/extract with closed-loop
clients (bench/load.py: each client sends, waits for the answer, sends again) at several
concurrency levels, after each level's cold start. Each request carries a unique
1,500-character posting, so the result cache never answers. The load generator runs on the
same machine as the server, the double and PostgreSQL.

    python -m bench.throughput [--quick] [--json FILE] [--levels 25,50] [--seconds 30]
                               [--gunicorn-args "--threads 128"]

Longer than our usual modules: starting the server, the double and the load, and measuring
each level's CPU and latency, is one script whose parts only make sense together.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import env
from bench.stats import record, table, write_phase

URL_PATH = "/api/v1/job-extractor/extract"
VENDOR_DELAY = 1.0
USERS = 200  # one API user per client at the highest level: per-user throttles never meet
TARGET_RATIO, TARGET_P99_MS = 0.90, 1150.0


def serve_command(port: int, extra: str = "") -> list[str]:
    """The gunicorn line of the Makefile's `serve` recipe, bound to our port."""
    commands, pending, inside = [], "", False
    for line in (env.ROOT / "Makefile").read_text().splitlines():
        if line.startswith("serve:"):
            inside = True
            continue
        if inside and not line.startswith("\t"):
            break
        if inside:
            text = line.strip()
            if text.endswith("\\"):
                pending += text[:-1] + " "
                continue
            commands.append(pending + text)
            pending = ""
    command = next((c for c in commands if "gunicorn" in c), None)
    if command is None:
        raise RuntimeError("no gunicorn command in the Makefile's serve target")
    command = command[command.index("$(VENV)/bin/gunicorn") :]
    args = shlex.split(command.replace("$(VENV)", str(env.ROOT / ".venv")))
    bind = args.index("--bind")
    args[bind + 1] = f"127.0.0.1:{port}"
    return args + shlex.split(extra)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _machine_busy() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class ConnectionSampler(threading.Thread):
    """Peak PostgreSQL connections to the bench database while a level runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self._done = 0, threading.Event()

    def run(self) -> None:
        import psycopg

        name = env.MAIN_DB.rsplit("/", 1)[1]
        with psycopg.connect(env.MAIN_DB, autocommit=True) as conn:
            while not self._done.wait(0.25):
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]
                ).fetchone()
                self.peak = max(self.peak, row[0] - 1)  # not this sampler

    def stop(self) -> int:
        self._done.set()
        self.join(timeout=2)
        return self.peak


def load_config(url: str, tokens: list[str]) -> Path:
    """What bench/load.py sends: the posting split where its reference goes (the load
    generator puts a run tag and a counter there) and the API users' tokens."""
    from bench.postings import posting

    marker, text = "REF-MARKER", posting(0)
    body = json.dumps({"text": text.replace(_reference(text), marker)})
    head, tail = body.split(marker)
    path = env.OUT / "load_extract.json"
    path.write_text(json.dumps({"url": url, "tokens": tokens, "head": head, "tail": tail}))
    return path


def _reference(text: str) -> str:
    return text.rsplit("quoting reference ", 1)[1].split(".", 1)[0].strip()


def _level(
    config: Path, concurrency: int, seconds: float, ramp: float, *, cold: bool = False
) -> dict:
    """One run of bench/load.py in its own process; "load_cpu" is the CPU it used, in
    seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "bench.load", str(config)]
    command += ["--concurrency", str(concurrency), "--seconds", f"{seconds:g}"]
    command += ["--ramp", f"{ramp:g}"] + (["--cold"] if cold else [])
    done = subprocess.run(command, cwd=env.ROOT, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip().endswith("}"):
        raise RuntimeError(f"bench.load failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_cpu"] = _cpu_used(before, resource.getrusage(resource.RUSAGE_CHILDREN))
    return result


def _cpu_used(before: resource.struct_rusage, after: resource.struct_rusage) -> float:
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _wait_ready(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited; see bench/out/gunicorn.log")
        try:
            httpx.get(f"http://127.0.0.1:{port}{URL_PATH}", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time; see bench/out/gunicorn.log")


def run(
    *,
    quick: bool,
    levels: list[int] | None = None,
    seconds: float | None = None,
    gunicorn_args: str = "",
    delay: float = VENDOR_DELAY,
) -> tuple[list[dict], str]:
    from django.core.cache import cache

    from bench import fixtures

    levels = levels or ([25, 100] if quick else [25, 50, 100, 200])
    seconds = seconds or (8.0 if quick else 30.0)
    cache.clear()
    fixtures.unlimited_plan()
    tokens = fixtures.bench_users_with_tokens("bench-load-", USERS)
    double = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.double_server",
            "--vendor",
            "openai",
            "--delay",
            str(delay),
        ],
        cwd=env.ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    server = None
    log = open(env.OUT / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    try:
        base_url = double.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise RuntimeError("the vendor double did not start")
        fixtures.provider_configs({"openai": base_url})
        fixtures.activate_only("openai")
        port = _free_port()
        command = serve_command(port, gunicorn_args)
        server = subprocess.Popen(
            command,
            cwd=env.ROOT,
            env={**os.environ, **env.bench_environ(env.MAIN_DB)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_ready(port, server)
        config = load_config(f"http://127.0.0.1:{port}{URL_PATH}", tokens)
        # Warm-up, not counted: enough clients to reach every worker process (25 land on all
        # 4 but for a 1-in-1,000 chance), so none builds its config snapshot and SDK clients
        # during a measured level.
        _level(config, min(levels), 5.0, delay)
        results = []
        for concurrency in levels:
            time.sleep(1.0)
            cold = _level(config, concurrency, 0, delay, cold=True)
            time.sleep(1.0)
            server_pids = [server.pid, *_children(server.pid)]
            cpu_before = {
                "server": _cpu_seconds(server_pids),
                "double": _cpu_seconds([double.pid]),
            }
            busy_before, total_before = _machine_busy()
            sampler = ConnectionSampler()
            sampler.start()
            wall = time.perf_counter()
            result = _level(config, concurrency, seconds, delay)
            if result["p50"] < delay * 1000:
                raise RuntimeError(
                    f"c={concurrency}: median answer in {result['p50']:.0f} ms, faster than "
                    f"the vendor's {delay:g} s: answered from the result cache, the figure lies"
                )
            wall = time.perf_counter() - wall
            result["db_connections_peak"] = sampler.stop()
            busy_after, total_after = _machine_busy()
            server_cpu = _cpu_seconds(server_pids) - cpu_before["server"]
            result["server_ms_per_request"] = server_cpu * 1000 / max(result["sent"], 1)
            result["cpu"] = {
                "server": server_cpu / wall,
                "double": (_cpu_seconds([double.pid]) - cpu_before["double"]) / wall,
                "load": result.pop("load_cpu") / wall,
                "machine": (busy_after - busy_before)
                / max(1, total_after - total_before)
                * os.cpu_count(),
            }
            result.update(concurrency=concurrency, cold=cold)
            results.append(result)
            print(
                f"throughput c={concurrency}: {result['ok_rps']:.1f} req/s "
                f"(ideal {concurrency / max(delay, 1e-9):.0f}), errors {result['errors']}, "
                f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms; cold start of "
                f"{concurrency}: p50 {cold['p50']:.0f} ms, max {cold['max']:.0f} ms, "
                f"errors {cold['errors']}; peak DB connections {result['db_connections_peak']}",
                flush=True,
            )
        (env.OUT / "throughput_load.json").write_text(json.dumps(results, indent=1))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        double.stdin.close()
        try:
            double.wait(timeout=10)
        except subprocess.TimeoutExpired:
            double.kill()
        log.close()

    records, rows = [], []
    for r in results:
        c = r["concurrency"]
        ideal = c / max(delay, 1e-9)  # an instant vendor: no ideal, ratio ~0
        ratio = r["ok_rps"] / ideal
        at_target = c == 100
        cpu = r["cpu"]
        errors = r["errors"] + r["cold"]["errors"]
        rows.append(
            (
                c,
                f"{r['ok_rps']:.1f}",
                f"{ideal:.0f}",
                f"{ratio:.0%}",
                errors,
                f"{r['p50']:.0f}",
                f"{r['p99']:.0f}",
                r["db_connections_peak"],
                f"{cpu['server']:.2f} / {cpu['double']:.2f} / {cpu['load']:.2f} / "
                f"{cpu['machine']:.2f}",
                f"{r['server_ms_per_request']:.1f}",
                f"{r['cold']['p50']:.0f} / {r['cold']['max']:.0f}",
            )
        )
        g = "throughput"
        records += [
            record(f"throughput c={c}", r["ok_rps"], "req/s", group=g),
            record(
                f"throughput c={c} / ideal",
                ratio,
                "ratio",
                target=f">= {TARGET_RATIO:.0%}" if at_target else None,
                check=(lambda v: v >= TARGET_RATIO) if at_target else None,
                group=g,
            ),
            record(
                f"throughput c={c} errors",
                errors,
                "requests",
                target="0" if at_target else None,
                check=(lambda v: v == 0) if at_target else None,
                group=g,
            ),
            record(f"throughput c={c} latency p50", r["p50"], "ms", group=g),
            record(
                f"throughput c={c} server CPU per request",
                r["server_ms_per_request"],
                "ms",
                group=g,
                note="the CPU the throughput at a core count follows; compare it between "
                "runs on hosts of one speed",
            ),
            record(
                f"throughput c={c} latency p99",
                r["p99"],
                "ms",
                target=f"<= {TARGET_P99_MS:g} ms" if at_target else None,
                check=(lambda v: v <= TARGET_P99_MS) if at_target else None,
                group=g,
            ),
            record(
                f"throughput c={c} cold start max latency",
                r["cold"]["max"],
                "ms",
                group=g,
                note=f"{c} first requests sent at one instant; the last one's answer",
            ),
        ]
    shown = " ".join(Path(a).name if a.endswith("gunicorn") else a for a in command)
    markdown = "\n\n".join(
        [
            "### 2. API throughput (POST /api/v1/job-extractor/extract, text input)",
            f"Server: `{shown}` (the Makefile's `serve` line) with "
            "`config.settings.production` on PostgreSQL + Redis; "
            f"the OpenAI double answers every call after {delay:g} s, in its own process. "
            "Closed-loop load from `bench/load.py` (asyncio, in its own process): each client "
            "sends its next request when the last one is answered. The clients start spread "
            f"over {delay:g} s, the phase a closed loop settles into, and the figures count "
            f"the requests begun in the {seconds:g} s after that. Before each level, its "
            "**cold start** on its own: every client's first request at one instant, on new "
            "connections (p50 / slowest answer); its errors are counted with the level's. "
            f"{USERS} API users (token auth), AI_THROTTLE_* raised so per-user throttles "
            "stay out of it. **The load generator, the server, the double and PostgreSQL "
            f"share this machine's {os.cpu_count()} cores.** Each request: a unique "
            "1,500-character posting (no cache hits), one AI call, one Job row.",
            table(
                (
                    "clients",
                    "req/s",
                    "ideal",
                    "achieved",
                    "errors",
                    "p50 ms",
                    "p99 ms",
                    "peak DB conns",
                    "CPU cores: server / double / load / machine",
                    "server CPU ms per request",
                    "cold start p50 / max ms",
                ),
                rows,
            ),
        ]
    )
    return records, markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json")
    parser.add_argument("--levels", help="comma-separated concurrency levels")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--gunicorn-args", default="", help="appended to the Makefile's options")
    parser.add_argument("--delay", type=float, default=VENDOR_DELAY, help="vendor answer delay")
    args = parser.parse_args()
    env.setup_django(env.MAIN_DB)
    levels = [int(x) for x in args.levels.split(",")] if args.levels else None
    records, markdown = run(
        quick=args.quick,
        levels=levels,
        seconds=args.seconds,
        gunicorn_args=args.gunicorn_args,
        delay=args.delay,
    )
    write_phase(args.json, records, markdown)


if __name__ == "__main__":
    main()
