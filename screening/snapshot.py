"""Imported firm bases kept as versioned snapshots in the data folder.

Like ``catalog_version``, ``firm_base_version`` is a content hash, so a screening names
exactly the firms it counted and can be replayed. A snapshot is the canonical Parquet
table (``FirmBase.to_arrow``) under ``<data>/firm-bases/<hash>.parquet``, written
atomically, with the rows the import left out beside it (``<hash>.rejected.jsonl``)
and one line per import in ``imports.jsonl``. Importing the same content again
records the import and rewrites nothing.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from matcher.authoring.atomic import write_atomically

from .firmbase import FirmBase

ROW_GROUP = 1 << 16  # firms per Parquet row group: the unit Spark splits a snapshot by


@dataclass
class Imported:
    version: str
    path: Path
    firms: int
    rejected: int
    rejected_path: Path | None


class FirmBaseStore:
    """Snapshots under ``<data dir>/firm-bases`` (data dir: $LOANMATCH_DATA_DIR or var/)."""

    def __init__(self, data_dir: str | Path | None = None):
        root = Path(data_dir or os.environ.get("LOANMATCH_DATA_DIR") or "var")
        self.directory = root / "firm-bases"

    def path_of(self, version: str) -> Path:
        return self.directory / f"{version.removeprefix('sha256:')}.parquet"

    def save(self, base: FirmBase, source: str) -> Imported:
        path = self.path_of(base.version)
        if not path.exists():
            buffer = io.BytesIO()
            pq.write_table(base.to_arrow(), buffer, compression="zstd", row_group_size=ROW_GROUP)
            write_atomically(path, buffer.getvalue())
        rejected_path = None
        if base.problems:
            rejected_path = path.with_suffix(".rejected.jsonl")
            lines = "".join(
                json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in base.problems
            )
            write_atomically(rejected_path, lines.encode())
        rejected_rows = len({p.row for p in base.problems})
        entry = {
            "firm_base_version": base.version,
            "source": source,
            "firms": len(base),
            "rows_read": base.rows_read,
            "rejected_rows": rejected_rows,
            "imported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "imports.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return Imported(base.version, path, len(base), rejected_rows, rejected_path)

    def imports(self) -> list[dict]:
        path = self.directory / "imports.jsonl"
        if not path.exists():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue  # a torn last line from a crash: the others still count
        return out

    def resolve(self, text: str) -> Path | None:
        """The snapshot of a version (``sha256:…`` or a unique prefix of it), if kept."""
        digest = text.removeprefix("sha256:")
        if not digest or not all(c in "0123456789abcdef" for c in digest):
            return None
        found = sorted(self.directory.glob(f"{digest}*.parquet")) if self.directory.is_dir() else []
        found = [p for p in found if not p.name.endswith(".rejected.jsonl")]
        return found[0] if len(found) == 1 else None
