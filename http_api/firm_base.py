"""The platform's firm base over HTTP: an admin uploads it, screenings and previews read it.

``POST /v1/admin/firms`` runs the very import of ``loanmatch firms import`` on the body
(Parquet, CSV or JSON Lines, up to ``LOANMATCH_MAX_FIRM_UPLOAD``), so the data folder
holds the same versioned snapshot whichever way it came in. The service's firm base is
the newest import whose snapshot is on disk; every worker and instance that shares the
data folder sees the same one.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from pathlib import Path

import pyarrow as pa
from flask import Blueprint, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from screening.firmbase import read_firms
from screening.snapshot import FirmBaseStore
from screening.validate import FirmBaseError

from .auth import protect
from .problems import Problem
from .state import state

bp = Blueprint("firm_base", __name__)
protect(bp, role="admin")

# Content types → the file suffix the import reads the body as.
MEDIA = {
    "application/vnd.apache.parquet": ".parquet",
    "application/x-parquet": ".parquet",
    "application/parquet": ".parquet",
    "text/csv": ".csv",
    "application/jsonl": ".jsonl",
    "application/x-ndjson": ".jsonl",
    "application/x-jsonlines": ".jsonl",
    "application/jsonlines": ".jsonl",
}
FORMATS = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}
SHOWN_BAD_ROWS = 1000  # in the answer; all of them are in the snapshot's .rejected.jsonl
CHUNK = 1 << 20
SECRET_FILE = "pseudonym.key"


def data_dir() -> Path:
    return Path(state().settings.data_dir)


def firm_store() -> FirmBaseStore:
    return FirmBaseStore(data_dir())


def current_firm_base() -> tuple[str, Path] | None:
    """(firm_base_version, snapshot path) of the newest import still on disk, or None."""
    store = firm_store()
    for entry in reversed(store.imports()):
        version = entry.get("firm_base_version")
        if isinstance(version, str) and store.path_of(version).is_file():
            return version, store.path_of(version)
    return None


def pseudonym_secret() -> bytes:
    """The data folder's key for pseudonymous firm ids, made once (0600) and then kept:
    a new key would give every firm new ids and orphan the invitations sent."""
    path = data_dir() / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first: use theirs
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
    for _ in range(50):  # the maker may be between creating and writing it
        text = path.read_text().strip()
        if text:
            return text.encode()
        time.sleep(0.02)
    raise Problem(500, "internal-error", f"{SECRET_FILE} in the data folder is empty")


def _suffix() -> str:
    asked = request.args.get("format")
    if asked is not None:
        if asked not in FORMATS:
            raise Problem(
                422,
                "invalid-options",
                "format: use parquet, csv or jsonl",
                errors=[
                    {
                        "location": "query",
                        "pointer": "",
                        "field": "format",
                        "detail": "use parquet, csv or jsonl",
                    }
                ],
            )
        return FORMATS[asked]
    if request.mimetype not in MEDIA:
        raise Problem(
            415,
            "unsupported-media-type",
            "send the firm base as 'Content-Type: application/vnd.apache.parquet', "
            "'text/csv' or 'application/jsonl' (or say ?format=parquet|csv|jsonl); "
            f"got {request.mimetype or 'no Content-Type'}",
        )
    return MEDIA[request.mimetype]


def _save_body(directory: Path, suffix: str) -> Path:
    """The body streamed to a file in ``directory``; 413 past the upload limit."""
    limit = state().settings.max_firm_upload
    too_large = Problem(
        413,
        "body-too-large",
        f"the firm base is over the limit of {limit} bytes (LOANMATCH_MAX_FIRM_UPLOAD)",
        limit=limit,
    )
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    request.max_content_length = limit
    path = directory / f"upload{suffix}"
    written = 0
    try:
        with open(path, "wb") as out:
            while chunk := request.stream.read(CHUNK):
                written += len(chunk)
                if written > limit:
                    raise too_large
                out.write(chunk)
    except RequestEntityTooLarge:
        raise too_large from None
    if not written:
        raise Problem(400, "invalid-request", "the body is empty; send the firm base file")
    return path


@bp.post("/v1/admin/firms")
def upload():
    """Import the body as the platform's firm base: its version, counts and bad rows."""
    suffix = _suffix()
    store = firm_store()
    store.directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.directory, prefix=".upload-") as tmp:
        path = _save_body(Path(tmp), suffix)
        try:
            base = read_firms(path)
        except (FirmBaseError, pa.ArrowException, UnicodeDecodeError) as exc:
            message = str(exc).replace(str(path), "body")
            raise Problem(
                422, "invalid-request", f"the firm base cannot be read: {message}"
            ) from None
    bad = [p.to_dict() for p in base.problems]
    if not len(base):
        raise Problem(
            422,
            "invalid-request",
            f"no valid firm in {base.rows_read} rows; fix the bad rows and upload again",
            bad_rows=bad[:SHOWN_BAD_ROWS],
            bad_rows_total=len(bad),
        )
    saved = store.save(base, f"POST /v1/admin/firms ({suffix[1:]})")
    return jsonify(
        firm_base_version=saved.version,
        firms=saved.firms,
        rows_read=base.rows_read,
        rejected_rows=saved.rejected,
        bad_rows=bad[:SHOWN_BAD_ROWS],
        bad_rows_total=len(bad),
    ), 201


@bp.get("/v1/admin/firms")
def imports():
    """Every import, newest first, and the version the service screens against."""
    current = current_firm_base()
    return jsonify(
        current=current[0] if current else None, imports=list(reversed(firm_store().imports()))
    )
