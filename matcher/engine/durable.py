"""durable_rules, driven through its C-level module.

``durable.engine.Host`` runs timer threads that burn CPU and costs far more per
evaluation (``docs/design.md``, ``docs/performance.md``); the C module
``durable_rules_engine`` lets us
assert one fact, read the names of the rules that fired, and retract the fact
so that nothing is left behind. The extension never releases the GIL and
shares state per session id, so one lock serializes evaluations: threads get
correct answers and lose no parallelism they could have had.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import durable_rules_engine as _durable
import numpy as np

from .compiler import CompiledRule, ruleset_definition, shards
from .fact import fact_json

log = logging.getLogger(__name__)
_names = itertools.count()
_CREATE_RETRIES = 3  # error 102 on a valid definition, ~1 in 10,000; a retry succeeds


class EngineError(RuntimeError):
    pass


def _create(definition_json: str) -> int:
    for attempt in range(_CREATE_RETRIES):
        name = f"loanmatch_{next(_names)}"
        try:
            return _durable.create_ruleset(name, definition_json)
        except Exception as exc:  # the extension raises plain Exception with a code
            if attempt == _CREATE_RETRIES - 1:
                raise EngineError(f"durable_rules could not create a ruleset: {exc}") from exc
            log.warning("create_ruleset failed (%s); retrying", exc)
            time.sleep(0.01)
    raise AssertionError("unreachable")


class Engine:
    """Rulesets for a list of compiled products; answers which ones a fact satisfies."""

    def __init__(self, rules: list[CompiledRule]):
        self._lock = threading.Lock()
        self._shards: list[tuple[int, list[int]]] = []
        self._shard_of = np.zeros(len(rules), dtype=np.intp)  # each rule's ruleset
        for number, indexes in enumerate(shards(rules)):
            definition = json.dumps(ruleset_definition(rules, indexes), ensure_ascii=False)
            self._shards.append((_create(definition), indexes))
            self._shard_of[indexes] = number
        self.size = len(rules)
        self._keys = frozenset().union(*(r.keys for r in rules))

    @property
    def ruleset_count(self) -> int:
        return len(self._shards)

    def eligible(self, values: Mapping[str, Any], only: Collection[int] | None = None) -> set[int]:
        """Indexes of the products whose rule fires for a profile's values.

        ``only`` limits the work to shards holding at least one of those
        products (the caller has already ruled the others out).
        """
        return self.eligible_many([values], None if only is None else [only])[0]

    def eligible_many(
        self,
        profiles: Sequence[Mapping[str, Any]],
        only: Sequence[Collection[int]] | None = None,
    ) -> list[set[int]]:
        """``eligible`` for many profiles, ruleset by ruleset.

        A ruleset's memory is cold when a profile reaches it after the other
        rulesets have run, and a cold ruleset is several times slower
        (``docs/performance.md``), so a batch asserts every profile into one
        ruleset before moving to the next.
        """
        facts = [fact_json(values, self._keys) for values in profiles]
        fired: list[set[int]] = [set() for _ in profiles]
        touched = None if only is None else [self._touched(indexes) for indexes in only]
        with self._lock:
            for shard, (handle, _indexes) in enumerate(self._shards):
                for number, fact in enumerate(facts):
                    if touched is not None and shard not in touched[number]:
                        continue
                    self._run(handle, fact, fired[number])
        return fired

    def _touched(self, indexes: Collection[int]) -> set[int]:
        """The rulesets holding any of these rules."""
        at = (
            indexes
            if isinstance(indexes, np.ndarray)
            else np.fromiter(indexes, dtype=np.intp, count=len(indexes))
        )
        return set(np.unique(self._shard_of[at]).tolist())

    @staticmethod
    def _run(handle: int, fact_json: str, fired: set[int]) -> None:
        try:
            state = _durable.assert_fact(handle, fact_json)[1]
        except Exception:
            try:  # a failed assert may have stored part of the fact
                _durable.retract_fact(handle, fact_json)
            except Exception:
                pass
            raise
        try:
            started = _durable.start_action_for_state(handle, state)
            if not started:
                return
            message = started[1]
            while message:
                # '{"p12": {...the fact...}}': the rule name is all we need.
                fired.add(int(message[3 : message.index('"', 3)]))
                message = _durable.complete_and_start_action(handle, state)
        finally:
            _durable.retract_fact(handle, fact_json)
