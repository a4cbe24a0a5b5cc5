"""How often one bank may publish or retire: ``LOANMATCH_PUBLISH_INTERVAL`` seconds apart.

Every change that passes puts a new catalog live on every instance (a fresh master
image and fresh workers), and every attempt costs a lint and a scenario run, so one
bank key must not be able to ask for that in a loop. The last attempt's time is kept
per bank in a file under the instance's state folder, read and written under an
``flock``: every worker of the instance sees the same count. An admin key is not
throttled (the platform fixing a catalog must not wait).
"""

from __future__ import annotations

import fcntl
import math
import os
import time
from pathlib import Path

from .problems import Problem


def claim(state_dir: Path, bank_id: str, interval: float | None, *, admin: bool) -> None:
    """Count one publish or retire of ``bank_id``; 429 with Retry-After if too soon."""
    if not interval or admin:
        return
    folder = state_dir / "publish-throttle"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / bank_id, os.O_RDWR | os.O_CREAT, 0o644)
    with os.fdopen(fd, "r+", encoding="ascii") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            last = float(handle.read().strip() or 0)
        except ValueError:
            last = 0.0
        now = time.time()
        wait = last + interval - now
        if 0 < wait <= interval:  # a clock set back makes the stamp a future one: ignore it
            seconds = max(1, math.ceil(wait))
            raise Problem(
                429,
                "rate-limited",
                f"bank '{bank_id}' changed its products less than {interval:g} s "
                f"ago; try again in {seconds} s (LOANMATCH_PUBLISH_INTERVAL)",
                headers={"Retry-After": str(seconds)},
                retry_after=seconds,
            )
        handle.seek(0)
        handle.truncate()
        handle.write(f"{now:.6f}")
