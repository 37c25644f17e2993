"""What the pengaduan use cases share: their ports, authorization, loading with
the access rule, events and the views the contracts dump.

Every use case is ``fn(uow, request, now, deps)``; ``deps`` carries the ports
(:class:`Deps`). A complaint the actor may not read is NotFound (never Forbidden),
so its existence does not leak.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.common.auth import Actor, Role
from services.common.contracts import pengaduan as contracts
from services.common.errors import BadRequest, Forbidden, NotFound, Unauthenticated
from services.pengaduan.domain import Akses, akses_pengaduan, is_staff
from services.pengaduan.storage.models import (
    LelangPihakRow,
    PengaduanRow,
)
from services.pengaduan.storage.repository import to_fakta

#: evidence files: the blob store's types (sniffed from the content)
DOKUMEN_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


# ------------------------------------------------------------------ ports
class Blobs(Protocol):
    def describe(self, sha256: str) -> tuple[int, str | None] | None:
        """``(size, sniffed content type)`` of a stored blob, None if absent."""


@dataclass(frozen=True)
class Penerima:
    """The configured recipients (``TIM_PENGARAH_EMAILS``, ``INSPEKTORAT_EMAILS``)."""

    tim_pengarah: tuple[str, ...] = ()
    inspektorat: tuple[str, ...] = ()


@dataclass
class Deps:
    blobs: Blobs
    penerima: Penerima
    max_dokumen_bytes: int = 10 * 1024 * 1024


def new_id() -> str:
    return str(uuid.uuid4())


# ------------------------------------------------------------------ authorization
def require_user(actor: Actor | None) -> Actor:
    if actor is None or actor.is_anonymous:
        raise Unauthenticated("AUTHENTICATION_REQUIRED", "log in first")
    return actor


def require_staff(actor: Actor | None) -> Actor:
    """Helpdesk or Admin PPE, with a changed password."""
    actor = require_user(actor)
    if not actor.has_role(Role.HELPDESK, Role.ADMIN_PPE):
        raise Forbidden("ROLE_REQUIRED", "your role may not do this",
                        {"allowed_roles": [str(Role.HELPDESK), str(Role.ADMIN_PPE)]})
    if actor.must_change_password:
        raise Forbidden("PASSWORD_CHANGE_REQUIRED", "change the initial password")
    return actor


def not_found() -> NotFound:
    return NotFound("PENGADUAN_NOT_FOUND", "complaint not found")


def load_readable(uow: Any, pengaduan_id: str, actor: Actor | None,
                  lock: bool = False) -> tuple[PengaduanRow, LelangPihakRow | None,
                                               Akses]:
    """The complaint, its lelang's parties and what ``actor`` may see of it.

    :raises NotFound: ``PENGADUAN_NOT_FOUND`` when absent or not readable.
    """
    row = uow.pengaduan.get(pengaduan_id, lock=lock)
    if row is None:
        raise not_found()
    pihak = uow.pengaduan.pihak(row.lelang_id)
    akses = akses_pengaduan(actor, to_fakta(row, pihak))
    if not akses.can_read:
        raise not_found()
    return row, pihak, akses


# ------------------------------------------------------------------ documents
def check_dokumen(deps: Deps, refs: list[dict[str, Any]]) -> None:
    """Each evidence file is in the blob store with the stated size, of an allowed
    type (sniffed from its content) and under the size limit."""
    for ref in refs:
        described = deps.blobs.describe(ref["sha256"])
        if described is None or described[0] != int(ref["size"]):
            raise BadRequest("DOKUMEN_NOT_UPLOADED", "document not in the store",
                             {"sha256": ref["sha256"]})
        if described[1] not in DOKUMEN_TYPES:
            raise BadRequest("DOKUMEN_TYPE_NOT_ALLOWED", "PDF, JPEG or PNG only",
                             {"sha256": ref["sha256"]})
        if described[0] > deps.max_dokumen_bytes:
            raise BadRequest("DOKUMEN_TOO_LARGE", "document too large",
                             {"sha256": ref["sha256"],
                              "max_bytes": deps.max_dokumen_bytes})


def dokumen_json(refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"sha256": d["sha256"], "filename": d["filename"],
             "content_type": d["content_type"], "size": int(d["size"])}
            for d in refs]


# ------------------------------------------------------------------ views
def pelapor(row: PengaduanRow) -> dict[str, Any] | None:
    if not (row.nama_pelapor or row.kontak or row.pelapor_user_id
            or row.pelapor_penyedia_id):
        return None
    return {"nama": row.nama_pelapor, "kontak": row.kontak,
            "user_id": row.pelapor_user_id, "penyedia_id": row.pelapor_penyedia_id}


def page(items: list[Any], total: int, request: dict[str, Any]) -> dict[str, Any]:
    return {"items": items, "total": total, "page": request.get("page", 1),
            "per_page": request.get("per_page", 20)}


def pengaduan_view(uow: Any, row: PengaduanRow, pihak: LelangPihakRow | None,
                   akses: Akses) -> dict[str, Any]:
    identity = pelapor(row)
    riwayat = [{"dari": r.dari and contracts.StatusPengaduan(r.dari),
                "status": contracts.StatusPengaduan(r.status), "at": r.at,
                "klasifikasi": r.klasifikasi and contracts.KlasifikasiPengaduan(
                    r.klasifikasi),
                "tanggapan": r.tanggapan, "alasan": r.alasan,
                "catatan": r.catatan if akses.sees_internal else None,
                "oleh": r.oleh if akses.sees_internal else None}
               for r in uow.pengaduan.riwayat(row.pengaduan_id)]
    penerusan = [{"penerima": p.penerima, "kanal": contracts.KanalPenerusan(p.kanal),
                  "alamat": p.alamat, "otomatis": p.otomatis, "at": p.at}
                 for p in uow.pengaduan.penerusan(row.pengaduan_id)
                 ] if akses.sees_internal else []
    return {
        "pengaduan_id": row.pengaduan_id, "kode_pelacakan": row.kode_pelacakan,
        "jenis": contracts.JenisPengaduan(row.jenis),
        "status": contracts.StatusPengaduan(row.status),
        "klasifikasi": row.klasifikasi and contracts.KlasifikasiPengaduan(
            row.klasifikasi),
        "lelang_id": row.lelang_id, "lelang_kode": pihak.kode if pihak else None,
        "lelang_nama": pihak.nama if pihak else None, "uraian": row.uraian,
        "anonim": row.anonim,
        "identitas_disembunyikan": identity is not None and not akses.sees_identity,
        "pelapor": identity if akses.sees_identity else None,
        "dokumen": row.dokumen or [], "alasan_tolak": row.alasan_tolak,
        "diajukan_pada": row.diajukan_pada, "diubah_pada": row.diubah_pada,
        "riwayat": riwayat, "penerusan": penerusan, "version": row.version,
    }


def summary_view(row: PengaduanRow, akses: Akses) -> dict[str, Any]:
    identity = pelapor(row)
    return {
        "pengaduan_id": row.pengaduan_id, "kode_pelacakan": row.kode_pelacakan,
        "jenis": contracts.JenisPengaduan(row.jenis),
        "status": contracts.StatusPengaduan(row.status),
        "klasifikasi": row.klasifikasi and contracts.KlasifikasiPengaduan(
            row.klasifikasi),
        "lelang_id": row.lelang_id, "anonim": row.anonim,
        "identitas_disembunyikan": identity is not None and not akses.sees_identity,
        "nama_pelapor": row.nama_pelapor if akses.sees_identity else None,
        "diajukan_pada": row.diajukan_pada, "diubah_pada": row.diubah_pada,
    }


# ------------------------------------------------------------------ events
def pengaduan_ref(row: PengaduanRow, pihak: LelangPihakRow | None) -> dict[str, Any]:
    return {"pengaduan_id": row.pengaduan_id, "kode_pelacakan": row.kode_pelacakan,
            "jenis": contracts.JenisPengaduan(row.jenis),
            "status": contracts.StatusPengaduan(row.status),
            "lelang_id": row.lelang_id,
            "agency_id": pihak.agency_id if pihak else None, "anonim": row.anonim}


def event_pelapor(row: PengaduanRow) -> dict[str, Any] | None:
    """The identity as events may carry it: never of an anonymous or kkn one."""
    return None if protected(row) else pelapor(row)


def emit(uow: Any, contract: Any, row: PengaduanRow, pihak: LelangPihakRow | None,
         now: datetime, actor: Actor | None = None, **payload: Any) -> None:
    uow.outbox.add(contract, {**pengaduan_ref(row, pihak), **payload},
                   occurred_at=now, actor=event_actor(row, actor))


def protected(row: PengaduanRow) -> bool:
    return bool(row.anonim or row.jenis == contracts.JenisPengaduan.KKN)


def event_actor(row: PengaduanRow, actor: Actor | None) -> Any:
    """The envelope's actor: only LPSE staff for a protected complaint (the
    complainant's user id or address would name them)."""
    if actor is None or (protected(row) and not is_staff(actor)):
        return None
    return actor
