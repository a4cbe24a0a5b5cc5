"""The service's configuration, read once from ``LOANMATCH_*`` variables.

Why a parsed object and not ``os.environ`` lookups scattered through the views:
a misconfigured service must refuse to start with a message naming the variable
(an API without keys, a rate limit that does not parse) instead of failing on the
first request, and tests build apps from plain dicts without touching the process
environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from limits import parse_many

from matcher.vocabulary.ids import BANK_ID_RULE, BANK_ID_TEXT

DEFAULT_RATE_LIMIT = "600/minute"
DEFAULT_MAX_BODY = 1024 * 1024  # 1 MiB: a 1,000-profile batch of compact profiles fits
DEFAULT_MAX_FIRM_UPLOAD = "256MiB"  # a firm base of about a million firms as Parquet
MIN_KEY_LENGTH = 16
ROLES = ("portal", "admin")
_BANK_ROLE = re.compile(rf"bank:({BANK_ID_TEXT})\Z")
_SIZE = re.compile(r"([0-9]+)\s*(|b|k|kb|kib|m|mb|mib)\Z", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1000,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1000**2,
    "mib": 1024**2,
}


class ConfigError(ValueError):
    """A setting the service cannot run with; the message names the variable."""


@dataclass(frozen=True)
class ApiKey:
    role: str  # "portal", "admin" or "bank:<bank_id>"
    secret: bytes = field(repr=False)

    @property
    def bank(self) -> str | None:
        match = _BANK_ROLE.match(self.role)
        return match.group(1) if match else None


@dataclass(frozen=True)
class Settings:
    rules: str
    auth: bool
    api_keys: tuple[ApiKey, ...] = field(repr=False)
    rate_limit: str | None
    rate_limit_storage: str
    cors_origins: tuple[str, ...]
    max_body: int
    proxy_hops: int
    log_level: str
    log_json: bool
    # Leads (see lead_settings below)
    redis_url: str | None = field(default=None, repr=False)  # may carry a password
    data_dir: str = "var"
    redis_prefix: str = "loanmatch:"
    lead_dedup_days: int = 30
    lead_visibility_timeout: int = 300
    overflow_every: int = 60
    # Rule changes (see reload_settings below)
    versions_dir: str = ""  # "": <data_dir>/catalog-versions
    watch: float | None = 1.0  # None: no folder scans
    replay_cache: int = 2
    publish_interval: float | None = 10.0  # None: banks publish without a pause
    max_firm_upload: int = 256 * 1024**2  # POST /v1/admin/firms

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Settings from ``env`` (the process environment, or a test's dict)."""

        def get(name: str, default: str = "") -> str:
            value = env.get(name)
            return default if value is None else str(value).strip()

        auth = _switch(get("LOANMATCH_AUTH", "on"), "LOANMATCH_AUTH")
        keys = parse_api_keys(get("LOANMATCH_API_KEYS"))
        if auth and not keys:
            raise ConfigError(
                "no API keys: set LOANMATCH_API_KEYS to comma-separated role:key pairs "
                "(roles: portal, admin, bank:<bank_id>), or set LOANMATCH_AUTH=off to serve "
                "without authentication on a machine of your own"
            )
        rate = get("LOANMATCH_RATE_LIMIT", DEFAULT_RATE_LIMIT)
        if rate.lower() in ("off", "none", "0"):
            rate_limit = None
        else:
            _check_rate(rate)
            rate_limit = rate
        level = get("LOANMATCH_LOG_LEVEL", "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(
                f"LOANMATCH_LOG_LEVEL: use DEBUG, INFO, WARNING or ERROR, not {level!r}"
            )
        return cls(
            rules=get("LOANMATCH_RULES") or default_rules(),
            auth=auth,
            api_keys=keys,
            rate_limit=rate_limit,
            rate_limit_storage=get("LOANMATCH_RATE_LIMIT_STORAGE", ""),
            cors_origins=tuple(
                o.strip() for o in get("LOANMATCH_CORS_ORIGINS").split(",") if o.strip()
            ),
            max_body=_size(get("LOANMATCH_MAX_BODY", str(DEFAULT_MAX_BODY)), "LOANMATCH_MAX_BODY"),
            max_firm_upload=_size(
                get("LOANMATCH_MAX_FIRM_UPLOAD", DEFAULT_MAX_FIRM_UPLOAD),
                "LOANMATCH_MAX_FIRM_UPLOAD",
            ),
            proxy_hops=_whole(get("LOANMATCH_PROXY_HOPS", "0"), "LOANMATCH_PROXY_HOPS"),
            log_level=level,
            log_json=_switch(get("LOANMATCH_LOG_JSON", "on"), "LOANMATCH_LOG_JSON"),
            **lead_settings(get),
            **reload_settings(get),
        )


def default_rules() -> str:
    """``./rules`` when the service runs from the repository, else the repository's own."""
    here = Path("rules")
    beside = Path(__file__).resolve().parent.parent / "rules"
    return str(here if here.is_dir() or not beside.is_dir() else beside)


def parse_api_keys(text: str) -> tuple[ApiKey, ...]:
    """``portal:k1,admin:k2,bank:icbc:k3`` → keys; the message never repeats a key."""
    keys: list[ApiKey] = []
    seen: set[bytes] = set()
    for number, item in enumerate((i.strip() for i in text.split(",")), 1):
        if not item:
            continue
        if item.startswith("bank:"):
            bank, _, secret = item[5:].partition(":")
            role = f"bank:{bank}"
        else:
            role, _, secret = item.partition(":")
        where = f"LOANMATCH_API_KEYS entry {number} (role {role!r})"
        if role not in ROLES and not _BANK_ROLE.match(role):
            raise ConfigError(
                f"{where}: role must be portal, admin or bank:<bank_id> (bank id in {BANK_ID_RULE})"
            )
        if len(secret) < MIN_KEY_LENGTH:
            raise ConfigError(f"{where}: the key must be at least {MIN_KEY_LENGTH} characters")
        if any(c.isspace() for c in secret) or not secret.isascii():
            raise ConfigError(f"{where}: the key must be printable ASCII without spaces")
        encoded = secret.encode()
        if encoded in seen:
            raise ConfigError(f"{where}: the same key is given twice")
        seen.add(encoded)
        keys.append(ApiKey(role, encoded))
    return tuple(keys)


def _switch(value: str, name: str) -> bool:
    lowered = value.lower()
    if lowered in ("on", "true", "1", "yes"):
        return True
    if lowered in ("off", "false", "0", "no"):
        return False
    raise ConfigError(f"{name}: use on or off, not {value!r}")


def _check_rate(text: str) -> None:
    try:
        if parse_many(text):
            return
    except ValueError:
        pass
    raise ConfigError(
        f"LOANMATCH_RATE_LIMIT: {text!r} is not a rate such as '600/minute' "
        f"or '20/second;600/minute' (or 'off')"
    )


def _size(text: str, name: str) -> int:
    match = _SIZE.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ConfigError(f"{name}: {text!r} is not a size such as 1048576 or 1MiB")
    return int(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]


def _whole(text: str, name: str) -> int:
    if not text.isdigit():
        raise ConfigError(f"{name}: use a whole number of zero or more, not {text!r}")
    return int(text)


def lead_settings(get) -> dict:
    """The leads' settings (Redis, dedup window, redelivery), from ``get(name, default)``."""
    url = get("LOANMATCH_REDIS_URL") or None
    if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            "LOANMATCH_REDIS_URL: use redis://[:password@]host:port/db, "
            "rediss://… for TLS, or unix:///path/redis.sock"
        )
    prefix = get("LOANMATCH_REDIS_PREFIX", "loanmatch:")
    if not prefix or any(c.isspace() for c in prefix):
        raise ConfigError(
            f"LOANMATCH_REDIS_PREFIX: use non-empty text without spaces, not {prefix!r}"
        )

    def positive(name: str, default: str) -> int:
        value = _whole(get(name, default), name)
        if value < 1:
            raise ConfigError(f"{name}: use a whole number of 1 or more, not {value}")
        return value

    return dict(
        redis_url=url,
        data_dir=get("LOANMATCH_DATA_DIR", "var") or "var",
        redis_prefix=prefix,
        lead_dedup_days=positive("LOANMATCH_LEAD_DEDUP_DAYS", "30"),
        lead_visibility_timeout=positive("LOANMATCH_LEAD_VISIBILITY_TIMEOUT", "300"),
        overflow_every=positive("LOANMATCH_OVERFLOW_EVERY", "60"),
    )


def _seconds_or_off(get, name: str, default: str, low: float, high: float) -> float | None:
    """Seconds between ``low`` and ``high``, or None for ``off`` (or 0)."""
    text = get(name, default)
    try:
        value = None if text.lower() in ("off", "0") else float(text)
    except ValueError:
        value = -1.0
    if value is not None and not low <= value <= high:
        raise ConfigError(f"{name}: use seconds between {low:g} and {high:g}, or off, not {text!r}")
    return value


def reload_settings(get) -> dict:
    """Hot reload, replay and publishing settings, from ``get(name, default)``."""
    return dict(
        versions_dir=get("LOANMATCH_VERSIONS_DIR"),
        watch=_seconds_or_off(get, "LOANMATCH_WATCH", "1", 0.1, 3600),
        replay_cache=_whole(get("LOANMATCH_REPLAY_CACHE", "2"), "LOANMATCH_REPLAY_CACHE"),
        publish_interval=_seconds_or_off(get, "LOANMATCH_PUBLISH_INTERVAL", "10", 0.01, 86400),
    )
