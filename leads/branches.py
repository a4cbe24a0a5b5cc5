"""Bank branches that receive leads, read from ``rules/<bank>/_branches.yaml``.

The file sits beside the bank's product rules because the same bank staff own it.
It is a list of branches::

    - id: tangshan                 # unique in the file: lower case, digits, '-', '_'
      name: 中国工商银行唐山分行
      regions: ["1302"]            # region-code prefixes: 2 (province), 4 (city) or
                                   # 6 (district) digits; "*" serves every region
      weight: 2                    # share of leads among equally specific branches (default 1)
      daily_cap: 20                # leads per Beijing day; 0 pauses the branch

A lead goes to the branches whose prefix matches the enterprise's ``region_code``
most specifically (a district branch before its city's, a city's before the
province's, "*" last); see ``routing.py``. Every problem is reported as
``path:line:column: message`` (all of them, not just the first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from matcher.rulefile import layout

from .errors import BranchFileError

EVERYWHERE = "*"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*\Z")
_PREFIX = re.compile(r"^(\d{2}|\d{4}|\d{6})\Z")
_KEYS = ("id", "name", "regions", "weight", "daily_cap")
_REQUIRED = ("id", "name", "regions", "daily_cap")


@dataclass(frozen=True)
class Branch:
    id: str
    name: str
    regions: tuple[str, ...]
    daily_cap: int
    weight: int = 1

    def match_length(self, region_code: str) -> int | None:
        """How specifically this branch serves ``region_code``: the longest matching prefix's
        length (0 for "*"), or None when it does not serve it."""
        best = None
        for prefix in self.regions:
            length = 0 if prefix == EVERYWHERE else len(prefix)
            if (prefix == EVERYWHERE or region_code.startswith(prefix)) and (
                best is None or length > best
            ):
                best = length
        return best


def load_branches(rules_dir: Path) -> dict[str, tuple[Branch, ...]]:
    """Every bank's branches under ``rules_dir``, keyed by the bank folder's name.

    A bank folder without ``_branches.yaml`` has no entry (its leads cannot be routed).
    All files are checked before raising, so one ``BranchFileError`` lists every problem.
    """
    banks: dict[str, tuple[Branch, ...]] = {}
    problems: list[str] = []
    for path in layout.files_of(Path(rules_dir), [layout.BRANCHES]):
        try:
            banks[path.parent.name] = load_branch_file(path)
        except BranchFileError as err:
            problems.extend(err.problems)
    if problems:
        raise BranchFileError(problems)
    return banks


def load_branch_file(path: Path) -> tuple[Branch, ...]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BranchFileError([f"{path}: cannot read: {err}"]) from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        return _Reader(path, loader).branches(root)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise BranchFileError([f"{where}: YAML syntax: {err.problem or err.context}"]) from None
    finally:
        loader.dispose()


class _Reader:
    """Walks the composed YAML nodes so that each problem can cite the line it is on."""

    def __init__(self, path: Path, loader: yaml.SafeLoader):
        self.path = path
        self.loader = loader
        self.problems: list[str] = []

    def problem(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(f"{self.path}:{mark.line + 1}:{mark.column + 1}: {message}")

    def branches(self, root: yaml.Node | None) -> tuple[Branch, ...]:
        if not isinstance(root, yaml.SequenceNode) or not root.value:
            if root is None:
                self.problems.append(
                    f"{self.path}:1:1: the file is empty; expected a list of branches"
                )
            else:
                self.problem(root, "expected a list of branches (each '- id: ...')")
            raise BranchFileError(self.problems)
        found: list[Branch] = []
        seen: dict[str, int] = {}
        for item in root.value:
            branch = self.branch(item)
            if branch is None:
                continue
            if branch.id in seen:
                self.problem(
                    item, f"duplicate branch id {branch.id!r} (first on line {seen[branch.id]})"
                )
            else:
                seen[branch.id] = item.start_mark.line + 1
                found.append(branch)
        if self.problems:
            raise BranchFileError(self.problems)
        return tuple(found)

    def branch(self, node: yaml.Node) -> Branch | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "a branch must be a mapping with id, name, regions, daily_cap")
            return None
        values: dict[str, Any] = {}
        nodes: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in _KEYS:
                self.problem(key_node, f"unknown key {key!r}; expected one of {', '.join(_KEYS)}")
                continue
            values[key] = self.loader.construct_object(value_node, deep=True)
            nodes[key] = value_node
        before = len(self.problems)
        for key in _REQUIRED:
            if key not in values:
                self.problem(node, f"missing {key!r}")
        if len(self.problems) > before:
            return None
        branch_id = self.check_id(values["id"], nodes["id"])
        name = self.check_name(values["name"], nodes["name"])
        regions = self.check_regions(values["regions"], nodes["regions"])
        daily_cap = self.check_int(values["daily_cap"], nodes["daily_cap"], "daily_cap", 0)
        weight = self.check_int(values.get("weight", 1), nodes.get("weight", node), "weight", 1)
        if len(self.problems) > before:
            return None
        return Branch(id=branch_id, name=name, regions=regions, daily_cap=daily_cap, weight=weight)

    def check_id(self, value: Any, node: yaml.Node) -> str:
        if not isinstance(value, str) or not _ID.match(value):
            self.problem(node, f"id must be lower case letters, digits, '-' or '_'; got {value!r}")
        return value

    def check_name(self, value: Any, node: yaml.Node) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(node, "name must be non-empty text")
        return value

    def check_int(self, value: Any, node: yaml.Node, key: str, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(node, f"{key} must be a whole number >= {minimum}; got {value!r}")
        return value

    def check_regions(self, value: Any, node: yaml.Node) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.problem(node, "regions must be a non-empty list of region-code prefixes or '*'")
            return ()
        regions = []
        for item, item_node in zip(value, node.value):
            # An unquoted 1302 is read as a number; region codes never start with 0, so
            # its digits are the code.
            code = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
            if code != EVERYWHERE and not (isinstance(code, str) and _PREFIX.match(code)):
                self.problem(
                    item_node,
                    f"region {item!r} must be 2, 4 or 6 digits (province, city, district) or '*'",
                )
            regions.append(code)
        return tuple(regions)
