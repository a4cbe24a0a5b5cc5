"""Time as the leads library sees it: China Standard Time, injectable for tests.

Daily caps reset at midnight in Beijing and statistics group by the Beijing month,
because that is the day and month the banks work in. China has observed no
daylight-saving time since 1991, so a fixed +08:00 offset is exact and needs no
tz database on the host.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(SHANGHAI)


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, SHANGHAI)


def iso(moment: datetime) -> str:
    """ISO 8601 with milliseconds and the +08:00 offset, as every stored timestamp is written."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="milliseconds")


def day_key(moment: datetime) -> str:
    """The Beijing calendar day, ``YYYYMMDD``: the period of a branch's daily cap."""
    return moment.astimezone(SHANGHAI).strftime("%Y%m%d")


def month_key(ms: int) -> str:
    """The Beijing month, ``YYYY-MM``, of an epoch-milliseconds instant."""
    return from_ms(ms).strftime("%Y-%m")
