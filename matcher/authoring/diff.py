"""What changed between two catalogs, criterion by criterion.

A reviewer approving a bank's edit — or an auditor asking why a lead from March was
refused — needs "icbc/jingying-kuaidai: years_in_business >= 2 → >= 1", not a text
diff of YAML where reordering a list looks like a rewrite. Criteria are compared
per product, grouped by where they stand in the tree (top level, inside ``any``,
under ``not``) and paired by field in order, so a field that appears once on each
side is a change of bound, never a removal plus an addition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import CatalogError, read_products
from ..rulefile.condition import Criterion, Group, Node
from ..rulefile.product import Product

ARROW = "→"


@dataclass(frozen=True)
class _Entry:
    context: tuple[str, ...]  # group kinds from the top: () is the top-level ``all``
    criterion: Criterion

    @property
    def key(self) -> tuple:
        return self.context, self.criterion.field

    def text(self) -> str:
        prefix = "".join(f"{kind}: " for kind in self.context)
        return prefix + self.criterion.describe()

    def bound(self) -> str:
        """``>= 2``: the criterion without its field, for a change line."""
        return self.criterion.describe()[len(self.criterion.field) + 1 :]


@dataclass
class ProductDiff:
    """One product's changes; ``status`` is added, removed or changed."""

    product_id: str
    name: str  # bank/slug from the file's place in rules/
    status: str
    changes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.status == "added":
            return [f"+ {self.name}: {self.changes[0]}"]
        if self.status == "removed":
            return [f"- {self.name}: {self.changes[0]}"]
        return [f"{self.name}: {change}" for change in self.changes]


def _flatten(node: Node, context: tuple[str, ...] = ()) -> list[_Entry]:
    if isinstance(node, Criterion):
        return [_Entry(context, node)]
    assert isinstance(node, Group)
    inner = context if (node.kind == "all" and not context) else context + (node.kind,)
    out: list[_Entry] = []
    for child in node.children:
        out += _flatten(child, inner)
    return out


def _pair(old: list[_Entry], new: list[_Entry]) -> dict[int, int]:
    """new index → old index: the k-th criterion on a field (in its context) on each side."""
    slots: dict[tuple, list[int]] = {}
    for i, entry in enumerate(old):
        slots.setdefault(entry.key, []).append(i)
    pairs = {}
    for j, entry in enumerate(new):
        free = slots.get(entry.key)
        if free:
            pairs[j] = free.pop(0)
    return pairs


def _criteria_changes(old: Node, new: Node) -> list[str]:
    a, b = _flatten(old), _flatten(new)
    pairs = _pair(a, b)
    paired_old = set(pairs.values())
    keyed: list[tuple[tuple, str]] = []
    for j, entry in enumerate(b):
        if j not in pairs:
            keyed.append(((j, 1), f"+ {entry.text()}"))
            continue
        before = a[pairs[j]]
        c, d = before.criterion, entry.criterion
        if (c.op, c.value) != (d.op, d.value):
            keyed.append(((j, 1), f"{before.text()} {ARROW} {entry.bound()}"))
        for attr in ("label", "source"):
            if getattr(c, attr) != getattr(d, attr):
                keyed.append(
                    (
                        (j, 2),
                        f"{entry.text()}: {attr} {_show(getattr(c, attr))} "
                        f"{ARROW} {_show(getattr(d, attr))}",
                    )
                )
    # A removed criterion is listed where it stood: right after the last one before it
    # that stayed, and ahead of what was added there (as a unified diff reads).
    position = {i: j for j, i in pairs.items()}
    for i, entry in enumerate(a):
        if i in paired_old:
            continue
        stayed = [position[k] for k in range(i) if k in position]
        keyed.append(((max(stayed) + 1 if stayed else 0, 0, i), f"- {entry.text()}"))
    return [text for _, text in sorted(keyed, key=lambda pair: pair[0])]


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "normalize"):
        return format(value.normalize(), "f")
    return str(value)


_TERMS = (
    ("amount min", "amount_min"),
    ("amount max", "amount_max"),
    ("term_months min", "term_min"),
    ("term_months max", "term_max"),
    ("rate_pct min", "rate_min"),
    ("rate_pct max", "rate_max"),
    ("collateral", "collateral"),
    ("channel", "channel"),
    ("approval_days", "approval_days"),
    ("priority", "priority"),
    ("illustrative", "illustrative"),
)


def _product_changes(old: Product, new: Product) -> list[str]:
    out = _criteria_changes(old.eligibility, new.eligibility)
    for label, attr in _TERMS:
        before, after = getattr(old.terms, attr), getattr(new.terms, attr)
        if before != after:
            out.append(f"{label} {_show(before)} {ARROW} {_show(after)}")
    for attr in ("name", "bank_name", "source"):
        if getattr(old, attr) != getattr(new, attr):
            out.append(f"{attr} {_show(getattr(old, attr))} {ARROW} {_show(getattr(new, attr))}")
    clauses = [[u.get("clause") for u in p.unparsed] for p in (old, new)]
    out += [f"+ unparsed: {c}" for c in clauses[1] if c not in clauses[0]]
    out += [f"- unparsed: {c}" for c in clauses[0] if c not in clauses[1]]
    return out


def _read(root: Path) -> dict[str, tuple[str, Product]]:
    products, problems, _ = read_products(root)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CatalogError(errors)
    out = {}
    for p in products:
        path = Path(p.path or root)
        name = path.relative_to(root).with_suffix("").as_posix() if path != root else p.id
        out[p.id] = (name, p)
    return out


def diff_catalogs(old_root: str | Path, new_root: str | Path) -> list[ProductDiff]:
    """Per product (by id, in the order of their place in rules/), what changed.

    Raises ``CatalogError`` when either side has a rule file that does not load.
    """
    old_root, new_root = Path(old_root), Path(new_root)
    for root in (old_root, new_root):
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such rules folder")
    old, new = _read(old_root), _read(new_root)
    diffs: list[ProductDiff] = []
    for pid in old.keys() | new.keys():
        if pid not in old:
            name, p = new[pid]
            diffs.append(ProductDiff(pid, name, "added", [_summary(p)]))
        elif pid not in new:
            name, p = old[pid]
            diffs.append(ProductDiff(pid, name, "removed", [_summary(p)]))
        else:
            changes = _product_changes(old[pid][1], new[pid][1])
            if old[pid][0] != new[pid][0]:
                changes.insert(0, f"file {old[pid][0]} {ARROW} {new[pid][0]}")
            if changes:
                diffs.append(ProductDiff(pid, new[pid][0], "changed", changes))
    return sorted(diffs, key=lambda d: (d.name, d.product_id))


def _summary(p: Product) -> str:
    count = len(_flatten(p.eligibility))
    return f"{p.name} ({p.id}, {count} criteria)"
