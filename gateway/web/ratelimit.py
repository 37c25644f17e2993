"""Per-client token buckets for the website's forms (registration, complaints,
tracking, status checks).

A bucket holds up to ``rate`` tokens and refills ``rate`` per ``per`` seconds; each
form submission takes one. In-process and per gateway worker, on purpose: it blunts
scripted floods and guessing of tracking secrets without another moving part; the
services keep their own, stricter limits where it matters (registrasi's login
throttle). At most ``max_clients`` buckets are kept (least recently used dropped),
so spoofed or many addresses cannot grow memory without bound.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBucketLimiter:
    def __init__(self, rate: int, per: float, *, max_clients: int = 10_000,
                 monotonic: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.per = per
        self.max_clients = max_clients
        self._monotonic = monotonic
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds to wait."""
        if not self.enabled:
            return 0.0
        now = self._monotonic()
        refill = self.rate / self.per
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * refill)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / refill
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
