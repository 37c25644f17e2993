"""registrasi's small nameko DependencyProviders: clock, hasher, auth config, blobs.

Each builds its object once in ``setup()`` from the container's validated Settings
(nothing at import time) and injects the same object into every worker.
"""

from __future__ import annotations

from typing import Any

from services.common.blobstore import BlobStore
from services.common.providers import SharedProvider
from services.registrasi.hashing import Argon2Hasher, bounded_offload, hashing_slots
from services.registrasi.usecases import AuthConfig


class HasherProvider(SharedProvider):
    """argon2id with the Settings' parameters, every call through ``tpool.execute``
    (at most :func:`hashing_slots` at a time)."""

    def build(self, settings: Any) -> Argon2Hasher:
        return Argon2Hasher.from_settings(
            settings, offload=bounded_offload(hashing_slots())
        )


class PasswordGate(SharedProvider):
    """At most ``hashing_slots() + 1`` password operations (login, password change,
    account creation) in progress per process; the rest wait in line, in order.

    Each login also costs the hub ~10 ms of database and ORM work; 20 logins that
    arrive together would otherwise run that work interleaved and keep every other
    request (a ping, a heartbeat) waiting behind 20 greenthreads. Admitting a few at a
    time bounds that wait; the logins themselves finish no later, because the hashing
    they queue for is limited to ``hashing_slots()`` anyway.
    """

    def build(self, settings: Any) -> Any:
        from eventlet import semaphore

        return semaphore.Semaphore(hashing_slots())


class AuthProvider(SharedProvider):
    """Token and login-throttling parameters (:class:`AuthConfig`)."""

    def build(self, settings: Any) -> AuthConfig:
        if not settings.jwt_secret:
            raise RuntimeError("registrasi needs JWT_SECRET")
        return AuthConfig.from_settings(settings)


class BlobIndex:
    """What the use cases may ask the blob store: does a document exist, how big, what
    type (sniffed from its first bytes, not taken from the client)."""

    def __init__(self, store: BlobStore):
        self.store = store

    def describe(self, sha256: str) -> tuple[int, str | None] | None:
        return self.store.describe(sha256)


class BlobsProvider(SharedProvider):
    """The document blob store (BLOB_DIR, shared with the gateway)."""

    def build(self, settings: Any) -> BlobIndex:
        return BlobIndex(BlobStore(settings.blob_path()))
