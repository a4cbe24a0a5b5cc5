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
        shown = self.path.relative_to(REPO) if self.path.is_relative_to(REPO) else self.path
        return f"{shown}:{self.line}"


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
        before = source[: match.start()].rstrip()
        marker = NOT_RUN.search(before[-300:])
        found.append(
            Block(
                path,
                source.count("\n", 0, match.start()) + 1,
                match.group(2),
                text + "\n",
                marker.group(1) if marker else None,
            )
        )
    return found


SERVER = re.compile(r"<!--\s*server\s*-->\s*\Z")


def is_server(path: Path, block: Block) -> bool:
    """A block marked ``<!-- server -->``: it starts the service the next blocks talk to."""
    source = path.read_text(encoding="utf-8")
    head = "\n".join(source.splitlines()[: block.line - 1]).rstrip()
    return bool(SERVER.search(head[-100:]))
