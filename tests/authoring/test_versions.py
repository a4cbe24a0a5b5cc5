"""Recorded catalog versions: what went live, what changed, and replaying an old one."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime

import pytest

from matcher.authoring.versions import VersionError, VersionStore, capture
from matcher.catalog import load_catalog, read_products

AS_OF = date(2026, 12, 1)
PRODUCT = """\
id: demo-{slug}
bank: demo
name: 示例贷
eligibility:
  all:
    - {{field: years_in_business, op: ">=", value: {years}}}
    - {{field: tax_credit_rating, op: in, value: [A, B]}}
"""
PROFILE = {"established_on": "2025-06-01", "tax_credit_rating": "A"}  # 1 year at AS_OF


def write(root, slug, years=2):
    (root / "demo").mkdir(parents=True, exist_ok=True)
    (root / "demo" / f"{slug}.yaml").write_text(
        PRODUCT.format(slug=slug, years=years), encoding="utf-8"
    )


def version_of(root):
    return read_products(root)[2]


@pytest.fixture
def rules(tmp_path):
    root = tmp_path / "rules"
    write(root, "a")
    write(root, "b")
    (root / "demo" / "_branches.yaml").write_text("[]\n", encoding="utf-8")
    (root / "demo" / "a.test.yaml").write_text("scenarios: []\n", encoding="utf-8")
    return root


@pytest.fixture
def store(tmp_path):
    return VersionStore(tmp_path / "versions")


def test_record_keeps_hash_time_actor_and_files(rules, store):
    version = load_catalog(rules).version
    record = store.record(rules, version, actor="demo:alice")
    assert record.version == version and version.startswith("sha256:")
    assert record.actor == "demo:alice" and record.previous is None
    assert record.added == ("demo/a.yaml", "demo/b.yaml")  # products only
    assert (record.removed, record.modified) == ((), ())
    when = datetime.strptime(record.recorded_at, "%Y-%m-%dT%H:%M:%SZ")
    assert abs((datetime.now(UTC).replace(tzinfo=None) - when).total_seconds()) < 60
    assert store.list() == [record]
    assert store.get(version) == record
    assert store.get("sha256:0000000000000000") is None


def test_each_new_version_lists_the_files_changed_since_the_previous(rules, store):
    first = store.record(rules, version_of(rules))
    write(rules, "a", years=1)
    write(rules, "c")
    (rules / "demo" / "b.yaml").unlink()
    second = store.record(rules, version_of(rules), actor="admin")
    assert second.previous == first.version != second.version
    assert (second.added, second.removed, second.modified) == (
        ("demo/c.yaml",),
        ("demo/b.yaml",),
        ("demo/a.yaml",),
    )
    assert [r.version for r in store.list()] == [first.version, second.version]
    assert store.latest() == second


def test_the_same_version_again_is_not_a_new_entry(rules, store):
    first = store.record(rules, version_of(rules))
    assert store.record(rules, version_of(rules), actor="restart") == first
    assert len(store.list()) == 1
    write(rules, "a", years=1)
    store.record(rules, version_of(rules))
    write(rules, "a", years=2)  # back to the first content: it went live again
    again = store.record(rules, version_of(rules))
    assert again.version == first.version and again.modified == ("demo/a.yaml",)
    assert len(store.list()) == 3


def test_a_version_the_files_no_longer_have_is_refused(rules, store):
    version = version_of(rules)
    write(rules, "a", years=5)
    with pytest.raises(VersionError, match="the files changed after that version was loaded"):
        store.record(rules, version)
    assert store.list() == []
    with pytest.raises(VersionError, match="not a catalog version"):
        store.record(rules, "v1")


def test_files_captured_before_validation_are_what_gets_recorded(rules, store):
    version, files = capture(rules)
    assert version == version_of(rules)
    write(rules, "a", years=5)  # an edit lands while the captured version is validated
    record = store.record(rules, version, files=files)
    replay = load_catalog(store.snapshot_path(version))
    assert replay.version == record.version == version


def test_a_snapshot_replays_the_old_decision(rules, store):
    old = load_catalog(rules)
    store.record(rules, old.version)
    write(rules, "a", years=1)
    new = load_catalog(rules)
    store.record(rules, new.version)
    assert new.match(PROFILE, as_of=AS_OF, product_ids=["demo-a"]).counts["eligible"] == 1

    snapshot = store.snapshot_path(old.version)
    replay = load_catalog(snapshot)
    assert replay.version == old.version
    assert sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*.yaml")) == [
        "demo/a.yaml",
        "demo/b.yaml",
    ]
    assert replay.match(PROFILE, as_of=AS_OF, product_ids=["demo-a"]).counts["ineligible"] == 1
    assert load_catalog(store.snapshot_path(new.version)).version == new.version


def test_unchanged_files_are_stored_once(rules, store):
    store.record(rules, version_of(rules))
    write(rules, "a", years=1)
    store.record(rules, version_of(rules))
    blobs = [p for p in (store.directory / "objects").rglob("*") if p.is_file()]
    assert len(blobs) == 3  # a (twice), b (once)


def test_prune_drops_old_snapshots_but_never_the_record(rules, store):
    versions = []
    for years in (1, 2, 3):
        write(rules, "a", years=years)
        versions.append(store.record(rules, version_of(rules)).version)
    log = (store.directory / "log.jsonl").read_bytes()
    assert store.prune(keep=1) == versions[:2]
    assert store.snapshot_path(versions[0]) is None
    assert store.snapshot_path(versions[1]) is None
    assert load_catalog(store.snapshot_path(versions[2])).version == versions[2]
    assert [r.kept for r in store.list()] == [False, False, True]
    assert (store.directory / "log.jsonl").read_bytes().startswith(log)  # append-only
    assert store.prune(keep=1) == []
    with pytest.raises(VersionError):
        store.prune(keep=0)


def test_no_temporary_files_are_left_behind(rules, store):
    store.record(rules, version_of(rules))
    store.snapshot_path(version_of(rules))
    leftovers = [p for p in store.directory.rglob(".*") if p.name != ".lock"]
    assert leftovers == []


def test_the_directory_comes_from_the_environment(tmp_path, monkeypatch, rules):
    monkeypatch.setenv("LOANMATCH_VERSIONS_DIR", str(tmp_path / "elsewhere"))
    store = VersionStore()
    store.record(rules, version_of(rules))
    assert (tmp_path / "elsewhere" / "log.jsonl").exists()


def test_a_hand_edited_log_is_a_clear_error(rules, store):
    store.record(rules, version_of(rules))
    with open(store.directory / "log.jsonl", "a", encoding="utf-8") as log:
        log.write("oops\n")
    with pytest.raises(VersionError, match=r"log\.jsonl:2: not a version record"):
        store.list()


def test_log_lines_are_json_records(rules, store):
    store.record(rules, version_of(rules), actor="bank:icbc")
    lines = (store.directory / "log.jsonl").read_text(encoding="utf-8").splitlines()
    event = json.loads(lines[0])
    assert event["event"] == "live" and event["actor"] == "bank:icbc"
    # the file list is a tree object the line names, not part of the line
    assert "files" not in event and re.fullmatch(r"[0-9a-f]{64}", event["tree"])
    assert set(store.latest().files) == {"demo/a.yaml", "demo/b.yaml"}


def test_the_log_grows_by_a_short_line_per_version_however_many_files(rules, store):
    for number in range(40):
        write(rules, f"extra{number:02d}", years=1)
    store.record(rules, version_of(rules))
    first = (store.directory / "log.jsonl").stat().st_size
    for years in (1, 2, 3):
        write(rules, "a", years=years)
        store.record(rules, version_of(rules))
    grown = (store.directory / "log.jsonl").stat().st_size - first
    assert grown < 3 * 600  # three one-file changes; the 42-file list is in its tree
    assert len(store.latest().files) == 42
    assert load_catalog(store.snapshot_path(store.latest().version)).version == version_of(rules)


def test_a_log_written_with_file_lists_inline_is_read_as_before(rules, store):
    version = version_of(rules)
    record = store.record(rules, version)
    files = dict(record.files)
    path = store.directory / "log.jsonl"
    event = json.loads(path.read_text(encoding="utf-8"))
    del event["tree"]
    path.write_text(json.dumps({**event, "files": files}) + "\n", encoding="utf-8")
    shutil.rmtree(store.directory / "trees")
    assert dict(store.get(version).files) == files
    assert load_catalog(store.snapshot_path(version)).version == version


def test_a_kept_version_whose_file_list_is_gone_is_a_clear_error(rules, store):
    version = store.record(rules, version_of(rules)).version
    shutil.rmtree(store.directory / "trees")
    with pytest.raises(VersionError, match="its file list .* is missing"):
        store.snapshot_path(version)


def test_pruning_removes_the_file_lists_of_pruned_versions(rules, store):
    for years in (1, 2, 3):
        write(rules, "a", years=years)
        store.record(rules, version_of(rules))
    store.prune(keep=1)
    assert len([p for p in (store.directory / "trees").rglob("*") if p.is_file()]) == 1
    assert [dict(r.files) == {} for r in store.list()] == [True, True, False]


def test_a_version_is_found_by_a_unique_prefix(rules, store):
    version = store.record(rules, version_of(rules)).version
    assert store.resolve(version) == version
    assert store.resolve(version[len("sha256:") :][:6]) == version
    assert store.resolve("zzzz") is None


def test_the_versions_command_lists_what_went_live(rules, store, tmp_path):
    from click.testing import CliRunner

    from loanmatch_cli.main import main

    first = version_of(rules)
    store.record(rules, first, actor="watcher")
    write(rules, "a", years=1)
    second = version_of(rules)
    store.record(rules, second, actor="bank:demo")
    result = CliRunner().invoke(main, ["versions", "--versions-dir", str(tmp_path / "versions")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [first, second]
    assert "bank:demo" in lines[1] and "~1" in lines[1]
