"""Outside services the suite uses where the machine has them (Redis for the shared cache and
the Celery broker). Locally a missing one skips with the reason; under CI it fails."""

from __future__ import annotations

import os
import socket

import pytest


def require(host: str, port: int, what: str) -> None:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        message = f"{what} is not reachable at {host}:{port}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must have it)")
        pytest.skip(message)


def require_redis() -> str:
    require("127.0.0.1", 6379, "Redis")
    return "redis://127.0.0.1:6379"
