"""RUP (Pasal 6(1)a), the e-procurement threshold (Pasal 22(1)) and paket.

* PA/KPA announce RUP items of their own agency; the RUP is public.
* PA/KPA set, per budget year, the package value above which their agency's packages
  must go through e-procurement. A paket at or under it is accepted but marked
  ``di_bawah_ambang`` and listed for reporting, never silently accepted.
* The PPK creates a paket of its agency (HPS <= pagu; the HPS breakdown stays
  confidential) and hands it to a Pokja: the PPK itself or the agency's Admin Agency
  assigns members who hold the Pokja role in the same agency, and the PPK may not
  be one of them (DOMAIN §3.3 item 2).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from services.common.auth import Actor, Role
from services.common.contracts import lelang as contracts
from services.common.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Unauthenticated,
)
from services.common.money import rupiah
from services.lelang.storage.models import AmbangBatasRow, PaketRow, RupRow

from .common import (
    Deps,
    check_dokumen,
    dokumen_json,
    dokumen_view,
    is_auditor,
    is_pa,
    log,
    money,
    new_id,
    page,
    require_writer,
)


# ------------------------------------------------------------------ RUP
def rup_view(row: RupRow) -> dict[str, Any]:
    return {
        "rup_id": row.rup_id, "agency_id": row.agency_id, "satker_id": row.satker_id,
        "tahun_anggaran": row.tahun_anggaran, "nama": row.nama,
        "pagu": money(row.pagu), "sumber_dana": row.sumber_dana,
        "kategori": contracts.KategoriPengadaan(row.kategori),
        "metode_rencana": contracts.MetodeLelang(row.metode_rencana)
        if row.metode_rencana else None,
        "lokasi": row.lokasi, "uraian": row.uraian,
        "diumumkan_pada": row.diumumkan_pada, "diumumkan_oleh": row.diumumkan_oleh,
    }


def _own_agency(actor: Actor) -> str:
    if not actor.agency_id:
        raise Forbidden("AGENCY_REQUIRED", "your account has no agency")
    return actor.agency_id


def create_rup(uow: Any, request: dict[str, Any], now: datetime, deps: Deps) -> dict:
    """PA/KPA announce a RUP item of their agency. Emits rup_announced."""
    actor = require_writer(request["actor"], Role.PA, Role.KPA)
    row = RupRow(
        rup_id=new_id(), agency_id=_own_agency(actor), satker_id=request.get(
            "satker_id"), tahun_anggaran=request["tahun_anggaran"],
        nama=request["nama"].strip(), pagu=request["pagu"],
        sumber_dana=request["sumber_dana"], kategori=str(request["kategori"]),
        metode_rencana=request.get("metode_rencana") and str(
            request["metode_rencana"]),
        lokasi=request.get("lokasi"), uraian=request.get("uraian"),
        diumumkan_pada=now, diumumkan_oleh=actor.user_id,
    )
    if row.pagu <= 0:
        raise BadRequest("PAGU_INVALID", "pagu must be positive")
    uow.lelang.add(row)
    view = rup_view(row)
    uow.outbox.add(contracts.RUP_ANNOUNCED, view, occurred_at=now, actor=actor)
    log(uow, None, now, actor, "rup_announced", rup_id=row.rup_id)
    uow.commit()
    return view


def list_rup(uow: Any, request: dict[str, Any], now: datetime, deps: Deps) -> dict:
    """The public RUP, filterable by agency, year, category and text."""
    rows, total = uow.lelang.list_rup(request)
    return page([rup_view(r) for r in rows], total, request)


# ------------------------------------------------------------------ ambang batas
def ambang_view(row: AmbangBatasRow) -> dict[str, Any]:
    return {"agency_id": row.agency_id, "tahun_anggaran": row.tahun_anggaran,
            "nilai_minimum": money(row.nilai_minimum),
            "ditetapkan_oleh": row.ditetapkan_oleh,
            "ditetapkan_pada": row.ditetapkan_pada}


def set_ambang_batas(uow: Any, request: dict[str, Any], now: datetime,
                     deps: Deps) -> dict:
    """PA/KPA set their agency's threshold for a budget year (Pasal 22(1))."""
    actor = require_writer(request["actor"], Role.PA, Role.KPA)
    agency_id = _own_agency(actor)
    row = uow.lelang.get_ambang(agency_id, request["tahun_anggaran"])
    if row is None:
        row = AmbangBatasRow(agency_id=agency_id,
                             tahun_anggaran=request["tahun_anggaran"])
        uow.session.add(row)
    row.nilai_minimum = request["nilai_minimum"]
    row.ditetapkan_oleh, row.ditetapkan_pada = actor.user_id, now
    log(uow, None, now, actor, "ambang_batas_set", agency_id=agency_id,
        tahun_anggaran=row.tahun_anggaran, nilai_minimum=str(row.nilai_minimum))
    uow.session.flush()
    uow.commit()
    return ambang_view(row)


def list_ambang_batas(uow: Any, request: dict[str, Any], now: datetime,
                      deps: Deps) -> list:
    """Thresholds per agency and year (public: they are policy)."""
    return [ambang_view(r) for r in uow.lelang.list_ambang(request.get("agency_id"))]


# ------------------------------------------------------------------ paket
def may_see_rincian(actor: Actor | None, row: PaketRow) -> bool:
    """The HPS breakdown: the PPK and the assigned Pokja only (DOMAIN §11)."""
    if actor is None or not actor.user_id:
        return False
    return (actor.user_id == row.ppk_id and actor.has_role(Role.PPK)) or (
        actor.user_id in (row.pokja_ids or []) and actor.has_role(Role.POKJA))


def paket_view(row: PaketRow, actor: Actor | None) -> dict[str, Any]:
    rincian = row.rincian_hps if may_see_rincian(actor, row) else None
    return {
        "paket_id": row.paket_id, "rup_id": row.rup_id, "agency_id": row.agency_id,
        "satker_id": row.satker_id, "nama": row.nama,
        "tahun_anggaran": row.tahun_anggaran, "sumber_dana": row.sumber_dana,
        "pagu": money(row.pagu), "nilai_hps": money(row.nilai_hps),
        "rincian_hps": None if rincian is None else [
            {**r, "volume": Decimal(r["volume"]),
             "harga_satuan": Decimal(r["harga_satuan"])} for r in rincian],
        "kategori": contracts.KategoriPengadaan(row.kategori), "lokasi": row.lokasi,
        "syarat_kualifikasi": list(row.syarat_kualifikasi or []),
        "dokumen": [dokumen_view(d) for d in row.dokumen or []],
        "ppk_id": row.ppk_id, "pokja_ids": list(row.pokja_ids or []),
        "status": contracts.StatusPaket(row.status),
        "di_bawah_ambang": row.di_bawah_ambang,
        "ambang_batas": money(row.ambang_batas), "created_at": row.created_at,
    }


def create_paket(uow: Any, request: dict[str, Any], now: datetime,
                 deps: Deps) -> dict:
    """The PPK creates a paket of its agency. Emits paket_created.

    :raises BadRequest: ``HPS_EXCEEDS_PAGU``, ``RINCIAN_HPS_MISMATCH``,
        ``DOKUMEN_NOT_UPLOADED``.
    :raises NotFound: ``RUP_NOT_FOUND``; Forbidden ``AGENCY_MISMATCH``.
    """
    actor = require_writer(request["actor"], Role.PPK)
    agency_id = _own_agency(actor)
    if request.get("rup_id"):
        rup = uow.lelang.get_rup(request["rup_id"])
        if rup is None:
            raise NotFound("RUP_NOT_FOUND", "RUP not found")
        if rup.agency_id != agency_id:
            raise Forbidden("AGENCY_MISMATCH", "the RUP belongs to another agency")
    pagu, hps = request["pagu"], request["nilai_hps"]
    if hps <= 0 or pagu <= 0:
        raise BadRequest("NILAI_HPS_INVALID", "pagu and HPS must be positive")
    if hps > pagu:
        raise BadRequest("HPS_EXCEEDS_PAGU", "HPS may not exceed the pagu",
                         {"pagu": str(pagu), "nilai_hps": str(hps)})
    rincian = request.get("rincian_hps") or []
    if rincian:
        total = sum(Decimal(r["volume"]) * Decimal(r["harga_satuan"]) for r in rincian)
        # rupiah() rounds to the sen at any size (quantize alone raised
        # InvalidOperation for a total beyond 28 digits)
        if rupiah(total) != rupiah(hps):
            raise BadRequest("RINCIAN_HPS_MISMATCH",
                             "the HPS breakdown does not add up to the HPS total",
                             {"total_rincian": str(total), "nilai_hps": str(hps)})
    check_dokumen(deps, request.get("dokumen") or [])
    ambang = uow.lelang.get_ambang(agency_id, request["tahun_anggaran"])
    di_bawah = bool(ambang and pagu <= ambang.nilai_minimum)
    row = PaketRow(
        paket_id=new_id(), rup_id=request.get("rup_id"), agency_id=agency_id,
        satker_id=request.get("satker_id"), nama=request["nama"].strip(),
        tahun_anggaran=request["tahun_anggaran"], sumber_dana=request["sumber_dana"],
        pagu=pagu, nilai_hps=hps,
        rincian_hps=[{**r, "volume": str(r["volume"]),
                      "harga_satuan": str(r["harga_satuan"])} for r in rincian],
        kategori=str(request["kategori"]), lokasi=request["lokasi"],
        syarat_kualifikasi=list(request.get("syarat_kualifikasi") or []),
        dokumen=[dokumen_json(d, now, 1) for d in request.get("dokumen") or []],
        ppk_id=actor.user_id, pokja_ids=[], status=str(contracts.StatusPaket.DIBUAT),
        di_bawah_ambang=di_bawah, ambang_batas=ambang and ambang.nilai_minimum,
        created_at=now,
    )
    uow.lelang.add(row)
    _paket_event(uow, row, now, actor)
    log(uow, None, now, actor, "paket_created", paket_id=row.paket_id,
        di_bawah_ambang=di_bawah)
    uow.commit()
    return paket_view(row, actor)


def _paket_event(uow: Any, row: PaketRow, now: datetime, actor: Actor) -> None:
    uow.outbox.add(contracts.PAKET_CREATED, {
        "paket_id": row.paket_id, "rup_id": row.rup_id, "agency_id": row.agency_id,
        "satker_id": row.satker_id, "nama": row.nama,
        "tahun_anggaran": row.tahun_anggaran, "pagu": money(row.pagu),
        "nilai_hps": money(row.nilai_hps),
        "kategori": contracts.KategoriPengadaan(row.kategori),
        "ppk_id": row.ppk_id, "pokja_ids": list(row.pokja_ids or []),
        "di_bawah_ambang": row.di_bawah_ambang,
        "ambang_batas": money(row.ambang_batas)}, occurred_at=now, actor=actor)


def load_paket(uow: Any, paket_id: str, lock: str | None = None) -> PaketRow:
    row = uow.lelang.get_paket(paket_id, lock=lock)
    if row is None:
        raise NotFound("PAKET_NOT_FOUND", "paket not found", {"paket_id": paket_id})
    return row


def assign_pokja(uow: Any, request: dict[str, Any], now: datetime,
                 deps: Deps) -> dict:
    """Hand the paket to a Pokja (its PPK, or the agency's Admin Agency).

    :raises BadRequest: ``POKJA_INVALID`` (not an active Pokja of the agency),
        ``POKJA_IS_PPK``. :raises Conflict: ``PAKET_ALREADY_TENDERED``.
    """
    actor = require_writer(request["actor"], Role.PPK, Role.ADMIN_AGENCY)
    row = load_paket(uow, request["paket_id"], lock="update")
    own_ppk = actor.user_id == row.ppk_id and actor.has_role(Role.PPK)
    agency_admin = (actor.has_role(Role.ADMIN_AGENCY)
                    and actor.agency_id == row.agency_id)
    if not (own_ppk or agency_admin):
        raise Forbidden("NOT_PPK_OF_PAKET", "only the paket's PPK or Admin Agency")
    if row.status == str(contracts.StatusPaket.DILELANG):
        raise Conflict("PAKET_ALREADY_TENDERED", "the paket has a lelang already")
    ids = list(dict.fromkeys(request["pokja_ids"]))
    if row.ppk_id in ids:
        raise BadRequest("POKJA_IS_PPK", "the PPK may not sit in its paket's Pokja")
    users = {u["user_id"]: u for u in deps.registrasi.users(ids)}
    invalid = [i for i in ids if not _valid_pokja(users.get(i), row.agency_id)]
    if invalid:
        raise BadRequest("POKJA_INVALID", "not an active Pokja of this agency",
                         {"user_ids": invalid})
    row.pokja_ids = ids
    row.status = str(contracts.StatusPaket.DITUGASKAN)
    log(uow, None, now, actor, "pokja_assigned", paket_id=row.paket_id,
        pokja_ids=ids)
    uow.commit()
    return paket_view(row, actor)


def _valid_pokja(user: dict[str, Any] | None, agency_id: str) -> bool:
    return bool(user and str(Role.POKJA) in [str(r) for r in user["roles"]]
                and user.get("status") == "aktif"
                and user.get("agency_id") == agency_id)


def may_read_paket(actor: Actor | None, row: PaketRow) -> bool:
    return bool(may_see_rincian(actor, row) or is_pa(actor, row)
                or is_auditor(actor)
                or (actor and actor.has_role(Role.ADMIN_AGENCY)
                    and actor.agency_id == row.agency_id))


def get_paket(uow: Any, request: dict[str, Any], now: datetime, deps: Deps) -> dict:
    """One paket: its PPK and Pokja (with the HPS breakdown), the agency's PA/KPA
    and Admin Agency, Auditors."""
    row = load_paket(uow, request["paket_id"])
    if not may_read_paket(request["actor"], row):
        raise NotFound("PAKET_NOT_FOUND", "paket not found")
    return paket_view(row, request["actor"])


def list_paket(uow: Any, request: dict[str, Any], now: datetime, deps: Deps) -> dict:
    """PPK/Pokja: their own; PA/KPA/Admin Agency: their agency's; Auditor: all.
    ``di_bawah_ambang=true`` is the Pasal 22(1) report."""
    actor = request["actor"]
    if actor is None or actor.is_anonymous:
        raise Unauthenticated("AUTHENTICATION_REQUIRED", "log in first")
    agency = request.get("agency_id")
    mine = None
    if is_auditor(actor):
        pass
    elif actor.has_role(Role.PA, Role.KPA, Role.ADMIN_AGENCY):
        agency = actor.agency_id
    elif actor.has_role(Role.PPK, Role.POKJA):
        mine = actor.user_id
    else:
        raise Forbidden("ROLE_REQUIRED", "your role may not list paket")
    rows, total = uow.lelang.list_paket(request, visible_to=mine, agency_id=agency)
    return page([paket_view(r, actor) for r in rows], total, request)
