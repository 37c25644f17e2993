"""Sanggah (DOMAIN §8), SPPBJ and kontrak.

* A sanggah is filed online within the window (server time): against the
  prakualifikasi result by a peserta that sent its qualification, against the
  winner by a bidder that submitted a bid. It may be filed again in the window.
* The Pokja answers within ``sanggah_answer_days`` working days (rule-set); both
  objection and answer are shown to every peserta.
* The PPK issues the SPPBJ to the winner once the winner is announced, the sanggah
  window has passed and every sanggah is answered; then records the kontrak, which
  finishes the lelang.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from services.common.contracts import lelang as contracts
from services.common.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
)
from services.lelang.domain import WITA, LelangAction, TahapanLelang
from services.lelang.storage.models import SanggahRow
from services.lelang.storage.repository import set_hasil

from .common import (
    Deps,
    check_dokumen,
    dokumen_json,
    emit,
    load_visible,
    log,
    new_id,
    open_stage,
    require_action,
    require_penyedia,
    require_pokja,
    require_ppk,
    save,
)
from .lelang import load_current
from .peserta import require_eligible, require_peserta, require_reader
from .views import hasil_view, lelang_view

A = LelangAction
T = TahapanLelang


def sanggah_view(s: SanggahRow) -> dict[str, Any]:
    return {"sanggah_id": s.sanggah_id, "lelang_id": s.lelang_id,
            "penyedia_id": s.penyedia_id, "nama": s.nama,
            "jenis": contracts.JenisSanggah(s.jenis), "isi": s.isi,
            "diajukan_pada": s.diajukan_pada, "jawaban": s.jawaban,
            "keputusan": contracts.KeputusanSanggah(s.keputusan)
            if s.keputusan else None, "dijawab_pada": s.dijawab_pada}


def file_sanggah(uow: Any, request: dict[str, Any], now: datetime,
                 deps: Deps) -> dict:
    """File a sanggah in the open window. Emits sanggah_filed (to the Pokja).

    :raises InvalidTransition: ``SANGGAH_WINDOW_CLOSED``.
    :raises Forbidden: ``SANGGAH_NOT_ALLOWED`` (no bid / no qualification sent).
    """
    actor = require_penyedia(request["actor"])
    asked = deps.registrasi.penyedia(actor.penyedia_id)  # before any write
    lelang, row = load_current(uow, request["lelang_id"], now)
    require_action(lelang, A.FILE_SANGGAH, now)
    peserta = require_peserta(uow, row, actor)
    require_eligible(deps, actor.penyedia_id, asked)
    stage = open_stage(lelang, A.FILE_SANGGAH, now)
    if stage.tahapan is T.SANGGAH_PRAKUALIFIKASI:
        jenis = contracts.JenisSanggah.PRAKUALIFIKASI
        allowed = peserta.kualifikasi_dikirim_pada is not None
    else:
        jenis = contracts.JenisSanggah.HASIL_LELANG
        allowed = any(p.status not in ("ditarik",) for p in uow.lelang.penawaran(
            row.lelang_id, penyedia_id=actor.penyedia_id))
    if not allowed:
        raise Forbidden("SANGGAH_NOT_ALLOWED", "only those who took part may object",
                        {"jenis": str(jenis)})
    s = SanggahRow(sanggah_id=new_id(), lelang_id=row.lelang_id,
                   penyedia_id=actor.penyedia_id, nama=peserta.nama, jenis=str(jenis),
                   isi=request["isi"].strip(), diajukan_pada=now)
    uow.lelang.add(s)
    emit(uow, contracts.SANGGAH_FILED, row, now, actor, sanggah_id=s.sanggah_id,
         penyedia_id=s.penyedia_id, jenis=jenis)
    log(uow, row, now, actor, "sanggah_filed", sanggah_id=s.sanggah_id)
    uow.commit()
    return sanggah_view(s)


def answer_deadline(deps: Deps, lelang: Any, s: SanggahRow) -> datetime:
    """End of the last working day the Pokja has to answer (WITA)."""
    last = deps.kalender.add_working_days(s.diajukan_pada,
                                          lelang.ruleset.sanggah_answer_days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=WITA)


def answer_sanggah(uow: Any, request: dict[str, Any], now: datetime,
                   deps: Deps) -> dict:
    """The Pokja answers (diterima: the objection is valid, and the Pokja then
    re-evaluates or declares the lelang failed). Emits sanggah_answered.

    :raises Conflict: ``SANGGAH_ALREADY_ANSWERED``; InvalidTransition
        ``SANGGAH_ANSWER_DEADLINE_PASSED``.
    """
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    s = uow.lelang.get_sanggah(request["sanggah_id"])
    if s is None or s.lelang_id != row.lelang_id:
        raise NotFound("SANGGAH_NOT_FOUND", "sanggah not found")
    if s.jawaban:
        raise Conflict("SANGGAH_ALREADY_ANSWERED", "answered already")
    if lelang.status.value not in ("diumumkan", "berjalan"):
        require_action(lelang, A.ANSWER_SANGGAH, now)  # raises the status error
    deadline = answer_deadline(deps, lelang, s)
    if now >= deadline:
        raise InvalidTransition("SANGGAH_ANSWER_DEADLINE_PASSED",
                                "the answer deadline has passed",
                                {"deadline": deadline.isoformat()})
    s.jawaban, s.keputusan = request["jawaban"].strip(), str(request["keputusan"])
    s.dijawab_oleh, s.dijawab_pada = actor.user_id, now
    emit(uow, contracts.SANGGAH_ANSWERED, row, now, actor, sanggah_id=s.sanggah_id,
         penyedia_id=s.penyedia_id, jenis=contracts.JenisSanggah(s.jenis),
         keputusan=contracts.KeputusanSanggah(s.keputusan))
    log(uow, row, now, actor, "sanggah_answered", sanggah_id=s.sanggah_id,
        keputusan=s.keputusan)
    uow.commit()
    return sanggah_view(s)


def list_sanggah(uow: Any, request: dict[str, Any], now: datetime,
                 deps: Deps) -> list:
    """Objections and answers: every peserta and the parties concerned."""
    actor = request["actor"]
    _, row = load_visible(uow, request["lelang_id"], actor)
    require_reader(uow, row, actor)
    return [sanggah_view(s) for s in uow.lelang.sanggah(row.lelang_id)]


def _winner(uow: Any, lelang: Any, row: Any) -> tuple[str, Any]:
    decided = (row.hasil or {}).get("pemenang") or {}
    pid = decided.get("pemenang")
    harga = next((h["harga_terkoreksi"] or h["harga_penawaran"]
                  for h in hasil_view(uow, lelang, row) if h["penyedia_id"] == pid),
                 None)
    return pid, harga


def issue_sppbj(uow: Any, request: dict[str, Any], now: datetime,
                deps: Deps) -> dict:
    """The PPK appoints the winner (SPPBJ). Emits sppbj_issued.

    :raises Conflict: ``PEMENANG_NOT_ANNOUNCED``, ``SANGGAH_UNANSWERED``,
        ``SPPBJ_ALREADY_ISSUED``.
    """
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_ppk(request["actor"], row)
    require_action(lelang, A.ISSUE_SPPBJ, now)
    hasil = row.hasil or {}
    if not hasil.get("pemenang_diumumkan"):
        raise Conflict("PEMENANG_NOT_ANNOUNCED", "the winner is not announced")
    if hasil.get("sppbj"):
        raise Conflict("SPPBJ_ALREADY_ISSUED", "issued already")
    open_sanggah = [s.sanggah_id for s in uow.lelang.sanggah(row.lelang_id)
                    if s.jenis == "hasil_lelang" and not s.jawaban]
    if open_sanggah:
        raise Conflict("SANGGAH_UNANSWERED", "every sanggah must be answered first",
                       {"sanggah_ids": open_sanggah})
    pid, harga = _winner(uow, lelang, row)
    sppbj = {"nomor": request["nomor"], "tanggal": request["tanggal"].isoformat(),
             "penyedia_id": pid, "nilai": str(harga),
             "diterbitkan_pada": now.isoformat()}
    set_hasil(row, "sppbj", sppbj)
    emit(uow, contracts.SPPBJ_ISSUED, row, now, actor, nomor=request["nomor"],
         tanggal=request["tanggal"], penyedia_id=pid, nilai=harga)
    log(uow, row, now, actor, "sppbj_issued", nomor=request["nomor"])
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def sign_kontrak(uow: Any, request: dict[str, Any], now: datetime,
                 deps: Deps) -> dict:
    """The kontrak is recorded; the lelang is finished. Emits kontrak_signed.

    :raises Conflict: ``SPPBJ_REQUIRED``; BadRequest ``KONTRAK_NILAI_EXCEEDS``.
    """
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_ppk(request["actor"], row)
    require_action(lelang, A.SIGN_KONTRAK, now)
    hasil = row.hasil or {}
    sppbj = hasil.get("sppbj")
    if not sppbj:
        raise Conflict("SPPBJ_REQUIRED", "issue the SPPBJ first")
    if request["nilai"] > Decimal(sppbj["nilai"]):
        raise BadRequest("KONTRAK_NILAI_EXCEEDS", "the kontrak value exceeds the "
                         "winning price", {"nilai_sppbj": sppbj["nilai"]})
    dokumen = request.get("dokumen")
    if dokumen:
        check_dokumen(deps, [dokumen])
    set_hasil(row, "kontrak", {
        "nomor": request["nomor"], "tanggal": request["tanggal"].isoformat(),
        "penyedia_id": sppbj["penyedia_id"], "nilai": str(request["nilai"]),
        "dokumen": dokumen and dokumen_json(dokumen, now),
        "ditandatangani_pada": now.isoformat()})
    lelang.selesaikan(now)
    save(uow, lelang, row, now)
    emit(uow, contracts.KONTRAK_SIGNED, row, now, actor, paket_id=row.paket_id,
         nomor=request["nomor"], tanggal=request["tanggal"],
         penyedia_id=sppbj["penyedia_id"], nilai=request["nilai"],
         nilai_hps=Decimal(row.nilai_hps))
    log(uow, row, now, actor, "kontrak_signed", nomor=request["nomor"])
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)
