"""Server time, injected. Domain code takes ``now``; services read it from one Clock.

``SystemClock`` is the real time in UTC. ``TestClock`` (only with ``LPSE_ENV=test``)
adds an offset that an admin call may set, so a whole tender can be driven end to end
in seconds. The offset lives in one small file (``<VAR_DIR>/test-clock.json``) so every
process of a test deployment on one host agrees on the time.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from services.common.errors import Forbidden

WITA = ZoneInfo("Asia/Makassar")


def utcnow() -> datetime:
    return datetime.now(UTC)


#: slack on top of a queue's longest wait before a next attempt counts as set by a
#: clock that has stepped back since (timestamps are not rounded alike everywhere)
CLOCK_SLACK = timedelta(seconds=1)


def retry_horizon(now: datetime, max_wait_seconds: float) -> datetime:
    """The clock-step guard of a retry queue (forwarding, e-mail delivery): no retry
    waits longer than ``max_wait_seconds``, so a next attempt scheduled after the
    returned instant was set by a clock that has gone back since (an NTP
    correction, a test clock reset), and is due now."""
    return now + timedelta(seconds=max_wait_seconds) + CLOCK_SLACK


class SystemClock:
    """The real time, timezone-aware UTC."""

    settable = False

    def now(self) -> datetime:
        return utcnow()

    def set_offset(self, seconds: float) -> None:
        raise Forbidden("TEST_CLOCK_DISABLED",
                        "the clock can only be set when LPSE_ENV=test")


class TestClock(SystemClock):
    """Real time plus an offset stored in a file shared by the processes of one host."""

    settable = True
    __test__ = False  # not a pytest test class

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._cached: tuple[float, float] | None = None  # (mtime, offset)

    def offset(self) -> float:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return 0.0
        if self._cached and self._cached[0] == mtime:
            return self._cached[1]
        try:
            value = float(json.loads(self.path.read_text())["offset_seconds"])
        except (ValueError, KeyError, OSError):
            value = 0.0
        self._cached = (mtime, value)
        return value

    def now(self) -> datetime:
        return utcnow() + timedelta(seconds=self.offset())

    def set_offset(self, seconds: float) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"offset_seconds": float(seconds)}))
        os.replace(tmp, self.path)


class FixedClock(SystemClock):
    """A clock that only moves when told to; for unit tests."""

    settable = True

    def __init__(self, now: datetime):
        if now.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set_offset(self, seconds: float) -> None:
        self._now = self._now + timedelta(seconds=seconds)

    def advance(self, **kwargs: float) -> None:
        self._now = self._now + timedelta(**kwargs)


def clock_for(settings) -> SystemClock:
    """The clock a deployment uses: settable only when ``LPSE_ENV=test``."""
    if settings.lpse_env == "test":
        return TestClock(Path(settings.var_dir) / "test-clock.json")
    return SystemClock()
