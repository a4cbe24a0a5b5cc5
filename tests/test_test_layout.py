"""The tests mirror the packages, and no test module leans on another: shared fixtures and
helpers live in ``tests/support``, so a test file can be read, moved or deleted alone."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_test_module_imports_another():
    offenders = {
        f"{path.relative_to(TESTS)} imports {name}"
        for path in TESTS.rglob("test_*.py")
        for name in imported_modules(path)
        if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")
    }
    assert not offenders, sorted(offenders)


def test_test_files_live_in_a_package_folder():
    loose = sorted(
        p.name
        for p in TESTS.glob("test_*.py")
        if p.name not in {"test_test_layout.py", "test_layers.py"}
    )
    assert not loose, f"put these under tests/<package>/: {loose}"
