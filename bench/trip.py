"""The trip of one cover-letter request through the product code, traced.

`POST /api/v1/cover-letter/generate` (token auth, a saved job, the master profile) through
Django's whole stack in process, to the OpenAI SDK talking to the vendor double, and back to
the saved letter and its usage row. A profile hook records every call into a product module
(the apps: not Django, the SDKs, tests, bench, nor config/, whose database and cache wrappers
run under every query and cache call without the trip calling them), and the trip is read as
a newcomer reads it, call after call:

- files: the product files the trip touches;
- functions: the product functions it calls (comprehensions and lambdas are their function's);
- switches: the calls from one file into another, each distinct move (file A into file B)
  counted once, as a reader follows it once even when a loop makes it a hundred times;
- re-entries: the switches into a file the trip had already been in and left: a module that
  calls back into its caller's, a helper's file reached again from elsewhere. A return is not
  a switch (the reader goes back up the stack they came down);
- app switches: the switches into another app;
- lines: the source lines of the functions it calls (each function's whole definition, once),
  the trip's own code among everything else those files hold.

    python -m bench.trip [--calls]    # --calls also lists every file switch in order
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import dataclass, field

from bench import env

PRODUCT = (
    "core",
    "billing",
    "accounts",
    "orchestrator",
    "prompts",
    "usage",
    "documents",
    "jobs",
    "cvs",
    "letters",
    "applications",
    "privacy",
)
ANONYMOUS = {"<lambda>", "<genexpr>", "<listcomp>", "<dictcomp>", "<setcomp>", "<module>"}


@dataclass
class Trip:
    files: list[str] = field(default_factory=list)  # first-touch order
    functions: set[str] = field(default_factory=set)
    starts: set[tuple[str, int]] = field(default_factory=set)  # (file, first line) per function
    stack: list[str] = field(default_factory=list)  # the files of the product frames open
    made: dict[tuple[str, str], bool] = field(default_factory=dict)  # move -> is a re-entry

    def enter(self, file: str, function: str, line: int = 0) -> None:
        self.functions.add(f"{file}:{function}")
        self.starts.add((file, line))
        first = file not in self.files
        if first:
            self.files.append(file)
        if self.stack and self.stack[-1] != file and (self.stack[-1], file) not in self.made:
            self.made[(self.stack[-1], file)] = not first
        self.stack.append(file)

    def leave(self) -> None:
        self.stack.pop()

    def moves(self) -> list[tuple[str, str, bool]]:
        """Each distinct move (from, into, is a re-entry), in the order first made."""
        return [(origin, target, back) for (origin, target), back in self.made.items()]

    @property
    def switches(self) -> int:
        return len(self.made)

    @property
    def reentries(self) -> int:
        return sum(self.made.values())

    @property
    def app_switches(self) -> int:
        return sum(a.split("/")[0] != b.split("/")[0] for a, b in self.made)

    def lines(self) -> int:
        """The lines of the functions called: each definition from its first decorator to its
        last line, found by the line its code object starts at."""
        total = 0
        for file in self.files:
            starts = {line for name, line in self.starts if name == file}
            tree = ast.parse((env.ROOT / file).read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                    if first in starts or node.lineno in starts:
                        total += node.end_lineno - first + 1
        return total

    def figures(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "functions": len(self.functions),
            "switches": self.switches,
            "re-entries": self.reentries,
            "app switches": self.app_switches,
            "lines": self.lines(),
        }


def traced(call) -> Trip:
    root = str(env.ROOT) + "/"
    product = tuple(root + app + "/" for app in PRODUCT)
    trip = Trip()

    def hook(frame, event, arg):
        if event not in ("call", "return"):
            return
        code = frame.f_code
        if not code.co_filename.startswith(product) or code.co_name in ANONYMOUS:
            return
        if event == "call":
            trip.enter(code.co_filename[len(root) :], code.co_qualname, code.co_firstlineno)
        elif trip.stack:
            trip.leave()

    sys.setprofile(hook)
    try:
        call()
    finally:
        sys.setprofile(None)
    return trip


def one_letter_request() -> Trip:
    from rest_framework.test import APIClient

    from bench import fixtures
    from cvs.services import profile_update
    from jobs.models import Job
    from orchestrator.models import UsageLog
    from tests.fixtures.letters import GOOD_LETTER
    from tests.fixtures.profiles import BACKEND_JOB, RICH
    from tests.support.doubles import Reply, VendorDouble

    fixtures.clean_start()
    user = fixtures.bench_user("bench-trip0000")
    (token,) = fixtures.bench_users_with_tokens("bench-trip", 1)
    profile_update(user=user, data=RICH)
    job = Job.objects.create(owner=user, source=Job.Source.TEXT, **BACKEND_JOB)
    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    double = VendorDouble("openai").start()
    try:
        config, key = fixtures.provider_configs({"openai": double.base_url})["openai"]
        double.expect_key = key
        double.default = Reply.ok(json.dumps(GOOD_LETTER))
        fixtures.activate_only("openai")
        body = {"job_id": job.pk, "force": True}

        def post():
            response = client.post("/api/v1/cover-letter/generate", body, format="json")
            if response.status_code != 201 and response.status_code != 200:
                raise RuntimeError(
                    f"the letter was refused: {response.status_code} {response.content!r}"
                )

        post()  # warm: imports, connections and the config snapshot are not the trip
        trip = traced(post)
        last = UsageLog.objects.order_by("-pk").first()
        if last is None or last.provider_type != "openai" or last.status != "success":
            raise RuntimeError(f"the traced request did not reach the OpenAI double: {last}")
        return trip
    finally:
        double.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", action="store_true", help="list every file switch in order")
    args = parser.parse_args()
    env.setup_django(env.MAIN_DB)
    trip = one_letter_request()
    print(json.dumps(trip.figures()))
    print("files in first-touch order:")
    for file in trip.files:
        print("  ", file)
    if args.calls:
        print("switches (<- into a file already left):")
        for origin, target, back in trip.moves():
            print(f"   {origin} -> {target}{'  <-' if back else ''}")


if __name__ == "__main__":
    main()
