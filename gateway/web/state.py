"""What the website keeps per app: options, the page cache, the form limiter and
the CSRF guard (on ``app.extensions["lpse_web"]``, like the gateway's own context:
two apps in one process share nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from gateway.web.cache import PageCache
from gateway.web.csrf import CsrfGuard
from gateway.web.options import WebOptions
from gateway.web.ratelimit import TokenBucketLimiter

EXTENSION = "lpse_web"


@dataclass
class WebState:
    options: WebOptions
    cache: PageCache
    ref_cache: PageCache
    limiter: TokenBucketLimiter
    csrf: CsrfGuard

    def clear(self) -> None:
        """Forget cached pages and buckets (tests, and an operator's reload)."""
        self.cache.clear()
        self.ref_cache.clear()
        self.limiter.clear()


def web_state() -> WebState:
    return current_app.extensions[EXTENSION]
