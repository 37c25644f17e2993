"""Test helpers shared by registrasi's unit and integration tests."""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

from services.common.auth import Actor, Role
from services.common.contracts import registrasi as contracts

PASSWORD = "Karangasem#Aman2012"  # passes the policy
PDF = b"%PDF-1.4\n% test document\n"


class FakeHasher:
    """Fast stand-in for argon2: ``fake$<password>``; counts calls."""

    def __init__(self, rehash_prefix: str = "old$"):
        self.calls: list[str] = []
        self.rehash_prefix = rehash_prefix

    def hash(self, password: str) -> str:
        self.calls.append("hash")
        return f"fake${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.calls.append("verify")
        return password_hash in (f"fake${password}", f"{self.rehash_prefix}{password}")

    def needs_rehash(self, password_hash: str) -> bool:
        return password_hash.startswith(self.rehash_prefix)

    def dummy_verify(self, password: str) -> None:
        self.calls.append("dummy_verify")


class FakeBlobs:
    """Blob index that knows the documents it was given."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[int, str | None]] = {}

    def add(self, content: bytes = PDF, content_type: str = "application/pdf") -> dict:
        sha = hashlib.sha256(content + uuid.uuid4().bytes).hexdigest()
        self.known[sha] = (len(content), content_type)
        return {
            "jenis": "akta",
            "sha256": sha,
            "filename": "akta.pdf",
            "content_type": "application/pdf",
            "size": len(content),
        }

    def describe(self, sha256: str) -> tuple[int, str | None] | None:
        return self.known.get(sha256)


def key() -> str:
    return f"test-{uuid.uuid4().hex}"


def npwp(n: int | None = None) -> str:
    n = uuid.uuid4().int % 10**15 if n is None else n
    return f"{n:015d}"


def actor_of(
    user: dict[str, Any], ip: str | None = "10.0.0.1", session_id: str | None = None
) -> Actor:
    return Actor(
        user_id=user["user_id"],
        username=user["username"],
        roles=tuple(str(r) for r in user["roles"]),
        agency_id=user.get("agency_id"),
        penyedia_id=user.get("penyedia_id"),
        session_id=session_id,
        ip=ip,
    )


def load(contract: Any, **raw: Any) -> dict[str, Any]:
    """A request as the service receives it: loaded through its contract."""
    if contract.idempotent:
        raw.setdefault("idempotency_key", key())
    for name, value in list(raw.items()):
        if isinstance(value, Actor):
            raw[name] = value.to_dict()
    return contract.load_request(raw)


def register_raw(
    username: str, dokumen: list[dict], **overrides: Any
) -> dict[str, Any]:
    raw = {
        "actor": {"ip": "10.9.9.9"},
        "nama": f"CV {username.title()}",
        "bentuk_usaha": "CV",
        "npwp": npwp(),
        "nib": "9120001234567",
        "alamat": "Jl. Diponegoro 1, Amlapura",
        "kota": "Karangasem",
        "email": f"{username}@example.com",
        "telepon": "0363-21000",
        "username": username,
        "password": PASSWORD,
        "dokumen": dokumen,
        "setuju_pakta_integritas": True,
    }
    raw.update(overrides)
    return raw


PERMINTAAN = {
    "peran": str(Role.PPK),
    "nama": "I Made PPK",
    "nomor_surat": "027/123/DPU/2012",
    "tanggal_surat": "2012-09-01",
}
ROLES = contracts.Role


def with_key(**raw: Any) -> dict[str, Any]:
    """A raw (JSON) idempotent request: a fresh key, actors as dicts."""
    raw.setdefault("idempotency_key", key())
    return {k: (v.to_dict() if isinstance(v, Actor) else v) for k, v in raw.items()}


@contextlib.contextmanager
def direct_uow(url: str) -> Iterator[Any]:
    """A registrasi unit of work on ``url`` outside nameko (as the CLI builds it)."""
    from services.common.db import Database, UoW
    from services.registrasi.storage.models import INFRA
    from services.registrasi.storage.repository import REPOSITORIES

    db = Database(url)
    uow = UoW(db.sessionmaker, REPOSITORIES, INFRA, "registrasi")
    try:
        yield uow
    finally:
        uow.close()
        db.engine.dispose()
