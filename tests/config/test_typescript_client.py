"""The TypeScript client in clients/typescript/ against a live server: its committed types are
what openapi-typescript makes of the schema the server serves, its example type-checks under
`tsc --strict` with no cast and no `any`, and the example's whole flow runs green with Node.

`make install` installs Node's packages (npm ci); without them this fails and says so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "typescript"
BIN = CLIENT / "node_modules" / ".bin"
SOURCES = [CLIENT / "example" / "flow.ts", CLIENT / "src" / "client.ts"]
# `x as T` and `<T>x` (except `as const`), `any`, and comments that silence the compiler.
CAST = re.compile(r"\bas\s+(?!const\b)[\w{[(\"']|<\w+>\s*\w")
ANY = re.compile(r"\bany\b")
SILENCER = re.compile(r"@ts-(ignore|expect-error|nocheck)|eslint-disable")


def run(*command: str | Path, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def node() -> str:
    node = shutil.which("node")
    assert node, "Node.js is needed (make install installs Debian's nodejs)"
    assert (BIN / "tsc").exists(), "run `make install` (npm ci in clients/typescript)"
    return node


def code_lines(path: Path) -> list[tuple[int, str]]:
    """Each line without its // comment (comments may say "as" and "any" in prose)."""
    return [
        (number, line.split("//", 1)[0])
        for number, line in enumerate(path.read_text().splitlines(), 1)
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
def test_the_example_and_the_wrapper_have_no_cast_and_no_any(source):
    found = [
        f"{source.name}:{number}: {line.strip()}"
        for number, line in code_lines(source)
        if CAST.search(line) or ANY.search(line) or SILENCER.search(line)
    ]

    assert source.exists() and not found, found


def test_the_committed_types_type_check_the_example_and_its_flow_runs_green(
    node, live_server, tmp_path
):
    # As `make run` does: an earlier test's flush of the live server's database took the
    # plans the migrations wrote.
    call_command("seed_defaults")
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:
        (tmp_path / "openapi.json").write_text(json.dumps(json.load(answer)))
    run(
        BIN / "openapi-typescript",
        tmp_path / "openapi.json",
        "--default-non-nullable",
        "false",
        "--output",
        tmp_path / "schema.d.ts",
    )
    generated = (tmp_path / "schema.d.ts").read_text()
    assert generated == (CLIENT / "src" / "schema.d.ts").read_text(), (
        "clients/typescript/src/schema.d.ts is not what the schema generates: run `make client`"
    )

    run(BIN / "tsc", "--strict", "--noEmit", "-p", ".")
    run(BIN / "tsc", "-p", ".")  # into build/, beside node_modules (gitignored)
    output = run(node, CLIENT / "build" / "example" / "flow.js", live_server.url)

    assert output.splitlines()[-1] == "flow complete", output
    for step in ("registered", "quota plan FREEMIUM", "exported ", "streamed letter", "today:"):
        assert step in output, output
