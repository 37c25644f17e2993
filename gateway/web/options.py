"""Options of the public website, read from the environment once, in ``init_app``.

============================  =======================================================
``WEB_CACHE_SECONDS``         how long one gateway process serves a rendered public
                              page without asking the services again (default 5;
                              0 disables the cache); also the ``max-age`` sent
``WEB_CACHE_MAX_ENTRIES``     rendered pages kept per process (default 2000, LRU)
``WEB_STALE_IF_ERROR``        seconds past freshness a page may still be served
                              when the service behind it is down (default 120)
``WEB_FORM_RATE``             form submissions per client address: ``N/SECONDS``
                              (default ``10/60``); ``0`` disables the limit
``WEB_CSRF_MAX_AGE``          seconds a form stays valid after it was shown
                              (default 7200)
``WEB_CONTACT_ADDRESS``       the LPSE's postal address on the contact page
``WEB_CONTACT_EMAIL``         helpdesk e-mail shown on the contact page (optional)
``WEB_CONTACT_PHONE``         helpdesk phone shown on the contact page (optional)
============================  =======================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from services.common.config import ConfigError

DEFAULT_ADDRESS = "Kantor LPSE Kabupaten Karangasem, Amlapura, Bali"


@dataclass(frozen=True)
class WebOptions:
    cache_seconds: float = 5.0
    cache_max_entries: int = 2000
    stale_if_error_seconds: float = 120.0
    form_rate: int = 10
    form_rate_seconds: float = 60.0
    csrf_max_age: int = 7200
    contact_address: str = DEFAULT_ADDRESS
    contact_email: str = ""
    contact_phone: str = ""


def _number(environ: Mapping[str, str], name: str, default: float, low: float,
            high: float, problems: dict[str, str]) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        problems[name] = f"not a number: {raw!r}"
        return default
    if not low <= value <= high:
        problems[name] = f"must be between {low} and {high}"
        return default
    return value


def _rate(environ: Mapping[str, str], problems: dict[str, str]) -> tuple[int, float]:
    raw = environ.get("WEB_FORM_RATE", "").strip()
    if not raw:
        return 10, 60.0
    if raw == "0":
        return 0, 60.0
    count, _, seconds = raw.partition("/")
    try:
        parsed = int(count), float(seconds or "60")
    except ValueError:
        problems["WEB_FORM_RATE"] = f"expected N/SECONDS, got {raw!r}"
        return 10, 60.0
    if parsed[0] < 1 or not 1 <= parsed[1] <= 86400:
        problems["WEB_FORM_RATE"] = "N must be at least 1, SECONDS 1-86400"
        return 10, 60.0
    return parsed


def load_web_options(environ: Mapping[str, str] | None = None) -> WebOptions:
    """Read and validate the website options.

    :raises ConfigError: listing every invalid variable at once.
    """
    environ = os.environ if environ is None else environ
    problems: dict[str, str] = {}
    rate, per = _rate(environ, problems)
    options = WebOptions(
        cache_seconds=_number(environ, "WEB_CACHE_SECONDS", 5.0, 0, 3600, problems),
        cache_max_entries=int(_number(environ, "WEB_CACHE_MAX_ENTRIES", 2000, 10,
                                      1_000_000, problems)),
        stale_if_error_seconds=_number(environ, "WEB_STALE_IF_ERROR", 120.0, 0,
                                       86400, problems),
        form_rate=rate, form_rate_seconds=per,
        csrf_max_age=int(_number(environ, "WEB_CSRF_MAX_AGE", 7200, 60, 7 * 86400,
                                 problems)),
        contact_address=environ.get("WEB_CONTACT_ADDRESS", "").strip()
        or DEFAULT_ADDRESS,
        contact_email=environ.get("WEB_CONTACT_EMAIL", "").strip(),
        contact_phone=environ.get("WEB_CONTACT_PHONE", "").strip(),
    )
    if problems:
        raise ConfigError(problems)
    return options
