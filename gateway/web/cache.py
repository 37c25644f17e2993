"""A short-lived in-process cache of rendered public pages, and conditional GET.

Why in-process, and why a few seconds: at a bid deadline every vendor refreshes the
same lelang page. With this cache each gateway process asks the services at most
once per page per ``WEB_CACHE_SECONDS`` (``gunicorn`` workers x pages x 1/interval
RPCs, whatever the number of visitors), and a browser that already has the page
gets ``304 Not Modified`` from its ``ETag`` without any rendering. A few seconds of
staleness is acceptable for public announcements (the services stay the source of
truth for every deadline: a late bid is refused by lelang, not by this page) and it
needs no invalidation protocol between the services and the gateway. A shared cache
(Redis, a reverse proxy) would save a little more but adds a moving part; the
``Cache-Control: public, max-age`` we send lets a proxy in front do exactly that.

* Single flight: when an entry is missing, one thread renders it while the others
  with the same key wait; when it is merely stale, one thread refreshes it and the
  others are served the stale copy meanwhile (stale-while-revalidate).
* Stale-if-error: when the refresh fails because a service is down, the last good
  copy is served for up to ``WEB_STALE_IF_ERROR`` more seconds.
* Bounded: at most ``WEB_CACHE_MAX_ENTRIES`` keys (least recently used dropped);
  keys are built from *validated* query parameters only, so junk parameters cannot
  grow it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Response, request

log = logging.getLogger(__name__)

T = TypeVar("T")
LOCK_STRIPES = 64


@dataclass(frozen=True)
class Page:
    """A rendered response: what the cache keeps and what a 304 is checked against."""

    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256(self.body).hexdigest()[:32]
        object.__setattr__(self, "etag", digest)


@dataclass
class _Entry:
    value: Any
    fresh_until: float
    stale_until: float


class PageCache:
    """Thread-safe TTL + LRU cache with single-flight refresh (see module doc).

    :param ttl: seconds an entry is fresh; ``0`` disables caching entirely.
    :param stale_on: exception types after which a stale entry may still be served.
    """

    def __init__(self, ttl: float, max_entries: int, stale_if_error: float = 0.0, *,
                 stale_on: tuple[type[BaseException], ...] = (),
                 monotonic: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.max_entries = max_entries
        self.stale_if_error = stale_if_error
        self.stale_on = stale_on
        self._monotonic = monotonic
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(LOCK_STRIPES)]
        self.renders = 0  # how many times a value was computed (for tests, metrics)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _lookup(self, key: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _store(self, key: str, value: Any) -> None:
        now = self._monotonic()
        with self._lock:
            self._entries[key] = _Entry(value, now + self.ttl,
                                        now + self.ttl + self.stale_if_error)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _compute(self, key: str, compute: Callable[[], T],
                 cacheable: Callable[[T], bool]) -> T:
        value = compute()
        self.renders += 1
        if cacheable(value):
            self._store(key, value)
        return value

    def get(self, key: str, compute: Callable[[], T],
            cacheable: Callable[[T], bool] = lambda value: True) -> T:
        """The cached value of ``key``, computing it (once, for all threads) when
        missing or stale. Exceptions of ``compute`` propagate unless a stale copy
        may be served instead."""
        if self.ttl <= 0:
            self.renders += 1
            return compute()
        entry = self._lookup(key)
        if entry is not None and self._monotonic() < entry.fresh_until:
            return entry.value
        stripe = self._stripes[hash(key) % LOCK_STRIPES]
        if entry is not None:
            if not stripe.acquire(blocking=False):
                return entry.value  # another thread is refreshing it right now
            try:
                return self._compute(key, compute, cacheable)
            except self.stale_on:
                if self._monotonic() < entry.stale_until:
                    log.warning("serving a stale page", extra={
                        "message_id": "web_cache_stale_if_error", "key": key})
                    return entry.value
                raise
            finally:
                stripe.release()
        with stripe:
            entry = self._lookup(key)  # filled while this thread waited?
            if entry is not None and self._monotonic() < entry.fresh_until:
                return entry.value
            return self._compute(key, compute, cacheable)


def etag_matches(etag: str) -> bool:
    """Does the request's ``If-None-Match`` name this (strong) ETag?"""
    return request.if_none_match.contains_weak(etag)


def page_response(page: Page, *, max_age: float, public: bool = True) -> Response:
    """The response for a page, or ``304`` when the client has it already."""
    cache_control = (f"public, max-age={int(max_age)}" if public and max_age > 0
                     else "no-cache")
    if page.status == 200 and etag_matches(page.etag):
        response = Response(status=304)
    else:
        response = Response(page.body, status=page.status,
                            content_type=page.content_type)
        for name, value in page.headers:
            response.headers[name] = value
    response.set_etag(page.etag)
    response.headers["Cache-Control"] = cache_control
    return response
