"""``loanmatch lint``: every problem in a rules folder, one located line each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..catalog import read_products, rule_files
from ..rulefile.source import Problem
from .source_figures import source_figure_warnings


@dataclass
class LintReport:
    files: int
    products: int
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        bad = len({p.location.path for p in self.errors})
        warned = f", {len(self.warnings)} warning(s) to review" if self.warnings else ""
        if self.ok:
            found = f"no errors{warned}" if self.warnings else "no problems"
            return f"{self.files} files, {self.products} products: {found}"
        return (
            f"{self.files} files, {self.products} products: {len(self.errors)} error(s) in "
            f"{bad} file(s){warned} — fix them and run `loanmatch lint` again"
        )


def lint(root: str | Path, progress: Callable[[Path], None] | None = None) -> LintReport:
    root = Path(root)
    files = len(rule_files(root)) if root.exists() else 0
    products, problems, _ = read_products(root, progress)
    for product in products:
        problems += source_figure_warnings(product.eligibility, product.path or str(root))
    problems.sort(key=lambda p: (p.location.path, p.location.line, p.location.column))
    return LintReport(files, len(products), problems)
