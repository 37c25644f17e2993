"""Gateway-only options, read from the environment once, in ``create_app()``.

The shared :class:`services.common.config.Settings` holds what every process needs;
these few variables concern only the HTTP edge:

============================  =======================================================
``CORS_ORIGINS``              comma list of origins allowed to call the API from a
                              browser (``*`` allows any); empty: no CORS headers
``AUTH_CACHE_SECONDS``        how long one process trusts a session it already
                              checked with registrasi (default 2; 0 disables)
``TRUST_PROXY``               number of reverse proxies in front of the gateway whose
                              ``X-Forwarded-For`` entry is trusted (default 0)
``GATEWAY_RPC_POOL_SIZE``     RPC proxies per process (default ``GATEWAY_THREADS``,
                              else 8): one per request thread is enough
============================  =======================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from services.common.config import ConfigError


@dataclass(frozen=True)
class GatewayOptions:
    cors_origins: tuple[str, ...] = ()
    auth_cache_seconds: float = 2.0
    trust_proxy: int = 0
    rpc_pool_size: int = 8

    @property
    def cors_any_origin(self) -> bool:
        return "*" in self.cors_origins


def _number(environ: Mapping[str, str], name: str, default: float, low: float,
            high: float, problems: dict[str, str], *, integer: bool = False) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        problems[name] = f"not a{'n integer' if integer else ' number'}: {raw!r}"
        return default
    if not low <= value <= high:
        problems[name] = f"must be between {low} and {high}"
    return value


def load_options(environ: Mapping[str, str] | None = None) -> GatewayOptions:
    """Read and validate the gateway options.

    :raises ConfigError: listing every invalid variable at once.
    """
    environ = os.environ if environ is None else environ
    problems: dict[str, str] = {}
    raw_origins = environ.get("CORS_ORIGINS", "").split(",")
    origins = tuple(o.strip().rstrip("/") for o in raw_origins if o.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            problems["CORS_ORIGINS"] = f"not an origin (scheme://host): {origin!r}"
    threads = _number(environ, "GATEWAY_THREADS", 8, 1, 256, problems, integer=True)
    cache = _number(environ, "AUTH_CACHE_SECONDS", 2.0, 0, 300, problems)
    proxies = _number(environ, "TRUST_PROXY", 0, 0, 10, problems, integer=True)
    pool = _number(environ, "GATEWAY_RPC_POOL_SIZE", threads, 1, 256, problems,
                   integer=True)
    options = GatewayOptions(cors_origins=origins, auth_cache_seconds=cache,
                             trust_proxy=int(proxies), rpc_pool_size=int(pool))
    if problems:
        raise ConfigError(problems)
    return options
