"""The layer order holds: no module imports a layer above its own.

A lower layer importing a higher one makes the lower one impossible to use, test or read
alone (the catalog once called into the HTTP layer for approval rates). Every import is
read with ``ast``, function-level ones included, so a lazy import cannot hide one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import REPO

# Lowest first; a module may import its own layer and the layers before it.
LAYERS = (
    ("matcher.vocabulary",),
    ("matcher.rulefile", "product_catalog"),  # reading rule files; reading product sheets
    ("matcher.engine",),
    ("matcher.results",),
    ("matcher.catalog", "matcher"),  # ``matcher`` itself re-exports the catalog
    ("matcher.authoring",),
    ("leads",),  # beside the matcher: uses its lower layers, never the reverse
    ("http_api", "loanmatch_cli", "service", "workbench", "screening"),
)
# Known upward imports, each to be removed (never add one).
KNOWN: set[tuple[str, str]] = set()
PACKAGES = (
    "matcher",
    "leads",
    "product_catalog",
    "http_api",
    "loanmatch_cli",
    "workbench",
    "screening",
)


def layer_of(module: str) -> int | None:
    """The layer of a dotted module name (its longest listed prefix), None if not ours."""
    best, length = None, -1
    for rank, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > length:
                best, length = rank, len(name)
    return best


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, text: str) -> list[tuple[int, str]]:
    """(line, module) for every import in ``text`` (of ``path``), relative ones resolved;
    ``from p import m`` counts as importing ``p.m`` when ``m`` is a module of ``p``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                sub = REPO.joinpath(*base.split("."), alias.name)
                is_module = sub.with_suffix(".py").is_file() or (sub / "__init__.py").is_file()
                found.append((node.lineno, f"{base}.{alias.name}" if is_module else base))
    return found


def sources() -> list[Path]:
    files = [REPO / "service.py"]
    for package in PACKAGES:
        files.extend(sorted((REPO / package).rglob("*.py")))
    return files


def upward_imports(files: dict[Path, str]) -> list[str]:
    found = []
    for path, text in files.items():
        own = layer_of(module_name(path))
        for line, target in imported(path, text):
            theirs = layer_of(target)
            if (
                own is not None
                and theirs is not None
                and theirs > own
                and (module_name(path), target) not in KNOWN
            ):
                found.append(
                    f"{path.relative_to(REPO)}:{line}: {module_name(path)} "
                    f"imports {target}, a layer above it"
                )
    return found


def test_no_module_imports_a_layer_above_its_own():
    assert upward_imports({p: p.read_text(encoding="utf-8") for p in sources()}) == []


def test_every_source_module_has_a_layer():
    # a new sub-package must be placed in LAYERS, or its imports go unchecked
    assert [str(p) for p in sources() if layer_of(module_name(p)) is None] == []


@pytest.mark.parametrize(
    "source, target",
    [
        ("from ..results.result import MatchResult", "matcher.results.result"),
        ("from ..catalog import Catalog", "matcher.catalog"),
        ("import http_api.lead_service", "http_api.lead_service"),
        ("def f():\n    from matcher import catalog", "matcher.catalog"),
    ],
)
def test_an_upward_import_is_reported(source, target):
    # the scan must see relative, absolute and function-level imports alike
    (problem,) = upward_imports({REPO / "matcher" / "engine" / "_layer_probe.py": source})
    assert problem.startswith("matcher/engine/_layer_probe.py:") and target in problem
