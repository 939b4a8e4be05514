"""The faults the suite injects, in the order it injects them, and how each is run and counted.

Each fault has its own API users (one per client), so what it leaves behind is counted apart.
A fault's row is taken once everything has settled: every client has its answer, the vendor
double has had no new call for a few seconds, and either nothing is left over or the settle
time (the call budget and a margin: what a reaper of expired holds is given) has passed.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import env
from bench.faults import load, slow_clients
from bench.faults.measure import Leftovers, leftovers
from bench.faults.stack import Stack

SETTLE_SECONDS = 70.0  # a hold's life (AI_CALL_BUDGET 20 s + QUOTA_HOLD_MARGIN 30 s) and a reaper
QUIET_SECONDS = 3.0  # no vendor call for this long: every call in flight has ended
BREAKER_COOLDOWN = 5  # the suite's AI_BREAKER_COOLDOWN: a vendor fault starts on a closed circuit


def _sockets(pid: int) -> int:
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return 0
    return sum(link.startswith("socket:") for link in links)


def _kill_one_worker(stack: Stack) -> None:
    """SIGKILL the worker holding the most sockets (its clients' connections and its calls
    to the vendor and the database): the one with calls in flight."""
    workers = stack.server_workers()
    if workers:
        os.kill(max(workers, key=_sockets), signal.SIGKILL)


@dataclass(frozen=True)
class Fault:
    key: str
    name: str
    kind: str  # extract | async | letter | slowloris | lingering
    clients: int
    seconds: float
    most: int = 1_000_000  # requests per client at most
    timeout: float = 60.0  # a client waits this long for an answer
    actions: tuple[tuple[float, Callable[[Stack], None]], ...] = ()
    vendor_mode: str = "normal"
    why_5xx: str = ""  # why this fault may answer 5xx by design (empty: it must not)
    quick: bool = False  # also in the fast subset that `make test` runs


FAULTS = [
    Fault("control", "no fault (control)", "extract", 20, 8),
    Fault(
        "redis",
        "Redis killed for 12 s",
        "extract",
        20,
        20,
        actions=((3, Stack.redis_kill), (15, Stack.redis_start)),
    ),
    Fault(
        "postgres",
        "PostgreSQL restarted",
        "extract",
        20,
        14,
        actions=((4, Stack.pg_restart),),
        why_5xx="503 while PostgreSQL is down (about a second)",
    ),
    Fault(
        "worker",
        "gunicorn worker SIGKILLed mid-call",
        "extract",
        20,
        12,
        actions=((4, _kill_one_worker),),
        why_5xx="the killed worker's connections get no answer",
    ),
    Fault(
        "celery",
        "Celery worker SIGKILLed mid-task",
        "async",
        20,
        3,
        most=1,
        actions=((1.5, Stack.worker_kill), (4, Stack.worker_start)),
    ),
    Fault(
        "overload",
        "overload: 200 clients, 1 s vendor",
        "extract",
        200,
        20,
        why_5xx="503 with Retry-After: load shed before the vendor call",
    ),
    Fault("slowloris", "slowloris, 80 connections", "slowloris", 80, 15, quick=True),
    Fault("lingering", "lingering Connection: close, 120", "lingering", 120, 15, quick=True),
    Fault("cut", "vendor cuts streams", "letter", 10, 8, vendor_mode="cut"),
    Fault("hang", "vendor hangs", "extract", 10, 1, most=1, timeout=40, vendor_mode="hang"),
    Fault("reset", "vendor resets connections", "extract", 10, 8, vendor_mode="reset", quick=True),
]


@dataclass
class Row:
    fault: Fault
    requests: int = 0
    survived: int = 0
    server_errors: int = 0
    no_answer: int = 0
    vendor_calls: int = 0
    rows_missing: int = 0
    left: Leftovers | None = None
    bystander_p50: float | None = None
    bystander_worst: float | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        left = self.left
        return {
            "fault": self.fault.key,
            "name": self.fault.name,
            "requests": self.requests,
            "survived": self.survived,
            "5xx": self.server_errors,
            "no_answer": self.no_answer,
            "vendor_calls": self.vendor_calls,
            "rows_missing": self.rows_missing,
            "held_tokens": left.held_tokens if left else 0,
            "holding_users": left.holding_users if left else 0,
            "tasks_stuck": left.stuck_tasks if left else 0,
            "drift_tokens": left.drift_tokens if left else 0,
            "drifting_counters": left.drifting_counters if left else 0,
            "bystander_p50_s": self.bystander_p50,
            "bystander_worst_s": self.bystander_worst,
            "notes": self.notes,
            "seconds": round(self.seconds, 1),
        }


class Reapers:
    """The project's own clean-up commands, where it has them (any management command whose
    name says it reaps or reconciles): run during the settle time, as their periodic job
    would."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        done = subprocess.run(
            [sys.executable, "manage.py", "help", "--commands"],
            cwd=env.ROOT,
            env=stack.environ(),
            capture_output=True,
            text=True,
        )
        self.commands = [c for c in done.stdout.split() if "reap" in c or "reconcile" in c]
        self.last = 0.0

    def run(self) -> None:
        if not self.commands or time.monotonic() - self.last < 5:
            return
        self.last = time.monotonic()
        for command in self.commands:
            subprocess.run(
                [sys.executable, "manage.py", command],
                cwd=env.ROOT,
                env=self.stack.environ(),
                capture_output=True,
                timeout=60,
            )


def _notes(outcomes: list[load.Outcome]) -> list[str]:
    counts = collections.Counter()
    for o in outcomes:
        if o.status >= 500:
            shed = " with Retry-After" if o.retry_after else ""
            counts[f"{o.status} {o.error_code or '?'}{shed}"] += 1
        elif o.status == 0:
            counts[f"no answer ({o.error_code})"] += 1
        elif o.status >= 400:
            counts[f"{o.status} {o.error_code or '?'}"] += 1
        elif o.stream_failed:
            counts["stream ended in an error event"] += 1
    return [f"{what} ×{n}" for what, n in counts.most_common()]


def run_fault(
    stack: Stack,
    fault: Fault,
    clients: list[load.Client],
    prefix: str,
    config_id: int,
    reapers: Reapers,
    settle: float = SETTLE_SECONDS,
    probe: load.Client | None = None,
) -> Row:
    began = time.monotonic()
    row = Row(fault)
    if fault.vendor_mode != "normal" and probe is not None:
        # An earlier vendor fault may have opened the circuit: after its cooldown one call
        # that succeeds closes it again, so this fault meets the vendor, not the breaker.
        time.sleep(BREAKER_COOLDOWN + 1)
        load.run(
            port=stack.port,
            kind="extract",
            clients=[probe],
            seconds=30,
            most=1,
            timeout=30,
            run_tag=f"probe-{uuid.uuid4().hex[:8]}",
        )
    calls_before = stack.vendor_calls()
    stack.vendor_mode(fault.vendor_mode)
    timers = [threading.Timer(at, action, args=(stack,)) for at, action in fault.actions]
    for timer in timers:
        timer.start()
    try:
        if fault.kind in ("slowloris", "lingering"):
            seen = slow_clients.attack(
                fault.kind,
                port=stack.port,
                token=clients[0].token,
                connections=fault.clients,
                seconds=fault.seconds,
            )
            row.requests = len(seen.latencies)
            row.survived = seen.statuses.get(200, 0)
            row.server_errors = sum(n for s, n in seen.statuses.items() if s >= 500)
            row.no_answer = seen.statuses.get(0, 0)
            row.bystander_p50, row.bystander_worst = seen.median, seen.worst
        else:
            outcomes = load.run(
                port=stack.port,
                kind=fault.kind,
                clients=clients,
                seconds=fault.seconds,
                most=fault.most,
                timeout=fault.timeout,
                run_tag=f"{fault.key}-{uuid.uuid4().hex[:8]}",
            )
            row.requests = len(outcomes)
            row.survived = sum(o.survived for o in outcomes)
            row.server_errors = sum(o.status >= 500 for o in outcomes)
            row.no_answer = sum(o.status == 0 for o in outcomes)
            row.notes = _notes(outcomes)
    finally:
        for timer in timers:
            timer.join()
        stack.vendor_mode("normal")
    if fault.kind == "async":
        tasks = [(clients[o.client].token, o.task_id) for o in outcomes if o.task_id]
        ends = load.task_ends(stack.port, tasks, settle)
        row.survived = ends.count("succeeded")
        row.notes.append(f"tasks: {dict(collections.Counter(ends))}")
    row.left, row.vendor_calls, row.rows_missing = _settle(
        stack, prefix, config_id, calls_before, reapers, settle
    )
    if row.rows_missing < 0:
        errors = ", ".join(f"{code} ×{n}" for code, n in row.left.outcomes if code != "success")
        extra = -row.rows_missing
        row.notes.append(f"{extra} more rows than vendor calls (failed rows: {errors or 'none'})")
        row.rows_missing = 0
    if fault.why_5xx and (row.server_errors or row.no_answer):
        lost = row.rows_missing or not row.left.clean
        # Failures are by design only where nothing was lost; otherwise say what is allowed.
        row.notes.append(f"{'allowed only as' if lost else 'by design'}: {fault.why_5xx}")
    row.seconds = time.monotonic() - began
    return row


def _settle(stack, prefix, config_id, calls_before, reapers, settle):
    deadline = time.monotonic() + settle
    last_calls, quiet_since = -1, time.monotonic()
    while True:
        calls = stack.vendor_calls() - calls_before
        if calls != last_calls:
            last_calls, quiet_since = calls, time.monotonic()
        left = leftovers(stack.database_url, prefix=prefix, config_id=config_id)
        quiet = time.monotonic() - quiet_since >= QUIET_SECONDS
        if quiet and left.clean and calls <= left.vendor_rows:
            break
        if time.monotonic() > deadline and quiet:
            break
        if time.monotonic() > deadline + 60:  # a vendor still called: count what there is
            break
        reapers.run()
        time.sleep(1.0)
    return left, calls, calls - left.vendor_rows
