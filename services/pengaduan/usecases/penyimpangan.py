"""Deviation reports (laporan penyimpangan, Pasal 18): filed by LPSE staff about a
lelang, addressed to the agency's PA/KPA and the lelang's PPK with a copy to the
Inspektorat; each addressee's delivery is recorded by notifikasi."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.auth import Actor
from services.common.contracts import pengaduan as contracts
from services.common.errors import NotFound
from services.pengaduan.domain import (
    PeranPenerima,
    StatusPengiriman,
    akses_penyimpangan,
    delivery,
    is_auditor,
    is_staff,
)
from services.pengaduan.storage.models import (
    PenerimaPenyimpanganRow,
    PenyimpanganRow,
)
from services.pengaduan.storage.repository import to_pihak

from .common import (
    Deps,
    check_dokumen,
    dokumen_json,
    new_id,
    page,
    require_staff,
    require_user,
)


def _not_found() -> NotFound:
    return NotFound("PENYIMPANGAN_NOT_FOUND", "deviation report not found")


def _view(uow: Any, row: PenyimpanganRow) -> dict[str, Any]:
    pihak = uow.pengaduan.pihak(row.lelang_id)
    return {
        "penyimpangan_id": row.penyimpangan_id, "lelang_id": row.lelang_id,
        "lelang_kode": pihak.kode, "lelang_nama": pihak.nama,
        "agency_id": pihak.agency_id, "ppk_id": pihak.ppk_id,
        "pengaduan_id": row.pengaduan_id, "uraian": row.uraian,
        "dokumen": row.dokumen or [], "dilaporkan_oleh": row.dilaporkan_oleh,
        "dilaporkan_pada": row.dilaporkan_pada,
        "penerima": [_penerima_view(p) for p in uow.pengaduan.penerima(
            row.penyimpangan_id)],
    }


def _penerima_view(p: PenerimaPenyimpanganRow) -> dict[str, Any]:
    return {"penerima_id": p.penerima_id, "peran": contracts.PeranPenerima(p.peran),
            "user_id": p.user_id, "agency_id": p.agency_id, "alamat": p.alamat,
            "status": contracts.StatusPengiriman(p.status),
            "keterangan": p.keterangan, "diperbarui_pada": p.diperbarui_pada}


def _load_readable(uow: Any, penyimpangan_id: str,
                   actor: Actor | None) -> PenyimpanganRow:
    row = uow.pengaduan.get_penyimpangan(penyimpangan_id)
    if row is None:
        raise _not_found()
    pihak = to_pihak(uow.pengaduan.pihak(row.lelang_id))
    if not (pihak and akses_penyimpangan(actor, pihak)):
        raise _not_found()
    return row


def report_penyimpangan(uow: Any, request: dict[str, Any], now: datetime,
                        deps: Deps) -> dict[str, Any]:
    """LPSE staff report a deviation in a lelang, optionally from a complaint.

    :raises NotFound: ``LELANG_NOT_FOUND`` (not known to pengaduan yet),
        ``PENGADUAN_NOT_FOUND``.
    """
    actor = require_staff(request["actor"])
    pihak = uow.pengaduan.pihak(request["lelang_id"])
    if pihak is None:
        raise NotFound("LELANG_NOT_FOUND", "lelang not known (not announced yet?)",
                       {"lelang_id": request["lelang_id"]})
    pengaduan_id = request.get("pengaduan_id")
    if pengaduan_id and uow.pengaduan.get(pengaduan_id) is None:
        raise NotFound("PENGADUAN_NOT_FOUND", "complaint not found")
    check_dokumen(deps, request.get("dokumen") or [])
    row = PenyimpanganRow(
        penyimpangan_id=new_id(), lelang_id=pihak.lelang_id,
        pengaduan_id=pengaduan_id, uraian=request["uraian"],
        dokumen=dokumen_json(request.get("dokumen") or []),
        dilaporkan_oleh=actor.user_id, dilaporkan_pada=now)
    uow.pengaduan.add(row)
    uow.pengaduan.flush()
    addressees = [(PeranPenerima.PA_KPA, None, pihak.agency_id, None)]
    if pihak.ppk_id:
        addressees.append((PeranPenerima.PPK, pihak.ppk_id, pihak.agency_id, None))
    addressees += [(PeranPenerima.INSPEKTORAT, None, None, email)
                   for email in deps.penerima.inspektorat]
    for peran, user_id, agency_id, alamat in addressees:
        uow.pengaduan.add(PenerimaPenyimpanganRow(
            penerima_id=new_id(), penyimpangan_id=row.penyimpangan_id,
            peran=str(peran), user_id=user_id, agency_id=agency_id, alamat=alamat,
            status=str(StatusPengiriman.MENUNGGU), keterangan=None,
            diperbarui_pada=now))
    uow.pengaduan.flush()
    view = _view(uow, row)
    uow.outbox.add(contracts.PENYIMPANGAN_REPORTED, {
        key: view[key] for key in (
            "penyimpangan_id", "lelang_id", "lelang_kode", "lelang_nama",
            "agency_id", "ppk_id", "pengaduan_id", "uraian", "dokumen", "penerima",
            "dilaporkan_pada")} | {"inspektorat_emails": list(
                deps.penerima.inspektorat)}, occurred_at=now, actor=actor)
    uow.commit()
    return view


def get_penyimpangan(uow: Any, request: dict[str, Any], now: datetime,
                     deps: Deps) -> dict[str, Any]:
    """LPSE staff, Auditors, and the addressees (PPK, PA/KPA); else NotFound."""
    return _view(uow, _load_readable(uow, request["penyimpangan_id"],
                                     require_user(request["actor"])))


def list_penyimpangan(uow: Any, request: dict[str, Any], now: datetime,
                      deps: Deps) -> dict[str, Any]:
    """All for LPSE staff and Auditors; the addressed ones for PPK and PA/KPA."""
    actor = require_user(request["actor"])
    lelang_ids = None
    if not (is_staff(actor) or is_auditor(actor)):
        # the lelang where the actor is PPK or PA/KPA (not Pokja: not addressed)
        candidates = uow.pengaduan.pihak_of(uow.pengaduan.lelang_ids_of(actor))
        lelang_ids = sorted(i for i, p in candidates.items()
                            if akses_penyimpangan(actor, to_pihak(p)))
    rows, total = uow.pengaduan.list_penyimpangan(
        lelang_ids=lelang_ids, lelang_id=request.get("lelang_id"),
        page=request.get("page", 1), per_page=request.get("per_page", 20))
    return page([_view(uow, r) for r in rows], total, request)


def record_penyimpangan_delivery(uow: Any, request: dict[str, Any], now: datetime,
                                 deps: Deps) -> dict[str, Any]:
    """notifikasi records the delivery (or its failure) to one addressee.

    :raises NotFound: ``PENYIMPANGAN_NOT_FOUND``, ``PENERIMA_NOT_FOUND``.
    :raises InvalidTransition: ``PENGIRIMAN_ALREADY_DELIVERED`` (a failure after
        the delivery); a repeated ``terkirim`` changes nothing.
    """
    row = uow.pengaduan.get_penyimpangan(request["penyimpangan_id"], lock=True)
    if row is None:
        raise _not_found()
    target = next((p for p in uow.pengaduan.penerima(row.penyimpangan_id)
                   if p.penerima_id == request["penerima_id"]), None)
    if target is None:
        raise NotFound("PENERIMA_NOT_FOUND", "no such addressee of this report")
    if delivery(StatusPengiriman(target.status), StatusPengiriman(request["status"])):
        target.status = str(request["status"])
        target.keterangan = request.get("keterangan")
        target.diperbarui_pada = now
        uow.pengaduan.flush()
    view = _view(uow, row)
    uow.commit()
    return view
