"""The fault suite's fast subset (`make faults` runs every fault and writes BENCHMARKS.md):
a real server as `make serve` runs it, on its own PostgreSQL cluster and redis-server, with
the vendor double, attacked by slow clients and by a vendor that resets every connection.

One run of `python -m bench.faults --quick` serves every test here; each test reads its fault's
row of the table, counted from the database as `make faults` counts it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.faults.stack import PG_BIN

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.faults, pytest.mark.slow]


def _require_servers() -> None:
    missing = [
        what
        for what, found in (
            ("redis-server", shutil.which("redis-server")),
            ("PostgreSQL's initdb", (PG_BIN / "initdb").exists()),
        )
        if not found
    ]
    if missing:
        message = f"the fault suite needs {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must have it)")
        pytest.skip(message)


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> dict[str, dict]:
    _require_servers()
    out = tmp_path_factory.mktemp("faults") / "rows.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.faults", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {row["fault"]: row for row in json.loads(out.read_text())}


@pytest.mark.parametrize("attack", ["slowloris", "lingering"])
def test_a_signed_in_user_is_answered_within_a_second_while_slow_clients_attack(table, attack):
    row = table[attack]
    assert row["requests"] >= 20, row  # four a second for most of the attack
    assert row["survived"] == row["requests"], row
    assert row["bystander_worst_s"] < 1.0, row


def test_a_vendor_resetting_every_connection_loses_no_usage_row_and_holds_no_quota(table):
    row = table["reset"]
    assert row["requests"] > 0 and row["vendor_calls"] > 0, row
    assert row["no_answer"] == 0, row
    assert row["rows_missing"] == 0, row
    assert (row["held_tokens"], row["drift_tokens"]) == (0, 0), row
