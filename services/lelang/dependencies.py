"""lelang's nameko DependencyProviders: clock, envelope keys, blobs, registrasi.

Each builds its object once in ``setup()`` from the container's validated Settings
and injects the same object into every worker. CPU-bound crypto (decrypting bids at
the opening) runs in ``eventlet.tpool`` so the hub keeps serving.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any, BinaryIO

from services.common import sealing
from services.common.blobstore import BlobRef, BlobStore
from services.common.broker import ResilientRpcProxy
from services.common.contracts import registrasi as registrasi_contracts
from services.common.messaging import RpcClient
from services.common.providers import SharedProvider
from services.common.sqlite import check_not_writing
from services.lelang.domain import Kalender


class KalenderProvider(SharedProvider):
    """Working days: Indonesian holidays plus the days the LPSE declares
    (``LPSE_LIBUR``)."""

    def build(self, settings: Any) -> Kalender:
        return Kalender(settings.libur_lpse())


class KeyVault:
    """Envelope key pairs; private keys wrapped by the master key, bound to their
    lelang and sampul (a wrapped key moved to another lelang does not unwrap)."""

    def __init__(self, master_key: bytes):
        self._master = master_key
        self._receipt_key = hmac.new(master_key, b"lpse-receipt-v1",
                                     hashlib.sha256).digest()

    @staticmethod
    def _aad(lelang_id: str, sampul: str) -> bytes:
        return f"{lelang_id}:{sampul}".encode()

    def create(self, lelang_id: str, sampul: str) -> tuple[str, str, str]:
        private, public = sealing.generate_keypair()
        wrapped = sealing.wrap_private_key(self._master, private,
                                           self._aad(lelang_id, sampul))
        return sealing.key_id(public), sealing.public_key_b64(public), wrapped

    def unwrap(self, lelang_id: str, sampul: str, wrapped: str) -> bytes:
        return sealing.unwrap_private_key(self._master, wrapped,
                                          self._aad(lelang_id, sampul))

    def sign(self, text: str) -> str:
        return hmac.new(self._receipt_key, text.encode(), hashlib.sha256).hexdigest()


class KeysProvider(SharedProvider):
    def build(self, settings: Any) -> KeyVault:
        if not settings.lelang_master_key:
            raise RuntimeError("lelang needs LELANG_MASTER_KEY")
        return KeyVault(sealing.load_master_key(settings.lelang_master_key))


class Blobs:
    """The blob store as the use cases need it."""

    def __init__(self, store: BlobStore, offload: Any = None, pool: Any = None):
        self.store = store
        self._offload = offload or (lambda fn, *a: fn(*a))
        self._pool = pool  # a GreenPool-like ``imap``: files open side by side

    def describe(self, sha256: str) -> tuple[int, str | None] | None:
        return self.store.describe(sha256)

    def head(self, sha256: str, n: int) -> bytes:
        return self.store.head(sha256, n)

    def open(self, sha256: str) -> BinaryIO:
        return self.store.open(sha256)

    def open_sealed(self, sha256: str, private: bytes) -> BlobRef:
        """Decrypt a sealed blob into the store (the opening); SealError if it
        will not open."""
        return self._offload(self._open_sealed, sha256, private)

    def open_many(self, shas: list[str], private: bytes) -> list[Any]:
        """:meth:`open_sealed` for each, side by side where a pool is given; each
        result is a ``BlobRef`` or the ``SealError`` of that file."""

        def one(sha: str) -> Any:
            try:
                return self.open_sealed(sha, private)
            except sealing.SealError as exc:
                return exc

        mapper = self._pool.imap if self._pool is not None else map
        return list(mapper(one, shas))

    def _open_sealed(self, sha256: str, private: bytes) -> BlobRef:
        return self.store.put_opened(sha256, private)


class BlobsProvider(SharedProvider):
    def build(self, settings: Any) -> Blobs:
        from eventlet import GreenPool, tpool

        root = settings.blob_path()
        os.makedirs(root, exist_ok=True)
        return Blobs(BlobStore(root), offload=tpool.execute, pool=GreenPool(4))


class RegistrasiClient:
    """Typed calls to registrasi (service to service)."""

    def __init__(self, proxy: Any):
        self._client = RpcClient(lambda service: proxy)

    def penyedia(self, penyedia_id: str) -> dict[str, Any]:
        check_not_writing("an RPC to registrasi.check_penyedia_eligible")
        return self._client.call(registrasi_contracts.CHECK_PENYEDIA_ELIGIBLE,
                                 {"penyedia_id": penyedia_id})

    def users(self, user_ids: list[str]) -> list[dict[str, Any]]:
        check_not_writing("an RPC to registrasi.describe_users")
        return self._client.call(registrasi_contracts.DESCRIBE_USERS,
                                 {"user_ids": user_ids})


class RegistrasiProvider(ResilientRpcProxy):
    """An RPC proxy to registrasi (its requests carry a deadline, its wait is bounded),
    wrapped in the typed client."""

    def __init__(self) -> None:
        super().__init__(registrasi_contracts.SERVICE)

    def get_dependency(self, worker_ctx: Any) -> RegistrasiClient:
        return RegistrasiClient(super().get_dependency(worker_ctx))
