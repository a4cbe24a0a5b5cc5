"""The rules folder as a working copy: the three-way merge of a shared version into it.

Nothing a person saved is lost: an edit made here survives a shared version that did not
touch its file, and one that lost to a different shared edit is set aside, not deleted.
"""

from __future__ import annotations

from http_api.working_copy import apply, merge
from matcher.authoring.rulefiles import manifest

BASE = {"a.yaml": "1", "b.yaml": "1", "c.yaml": "1", "d.yaml": "1"}


def test_each_side_keeps_what_only_it_changed():
    local = {**BASE, "a.yaml": "local", "new-here.yaml": "x"}
    del local["d.yaml"]
    remote = {**BASE, "b.yaml": "remote", "new-there.yaml": "y"}
    del remote["c.yaml"]
    merged, lost = merge(BASE, local, remote)
    assert merged == {
        "a.yaml": "local",
        "b.yaml": "remote",
        "new-here.yaml": "x",
        "new-there.yaml": "y",
    }  # c removed there, d removed here
    assert lost == []


def test_a_file_changed_differently_on_both_sides_takes_the_shared_one_and_is_lost_here():
    merged, lost = merge(BASE, {**BASE, "a.yaml": "mine"}, {**BASE, "a.yaml": "theirs"})
    assert merged["a.yaml"] == "theirs" and lost == ["a.yaml"]
    merged, lost = merge(BASE, {**BASE, "a.yaml": "same"}, {**BASE, "a.yaml": "same"})
    assert merged["a.yaml"] == "same" and lost == []


def test_a_stale_folder_takes_the_shared_version_whole():
    local = {"a.yaml": "old", "b.yaml": "1", "gone-there.yaml": "z"}
    merged, lost = merge({}, local, BASE, stale=True)
    assert merged == BASE
    assert sorted(lost) == ["a.yaml", "gone-there.yaml"]


def test_apply_writes_the_merge_and_sets_lost_files_aside(tmp_path):
    root, aside = tmp_path / "rules", tmp_path / "aside"
    (root / "icbc").mkdir(parents=True)
    (root / "icbc" / "a.yaml").write_text("mine", encoding="utf-8")
    (root / "icbc" / "gone.yaml").write_text("old", encoding="utf-8")
    local = manifest(root)
    blobs = {"d1": b"theirs", "d2": "新的".encode()}
    merged = {"icbc/a.yaml": "d1", "icbc/new.yaml": "d2"}
    apply(root, merged, local, blobs, ["icbc/a.yaml"], aside)
    assert (root / "icbc" / "a.yaml").read_text(encoding="utf-8") == "theirs"
    assert (root / "icbc" / "new.yaml").read_text(encoding="utf-8") == "新的"
    assert not (root / "icbc" / "gone.yaml").exists()
    kept = list(aside.glob("*/icbc/a.yaml"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "mine"
