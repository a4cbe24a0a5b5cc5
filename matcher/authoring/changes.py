"""Which scenario files a rules change can affect: the reload's "what changed" decision.

Pure: it compares two manifests (relative path → content hash) and never touches
the disk, so the watcher and any other caller decide alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..rulefile.layout import PROFILE, kind, stem


def scenarios_to_run(
    every: list[str], before: dict[str, str], contents: dict[str, str], gone: Iterable[str]
) -> list[str]:
    """The scenario files (of ``every``) a change can affect: those beside a changed
    product or changed themselves; all of them when a base profile changed or a product
    id left the catalog (``gone``: a scenario elsewhere may name it)."""
    changed = {
        rel for rel in before.keys() | contents.keys() if before.get(rel) != contents.get(rel)
    }
    if not before or gone or any(kind(rel) == PROFILE for rel in changed):
        return every
    stems = {stem(rel) for rel in changed}
    return [rel for rel in every if stem(rel) in stems]
