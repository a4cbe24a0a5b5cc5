"""One description of the rules folder: every part that lists files agrees with it."""

from __future__ import annotations

import pytest

from leads.branches import load_branches
from matcher.authoring.changes import scenarios_to_run
from matcher.authoring.scenario import scenario_files
from matcher.catalog import rule_files
from matcher.rulefile import layout
from matcher.rulefile.layout import BRANCHES, IGNORED, PRODUCT, PROFILE, SCENARIO, kind

FILES = {
    "icbc/jyk.yaml": PRODUCT,
    "icbc/jyk.yml": PRODUCT,
    "icbc/jyk.test.yaml": SCENARIO,
    "icbc/jyk.test.yml": SCENARIO,
    "icbc/_branches.yaml": BRANCHES,
    "_profiles/base.json": PROFILE,
    "icbc/_draft.yaml": IGNORED,
    "icbc/.jyk.yaml": IGNORED,
    "_drafts/x.yaml": IGNORED,
    ".git/x.yaml": IGNORED,
    "icbc/notes.md": IGNORED,
    "top.yaml": IGNORED,
    "icbc/deep/x.yaml": IGNORED,
    "_profiles/x.yaml": IGNORED,
}


@pytest.mark.parametrize("rel, expected", FILES.items())
def test_each_file_has_one_kind(rel, expected):
    assert kind(rel) == expected


def test_every_lister_reads_the_layout(tmp_path):
    root = tmp_path / "rules"
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        text = (
            "- {id: main, name: 总行, regions: ['*'], daily_cap: 5}\n"
            if rel.endswith("_branches.yaml")
            else "x: 1\n"
        )
        (root / rel).write_text(text, encoding="utf-8")

    def listed(paths):
        return sorted(p.relative_to(root).as_posix() for p in paths)

    def of(wanted):
        return sorted(rel for rel, k in FILES.items() if k == wanted)

    assert listed(rule_files(root)) == of(PRODUCT)
    assert listed(scenario_files(root)) == of(SCENARIO)
    assert sorted(layout.read_folder(root)) == sorted(of(PRODUCT) + of(SCENARIO) + of(PROFILE))
    assert list(load_branches(root)) == ["icbc"]


def test_a_changed_base_profile_reruns_every_scenario():
    every = ["icbc/jyk.test.yaml", "ccb/x.test.yaml"]
    before = {"icbc/jyk.yaml": "a", "ccb/x.yaml": "b", "_profiles/p.json": "c"}
    assert scenarios_to_run(every, before, {**before, "_profiles/p.json": "d"}, []) == every
    assert scenarios_to_run(every, before, {**before, "icbc/jyk.yaml": "e"}, []) == every[:1]
    assert layout.scenario_names("icbc/jyk.yaml") == ("icbc/jyk.test.yaml", "icbc/jyk.test.yml")
    assert layout.stem("icbc/jyk.test.yml") == layout.stem("icbc/jyk.yml") == "icbc/jyk"


def test_the_version_does_not_depend_on_the_order_files_are_given():
    files = [("b/x.yaml", "1"), ("a_b/y.yaml", "2"), ("a/z.yaml", "3")]
    assert layout.content_version(files) == layout.content_version(reversed(files))
