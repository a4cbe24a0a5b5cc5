"""Which files ``loanmatch parse`` reads: sheets named one by one, or every sheet in a folder.

A sheet folder also holds each sheet's profile (``<slug>.profile.json``), a README and
the author's reading (``expected_criteria.json``), and a shell glob such as
``sheets/*/*`` names them too.  They are skipped, and the command says so, instead of
failing as sheets that are not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SHEET_SUFFIX = ".txt"  # sheets are plain UTF-8 text
_COMPANION_SUFFIXES = (".json", ".md", ".yaml", ".yml")  # profiles, notes, rule files


@dataclass
class SheetFiles:
    sheets: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def skipped_summary(self) -> str | None:
        """One line naming what was skipped: ``skipped 4 files that are not sheets
        (2 *.profile.json, README.md, expected_criteria.json)``."""
        if not self.skipped:
            return None
        kinds = Counter(_kind(Path(p)) for p in self.skipped)
        listed = ", ".join(kind if n == 1 else f"{n} {kind}" for kind, n in kinds.most_common())
        files = (
            "file that is not a sheet" if len(self.skipped) == 1 else "files that are not sheets"
        )
        return f"skipped {len(self.skipped)} {files} ({listed})"


def _kind(path: Path) -> str:
    if path.name.endswith(".profile.json"):
        return "*.profile.json"
    if path.name.endswith(".test.yaml"):
        return "*.test.yaml"
    return path.name


def _not_a_sheet(path: Path) -> bool:
    return path.name.startswith(".") or path.suffix.lower() in _COMPANION_SUFFIXES


def sheet_files(paths: list[str] | tuple[str, ...]) -> SheetFiles:
    """The sheets among ``paths`` (a folder stands for the ``*.txt`` files under it, at
    any depth, in name order) and the files skipped, each once, in the order given.

    A named file that does not exist is kept as a sheet, so that reading it reports it.
    """
    found = SheetFiles()
    seen: set[str] = set()

    def add(target: list[str], path: str) -> None:
        if path not in seen:
            seen.add(path)
            target.append(path)

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for inner in sorted(p for p in path.rglob("*") if p.is_file()):
                sheet = inner.suffix.lower() == SHEET_SUFFIX and not inner.name.startswith(".")
                add(found.sheets if sheet else found.skipped, str(inner))
        else:
            add(found.skipped if _not_a_sheet(path) else found.sheets, given)
    return found
