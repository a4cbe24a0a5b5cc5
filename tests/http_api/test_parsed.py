"""Products handed from one image of the master to the next (``http_api.parsed``).

What a re-executed master depends on: the catalog it builds from handed-over products
is the one ``load_catalog`` reads from the same files (ids, version, paths, answers);
it reads only the files whose bytes it has no product for; a pickle it cannot trust
(other code, cut short, missing) means reading everything, never an exception; and
bad files, moved files and duplicate ids are refused exactly as ``load_catalog``
refuses them, with the same path:line:col.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from http_api import parsed
from matcher.catalog import CatalogError, load_catalog
from matcher.rulefile import product as product_module
from matcher.rulefile.layout import PRODUCT, read_folder
from tests.support.paths import RULES, SAMPLE_PROFILES

AS_OF = date(2026, 12, 1)
EDITED = "icbc/edi-kuaidai.yaml"  # a product every edit below starts from


def sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def answers(catalog) -> list[dict]:
    """The catalog's full answer for each published sample profile."""
    return [
        catalog.match(json.loads(path.read_text(encoding="utf-8")), as_of=AS_OF).to_dict(
            explain="all"
        )
        for path in SAMPLE_PROFILES
    ]


def assert_same_catalog(got, want) -> None:
    assert [p.id for p in got.products] == [p.id for p in want.products]
    assert got.version == want.version
    assert [p.path for p in got.products] == [p.path for p in want.products]
    assert got.products == want.products
    assert answers(got) == answers(want)


@pytest.fixture
def rules(tmp_path) -> Path:
    """A copy of the repository's rules folder, to edit."""
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


@pytest.fixture
def reads(monkeypatch) -> list[list[str]]:
    """The relative paths of the product files ``catalog_of`` reads, call by call."""
    calls: list[list[str]] = []
    real = parsed.read_content

    def counting(files, root=""):
        calls.append(sorted(files))
        return real(files, root)

    monkeypatch.setattr(parsed, "read_content", counting)
    return calls


def first_image(root: Path) -> dict:
    """What an image that read ``root`` whole hands over: its live products."""
    parsed.catalog_of(read_folder(root, [PRODUCT]), str(root))
    known = parsed.live()
    assert len(known) == len(read_folder(root, [PRODUCT]))
    return known


def refusal(call) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        call()
    return [str(p) for p in caught.value.problems]


# --- the same catalog, reading only what changed ----------------------------------------


def test_a_catalog_from_handed_over_products_is_the_one_read_from_the_files(rules, reads):
    known = first_image(rules)
    edited = rules / EDITED
    text = edited.read_text(encoding="utf-8")
    assert '      op: ">="\n      value: 1\n' in text
    edited.write_text(text.replace('op: ">="\n      value: 1\n', 'op: ">="\n      value: 99\n'))
    added = rules / "icbc" / "edi-kuaidai-copy.yaml"
    added.write_text(text.replace("id: icbc-edi-kuaidai", "id: icbc-edi-kuaidai-copy"))
    removed = (
        rules / sorted(rel for rel in read_folder(rules, [PRODUCT]) if rel.startswith("ccb/"))[0]
    )
    removed.unlink()
    reads.clear()

    got = parsed.catalog_of(read_folder(rules, [PRODUCT]), str(rules), known)

    assert reads == [sorted([EDITED, "icbc/edi-kuaidai-copy.yaml"])]  # the others were handed over
    want = load_catalog(rules)
    assert_same_catalog(got, want)
    assert "icbc-edi-kuaidai-copy" in got.by_id and len(got) == len(known)
    assert got.by_id["icbc-edi-kuaidai"].path == str(edited)


def test_a_handed_over_product_is_used_for_its_bytes_instead_of_reading_them(rules, reads):
    files = read_folder(rules, [PRODUCT])
    real = load_catalog(rules).by_id["icbc-edi-kuaidai"]
    marked = dataclasses.replace(real, name="handed over, not read")

    got = parsed.catalog_of(files, str(rules), {sha(files[EDITED]): marked})

    assert EDITED not in reads[0] and len(reads[0]) == len(files) - 1
    assert got.by_id["icbc-edi-kuaidai"].name == "handed over, not read"
    assert parsed.live()[sha(files[EDITED])] is got.by_id["icbc-edi-kuaidai"]


def test_a_renamed_file_is_not_read_again_and_is_named_by_its_new_path(rules, reads):
    known = first_image(rules)
    renamed = rules / "icbc" / "edi-kuaidai-renamed.yaml"
    (rules / EDITED).rename(renamed)
    reads.clear()

    got = parsed.catalog_of(read_folder(rules, [PRODUCT]), str(rules), known)

    assert reads == [[]]
    assert_same_catalog(got, load_catalog(rules))
    assert got.by_id["icbc-edi-kuaidai"].path == str(renamed)


def test_products_checked_in_another_folder_take_the_paths_of_this_one(rules, tmp_path, reads):
    """The products of a version checked in a copy (``of_checked``) name the copy."""
    copy = Path(shutil.copytree(rules, tmp_path / "checked-copy"))
    files = read_folder(copy, [PRODUCT])
    products = load_catalog(copy).products
    known = parsed.of_checked(products, copy, {rel: sha(raw) for rel, raw in files.items()})
    assert len(known) == len(files)

    got = parsed.catalog_of(read_folder(rules, [PRODUCT]), str(rules), known)

    assert reads == [[]]
    assert_same_catalog(got, load_catalog(rules))


# --- the hand-over through a pickle -----------------------------------------------------


def test_saved_products_load_in_the_next_image_and_nothing_is_read(rules, tmp_path, reads):
    known = first_image(rules)
    pickle_path = tmp_path / "state" / "parsed-live.pickle"
    parsed.save(pickle_path, known)
    loaded = parsed.load(pickle_path)
    assert loaded == known
    reads.clear()

    got = parsed.catalog_of(read_folder(rules, [PRODUCT]), str(rules), loaded)

    assert reads == [[]]
    assert_same_catalog(got, load_catalog(rules))


def poisoned(known: dict) -> dict:
    """The same digests naming other products: a catalog built from them is wrong."""
    return {d: dataclasses.replace(p, id=f"{p.id}-stale") for d, p in known.items()}


def other_code(path: Path, known: dict) -> None:
    path.write_bytes(pickle.dumps({"code": "an older matcher", "products": poisoned(known)}))


def truncated(path: Path, known: dict) -> None:
    parsed.save(path, poisoned(known))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def not_a_pickle(path: Path, known: dict) -> None:
    path.write_bytes(b"\x80\x05 not a pickle at all")


def empty(path: Path, known: dict) -> None:
    path.write_bytes(b"")


def not_what_save_writes(path: Path, known: dict) -> None:
    path.write_bytes(pickle.dumps(list(poisoned(known).values())))


def missing(path: Path, known: dict) -> None:
    assert not path.exists()


@pytest.mark.parametrize(
    "spoil", [other_code, truncated, not_a_pickle, empty, not_what_save_writes, missing]
)
def test_a_pickle_that_cannot_be_trusted_means_reading_everything(rules, tmp_path, reads, spoil):
    known = first_image(rules)
    pickle_path = tmp_path / "parsed-live.pickle"
    spoil(pickle_path, known)

    loaded = parsed.load(pickle_path)  # never raises
    assert loaded == {}
    reads.clear()
    got = parsed.catalog_of(read_folder(rules, [PRODUCT]), str(rules), loaded)

    assert reads == [sorted(read_folder(rules, [PRODUCT]))]
    assert_same_catalog(got, load_catalog(rules))


def test_a_pickle_saved_before_the_matcher_code_changed_is_ignored(rules, tmp_path):
    """An upgrade on disk between the save and the exec: the products' classes may differ."""
    known = first_image(rules)
    pickle_path = tmp_path / "parsed-live.pickle"
    parsed.save(pickle_path, known)
    assert parsed.load(pickle_path) == known
    source = Path(product_module.__file__)
    before = source.stat()
    try:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert parsed.load(pickle_path) == {}
    finally:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert parsed.load(pickle_path) == known


def test_a_good_pickle_still_counts_beside_a_bad_one(rules, tmp_path):
    known = first_image(rules)
    good, bad = tmp_path / "parsed-live.pickle", tmp_path / "parsed-checked.pickle"
    parsed.save(good, known)
    truncated(bad, known)
    assert parsed.load(bad, good, tmp_path / "missing.pickle") == known


def test_saving_never_raises_and_leaves_what_was_there(rules, tmp_path, caplog):
    known = first_image(rules)
    pickle_path = tmp_path / "parsed-live.pickle"
    parsed.save(pickle_path, known)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    parsed.save(blocker / "parsed-live.pickle", known)  # no folder to write in
    parsed.save(pickle_path, {"x": lambda: None})  # cannot be pickled

    assert parsed.load(pickle_path) == known
    assert "not handed over" in caplog.text


# --- refused as load_catalog refuses ----------------------------------------------------

GOOD = """\
id: {pid}
bank: {bank}
name: Product {pid}
eligibility:
  all:
    - field: years_in_business
      op: ">="
      value: 1
"""


def small_folder(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    for bank, slug in (("demo", "a"), ("demo", "b"), ("other", "c")):
        (root / bank).mkdir(parents=True, exist_ok=True)
        (root / bank / f"{slug}.yaml").write_text(GOOD.format(pid=f"{bank}-{slug}", bank=bank))
    return root


BAD_FILES = {
    "invalid YAML": b"id: demo-a\nbank: demo\nname: [unclosed\n",
    "an invalid product": GOOD.format(pid="demo-a", bank="demo")
    .replace("years_in_business", "nonsense")
    .encode(),
    "a missing key": b"id: demo-a\nbank: demo\nname: A\n",
    "not UTF-8": "id: demo-a\nbank: demo\nname: 名称\n".encode("gbk"),
}


@pytest.mark.parametrize("bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_at_its_place_as_load_catalog_refuses_it(tmp_path, bad):
    root = small_folder(tmp_path)
    known = first_image(root)
    (root / "demo" / "a.yaml").write_bytes(bad)

    want = refusal(lambda: load_catalog(root))
    got = refusal(lambda: parsed.catalog_of(read_folder(root, [PRODUCT]), str(root), known))

    assert got == want
    assert all(re.match(rf"{re.escape(str(root))}/demo/a\.yaml:\d+:\d+: ", p) for p in got), got


def test_a_file_moved_to_another_banks_folder_is_refused_as_load_catalog_refuses_it(tmp_path):
    """Same bytes, so a product is handed over for them; but its bank is not its folder's."""
    root = small_folder(tmp_path)
    known = first_image(root)
    (root / "demo" / "a.yaml").rename(root / "other" / "a.yaml")

    want = refusal(lambda: load_catalog(root))
    got = refusal(lambda: parsed.catalog_of(read_folder(root, [PRODUCT]), str(root), known))

    assert got == want and "differs from its folder" in got[0]


def copied_id(root: Path) -> None:
    """A new file (bytes never read) reusing a handed-over product's id."""
    text = (root / "demo" / "a.yaml").read_text().replace("Product", "Another product")
    (root / "demo" / "z.yaml").write_text(text)


def identical_copy(root: Path) -> None:
    """A byte-for-byte copy: both files have the digest of a handed-over product."""
    shutil.copy(root / "demo" / "a.yaml", root / "demo" / "z.yaml")


def two_new_files(root: Path) -> None:
    """Two new files, both read here, with one id."""
    for slug in ("y", "z"):
        (root / "demo" / f"{slug}.yaml").write_text(
            GOOD.format(pid="demo-new", bank="demo").replace("Product", slug)
        )


@pytest.mark.parametrize("duplicate", [copied_id, identical_copy, two_new_files])
def test_duplicate_ids_across_files_are_refused_as_load_catalog_refuses_them(tmp_path, duplicate):
    root = small_folder(tmp_path)
    known = first_image(root)
    duplicate(root)

    want = refusal(lambda: load_catalog(root))
    got = refusal(lambda: parsed.catalog_of(read_folder(root, [PRODUCT]), str(root), known))

    assert got == want and "duplicate product id" in got[0]
