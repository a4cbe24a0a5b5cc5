"""Rate-limit counts in the service's own Redis, shared by every worker and instance.

flask-limiter's Redis storage opens its own connection from a URL when the app is
built, which cannot follow the embedded Redis (its socket is known only once the
gunicorn master has started it) and would cross gunicorn's fork. This storage borrows
the lead store's client instead — made in each worker on first use, for
``LOANMATCH_REDIS_URL`` or the embedded server alike — and registers limits' Lua
scripts on it. When that Redis is not running or does not answer, a call raises and
flask-limiter falls back to counting in the worker's memory until Redis answers again:
matching never waits for the rate limiter.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import redis
from limits.storage import RedisStorage
from limits.storage.base import Storage

SCHEME = "loanmatch-leads"


class LeadRedisStorage(RedisStorage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self,
        uri: str,
        client: Callable[[], Any] | None = None,
        key_prefix: str = RedisStorage.PREFIX,
        wrap_exceptions: bool = False,
        **options: Any,
    ) -> None:
        Storage.__init__(self, uri, wrap_exceptions=wrap_exceptions)
        self.key_prefix = key_prefix
        self.target_server = "redis"
        self.dependency = redis
        self._client = client or (lambda: None)
        self._scripts: tuple[int, Any, dict] = (0, None, {})

    def initialize_storage(self, _uri: str) -> None:
        """Scripts are registered on each process's client when first used."""

    def get_connection(self, readonly: bool = False) -> Any:
        client = self._client()
        if client is None:
            raise redis.ConnectionError("the service's Redis is not running")
        return client

    @property
    def storage(self) -> Any:  # RedisStorage reads ``self.storage`` in places
        return self.get_connection()

    def check(self) -> bool:
        try:
            return bool(self.get_connection().ping())
        except Exception:  # noqa: BLE001 — any failure means "not yet": keep the fallback
            return False

    def _script(self, source: str) -> Any:
        client = self.get_connection()
        pid, known, scripts = self._scripts
        if known is not client or pid != os.getpid():
            scripts = {}
            self._scripts = (os.getpid(), client, scripts)
        if source not in scripts:
            scripts[source] = client.register_script(source)
        return scripts[source]

    lua_moving_window = property(lambda self: self._script(self.SCRIPT_MOVING_WINDOW))
    lua_acquire_moving_window = property(
        lambda self: self._script(self.SCRIPT_ACQUIRE_MOVING_WINDOW)
    )
    lua_clear_keys = property(lambda self: self._script(self.SCRIPT_CLEAR_KEYS))
    lua_incr_expire = property(lambda self: self._script(self.SCRIPT_INCR_EXPIRE))
    lua_sliding_window = property(lambda self: self._script(self.SCRIPT_SLIDING_WINDOW))
    lua_acquire_sliding_window = property(
        lambda self: self._script(self.SCRIPT_ACQUIRE_SLIDING_WINDOW)
    )
