"""The tests and the benchmarks use product code only through its public names.

import-linter (make lint) checks which packages import which, not which names: this test reads
every module of tests/ and bench/ and refuses `from <product module> import _private` and
imports of private modules, so product code can change its insides without breaking them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCT = {
    "core",
    "billing",
    "accounts",
    "orchestrator",
    "usage",
    "jobs",
    "documents",
    "cvs",
    "letters",
    "applications",
    "prompts",
    "privacy",
}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] not in PRODUCT:
                continue
            names = [alias.name for alias in node.names]
            if any(_private(part) for part in parts) or any(_private(n) for n in names):
                found.append(f"{path.relative_to(root)}:{node.lineno}: from {node.module} ...")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in PRODUCT and any(_private(part) for part in parts):
                    found.append(f"{path.relative_to(root)}:{node.lineno}: import {alias.name}")
    return found


def test_tests_and_benchmarks_import_no_private_product_name():
    modules = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py"))

    offenders = [line for path in modules for line in private_imports(path)]

    assert len(modules) > 100  # the whole of both trees was read
    assert offenders == []


def test_a_private_import_is_caught(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("from orchestrator.providers.openai import _client\nimport jobs._hidden\n")

    assert private_imports(module, root=tmp_path) == [
        "example.py:1: from orchestrator.providers.openai ...",
        "example.py:2: import jobs._hidden",
    ]
