"""Following the shared catalog: the part of the ``Reloader`` that talks to Redis.

A watching reloader reads the shared head on every look (one ``HGETALL``); when it
moved, the head is merged into the rules folder (``http_api.working_copy``) and put
live. It looks at once when another instance announces a move on the shared
catalog's channel (it stays subscribed), and every poll interval anyway, so a message
lost (Redis restarted, the connection dropped) delays a version, never loses it.
A change checked here is published before it goes live, on the head it was made on
(``http_api.shared_catalog``); a publish that lost the race is merged and checked
again. Redis failing is logged every 30 s at most and never stops serving or
checking: a change then goes live here, marked unpublished, and is published once
Redis answers.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.authoring.rulefiles import contents
from matcher.authoring.validation import lint_products
from matcher.authoring.versions import VersionError, version_of
from matcher.rulefile.layout import PRODUCT, kind

from .working_copy import Base, catch_up

if TYPE_CHECKING:
    from .shared_catalog import SharedCatalog

log = logging.getLogger("loanmatch.reload")
RESUBSCRIBE = 5.0  # seconds between attempts to subscribe again while Redis fails


def _now() -> str:
    return datetime.now(UTC).isoformat()


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
    _pending: dict | None
    _contents: dict[str, str]
    _redis_complaint: float
    _stop: threading.Event
    _pubsub: Any = None  # redis.client.PubSub: the shared catalog's announcements
    _subscribe_at = 0.0  # monotonic: not before, after a failed subscription

    _go_live: Callable[..., None]  # the Reloader's (copy, products, version, actor, …)

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

    def _listen(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s; True when another instance announced a moved head
        meanwhile. Without a subscription (not sharing, or Redis not answering) this
        only waits: the poll finds what a message would have said."""
        if (
            self._pubsub is None
            and self._sharing
            and self.shared is not None
            and time.monotonic() >= self._subscribe_at
        ):
            try:
                self._pubsub = self.shared.subscribe()
            except Exception as exc:  # noqa: BLE001 - never stop: polling goes on
                self._complain("subscribing", exc)
                self._subscribe_at = time.monotonic() + RESUBSCRIBE
        if self._pubsub is None:
            self._stop.wait(timeout)
            return False
        try:
            moved = False
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0 and not self._stop.is_set():
                message = self._pubsub.get_message(timeout=left)
                if message is not None and message.get("type") == "message":
                    moved = True
                    while self._pubsub.get_message(timeout=0) is not None:
                        pass  # several moves: one look at the head covers them all
                    break
            return moved
        except Exception as exc:  # noqa: BLE001 - Redis went away: poll until it answers
            self._complain("listening", exc)
            self.unsubscribe()
            self._subscribe_at = time.monotonic() + RESUBSCRIBE
            self._stop.wait(timeout)
            return False

    def unsubscribe(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            try:
                pubsub.close()
            except Exception:  # noqa: BLE001, S110 - a connection already gone
                pass

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
        started = time.monotonic()
        self._base = catch_up(self.root, self.state_dir, self._connected(), head, self._base)
        log.info(
            "shared catalog #%d (%s, by %s) merged into %s in %.2f s",
            head.seq,
            head.version,
            head.actor,
            self.root,
            time.monotonic() - started,
        )

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

    def _exactly_shared(self) -> dict[str, bytes] | None:
        """The folder's product files when the folder is exactly the shared base, merged
        just now with no edit of this instance's own; else None. Such a version was
        checked where it was published, and the tree (content hashes) is the proof that
        these are its files: it goes live here unchecked, read once. Call it under the
        rules lock."""
        if not (self._sharing and self._base.seq and self.root.is_dir()):
            return None
        files = contents(self.root)
        tree = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
        if tree != self._base.tree:
            return None
        products = {rel: data for rel, data in files.items() if kind(rel) == PRODUCT}
        try:
            if version_of(products, self.root) != self._base.version:
                return None
        except VersionError:
            return None
        return products

    def _follow_exactly(self, head, products: dict[str, bytes]) -> dict:
        """Serve the shared head, whose files ``_exactly_shared`` read (the answer)."""
        previous = self.service.catalog.version
        answer: dict[str, Any] = {"previous_version": previous, "at": _now()}
        self._pending, self._contents = None, dict(self._base.tree)
        if self._base.version == previous:
            return {**answer, "outcome": "unchanged", "version": previous, "errors": []}
        self._go_live(None, None, self._base.version, head.actor, 0.0, files=products)
        return {**answer, "outcome": "reloaded", "version": self._base.version, "errors": []}

    def _go_live_shared(self, head, folder: Path) -> None:
        """Serve the shared head exactly (the folder holds a local edit that failed)."""
        tree = self._base.tree
        blobs = self._connected().files(list(tree.values()))
        for rel, digest in tree.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(blobs[digest])
        if head.version != (self._next_live or self.service.catalog.version):
            self._go_live(folder, lint_products(folder)[0], head.version, head.actor, 0.0)
