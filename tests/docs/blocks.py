"""The fenced blocks of the repository's Markdown, as the docs tests run them.

A block preceded by ``<!-- not-run: reason -->`` is one a reader runs elsewhere (a
container build, a second terminal's server): the tests skip it and say so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import REPO

FENCE = re.compile(r"^( *)```(\w*)[^\n]*\n(.*?)^\1```[ \t]*$", re.S | re.M)
NOT_RUN = re.compile(r"<!--\s*not-run:\s*(.+?)\s*-->\s*\Z", re.S)


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    text: str
    not_run: str | None  # the reason, when marked

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def documents() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def blocks(path: Path, lang: str | None = None) -> list[Block]:
    source = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(source):
        if lang is not None and match.group(2) != lang:
            continue
        indent = len(match.group(1))
        text = "\n".join(line[indent:] for line in match.group(3).splitlines())
        before = source[:match.start()].rstrip()
        marker = NOT_RUN.search(before[-300:])
        found.append(Block(path, source.count("\n", 0, match.start()) + 1, match.group(2),
                           text + "\n", marker.group(1) if marker else None))
    return found
