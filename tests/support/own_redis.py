"""A redis-server of the test's own, on a port of its own, that a test may kill and restart
(the shared one on 6379 is never touched)."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.backing_services import require


class OwnRedis:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.kill()  # one server per port: a second would fail to bind and the first leak
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def keys(self) -> list[bytes]:
        import redis

        return redis.Redis.from_url(self.url).keys("*")


def _free_port() -> int:
    for _ in range(50):
        port = random.randint(17000, 17999)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 17000-17999")


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        require("127.0.0.1", 1, "redis-server (the program)")
    server = OwnRedis(tmp_path).start()
    yield server
    server.kill()
