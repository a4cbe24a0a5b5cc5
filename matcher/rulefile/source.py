"""YAML that remembers where each value was written.

Bank staff edit rule files by hand; an error is only useful when it points at
``path:line:column``. PyYAML's node marks carry the positions, so we build the
Python values ourselves from the node tree and keep the marks beside them.
Duplicate keys are an error here (PyYAML silently keeps the last one, which
would hide a criterion a reviewer believes is in force).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Location:
    path: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One finding of validation, printed as ``path:line:column: message``."""

    location: Location
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {tag}{self.message}"


class YDict(dict):
    """A mapping whose keys and values know their position in the file."""

    location: Location
    key_locations: dict
    value_locations: dict

    def where(self, key) -> Location:
        return self.value_locations.get(key, self.location)

    def where_key(self, key) -> Location:
        return self.key_locations.get(key, self.location)


class YList(list):
    location: Location
    item_locations: list

    def where(self, index: int) -> Location:
        if 0 <= index < len(self.item_locations):
            return self.item_locations[index]
        return self.location


class YAMLSourceError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# libyaml's composer, where PyYAML was built with it: much faster, same marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _loc(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


MAX_DEPTH = 64  # a rule file nests a few levels; deeper is a mistake or an attack


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node, self.message = node, message


class _Builder:
    """Builds values from the node tree. Aliases (``&a``/``*a``) are refused: rule and
    scenario files have no use for them, and a node built once per reference is how a
    400-byte "billion laughs" file takes minutes and gigabytes (or recurses forever)."""

    def __init__(self, path: str):
        self.path = path
        self.loader = yaml.SafeLoader("")
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self._depth = 0

    def build(self, node: yaml.Node):
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self._seen:
                raise _Refused(
                    node, "YAML aliases (*name) are not allowed here; write the value out"
                )
            self._seen.add(id(node))
            if self._depth >= MAX_DEPTH:
                raise _Refused(node, f"nested more than {MAX_DEPTH} levels deep")
            self._depth += 1
            try:
                return self._collection(node)
            finally:
                self._depth -= 1
        return self.loader.construct_object(node, deep=True)

    def _collection(self, node: yaml.Node):
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        out = YList(self.build(item) for item in node.value)
        out.location = _loc(self.path, node)
        out.item_locations = [_loc(self.path, item) for item in node.value]
        return out

    def _mapping(self, node: yaml.MappingNode) -> YDict:
        if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
            raise _Refused(node, "YAML merge keys (<<) are not allowed here; write the keys out")
        out = YDict()
        out.location = _loc(self.path, node)
        out.key_locations, out.value_locations = {}, {}
        for key_node, value_node in node.value:
            key = self.build(key_node)
            if isinstance(key, (list, dict)):
                self.problems.append(Problem(_loc(self.path, key_node), "a key must be plain text"))
                continue
            if key in out:
                first = out.key_locations[key]
                self.problems.append(
                    Problem(
                        _loc(self.path, key_node),
                        f"duplicate key '{key}' (first at line {first.line}); remove one",
                    )
                )
                continue
            out[key] = self.build(value_node)
            out.key_locations[key] = _loc(self.path, key_node)
            out.value_locations[key] = _loc(self.path, value_node)
        return out


def load(text: str, path: str):
    """Parse one YAML document into YDict/YList/scalars.

    Raises ``YAMLSourceError`` with located problems for syntax errors and
    duplicate keys; an empty document loads as ``None``.
    """
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = exc.problem or exc.context or "invalid YAML"
        raise YAMLSourceError(
            [Problem(Location(path, line, col), f"YAML syntax error: {detail}")]
        ) from None
    except yaml.YAMLError as exc:
        raise YAMLSourceError([Problem(Location(path, 1, 1), f"YAML error: {exc}")]) from None
    except RecursionError:
        raise YAMLSourceError(
            [Problem(Location(path, 1, 1), f"nested more than {MAX_DEPTH} levels deep")]
        ) from None
    if node is None:
        return None
    builder = _Builder(path)
    try:
        data = builder.build(node)
    except _Refused as exc:
        raise YAMLSourceError([Problem(_loc(path, exc.node), exc.message)]) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else _loc(path, node)
        raise YAMLSourceError([Problem(where, f"YAML error: {exc.problem}")]) from None
    if builder.problems:
        raise YAMLSourceError(builder.problems)
    return data


def read(path) -> tuple[str, str]:
    """The file's text, decoded strictly as UTF-8 (a GBK file is an error, not mojibake)."""
    with open(path, "rb") as file:
        return decode(file.read(), str(path)), str(path)


def decode(raw: bytes | str, shown: str) -> str:
    """``raw`` as text: UTF-8 (a BOM dropped), or a YAMLSourceError located in ``shown``."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YAMLSourceError(
            [
                Problem(
                    Location(shown, line, 1),
                    "file is not UTF-8 (save it as UTF-8; GBK/GB2312 files are not accepted)",
                )
            ]
        ) from None


def located(data, where: Location):
    """Plain dicts/lists (built in code, not read from a file) as YDict/YList at ``where``."""
    if isinstance(data, dict) and not isinstance(data, YDict):
        mapping = YDict((k, located(v, where)) for k, v in data.items())
        mapping.location, mapping.key_locations, mapping.value_locations = where, {}, {}
        return mapping
    if isinstance(data, list) and not isinstance(data, YList):
        items = YList(located(v, where) for v in data)
        items.location, items.item_locations = where, [where] * len(items)
        return items
    return data
