"""What the lelang use cases share: their ports, authorization on every object,
the stage guard, events and the views the contracts dump.

Every use case is ``fn(uow, request, now, deps)``; ``deps`` carries the ports
(:class:`Deps`). Authorization is per object: only the lelang's own Pokja acts as
Pokja, only its PPK as PPK, only the agency's PA/KPA as PA/KPA; a penyedia sees its
own bids only; LPSE staff get the public view and no write (Pasal 6(3)).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, BinaryIO, Protocol

from services.common.auth import Actor, Role
from services.common.contracts import lelang as contracts
from services.common.errors import (
    BadRequest,
    Forbidden,
    InvalidTransition,
    NotFound,
    Unauthenticated,
)
from services.lelang.domain import (
    NOT_PUBLIC,
    Kalender,
    Lelang,
    LelangAction,
    StatusLelang,
    active_tahapan,
    allowed_actions,
)
from services.lelang.storage.models import LelangRow
from services.lelang.storage.repository import copy_to_row, to_domain

A = LelangAction
S = StatusLelang

PENYEDIA_ACTIONS = frozenset({
    A.REGISTER_PESERTA, A.DOWNLOAD_DOKUMEN, A.ASK_PENJELASAN, A.SUBMIT_KUALIFIKASI,
    A.UPLOAD_PENAWARAN, A.WITHDRAW_PENAWARAN, A.FILE_SANGGAH,
})
PPK_ACTIONS = frozenset({A.ISSUE_SPPBJ, A.SIGN_KONTRAK})
POKJA_ACTIONS = frozenset(set(A) - PENYEDIA_ACTIONS - PPK_ACTIONS)

#: a specific code for the stage guard of the actions people race against
CLOSED_CODES = {
    A.UPLOAD_PENAWARAN: "PENAWARAN_DEADLINE_PASSED",
    A.WITHDRAW_PENAWARAN: "PENAWARAN_DEADLINE_PASSED",
    A.FILE_SANGGAH: "SANGGAH_WINDOW_CLOSED",
    A.REGISTER_PESERTA: "PENDAFTARAN_CLOSED",
    A.ASK_PENJELASAN: "PENJELASAN_CLOSED",
    A.SUBMIT_KUALIFIKASI: "KUALIFIKASI_DEADLINE_PASSED",
    A.OPEN_PENAWARAN: "PEMBUKAAN_NOT_OPEN",
}


# ------------------------------------------------------------------ ports
class Keys(Protocol):
    """Envelope keys: made at announcement, unwrapped only for the opening."""

    def create(self, lelang_id: str, sampul: str) -> tuple[str, str, str]:
        """``(key_id, public_key_b64, wrapped_private_key)``."""

    def unwrap(self, lelang_id: str, sampul: str, wrapped: str) -> bytes: ...

    def sign(self, text: str) -> str:
        """HMAC-SHA256 (hex) of a receipt, with a key derived from the master key."""


class Blobs(Protocol):
    def describe(self, sha256: str) -> tuple[int, str | None] | None: ...
    def head(self, sha256: str, n: int) -> bytes: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def open_many(self, shas: list[str], private: bytes) -> list[Any]:
        """Decrypt each sealed blob into the store (the opening): a ``BlobRef``, or
        the ``SealError`` of a file that will not open."""


class Registrasi(Protocol):
    def penyedia(self, penyedia_id: str) -> dict[str, Any]:
        """``{eligible, status, nama, npwp, alamat}`` of a penyedia."""

    def users(self, user_ids: list[str]) -> list[dict[str, Any]]:
        """``{user_id, nama, roles, agency_id, status}`` of each known user."""


@dataclass
class Deps:
    keys: Keys
    blobs: Blobs
    registrasi: Registrasi
    kalender: Kalender


def new_id() -> str:
    return str(uuid.uuid4())


# ------------------------------------------------------------------ authorization
def require_user(actor: Actor | None) -> Actor:
    if actor is None or actor.is_anonymous:
        raise Unauthenticated("AUTHENTICATION_REQUIRED", "log in first")
    return actor


def require_writer(actor: Actor | None, *roles: Role) -> Actor:
    actor = require_user(actor)
    if not actor.has_role(*roles):
        raise Forbidden("ROLE_REQUIRED", "your role may not do this",
                        {"allowed_roles": [str(r) for r in roles]})
    if actor.must_change_password:
        raise Forbidden("PASSWORD_CHANGE_REQUIRED", "change the initial password")
    return actor


def is_pokja(actor: Actor | None, row: Any) -> bool:
    return bool(actor and actor.user_id and actor.has_role(Role.POKJA)
                and actor.user_id in (row.pokja_ids or []))


def is_ppk(actor: Actor | None, row: Any) -> bool:
    return bool(actor and actor.user_id and actor.has_role(Role.PPK)
                and actor.user_id == row.ppk_id)


def is_pa(actor: Actor | None, row: Any) -> bool:
    return bool(actor and actor.has_role(Role.PA, Role.KPA)
                and actor.agency_id == row.agency_id)


def is_auditor(actor: Actor | None) -> bool:
    return bool(actor and actor.has_role(Role.AUDITOR))


def is_party(actor: Actor | None, row: Any) -> bool:
    """Pokja, PPK, PA/KPA of the agency, or an Auditor: may read the internals."""
    return (is_pokja(actor, row) or is_ppk(actor, row) or is_pa(actor, row)
            or is_auditor(actor))


def require_pokja(actor: Actor | None, row: Any) -> Actor:
    actor = require_writer(actor, Role.POKJA)
    if not is_pokja(actor, row):
        raise Forbidden("NOT_POKJA_OF_LELANG", "you are not in this lelang's Pokja")
    return actor


def require_ppk(actor: Actor | None, row: Any) -> Actor:
    actor = require_writer(actor, Role.PPK)
    if not is_ppk(actor, row):
        raise Forbidden("NOT_PPK_OF_LELANG", "you are not this lelang's PPK")
    return actor


def require_penyedia(actor: Actor | None) -> Actor:
    actor = require_writer(actor, Role.PENYEDIA)
    if not actor.penyedia_id:
        raise Forbidden("ROLE_REQUIRED", "a penyedia account is required")
    return actor


# ------------------------------------------------------------------ loading
def load(uow: Any, lelang_id: str, lock: str | None = None) -> tuple[Lelang, LelangRow]:
    row = uow.lelang.get_row(lelang_id, lock=lock)
    if row is None:
        raise NotFound("LELANG_NOT_FOUND", "lelang not found",
                       {"lelang_id": lelang_id})
    return to_domain(row), row


def load_visible(uow: Any, lelang_id: str, actor: Actor | None) -> tuple[Lelang,
                                                                      LelangRow]:
    """A draft (and a withdrawn one) is visible to its own Pokja, PPK and Auditors
    only."""
    lelang, row = load(uow, lelang_id)
    if lelang.status in NOT_PUBLIC and not is_party(actor, row):
        raise NotFound("LELANG_NOT_FOUND", "lelang not found",
                       {"lelang_id": lelang_id})
    return lelang, row


def save(uow: Any, lelang: Lelang, row: LelangRow, now: datetime) -> None:
    copy_to_row(lelang, row, now)


# ------------------------------------------------------------------ stage guard
def require_action(lelang: Lelang, action: LelangAction, now: datetime) -> None:
    """The open stages must allow ``action`` now (server time).

    :raises InvalidTransition: ``LELANG_HALTED``, ``LELANG_NOT_RUNNING`` or the
        action's closed code (``PENAWARAN_DEADLINE_PASSED``, ...,
        ``TAHAPAN_CLOSED``) with the stages open now.
    """
    if lelang.status is S.DIHENTIKAN_SEMENTARA:
        raise InvalidTransition("LELANG_HALTED", "halted by a sanggah banding")
    if lelang.status not in (S.DIUMUMKAN, S.BERJALAN):
        raise InvalidTransition("LELANG_NOT_RUNNING", "the lelang is not running",
                                {"status": str(lelang.status)})
    if action not in allowed_actions(lelang.definition, lelang.jadwal, now):
        stages = [e for e in lelang.jadwal
                  if lelang.definition.stage(e.tahapan)
                  and action in lelang.definition.stage(e.tahapan).allows]
        raise InvalidTransition(
            CLOSED_CODES.get(action, "TAHAPAN_CLOSED"), "not allowed at this stage",
            {"action": str(action),
             "tahapan_aktif": [str(e.tahapan) for e in
                               active_tahapan(lelang.jadwal, now)],
             "jadwal": [{"tahapan": str(e.tahapan), "mulai": e.mulai.isoformat(),
                         "selesai": e.selesai.isoformat()} for e in stages],
             "now": now.isoformat()})


def open_stage(lelang: Lelang, action: LelangAction, now: datetime) -> Any:
    """The open stage that allows ``action`` (the latest started)."""
    entries = [e for e in active_tahapan(lelang.jadwal, now)
               if action in lelang.definition.stage(e.tahapan).allows]
    return entries[-1] if entries else None


def tindakan(lelang: Lelang, row: Any, actor: Actor | None, now: datetime) -> list:
    """What ``actor`` may do on this lelang now (for clients to show)."""
    if actor is None or actor.is_anonymous or lelang.status not in (S.DIUMUMKAN,
                                                                   S.BERJALAN):
        return []
    open_now = allowed_actions(lelang.definition, lelang.jadwal, now)
    mine: set[LelangAction] = set()
    if actor.has_role(Role.PENYEDIA):
        mine |= PENYEDIA_ACTIONS
    if is_pokja(actor, row):
        mine |= POKJA_ACTIONS
    if is_ppk(actor, row):
        mine |= PPK_ACTIONS
    return sorted(str(a) for a in open_now & mine)


# ------------------------------------------------------------------ events
def lelang_ref(row: LelangRow) -> dict[str, Any]:
    return {"lelang_id": row.lelang_id, "kode": row.kode, "nama": row.nama,
            "agency_id": row.agency_id, "ppk_id": row.ppk_id,
            "pokja_ids": list(row.pokja_ids or []),
            "status": contracts.StatusLelang(row.status),
            "tahapan": row.tahapan}


def emit(uow: Any, contract: Any, row: LelangRow, now: datetime,
         actor: Actor | None = None, **payload: Any) -> None:
    uow.outbox.add(contract, {**lelang_ref(row), **payload}, occurred_at=now,
                   actor=actor)


def log(uow: Any, row: Any, now: datetime, actor: Actor | None, action: str,
        **details: Any) -> None:
    uow.lelang.log(getattr(row, "lelang_id", None), now,
                   actor.user_id if actor else None, action, **details)


# ------------------------------------------------------------------ views
def money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def page(items: list[Any], total: int, request: dict[str, Any]) -> dict[str, Any]:
    return {"items": items, "total": total, "page": request.get("page", 1),
            "per_page": request.get("per_page", 20)}


def jadwal_view(lelang: Lelang) -> list[dict[str, Any]]:
    return [{"tahapan": str(e.tahapan), "mulai": e.mulai, "selesai": e.selesai}
            for e in lelang.jadwal]


def riwayat_view(lelang: Lelang) -> list[dict[str, Any]]:
    return [{"jenis": str(t.jenis), "at": t.at, "status": contracts.StatusLelang(
        str(t.status)), "tahapan": t.tahapan and str(t.tahapan), "alasan": t.alasan,
        "details": t.details} for t in lelang.riwayat]


def dokumen_view(d: dict[str, Any]) -> dict[str, Any]:
    return {"sha256": d["sha256"], "filename": d["filename"],
            "content_type": d["content_type"], "size": d["size"],
            "uploaded_at": datetime.fromisoformat(d["uploaded_at"])
            if d.get("uploaded_at") else None, "versi": d.get("versi")}


def dokumen_json(d: dict[str, Any], now: datetime, versi: int | None = None
                 ) -> dict[str, Any]:
    return {"sha256": d["sha256"], "filename": d["filename"],
            "content_type": d["content_type"], "size": int(d["size"]),
            "uploaded_at": now.isoformat(), "versi": versi}


def check_dokumen(deps: Deps, refs: list[dict[str, Any]]) -> None:
    """Each referenced document is in the blob store with the stated size."""
    for ref in refs:
        described = deps.blobs.describe(ref["sha256"])
        if described is None or described[0] != int(ref["size"]):
            raise BadRequest("DOKUMEN_NOT_UPLOADED", "document not in the store",
                             {"sha256": ref["sha256"]})
