"""Products read by one image of the master, handed to the next: it reads only what changed.

Reading rule files (YAML with locations, then products) is most of loading a catalog:
seconds at 3,000 products, and a re-exec of the master (``http_api.reexec``) would read
them all again for a version that differs from the live one by a file or two. So an
image keeps, for the catalog it serves, each product under the sha256 of the bytes it
was read from; before the exec it pickles them (with the products of the version just
checked, when it checked one), and the new image reads only files whose bytes it has no
product for. A product depends on its file's bytes alone (the checks that look across
files ran where the version was decided). The pickle names the code that wrote it: after
an upgrade on disk it is ignored, never misread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import logging
import pickle
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import matcher
from matcher.authoring.atomic import write_atomically
from matcher.catalog import Catalog, CatalogError, load_catalog_from_content, read_content
from matcher.rulefile import layout
from matcher.rulefile.product import Product

log = logging.getLogger("loanmatch.reload")
_live: dict[str, Product] = {}  # sha256 of a file's bytes → its product, for the live catalog


def _code() -> str:
    """Changes when any file of the ``matcher`` package does (a product's classes)."""
    digest = hashlib.sha256()
    for path in sorted(Path(matcher.__file__).parent.rglob("*.py")):
        with contextlib.suppress(OSError):
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def catalog_of(
    files: Mapping[str, bytes], shown_root: str, known: Mapping[str, Product] | None = None
) -> Catalog:
    """The catalog of product files given as bytes (``layout.PRODUCT`` paths), reading only
    those ``known`` has no product for; CatalogError like ``load_catalog``. What it read
    becomes the live catalog's products (``live``)."""
    known = known or {}
    files = {rel: raw for rel, raw in files.items() if layout.kind(rel) == layout.PRODUCT}
    digests = {rel: hashlib.sha256(raw).hexdigest() for rel, raw in files.items()}
    fresh = {  # a product holds for its bytes in its bank's folder: a moved file is read
        rel: raw
        for rel, raw in files.items()
        if digests[rel] not in known or known[digests[rel]].bank != rel.split("/")[0]
    }
    products, problems, _ = read_content(fresh, shown_root)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CatalogError(errors)
    if len(products) != len(fresh):  # a file read to no product: no pairs to keep
        _live.clear()
        return load_catalog_from_content(files, shown_root)
    by_rel = dict(zip(layout.of_kind(fresh, layout.PRODUCT), products))
    for rel in files:
        if rel not in by_rel and digests[rel] in known:
            shown = f"{shown_root}/{rel}" if shown_root else rel
            product = known[digests[rel]]
            by_rel[rel] = (
                product if product.path == shown else dataclasses.replace(product, path=shown)
            )
    ids = [p.id for p in by_rel.values()]
    if len(set(ids)) != len(ids):  # checked where decided; never serve a doubt
        _live.clear()
        return load_catalog_from_content(files, shown_root)
    texts = [(rel, raw.decode("utf-8-sig")) for rel, raw in files.items()]
    catalog = Catalog(list(by_rel.values()), layout.content_version(texts), shown_root or None)
    if known:
        log.info("%d of %d product files read; the others were handed over", len(fresh), len(files))
    _live.clear()
    _live.update({digests[rel]: p for rel, p in by_rel.items()})
    return catalog


def live() -> dict[str, Product]:
    """The live catalog's products by the sha256 of their file (empty when it was not
    read through ``catalog_of``)."""
    return dict(_live)


def of_checked(products: list[Product], copy: Path, manifest: Mapping[str, str]) -> dict:
    """``products`` linted from the folder ``copy`` (whose ``manifest`` is path → sha256),
    by the sha256 of their file."""
    found = {}
    for product in products:
        with contextlib.suppress(ValueError, TypeError):
            rel = Path(product.path or "").relative_to(copy).as_posix()
            if rel in manifest:
                found[manifest[rel]] = product
    return found


def save_live_later(path: Path, ready: Callable[[], bool]) -> None:
    """``save`` the live catalog's products in a thread once ``ready()`` (the workers are
    forked: they come first), off the way of the next exec. Whatever the file holds when
    an exec comes (this or an older catalog's products) is right for the bytes it names;
    it only saves more or less time."""
    products = live()

    def run() -> None:
        deadline = time.monotonic() + 60
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.1)
        save(path, products)

    if products:
        threading.Thread(target=run, name="loanmatch-parsed", daemon=True).start()


def save(path: Path, products: Mapping[str, Product]) -> None:
    """Pickle ``products`` for the next image (never raises: it only saves time)."""
    try:
        data = pickle.dumps({"code": _code(), "products": dict(products)}, protocol=5)
        write_atomically(path, data)
    except Exception:  # noqa: BLE001 - the next image reads everything instead
        log.exception("re-exec: the products read were not handed over")


def load(*paths: Path) -> dict[str, Product]:
    """What ``save`` wrote in ``paths`` with this code, else nothing."""
    found: dict[str, Product] = {}
    for path in paths:
        found.update(_load(path))
    return found


def _load(path: Path) -> dict[str, Product]:
    collecting = gc.isenabled()
    gc.disable()  # thousands of products unpickled: the collector would rescan them all
    try:
        doc = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, in our state folder
        if isinstance(doc, dict) and doc.get("code") == _code():
            return dict(doc["products"])
    except Exception:  # noqa: BLE001 - missing, partial or stale: read everything
        pass
    finally:
        if collecting:
            gc.enable()
    return {}
