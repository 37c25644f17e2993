"""Authentication: ``Authorization: Bearer <jwt>`` -> :class:`Actor`.

1. The JWT is verified locally first (signature, algorithm allow-list, ``exp``,
   ``aud``, ``iss``): garbage never costs an RPC.
2. registrasi ``AUTHENTICATE`` then says whether the session is still alive (logout,
   deactivation and blacklisting revoke it) and returns the current Actor.
3. Its answer is cached per process for ``AUTH_CACHE_SECONDS`` (default 2, 0
   disables), keyed by the token's SHA-256 and never beyond the token's ``exp``; a
   logout through this process evicts the entry at once. So a revoked session keeps
   working for at most that many seconds on the other worker processes.

The Actor's ``ip`` is the client address: ``request.remote_addr``, or with
``TRUST_PROXY=N`` the N-th ``X-Forwarded-For`` entry from the right (the one the
outermost trusted proxy appended; entries further left are client-supplied).

Authorization is the services' job (ARCHITECTURE #5); the gateway only tells the
anonymous public from a signed-in actor.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import ipaddress
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import g, request

from gateway.context import ctx
from services.common.auth import Actor, verify_token
from services.common.contracts.registrasi import AUTHENTICATE
from services.common.errors import Forbidden, Unauthenticated

MAX_TOKEN_LENGTH = 4096


class Authenticator:
    """Verifies tokens and asks registrasi about the session, with a small TTL cache."""

    def __init__(self, settings: Any, rpc: Any, *, cache_seconds: float, clock: Any,
                 max_entries: int = 10_000,
                 monotonic: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.rpc = rpc
        self.cache_seconds = cache_seconds
        self.clock = clock
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._cache: dict[str, tuple[Actor, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()

    def authenticate(self, token: str, ip: str | None) -> Actor:
        """The Actor of a live session; raises ``Unauthenticated`` otherwise."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("TOKEN_INVALID", "token invalid")
        now = self.clock.now()
        claims = verify_token(self.settings.jwt_secret, token,
                              audience=self.settings.jwt_audience,
                              issuer=self.settings.jwt_issuer, now=now)
        key = self._key(token)
        cached = self._cached(key)
        if cached is not None:
            return dataclasses.replace(cached, ip=ip)
        actor = self.rpc.call(AUTHENTICATE, {"token": token, "ip": ip})
        if actor is None or actor.is_anonymous:
            raise Unauthenticated("SESSION_REVOKED", "session not alive")
        lifetime = min(self.cache_seconds, float(claims["exp"]) - now.timestamp())
        if lifetime > 0:
            self._store(key, actor, lifetime)
        return dataclasses.replace(actor, ip=ip)

    def _cached(self, key: str) -> Actor | None:
        if self.cache_seconds <= 0:
            return None
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            if entry[1] <= self._monotonic():
                del self._cache[key]
                return None
            return entry[0]

    def _store(self, key: str, actor: Actor, lifetime: float) -> None:
        now = self._monotonic()
        with self._lock:
            if len(self._cache) >= self.max_entries:
                for stale in [k for k, (_, exp) in self._cache.items() if exp <= now]:
                    del self._cache[stale]
                if len(self._cache) >= self.max_entries:
                    self._cache.clear()
            self._cache[key] = (actor, now + lifetime)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def forget(self, token: str) -> None:
        """Evict a token at once (logout, password change through this process)."""
        with self._lock:
            self._cache.pop(self._key(token), None)


# --------------------------------------------------------------------------- request
def client_ip() -> str | None:
    """The client's address; ``X-Forwarded-For`` only counts behind trusted proxies."""
    hops = ctx().options.trust_proxy
    address = request.remote_addr
    if hops:
        header = request.headers.get("X-Forwarded-For", "")
        forwarded = [p.strip() for p in header.split(",") if p.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return request.remote_addr


def bearer_token() -> str | None:
    """The token of the ``Authorization`` header; None when there is no header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("TOKEN_INVALID", "expected 'Authorization: Bearer ...'")
    return token.strip()


def current_actor_or_anonymous() -> Actor:
    """The signed-in actor, or the anonymous public (with its address).

    A request that sends a token must send a valid one (401 otherwise).
    """
    actor = g.get("actor")
    if actor is not None:
        return actor
    ip = client_ip()
    token = bearer_token()
    actor = Actor.anonymous(ip) if token is None else ctx().authenticator.authenticate(
        token, ip)
    g.actor = actor
    return actor


def current_actor() -> Actor:
    """The actor of a view decorated with :func:`require_actor`."""
    return current_actor_or_anonymous()


def require_actor(
    *roles: str, password_change_pending_ok: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: 401 unless a live session; with ``roles``, 403 unless it has one.

    An actor still holding an admin-set initial password gets 403
    ``PASSWORD_CHANGE_REQUIRED``, unless ``password_change_pending_ok`` (changing the
    password, logging out, ``/me``).

    Put it right under ``@blp.route`` so that authentication comes before the
    request body is parsed (a stranger gets 401, not a validation report).
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor_or_anonymous()
            if actor.is_anonymous:
                raise Unauthenticated("UNAUTHENTICATED", "authentication required")
            if actor.must_change_password and not password_change_pending_ok:
                raise Forbidden("PASSWORD_CHANGE_REQUIRED",
                                "change the initial password first")
            if roles and not actor.has_role(*roles):
                raise Forbidden("FORBIDDEN", "role required", {"roles": list(roles)})
            return view(*args, **kwargs)

        return wrapper

    return decorator
