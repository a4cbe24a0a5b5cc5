"""Following the shared catalog: the part of the ``Reloader`` that talks to Redis.

A watching reloader reads the shared head on every look (one ``HGETALL``); when it
moved, the head is merged into the rules folder (``http_api.working_copy``) and put
live. A change checked here is published before it goes live, on the head it was
made on (``http_api.shared_catalog``); a publish that lost the race is merged and
checked again. Redis failing is logged every 30 s at most and never stops serving or
checking: a change then goes live here, marked unpublished, and is published once
Redis answers.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.authoring.validation import lint_products

from .working_copy import Base, catch_up

if TYPE_CHECKING:
    from .shared_catalog import SharedCatalog

log = logging.getLogger("loanmatch.reload")


class Following:
    """Mixed into ``Reloader``: uses its root, state folder, settings and ``_go_live``."""

    root: Path
    state_dir: Path
    service: Any
    shared: SharedCatalog | None
    _sharing: bool
    _base: Base
    _unshared: bool
    _next_live: str | None
    _redis_complaint: float

    def _go_live(self, copy: Path, products, version: str, actor: str, checked_in: float) -> None:
        raise NotImplementedError  # the Reloader's

    @property
    def sharing(self) -> bool:
        """Whether this app follows the shared catalog (its master watches)."""
        return self._sharing

    def _head(self):
        """(the shared head or None, whether Redis answered)."""
        if not self._sharing:
            return None, False
        import redis

        from .shared_catalog import SharedCatalog

        try:
            if self.shared is None:
                self.shared = SharedCatalog.connect(self.service.settings)
            return self.shared.head(), True
        except (redis.RedisError, OSError, Exception) as exc:  # noqa: BLE001 - never stop
            self._complain("reading", exc)
            return None, False

    def _complain(self, doing: str, exc: Exception) -> None:
        if time.monotonic() >= self._redis_complaint:
            self._redis_complaint = time.monotonic() + 30
            log.warning(
                "shared catalog: %s failed (%s); serving and checking go on here, "
                "sharing resumes when Redis answers",
                doing,
                exc,
            )

    def _connected(self) -> SharedCatalog:
        """The shared catalog; ``_head`` connected it before any step that needs it."""
        if self.shared is None:
            raise RuntimeError("the shared catalog is not connected")
        return self.shared

    def _catch_up(self, head) -> None:
        """Merge the shared head into the folder (under the rules lock)."""
        self._base = catch_up(self.root, self.state_dir, self._connected(), head, self._base)

    def _publish(self, copy: Path, contents: dict[str, str], version: str, actor: str) -> bool:
        """Publish the checked folder; False when another instance published first."""
        from .shared_catalog import Conflict

        files = {rel: (copy / rel).read_bytes() for rel in contents}
        try:
            head, tree = self._connected().publish(self._base.seq, version, files, actor)
        except Conflict as exc:
            log.info("shared catalog: %s; merging and checking again", exc)
            return False
        except Exception as exc:  # noqa: BLE001 - Redis down: serve here, share later
            self._complain("publishing", exc)
            self._unshared = True
            return True
        self._base, self._unshared = Base(head.seq, head.version, tree), False
        self._base.save(self.state_dir)
        log.info("shared catalog #%d is %s, by %s", head.seq, version, actor)
        return True

    def _go_live_shared(self, head, folder: Path) -> None:
        """Serve the shared head exactly (the folder holds a local edit that failed)."""
        tree = self._base.tree
        blobs = self._connected().files(list(tree.values()))
        for rel, digest in tree.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(blobs[digest])
        if head.version != (self._next_live or self.service.catalog.version):
            self._go_live(folder, lint_products(folder)[0], head.version, head.actor, 0.0)
