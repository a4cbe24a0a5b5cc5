"""The catalog every instance serves: rules-folder versions kept in Redis, one pointer.

A platform runs several instances behind a proxy; each has its own rules folder, which
is only that instance's working copy. What is live is decided in Redis (the one the
leads already share, or the embedded one for a single instance):

* ``catalog:file:<sha256>``: the bytes of one file of a rules folder (written once);
* ``catalog:tree:<sha256>``: a whole folder, ``{path: file sha256}`` as JSON;
* ``catalog:head``: the live version, ``{seq, version, tree, actor, at}``;
* ``catalog:log``: every head there was, oldest first (JSON lines);
* ``catalog:moved``: a channel; the new head's ``seq`` is published on it each time the
  head moves, so the other instances look at once instead of at their next poll.

A publish uploads the files and the tree, then moves the head in one Lua script that
refuses unless the head is still the one the change was made on (``seq``), so two
instances publishing at once cannot silently overwrite each other: the loser merges
and tries again. ``version`` is the catalog's content hash (``catalog_version``), the
same on every instance; ``tree`` also covers scenario, branch and profile files, which
travel with the products but are not part of that hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis

# KEYS: head, log. ARGV: expected seq, version, tree id, actor, at, channel. The message
# goes out in the same script as the move: no head moves without one.
_MOVE_HEAD = """
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if seq ~= tonumber(ARGV[1]) then return {0, seq} end
seq = seq + 1
redis.call('HSET', KEYS[1], 'seq', seq, 'version', ARGV[2], 'tree', ARGV[3],
           'actor', ARGV[4], 'at', ARGV[5])
redis.call('RPUSH', KEYS[2], cjson.encode({seq = seq, version = ARGV[2], tree = ARGV[3],
                                            actor = ARGV[4], at = ARGV[5]}))
redis.call('PUBLISH', ARGV[6], seq)
return {1, seq}
"""


class Conflict(Exception):
    """The head moved since the change was made on it: merge the new head, then retry."""


@dataclass(frozen=True)
class Head:
    seq: int
    version: str
    tree: str
    actor: str = ""
    at: str = ""


def tree_id(tree: Mapping[str, str]) -> str:
    """The name of a folder's tree: the sha256 of its sorted ``{path: sha256}``."""
    return hashlib.sha256(
        json.dumps(dict(sorted(tree.items())), separators=(",", ":")).encode()
    ).hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SharedCatalog:
    """One instance's handle on the shared catalog (a bytes client: files are bytes)."""

    def __init__(self, client: redis.Redis, prefix: str):
        self.client = client
        self.prefix = prefix + "catalog:"
        self._move = client.register_script(_MOVE_HEAD)

    @property
    def channel(self) -> str:
        """Where a moved head is announced (``subscribe``)."""
        return self.prefix + "moved"

    def subscribe(self):
        """A subscription to the moves of the head (``redis.client.PubSub``): a message
        means "look now"; losing one costs only the wait until the next poll."""
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(self.channel)
        return pubsub

    @classmethod
    def connect(cls, settings) -> SharedCatalog:
        """The shared catalog in ``LOANMATCH_REDIS_URL``, else in the embedded Redis."""
        from leads import embedded

        options = dict(socket_timeout=2.0, socket_connect_timeout=2.0)
        if settings.redis_url:
            client = redis.Redis.from_url(settings.redis_url, **options)
        else:
            client = redis.Redis(
                unix_socket_path=embedded.start(Path(settings.data_dir)), **options
            )
        return cls(client, settings.redis_prefix)

    # --- reading ------------------------------------------------------------------------
    def head(self) -> Head | None:
        """The live version, or None before any instance published one."""
        found = {
            k.decode(): v.decode() for k, v in self.client.hgetall(self.prefix + "head").items()
        }
        if not found.get("seq"):
            return None
        return Head(
            int(found["seq"]),
            found["version"],
            found["tree"],
            found.get("actor", ""),
            found.get("at", ""),
        )

    def tree(self, head: Head) -> dict[str, str]:
        raw = self.client.get(self.prefix + "tree:" + head.tree)
        if raw is None:
            raise redis.DataError(f"the shared catalog lost tree {head.tree}")
        return json.loads(raw)

    def files(self, digests: list[str]) -> dict[str, bytes]:
        """sha256 → bytes, for every digest asked (a missing one is an error)."""
        wanted = sorted(set(digests))
        found = self.client.mget([self.prefix + "file:" + d for d in wanted]) if wanted else []
        out = {}
        for digest, data in zip(wanted, found):
            if data is None or file_digest(data) != digest:
                raise redis.DataError(f"the shared catalog lost file {digest}")
            out[digest] = data
        return out

    def history(self) -> list[dict]:
        return [json.loads(line) for line in self.client.lrange(self.prefix + "log", 0, -1)]

    def snapshot(self, version: str, folder: Path) -> Path | None:
        """``folder/<hex>`` holding ``version``'s files as last published, or None when no
        instance ever published it: replay of a version this instance never served."""
        entry = next((e for e in reversed(self.history()) if e["version"] == version), None)
        if entry is None:
            return None
        target = folder / version[len("sha256:") :]
        if target.is_dir():
            return target
        raw = self.client.get(self.prefix + "tree:" + entry["tree"])
        if raw is None:
            return None
        tree = json.loads(raw)
        blobs = self.files(list(tree.values()))
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".incoming-"))
        try:
            for rel, digest in tree.items():
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp / rel).write_bytes(blobs[digest])
            os.rename(tmp, target)
        except OSError:
            if not target.is_dir():  # another worker may have won the race: that is fine
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return target

    # --- writing ------------------------------------------------------------------------
    def publish(
        self, base_seq: int, version: str, files: Mapping[str, bytes], actor: str
    ) -> tuple[Head, dict[str, str]]:
        """Make ``files`` (path → bytes, a whole folder) the live version, if the head is
        still ``base_seq``; raises ``Conflict`` otherwise. Returns the head and tree."""
        tree = {rel: file_digest(data) for rel, data in files.items()}
        name = tree_id(tree)
        pipe = self.client.pipeline(transaction=False)
        for rel, data in files.items():
            pipe.set(self.prefix + "file:" + tree[rel], data, nx=True)
        pipe.set(self.prefix + "tree:" + name, json.dumps(tree, sort_keys=True), nx=True)
        pipe.execute()
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        moved, seq = self._move(
            keys=[self.prefix + "head", self.prefix + "log"],
            args=[base_seq, version, name, actor, at, self.channel],
        )
        if not moved:
            raise Conflict(f"the shared catalog moved to #{seq} meanwhile")
        return Head(int(seq), version, name, actor, at), tree
