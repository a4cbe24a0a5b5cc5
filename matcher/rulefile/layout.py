"""What each file in a rules folder is: the one description of the folder's layout.

    <bank>/<slug>.yaml          a product (``.yml`` too)
    <bank>/<slug>.test.yaml     its scenarios (``.test.yml`` too)
    <bank>/_branches.yaml       the bank's branches, for routing leads
    _profiles/<name>.json       base profiles the scenarios start from
    anything else               ignored: ``_`` or ``.`` names, deeper folders, other suffixes

A bank folder is lower-case letters, digits and ``_`` and never starts with ``_``
(``BANK_ID``). Everything that lists, copies or watches a rules folder asks ``kind``,
so the loader, lint, scenarios, the editing API and the reload agree on what a file is.
Paths are relative to the folder, with ``/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

Content = str | bytes  # a file's text, or its bytes still to be decoded as UTF-8

PRODUCT, SCENARIO, BRANCHES, PROFILE, IGNORED = (
    "product",
    "scenario",
    "branches",
    "profile",
    "ignored",
)
PRODUCT_SUFFIXES = (".yaml", ".yml")
SCENARIO_SUFFIXES = (".test.yaml", ".test.yml")
BRANCHES_FILE = "_branches.yaml"
PROFILES_DIR = "_profiles"


def kind(rel: str) -> str:
    """What the file at ``rel`` (relative to the rules folder) is."""
    parts = rel.split("/")
    if len(parts) != 2 or not parts[0] or parts[0].startswith(".") or parts[1].startswith("."):
        return IGNORED
    folder, name = parts
    if folder == PROFILES_DIR:
        return PROFILE if name.endswith(".json") else IGNORED
    if folder.startswith("_"):
        return IGNORED
    if name == BRANCHES_FILE:
        return BRANCHES
    if name.startswith("_"):
        return IGNORED
    if name.endswith(SCENARIO_SUFFIXES):
        return SCENARIO
    if name.endswith(PRODUCT_SUFFIXES):
        return PRODUCT
    return IGNORED


def stem(rel: str) -> str:
    """``icbc/jyk.yaml`` and ``icbc/jyk.test.yaml`` → ``icbc/jyk``: a product and its tests."""
    for suffix in SCENARIO_SUFFIXES + PRODUCT_SUFFIXES:
        if rel.endswith(suffix):
            return rel[: -len(suffix)]
    return rel


def scenario_names(product_rel: str) -> tuple[str, ...]:
    """A product file's possible scenario files, the usual name first."""
    base = stem(product_rel)
    return tuple(base + suffix for suffix in SCENARIO_SUFFIXES)


def profile_path(name: str) -> str:
    """Where base profile ``name`` lives, relative to the rules folder."""
    return f"{PROFILES_DIR}/{name}.json"


def by_path(rel: str) -> list[str]:
    """Sort key: relative paths in the order ``Path`` objects sort (part by part)."""
    return rel.split("/")


def files_of(root: Path, wanted: Iterable[str]) -> list[Path]:
    """The files under ``root`` of the kinds ``wanted``, sorted by path."""
    root, wanted = Path(root), set(wanted)
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and kind(f"{folder.name}/{path.name}") in wanted:
                found.append(path)
    return sorted(found)


def content_version(texts: Iterable[tuple[str, str]]) -> str:
    """The catalog version: a hash of the product files' paths and texts, in path order.

    Every loaded catalog, recorded version and replay names its rules by this string,
    so it is computed here only.
    """
    digest = hashlib.sha256()
    for rel, text in sorted(texts, key=lambda item: by_path(item[0])):
        digest.update(rel.encode() + b"\0" + text.encode() + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def of_kind(files: Mapping[str, Content], wanted: str) -> dict[str, Content]:
    """The entries of a content mapping (relative path → text) of one kind, sorted."""
    return {rel: files[rel] for rel in sorted(files, key=by_path) if kind(rel) == wanted}


def read_folder(
    root: Path, kinds: Iterable[str] = (PRODUCT, SCENARIO, PROFILE)
) -> dict[str, bytes]:
    """The folder's files of ``kinds`` as content (relative path → bytes, decoded by the
    reader so that a file that is not UTF-8 is reported where it is read)."""
    root = Path(root)
    found = {}
    for path in files_of(root, kinds):
        try:
            found[path.relative_to(root).as_posix()] = path.read_bytes()
        except FileNotFoundError:  # removed while listed
            continue
    return found


def digest(files: Mapping[str, Content]) -> str:
    """One hash of a whole content mapping (every path and its bytes): "the same files"."""
    h = hashlib.sha256()
    for rel in sorted(files):
        raw = files[rel]
        data = raw.encode() if isinstance(raw, str) else raw
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()
