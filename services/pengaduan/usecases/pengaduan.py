"""Complaints: filing (anyone), the lifecycle (LPSE staff), reading (the access
rule of Pasal 17(1)) and tracking by code and secret."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.auth import Actor
from services.common.contracts import pengaduan as contracts
from services.common.errors import BadRequest, Conflict
from services.pengaduan.domain import (
    JenisPengaduan,
    KlasifikasiPengaduan,
    StatusPengaduan,
    akses_pengaduan,
    hash_rahasia,
    is_auditor,
    is_staff,
    new_kode,
    new_rahasia,
    new_salt,
    normalize_kode,
    transition,
    verify_rahasia,
)
from services.pengaduan.storage.models import (
    PenerusanRow,
    PengaduanRow,
    RiwayatPengaduanRow,
)
from services.pengaduan.storage.repository import to_fakta

from .common import (
    Deps,
    check_dokumen,
    dokumen_json,
    emit,
    event_pelapor,
    load_readable,
    new_id,
    not_found,
    page,
    pengaduan_view,
    require_staff,
    require_user,
    summary_view,
)

S = StatusPengaduan
KODE_ATTEMPTS = 8
_DUMMY_SALT = new_salt()


def _unique_kode(uow: Any, now: datetime) -> str:
    for _ in range(KODE_ATTEMPTS):
        kode = new_kode(now)
        if uow.pengaduan.by_kode(kode) is None:
            return kode
    raise Conflict("KODE_PELACAKAN_EXHAUSTED", "could not make a tracking code")


def automatic_tujuan(deps: Deps) -> list[dict[str, Any]]:
    """Pasal 17(2): every complaint goes to LPSE Pusat and the Tim Pengarah."""
    return [
        {"penerima": contracts.LPSE_PUSAT, "kanal": contracts.KanalPenerusan.SISTEM,
         "alamat": []},
        {"penerima": contracts.TIM_PENGARAH, "kanal": contracts.KanalPenerusan.EMAIL,
         "alamat": list(deps.penerima.tim_pengarah)},
    ]


def _log_penerusan(uow: Any, row: PengaduanRow, tujuan: list[dict[str, Any]],
                   now: datetime, oleh: str | None, otomatis: bool) -> None:
    for t in tujuan:
        for alamat in (t.get("alamat") or [None]):
            uow.pengaduan.add(PenerusanRow(
                pengaduan_id=row.pengaduan_id, penerima=t["penerima"],
                kanal=str(t["kanal"]), alamat=alamat, otomatis=otomatis, at=now,
                oleh=oleh))


def _forward(uow: Any, row: PengaduanRow, pihak: Any, tujuan: list[dict[str, Any]],
             now: datetime, actor: Actor | None, otomatis: bool) -> None:
    _log_penerusan(uow, row, tujuan, now, actor.user_id if actor and not otomatis
                   else None, otomatis)
    emit(uow, contracts.PENGADUAN_FORWARDED, row, pihak, now, actor,
         uraian=row.uraian, dokumen=row.dokumen or [], pelapor=event_pelapor(row),
         tujuan=tujuan, otomatis=otomatis, at=now)


def file_pengaduan(uow: Any, request: dict[str, Any], now: datetime,
                   deps: Deps) -> dict[str, Any]:
    """Anyone files a complaint; answers the tracking code and the secret once.

    :raises BadRequest: ``LELANG_ID_REQUIRED`` (jenis lelang),
        ``ANONIM_WITH_IDENTITY``, ``NAMA_PELAPOR_REQUIRED`` (a named complaint of
        the public), ``DOKUMEN_NOT_UPLOADED``, ``DOKUMEN_TYPE_NOT_ALLOWED``.
    """
    actor: Actor | None = request.get("actor")
    jenis = JenisPengaduan(request["jenis"])
    anonim = bool(request.get("anonim"))
    if jenis is JenisPengaduan.LELANG and not request.get("lelang_id"):
        raise BadRequest("LELANG_ID_REQUIRED", "a complaint about a lelang names it")
    if anonim and (request.get("nama_pelapor") or request.get("kontak")):
        raise BadRequest("ANONIM_WITH_IDENTITY",
                         "an anonymous complaint carries no name or contact")
    logged_in = actor is not None and not actor.is_anonymous
    if not anonim and not logged_in and not request.get("nama_pelapor"):
        raise BadRequest("NAMA_PELAPOR_REQUIRED",
                         "give your name, or file it anonymously")
    check_dokumen(deps, request.get("dokumen") or [])
    rahasia, salt = new_rahasia(), new_salt()
    row = PengaduanRow(
        pengaduan_id=new_id(), kode_pelacakan=_unique_kode(uow, now),
        jenis=str(jenis), status=str(S.DITERIMA), klasifikasi=None,
        lelang_id=request.get("lelang_id"), uraian=request["uraian"], anonim=anonim,
        nama_pelapor=request.get("nama_pelapor"), kontak=request.get("kontak"),
        pelapor_user_id=actor.user_id if logged_in else None,
        pelapor_penyedia_id=actor.penyedia_id if logged_in else None,
        rahasia_salt=salt, rahasia_hash=hash_rahasia(salt, rahasia),
        dokumen=dokumen_json(request.get("dokumen") or []), alasan_tolak=None,
        diajukan_pada=now, diubah_pada=now, version=1)
    uow.pengaduan.add(row)
    uow.pengaduan.add(RiwayatPengaduanRow(
        pengaduan_id=row.pengaduan_id, at=now, oleh=None, dari=None,
        status=str(S.DITERIMA), klasifikasi=None, alasan=None, catatan=None,
        tanggapan=None))
    uow.pengaduan.flush()
    pihak = uow.pengaduan.pihak(row.lelang_id)
    tujuan = automatic_tujuan(deps)
    emit(uow, contracts.PENGADUAN_FILED, row, pihak, now, actor, uraian=row.uraian,
         dokumen=row.dokumen, diajukan_pada=now, pelapor=event_pelapor(row),
         tujuan=tujuan)
    _forward(uow, row, pihak, tujuan, now, actor, otomatis=True)
    uow.commit()
    return {"pengaduan_id": row.pengaduan_id, "kode_pelacakan": row.kode_pelacakan,
            "rahasia": rahasia, "jenis": jenis, "status": S.DITERIMA,
            "diajukan_pada": now}


def change_pengaduan_status(uow: Any, request: dict[str, Any], now: datetime,
                            deps: Deps) -> dict[str, Any]:
    """LPSE staff move a complaint one step (DOMAIN §10.2), with a note.

    :raises InvalidTransition: ``PENGADUAN_TRANSITION_NOT_ALLOWED``,
        ``PENGADUAN_CLOSED``.
    :raises BadRequest: ``KLASIFIKASI_REQUIRED``, ``ALASAN_REQUIRED``,
        ``TUJUAN_REQUIRED``.
    """
    actor = require_staff(request["actor"])
    row, pihak, akses = load_readable(uow, request["pengaduan_id"], actor, lock=True)
    klasifikasi = request.get("klasifikasi")
    tujuan = [{"penerima": t["penerima"],
               "kanal": contracts.KanalPenerusan(t["kanal"]),
               "alamat": list(t.get("alamat") or [])}
              for t in request.get("tujuan") or []]
    change = transition(
        S(row.status), S(request["status"]),
        klasifikasi=klasifikasi and KlasifikasiPengaduan(klasifikasi),
        alasan=request.get("alasan"), has_tujuan=bool(tujuan))
    row.status = str(change.ke)
    if change.klasifikasi is not None:
        row.klasifikasi = str(change.klasifikasi)
    if change.alasan is not None:
        row.alasan_tolak = change.alasan
    row.diubah_pada = now
    row.version += 1
    uow.pengaduan.add(RiwayatPengaduanRow(
        pengaduan_id=row.pengaduan_id, at=now, oleh=actor.user_id,
        dari=str(change.dari), status=str(change.ke),
        klasifikasi=change.klasifikasi and str(change.klasifikasi),
        alasan=change.alasan, catatan=request.get("catatan"),
        tanggapan=request.get("tanggapan")))
    emit(uow, contracts.PENGADUAN_STATUS_CHANGED, row, pihak, now, actor,
         dari=contracts.StatusPengaduan(str(change.dari)),
         klasifikasi=row.klasifikasi and contracts.KlasifikasiPengaduan(
             row.klasifikasi),
         tanggapan=request.get("tanggapan"), alasan=change.alasan, at=now)
    if change.ke is S.DITERUSKAN:
        _forward(uow, row, pihak, tujuan, now, actor, otomatis=False)
    if change.closes:
        emit(uow, contracts.PENGADUAN_CLOSED, row, pihak, now, actor,
             alasan=change.alasan, at=now)
    uow.pengaduan.flush()
    view = pengaduan_view(uow, row, pihak, akses)
    uow.commit()
    return view


def get_pengaduan(uow: Any, request: dict[str, Any], now: datetime,
                  deps: Deps) -> dict[str, Any]:
    """One complaint as the access rule lets the actor see it (else NotFound)."""
    row, pihak, akses = load_readable(uow, request["pengaduan_id"], request["actor"])
    return pengaduan_view(uow, row, pihak, akses)


def list_pengaduan(uow: Any, request: dict[str, Any], now: datetime,
                   deps: Deps) -> dict[str, Any]:
    """LPSE staff and Auditors: every complaint; others: the ones they filed and
    the ones about their lelang (identity redacted per the rule)."""
    actor = require_user(request["actor"])
    visible_to = None
    if not (is_staff(actor) or is_auditor(actor)):
        visible_to = (actor.user_id, uow.pengaduan.lelang_ids_of(actor))
    rows, total = uow.pengaduan.list(
        status=request.get("status") and str(request["status"]),
        jenis=request.get("jenis") and str(request["jenis"]),
        lelang_id=request.get("lelang_id"), visible_to=visible_to,
        page=request.get("page", 1), per_page=request.get("per_page", 20))
    pihak = uow.pengaduan.pihak_of(sorted({r.lelang_id for r in rows if r.lelang_id}))
    items = []
    for row in rows:
        akses = akses_pengaduan(actor, to_fakta(row, pihak.get(row.lelang_id or "")))
        if akses.can_read:  # the query is wider than the rule only by mistake
            items.append(summary_view(row, akses))
    return page(items, total, request)


def track_pengaduan(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> dict[str, Any]:
    """The complainant's progress by tracking code and secret (no account).

    :raises NotFound: ``PENGADUAN_NOT_FOUND`` for an unknown code and for a wrong
        secret alike.
    """
    row = uow.pengaduan.by_kode(normalize_kode(request["kode_pelacakan"]))
    if row is None:
        hash_rahasia(_DUMMY_SALT, request["rahasia"])  # same work as a wrong secret
        raise not_found()
    if not verify_rahasia(row.rahasia_salt, row.rahasia_hash, request["rahasia"]):
        raise not_found()
    progres = [{"status": contracts.StatusPengaduan(r.status), "at": r.at,
                "tanggapan": r.tanggapan, "alasan": r.alasan}
               for r in uow.pengaduan.riwayat(row.pengaduan_id)]
    return {"kode_pelacakan": row.kode_pelacakan,
            "jenis": contracts.JenisPengaduan(row.jenis),
            "status": contracts.StatusPengaduan(row.status),
            "lelang_id": row.lelang_id, "diajukan_pada": row.diajukan_pada,
            "diubah_pada": row.diubah_pada, "progres": progres}
