"""Benchmark 2: API throughput of the production server configuration under closed-loop load.

Starts the gunicorn command of the Makefile's `serve` target (same options, its own port) on
the bench database and Redis with production settings, a vendor double answering every call
after 1.0 s in its own process, and drives POST /api/v1/job-extractor/extract with closed-loop
asyncio/httpx clients (each sends, waits for the answer, sends again) at several concurrency
levels. Each request carries a unique 1,500-character posting, so the result cache never
answers. The load generator runs on the same machine as the server, the double and
PostgreSQL.

    python -m bench.throughput [--quick] [--json FILE] [--levels 25,50] [--seconds 30]
                               [--gunicorn-args "--threads 128"]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shlex
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import env
from bench.stats import pct, record, table, write_phase

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


async def _level(
    url: str,
    tokens: list[str],
    concurrency: int,
    seconds: float,
    counter: itertools.count,
    errors_seen: list[str],
) -> dict:
    import httpx

    from bench.postings import posting

    loop = asyncio.get_running_loop()
    results: list[tuple[float, float, str]] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=httpx.Timeout(120.0), limits=limits) as client:
        start = loop.time()
        end = start + seconds

        async def client_loop(slot: int) -> None:
            headers = {"Authorization": f"Token {tokens[slot % len(tokens)]}"}
            while loop.time() < end:
                body = {"text": posting(next(counter))}
                sent = loop.time()
                try:
                    response = await client.post(url, json=body, headers=headers)
                    status = str(response.status_code)
                    if response.status_code >= 300 and len(errors_seen) < 20:
                        errors_seen.append(f"{status}: {response.text[:400]}")
                except Exception as exc:  # any failure is an error of the run, not a crash
                    status = type(exc).__name__
                    if len(errors_seen) < 20:
                        errors_seen.append(f"{status}: {exc}")
                results.append((sent - start, loop.time() - start, status))

        await asyncio.gather(*(client_loop(i) for i in range(concurrency)))
    done_in_window = [r for r in results if r[1] <= seconds]
    ok = [r for r in done_in_window if r[2].startswith("2")]
    latencies = [(r[1] - r[0]) * 1000 for r in results if r[2].startswith("2")]
    failed = [r for r in results if not r[2].startswith("2")]
    return {
        "concurrency": concurrency,
        "seconds": seconds,
        "completed": len(results),
        "ok_rps": len(ok) / seconds,
        "errors": len(failed),
        "error_kinds": sorted({r[2] for r in failed}),
        "p50": pct(latencies, 0.50),
        "p99": pct(latencies, 0.99),
        "max": max(latencies) if latencies else float("nan"),
    }


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
        url = f"http://127.0.0.1:{port}{URL_PATH}"
        counter = itertools.count(1_000_000 * (int(time.time()) % 1000))
        errors_seen: list[str] = []
        asyncio.run(_level(url, tokens, 10, 3.0, counter, []))  # warm-up, not counted
        results = []
        for concurrency in levels:
            time.sleep(1.0)
            server_pids = [server.pid, *_children(server.pid)]
            cpu_before = {
                "server": _cpu_seconds(server_pids),
                "double": _cpu_seconds([double.pid]),
                "load": _cpu_seconds([os.getpid()]),
            }
            busy_before, total_before = _machine_busy()
            sampler = ConnectionSampler()
            sampler.start()
            wall = time.perf_counter()
            result = asyncio.run(_level(url, tokens, concurrency, seconds, counter, errors_seen))
            wall = time.perf_counter() - wall
            result["db_connections_peak"] = sampler.stop()
            busy_after, total_after = _machine_busy()
            result["cpu"] = {
                "server": (_cpu_seconds(server_pids) - cpu_before["server"]) / wall,
                "double": (_cpu_seconds([double.pid]) - cpu_before["double"]) / wall,
                "load": (_cpu_seconds([os.getpid()]) - cpu_before["load"]) / wall,
                "machine": (busy_after - busy_before)
                / max(1, total_after - total_before)
                * os.cpu_count(),
            }
            results.append(result)
            print(
                f"throughput c={concurrency}: {result['ok_rps']:.1f} req/s "
                f"(ideal {concurrency / max(delay, 1e-9):.0f}), errors {result['errors']}, "
                f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, "
                f"peak DB connections {result['db_connections_peak']}",
                flush=True,
            )
        (env.OUT / "throughput_errors.txt").write_text("\n".join(errors_seen) or "none\n")
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
        rows.append(
            (
                c,
                f"{r['ok_rps']:.1f}",
                f"{ideal:.0f}",
                f"{ratio:.0%}",
                r["errors"],
                f"{r['p50']:.0f}",
                f"{r['p99']:.0f}",
                r["db_connections_peak"],
                f"{cpu['server']:.2f} / {cpu['double']:.2f} / {cpu['load']:.2f} / "
                f"{cpu['machine']:.2f}",
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
                r["errors"],
                "requests",
                target="0" if at_target else None,
                check=(lambda v: v == 0) if at_target else None,
                group=g,
            ),
            record(f"throughput c={c} latency p50", r["p50"], "ms", group=g),
            record(
                f"throughput c={c} latency p99",
                r["p99"],
                "ms",
                target=f"<= {TARGET_P99_MS:g} ms" if at_target else None,
                check=(lambda v: v <= TARGET_P99_MS) if at_target else None,
                group=g,
            ),
        ]
    shown = " ".join(Path(a).name if a.endswith("gunicorn") else a for a in command)
    markdown = "\n\n".join(
        [
            "### 2. API throughput (POST /api/v1/job-extractor/extract, text input)",
            f"Server: `{shown}` (the Makefile's `serve` line) with "
            "`config.settings.production` on PostgreSQL + Redis; "
            f"the OpenAI double answers every call after {delay:g} s, in its own process. "
            f"Closed-loop asyncio/httpx clients, {seconds:g} s per level, {USERS} API users (token "
            "auth) and AI_THROTTLE_* raised so per-user throttles stay out of it. **The load "
            "generator, the server, the double and PostgreSQL share this machine's "
            f"{os.cpu_count()} cores.** Each request: a unique 1,500-character posting (no cache "
            "hits), one AI call, one Job row.",
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
