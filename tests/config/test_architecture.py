"""The shape of the product code, measured: module size, function complexity and private names.

import-linter (make lint) checks which packages import which. This test checks what it cannot:
- no product module is over 450 lines (migrations aside: Django writes them);
- no function or method is above cyclomatic complexity 15, as radon counts it;
- no module imports another module's private name (`from x import _y`, `import x._y`, or
  `x._y` through an imported module): a name another module needs is public and documented.
"""

from __future__ import annotations

import ast
from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = (
    "core",
    "billing",
    "accounts",
    "orchestrator",
    "usage",
    "documents",
    "jobs",
    "cvs",
    "letters",
    "applications",
    "prompts",
    "privacy",
    "config",
)
MAX_LINES = 450
MAX_COMPLEXITY = 15


def product_modules(root: Path = ROOT) -> list[Path]:
    return sorted(
        path
        for app in APPS
        if (root / app).is_dir()
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.relative_to(root).parts
    )


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _private(name: str) -> bool:
    # `Model._meta` is Django's documented Model _meta API, public despite its underscore.
    return name.startswith("_") and not name.startswith("__") and name != "_meta"


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Each place in one module that reaches for another module's private name."""
    importer = module_name(path, root)
    is_package = path.name == "__init__.py"
    found = []
    aliases: dict[str, str] = {}
    tree = ast.parse(path.read_text(), filename=str(path))
    where = f"{path.relative_to(root)}"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node, importer, is_package)
            if source.split(".")[0] not in APPS or source == importer:
                continue
            if any(_private(part) for part in source.split(".")):
                found.append(f"{where}:{node.lineno}: from {source} import ...")
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{where}:{node.lineno}: from {source} import {alias.name}")
                else:
                    aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] not in APPS:
                    continue
                if any(_private(part) for part in parts):
                    found.append(f"{where}:{node.lineno}: import {alias.name}")
                aliases[alias.asname or parts[0]] = alias.name if alias.asname else parts[0]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and aliases[node.value.id] != importer
        ):
            found.append(f"{where}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def complex_functions(path: Path, root: Path = ROOT) -> list[str]:
    blocks = cc_visit(path.read_text())
    found = []
    for block in blocks:
        for item in [block, *getattr(block, "methods", []), *getattr(block, "closures", [])]:
            if item.complexity > MAX_COMPLEXITY and not hasattr(item, "methods"):
                found.append(
                    f"{path.relative_to(root)}:{item.lineno}: {item.fullname} {item.complexity}"
                )
    return sorted(set(found))


def test_no_product_module_is_over_450_lines():
    modules = product_modules()

    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for path in modules
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    ]

    assert len(modules) > 150  # every app was read
    assert long == []


def test_no_product_function_is_above_complexity_15():
    offenders = [line for path in product_modules() for line in complex_functions(path)]

    assert offenders == []


def test_no_product_module_imports_another_ones_private_name():
    offenders = [line for path in product_modules() for line in private_imports(path)]

    assert offenders == []


def test_the_checks_catch_what_they_are_for(tmp_path):
    app = tmp_path / "jobs"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "views.py").write_text(
        "from jobs.services import _fetch\n"
        "from . import _hidden\n"
        "from .models import Job\n"
        "import orchestrator.services as gateway\n"
        "gateway._request_of(Job._meta)\n"
        "def _own(): pass\n"
        "_own()\n"
    )
    branches = "\n".join(f"    if x == {n}:\n        return {n}" for n in range(16))
    (app / "branchy.py").write_text(f"def branchy(x):\n{branches}\n    return -1\n")

    assert private_imports(app / "views.py", root=tmp_path) == [
        "jobs/views.py:1: from jobs.services import _fetch",
        "jobs/views.py:2: from jobs import _hidden",
        "jobs/views.py:5: gateway._request_of",
    ]
    assert complex_functions(app / "branchy.py", root=tmp_path) == ["jobs/branchy.py:1: branchy 17"]
