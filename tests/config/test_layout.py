"""The tests mirror the code: a folder tests/<app>/ for each app (tests/config/ for the project's
wiring), and beside them only the fixtures every folder shares (pytest plugins), the test-support
code, the data files and the browser tests, which cross every app. No module imports a conftest:
what tests share is a plugin of tests/fixtures/ or a plain module they import."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
APPS = {apps.parent.name for apps in ROOT.glob("*/apps.py")} | {"config"}
SHARED = {
    "fixtures": "fixtures every folder may use, as pytest plugins",
    "support": "test-support code: the vendor doubles, processes, a Redis of a test's own",
    "data": "data files: profiles, CVs, job pages",
    "e2e": "the browser tests, which cross every app",
}


def folders(path: Path) -> set[str]:
    return {p.name for p in path.iterdir() if p.is_dir() and p.name != "__pycache__"}


def test_every_test_folder_is_an_app_or_a_shared_one():
    assert folders(TESTS) - APPS - set(SHARED) == set()


def test_a_folder_inside_an_apps_tests_mirrors_a_package_of_that_app():
    strays = [
        f"tests/{app}/{sub}"
        for app in sorted(APPS & folders(TESTS))
        for sub in sorted(folders(TESTS / app))
        if not (ROOT / app / sub / "__init__.py").exists()
    ]
    assert strays == []


def test_no_test_lies_loose_at_the_top():
    assert sorted(p.name for p in TESTS.glob("*.py")) == ["__init__.py", "conftest.py"]


def test_conftests_are_only_at_the_top_or_local_to_their_folder():
    """A folder's conftest is for its own fixtures; the shared ones are the root's plugins."""
    plugins = None
    for node in ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "pytest_plugins":
            plugins = ast.literal_eval(node.value)
    modules = {f"tests.fixtures.{p.stem}" for p in (TESTS / "fixtures").glob("*.py")}
    assert set(plugins) == modules - {"tests.fixtures.__init__"}


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def test_no_module_imports_a_conftest():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in imported_modules(tree):
            if "conftest" in name.replace(".", " ").split():
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
