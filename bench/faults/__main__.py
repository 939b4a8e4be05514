"""The fault suite: `make faults` (every fault, the table into BENCHMARKS.md) or
`python -m bench.faults --quick` (the fast subset `make test` runs).

    python -m bench.faults [--quick] [--only redis,overload] [--json FILE] [--no-write]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
import time

from bench import env
from bench.faults import report
from bench.faults.faults import FAULTS, Reapers, run_fault
from bench.faults.load import Client
from bench.faults.stack import Stack

# The fast subset's server: two processes boot in half the time, and their 2 x 16 threads are
# fewer than the slowloris attack's 80 connections, so a worker that gave each slow client a
# thread (gunicorn's own gthread) would fail the test.
QUICK_GUNICORN_ARGS = "--workers 2 --threads 16"


def _setup(stack: Stack, faults) -> tuple[int, dict[str, list[Client]]]:
    """The provider config of the vendor double, and each fault's users (with a job and a
    profile where the fault asks for letters), made through the project's own code."""
    os.environ.update(stack.environ())
    if str(env.ROOT) not in sys.path:
        sys.path.insert(0, str(env.ROOT))
    import django

    django.setup()
    from django.db import connections

    from bench import fixtures

    fixtures.unlimited_plan()
    made = fixtures.provider_configs({"openai": stack.base_url})
    fixtures.activate_only("openai")
    # The probe: one call on the mended vendor before a vendor fault closes an open circuit.
    clients = {"probe": [Client(fixtures.bench_users_with_tokens("fault-probe-", 1)[0])]}
    for fault in faults:
        tokens = fixtures.bench_users_with_tokens(_prefix(fault), fault.clients)
        jobs = _letter_material(_prefix(fault), fault.clients) if fault.kind == "letter" else []
        clients[fault.key] = [
            Client(token, jobs[i] if jobs else 0) for i, token in enumerate(tokens)
        ]
    connections.close_all()
    return made["openai"][0].pk, clients


def _letter_material(prefix: str, count: int) -> list[int]:
    from django.contrib.auth import get_user_model

    from documents.models import MasterProfile
    from jobs.models import Job

    jobs = []
    for i in range(count):
        user = get_user_model().objects.get(username=f"{prefix}{i:04d}")
        MasterProfile.objects.update_or_create(
            user=user,
            defaults={
                "data": {
                    "basics": {"name": f"Fault User {i}", "label": "Backend engineer"},
                    "work": [
                        {
                            "name": "Analytical Engines Ltd",
                            "position": "Python Developer",
                            "startDate": "2019-01",
                            "highlights": ["Built Django APIs on PostgreSQL"],
                        }
                    ],
                    "skills": [{"name": "Python"}, {"name": "Django"}],
                }
            },
        )
        job = Job.objects.create(
            owner=user,
            source=Job.Source.TEXT,
            source_text="Backend Engineer at Acme Freight, Berlin. Python and Django.",
            title="Backend Engineer",
            company="Acme Freight",
            location="Berlin",
            skills=["Python", "Django"],
        )
        jobs.append(job.pk)
    return jobs


def _prefix(fault) -> str:
    return f"fault-{fault.key}-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the fast subset only")
    parser.add_argument("--only", default="", help="comma-separated fault keys")
    parser.add_argument("--json", default="", help="write the rows to this file as JSON")
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    parser.add_argument(
        "--gunicorn-args",
        default="",
        help='appended to make serve\'s, e.g. "--worker-class gthread"',
    )
    args = parser.parse_args()
    # The fast subset's attacks last 8 s: still 28 bystander requests each.
    quick = [dataclasses.replace(f, seconds=min(f.seconds, 8)) for f in FAULTS if f.quick]
    faults = quick if args.quick else list(FAULTS)
    if args.only:
        keys = set(args.only.split(","))
        faults = [f for f in FAULTS if f.key in keys]
    started, clock, load = dt.datetime.now(dt.UTC), time.monotonic(), os.getloadavg()[0]
    needs_celery = any(f.kind == "async" for f in faults)
    extra = (QUICK_GUNICORN_ARGS + " " if args.quick else "") + args.gunicorn_args
    stack = Stack(celery=needs_celery, gunicorn_args=extra)
    rows = []
    try:
        stack.start()
        config_id, clients = _setup(stack, faults)
        stack.start_processes()
        reapers = Reapers(stack)
        print(f"stack ready in {time.monotonic() - clock:.0f} s", flush=True)
        for fault in faults:
            row = run_fault(
                stack,
                fault,
                clients[fault.key],
                _prefix(fault),
                config_id,
                reapers,
                probe=clients["probe"][0],
            )
            rows.append(row.as_dict())
            print(json.dumps(rows[-1]), flush=True)
    finally:
        stack.stop()
    minutes = (time.monotonic() - clock) / 60
    print(report.table(rows))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)
    if not (args.no_write or args.quick or args.only or args.gunicorn_args):
        command = "make faults"
        text = report.section(
            rows,
            command=command,
            started=f"{started:%Y-%m-%d %H:%M} UTC",
            minutes=minutes,
            load=load,
        )
        report.write_section(env.ROOT / "BENCHMARKS.md", text)
        print("wrote the fault suite's section of BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
