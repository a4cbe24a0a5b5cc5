"""Eligibility trees → durable_rules rule definitions, packed into rulesets.

Strict semantics: a compiled product fires exactly when the reference
evaluator says PASS. A criterion on a missing field must then be false both
as written and under ``not``, so negations are pushed down to the criteria
(negation normal form) and each criterion is replaced by its complement —
durable's comparisons are already false on a missing field, which is what a
complement needs.

Limits of durable_rules (``docs/design.md``) shape the output: every rule starts with a positive
guard (a rule of only negative tests loops on durable's state fact); ``in``
and ``prefix`` become one regex test instead of an ``$or`` (each ``$or``
multiplies activations and alpha-stack pressure); ``$or`` groups go last; a
ruleset holds at most ``SHARD_WEIGHT`` alternatives so that no profile can
push more than 64 first conditions onto the alpha stack (error 303).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..rulefile.condition import Criterion, Node
from ..rulefile.operators import NEGATION, OPS
from ..vocabulary import fields as F
from ..vocabulary.plain import plain
from .fact import GUARD_KEY, GUARD_VALUE, field_key, known_key, member_key, prefix_key

SHARD_WEIGHT = 60  # alternatives per ruleset; 65 simultaneous first conditions fail with 303
MAX_GROUPS = 15  # $and/$or groups per rule (error 113 above)


class TooComplex(ValueError):
    """A product durable_rules cannot hold in one rule; lint reports it."""


def _and(parts: list[dict]) -> dict:
    flat: list[dict] = []
    for part in parts:
        flat.extend(part.get("$and", [part]))
    return flat[0] if len(flat) == 1 else {"$and": flat}


def _or(parts: list[dict]) -> dict:
    flat: list[dict] = []
    for part in parts:
        flat.extend(part.get("$or", [part]))
    return flat[0] if len(flat) == 1 else {"$or": flat}


def _alternatives(values: Iterable[str]) -> str:
    return "(" + "|".join(values) + ")"


def compile_criterion(c: Criterion, negated: bool = False) -> dict:
    fld = F.FIELDS[c.field]
    name, op, value = c.field, c.op, c.value
    key = field_key(name)  # the property that holds the field's value in the fact
    if op == "exists":
        present = known_key(name) if fld.kind == F.LIST else key
        return {"$ex" if bool(value) != negated else "$nex": {present: 1}}
    if op == "contains":
        if not negated:
            return {member_key(name, value): True}
        return {"$and": [{known_key(name): True}, {"$nex": {member_key(name, value): 1}}]}
    if op == "prefix":
        if not negated:
            return {"$mt": {key: _alternatives(value) + ".*"}}
        return _and([{"$neq": {prefix_key(name, len(p)): p}} for p in value])
    if op == "between":
        lo, hi = plain(value[0]), plain(value[1])
        if not negated:
            return {"$and": [{"$gte": {key: lo}}, {"$lte": {key: hi}}]}
        return {"$or": [{"$lt": {key: lo}}, {"$gt": {key: hi}}]}
    if negated:
        op = NEGATION[op]
    if op == "in":
        if fld.numeric:
            return _or([{key: plain(v)} for v in value])
        return {"$mt": {key: _alternatives(value)}}
    if op == "not_in":
        return _and([{"$neq": {key: plain(v)}} for v in value])
    if op == "==":
        return {key: plain(value)}
    return {OPS[op].durable: {key: plain(value)}}


def compile_node(node: Node, negated: bool = False) -> dict:
    if isinstance(node, Criterion):
        return compile_criterion(node, negated)
    if node.kind == "not":
        return compile_node(node.children[0], not negated)
    parts = [compile_node(child, negated) for child in node.children]
    conjunctive = (node.kind == "all") != negated
    return _and(parts) if conjunctive else _or(parts)


def weight(expr: dict) -> int:
    """How many alternatives durable expands the expression into (its DNF size)."""
    if "$and" in expr:
        total = 1
        for part in expr["$and"]:
            total *= weight(part)
        return total
    if "$or" in expr:
        return sum(weight(part) for part in expr["$or"])
    return 1


def fact_keys(expr: Any) -> set[str]:
    """The fact properties an expression reads: the fact need carry no others."""
    keys: set[str] = set()
    if isinstance(expr, dict):
        for key, value in expr.items():
            if key.startswith("$"):
                keys |= fact_keys(value)
            else:
                keys.add(key)
    elif isinstance(expr, list):
        for part in expr:
            keys |= fact_keys(part)
    return keys


def groups(expr: dict) -> int:
    key = "$and" if "$and" in expr else "$or" if "$or" in expr else None
    if key is None:
        return 0
    return 1 + sum(groups(part) for part in expr[key])


@dataclass(frozen=True)
class CompiledRule:
    condition: dict
    weight: int
    keys: frozenset[str]  # the fact properties it reads (``fact_keys``)


def compile_product(eligibility: Node) -> CompiledRule:
    body = compile_node(eligibility)
    parts = body.get("$and", [body])
    # Plain tests first, alternatives last: keeps the alpha stack small.
    parts = sorted(parts, key=lambda p: "$or" in p)
    condition = {"$and": [{GUARD_KEY: GUARD_VALUE}, *parts]}
    count, size = groups(condition), weight(condition)
    if count > MAX_GROUPS:
        raise TooComplex(
            f"{count} and/or groups in one product; durable_rules holds at most "
            f"{MAX_GROUPS}: simplify the nesting"
        )
    if size > SHARD_WEIGHT:
        raise TooComplex(
            f"{size} alternative combinations of any/not groups; at most "
            f"{SHARD_WEIGHT}: split the product or simplify its 'any' groups"
        )
    return CompiledRule(condition, size, frozenset(fact_keys(condition)))


def compiled(product: Any) -> CompiledRule:
    """``compile_product`` of a product's eligibility, once: loading a catalog checks
    every product compiles (lint) and then builds the engine from the same rules.
    Kept on the frozen product itself, which lives as long as its catalog."""
    found = product.__dict__.get("_compiled_rule")
    if found is None:
        found = product.__dict__["_compiled_rule"] = compile_product(product.eligibility)
    return found


def shards(rules: list[CompiledRule]) -> list[list[int]]:
    """Indexes of rules packed greedily into rulesets of at most SHARD_WEIGHT alternatives."""
    out: list[list[int]] = []
    current: list[int] = []
    load = 0
    for index, rule in enumerate(rules):
        if current and load + rule.weight > SHARD_WEIGHT:
            out.append(current)
            current, load = [], 0
        current.append(index)
        load += rule.weight
    if current:
        out.append(current)
    return out


def ruleset_definition(rules: list[CompiledRule], indexes: list[int]) -> dict:
    return {f"p{i}": {"all": [{"m": rules[i].condition}]} for i in indexes}
