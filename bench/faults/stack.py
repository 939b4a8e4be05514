"""The service the fault suite attacks, every part started (and killed) by the suite itself:
a private PostgreSQL cluster (initdb/pg_ctl on its own port, so it can be restarted), a private
redis-server, the vendor double (bench/faults/double.py), gunicorn as `make serve` runs it,
and a Celery worker. Loopback only; everything lives in one temporary folder, removed at the
end.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import env
from bench.throughput import serve_command

PG_BIN = Path(os.environ.get("FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "aiorch_faults"
# The suite's own settings on top of the bench's production environment: a short call budget
# (a hold's expiry is the budget plus a margin, so the suite need not wait minutes for a
# reaper), a short circuit-breaker cooldown (each vendor fault starts on a closed circuit), the
# periodic jobs run by the server processes themselves.
SERVER_SETTINGS = {
    "AI_CALL_BUDGET": "20",
    # A hold expires 50 s after its call began: the margin covers the database waits a live
    # call may still make after its answer (3 x the pool's 10 s; check orchestrator.W001).
    # With 5 s, the overload's pool timeouts had the reaper close live calls as ABANDONED.
    "QUOTA_HOLD_MARGIN": "30",
    "REAPER_SECONDS": "5",
    "AI_TASK_DEADLINE": "30",  # a task still running then is failed as ABANDONED
    "AI_BREAKER_COOLDOWN": "5",  # faults.BREAKER_COOLDOWN
    "EMBEDDED_SCHEDULE": "true",
    "LOG_LEVEL": "WARNING",
}
START_TIMEOUT = 120.0  # seconds for gunicorn's workers to answer on a busy 2-core machine


def free_port() -> int:
    """A free loopback port in 17000-17999 (the range this project's fault runs use)."""
    for _ in range(200):
        port = random.randint(17000, 17999)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 17000-17999")


def _as_postgres_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; in a root shell (CI containers) it runs as `postgres`.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def children(pid: int) -> list[int]:
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


def _kill(pid: int, sig: int = signal.SIGKILL) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


class Stack:
    def __init__(self, *, celery: bool = True, gunicorn_args: str = "") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="aiorch-faults-"))
        self.pg_port, self.redis_port, self.port = free_port(), free_port(), free_port()
        self.with_celery = celery
        self.gunicorn_args = gunicorn_args
        self.redis: subprocess.Popen | None = None
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.double: subprocess.Popen | None = None
        self.base_url = ""
        self.database_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/{DATABASE}"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.logs = self.dir / "logs"
        self.logs.mkdir()

    # -- environment
    def environ(self) -> dict[str, str]:
        values = env.bench_environ(self.database_url)
        values.update(SERVER_SETTINGS)
        values.update(
            REDIS_URL=self.redis_url,
            CELERY_BROKER_URL=self.redis_url,
            CELERY_RESULT_BACKEND=self.redis_url,
        )
        return {**os.environ, **values}

    def _log(self, name: str):
        return open(self.logs / f"{name}.log", "a")  # noqa: SIM115 - the child owns it

    # -- PostgreSQL
    def pg_start(self) -> None:
        data = self.dir / "pg"
        if not data.exists():
            data.mkdir()
            if os.geteuid() == 0:
                shutil.chown(self.dir, "postgres")
                shutil.chown(data, "postgres")
                shutil.chown(self.logs, "postgres")
            initdb = [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres"]
            initdb += ["--auth=trust", "-E", "UTF8", "--no-sync"]
            subprocess.run(_as_postgres_user(initdb), check=True, capture_output=True)
        options = f"-p {self.pg_port} -k {self.dir} -c listen_addresses=127.0.0.1 "
        options += "-c max_connections=300 -c fsync=off -c full_page_writes=off"
        command = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "60"]
        command += ["-l", str(self.logs / "postgresql.log"), "start"]
        subprocess.run(_as_postgres_user(command), check=True, capture_output=True)

    def pg_restart(self) -> None:
        """A fast restart (as a failover or an upgrade does): every connection is cut."""
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "pg"), "-m", "fast", "-w"]
        subprocess.run(_as_postgres_user([*command, "stop"]), check=True, capture_output=True)
        self.pg_start()

    def pg_stop(self) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "pg"), "-m", "immediate"]
        subprocess.run(_as_postgres_user([*command, "stop"]), capture_output=True)

    def create_database(self) -> None:
        import psycopg

        admin = f"postgres://postgres@127.0.0.1:{self.pg_port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')

    # -- Redis
    def redis_start(self) -> None:
        command = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        self.redis = subprocess.Popen(command, stdout=self._log("redis"), stderr=subprocess.STDOUT)
        self._wait_port(self.redis_port, 10, "redis-server")

    def redis_kill(self) -> None:
        if self.redis is not None:
            self.redis.kill()
            self.redis.wait()
            self.redis = None

    # -- the vendor double
    def double_start(self) -> None:
        self.double = subprocess.Popen(
            [sys.executable, "-m", "bench.faults.double"],
            cwd=env.ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log("double"),
            text=True,
        )
        self.base_url = self.double.stdout.readline().strip()
        if not self.base_url.startswith("http"):
            raise RuntimeError("the vendor double did not start")

    def double_ask(self, command: str) -> str:
        self.double.stdin.write(command + "\n")
        self.double.stdin.flush()
        return self.double.stdout.readline().strip()

    def vendor_mode(self, mode: str) -> None:
        if self.double_ask(f"mode {mode}") != "ok":
            raise RuntimeError(f"the vendor double refused mode {mode}")

    def vendor_calls(self) -> int:
        return int(self.double_ask("count"))

    # -- gunicorn, as `make serve` runs it
    def server_start(self) -> None:
        # No control socket: its default path is shared by every gunicorn of this user.
        command = serve_command(self.port, f"--no-control-socket {self.gunicorn_args}")
        self.server = subprocess.Popen(
            command,
            cwd=env.ROOT,
            env=self.environ(),
            stdout=self._log("gunicorn"),
            stderr=subprocess.STDOUT,
        )

    def server_workers(self) -> list[int]:
        return children(self.server.pid) if self.server is not None else []

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until every worker has answered (each builds its snapshot and SDK clients on its
        first call): a few rounds of requests on new connections."""
        import httpx

        deadline = time.monotonic() + timeout
        answered = 0
        while time.monotonic() < deadline and answered < 12:
            if self.server.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.logs}/gunicorn.log")
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/api/v1/usage", timeout=30)
                answered += 1
            except httpx.HTTPError:
                time.sleep(0.5)
        if answered < 12:
            raise RuntimeError(f"gunicorn did not answer in time; see {self.logs}")

    # -- Celery
    def worker_start(self) -> None:
        command = [str(env.ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker"]
        command += ["--loglevel=WARNING", "--concurrency=2", "--without-mingle"]
        command += ["--without-gossip", "--hostname", f"faults{self.port}@%h"]
        self.worker = subprocess.Popen(
            command,
            cwd=env.ROOT,
            env=self.environ(),
            stdout=self._log("celery"),
            stderr=subprocess.STDOUT,
        )

    def worker_kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as the OOM killer or a lost
        machine would."""
        if self.worker is None:
            return
        for pid in [*children(self.worker.pid), self.worker.pid]:
            _kill(pid)
        self.worker.wait()
        self.worker = None

    def _wait_port(self, port: int, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{what} did not start on port {port}")

    # -- all of it
    def start(self) -> None:
        self.pg_start()
        self.create_database()
        self.redis_start()
        self.double_start()
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=env.ROOT,
            env=self.environ(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{done.stdout}\n{done.stderr}")

    def start_processes(self) -> None:
        self.server_start()
        if self.with_celery:
            self.worker_start()
        self.wait_ready()

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                for pid in [*self.server_workers(), self.server.pid]:
                    _kill(pid)
                self.server.wait()
        self.worker_kill()
        if self.double is not None:
            self.double.stdin.close()
            try:
                self.double.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.double.kill()
        self.redis_kill()
        self.pg_stop()
        keep = os.environ.get("FAULTS_KEEP")
        if keep:
            print(f"fault suite files kept in {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
