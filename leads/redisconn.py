"""Connecting to Redis, and turning every way Redis can fail into ``StoreUnavailable``.

Leads live in Redis. ``connect(url, data_dir)`` gives a client either for the
server at ``LOANMATCH_REDIS_URL`` or, when no URL is set, for an *embedded* real
Redis with its data under ``data_dir`` (the service uses ``var/``), so that a
developer's ``serve`` needs nothing installed; ``embedded.py`` explains who starts
and stops that server when gunicorn forks. Production runs a real Redis: its
configuration (AOF, fsync, password, TLS) is in ``docs/leads.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import redis
from redis import exceptions as rex
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from . import embedded
from .errors import ConfigError, StoreUnavailable

# Errors that mean "Redis cannot serve us right now", as opposed to a bug in a command.
_UNAVAILABLE = (rex.ConnectionError, rex.TimeoutError, rex.ReadOnlyError)
# Replies by which a reachable Redis refuses writes: out of memory, failed snapshot,
# still loading the AOF, replica without a primary.
_REFUSALS = ("OOM", "MISCONF", "LOADING", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN")

T = TypeVar("T")


def connect(url: str | None, data_dir: Path, *, timeout: float = 2.0) -> redis.Redis:
    """A client for ``url``, or for the embedded Redis with its data under ``data_dir``
    (started, and owned by this process, when none runs there yet; see ``embedded.py``).

    Raises ``ConfigError`` for a malformed URL and ``StoreUnavailable`` when the
    embedded server cannot start. A URL client connects lazily: use ``ping``.

    One quick retry rides over a dropped connection (a Redis restart, a failover);
    more would keep an HTTP request waiting on a Redis that is down, when a 503 with
    Retry-After serves the client better. Re-sending a write is safe: the scripts
    recognise a call they already ran.
    """
    options = client_options(timeout)
    if url:
        try:
            return redis.Redis.from_url(url, **options)
        except ValueError as err:
            raise ConfigError(f"LOANMATCH_REDIS_URL: {err}") from None
    return redis.Redis(unix_socket_path=embedded.start(data_dir), **options)


def client_options(timeout: float) -> dict:
    return dict(
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.25), retries=1),
    )


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
    create: Callable[..., Any]
    route: Callable[..., Any]
    transition: Callable[..., Any]

    def __init__(self, client: redis.Redis):
        folder = resources.files(__package__) / "scripts"
        common = (folder / "common.lua").read_text(encoding="utf-8")
        for name in self.NAMES:
            body = (folder / f"{name}.lua").read_text(encoding="utf-8")
            setattr(self, name, client.register_script(common + "\n" + body))
