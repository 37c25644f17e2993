"""Evaluation, announcements, BAHP and penetapan pemenang (DOMAIN §6, §7).

The Pokja records its judgement per bidder in the stage for it: administrasi and
teknis (and the technical score) of an opened File I or single file, the corrected
price and its validity, and in pascakualifikasi the qualification proof. The
ranking, the HPS ceiling and the 80% flag are the system's (``domain.evaluasi``).
The winner set by the Pokja must be the best-ranked passing bid, with reserves 1
and 2 the next; above the rule-set's award limit the agency's PA/KPA decides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.auth import Role
from services.common.contracts import lelang as contracts
from services.common.errors import BadRequest, Conflict, Forbidden
from services.lelang.domain import LelangAction, Sampul, TahapanLelang
from services.lelang.storage.models import EvaluasiRow
from services.lelang.storage.repository import set_hasil

from .common import (
    Deps,
    check_dokumen,
    dokumen_json,
    emit,
    is_pa,
    is_party,
    load_visible,
    log,
    money,
    open_stage,
    require_action,
    require_pokja,
    require_user,
    require_writer,
)
from .lelang import load_current, peserta_ids
from .peserta import announce_kualifikasi
from .views import (
    first_sampul,
    hasil_peserta,
    hasil_view,
    lelang_view,
    pemenang_view,
    ranking,
)

A = LelangAction
T = TahapanLelang
FILE_1_FIELDS = ("lulus_administrasi", "lulus_teknis", "skor_teknis")
PRICE_FIELDS = ("harga_terkoreksi", "lulus_harga")
ALL_FIELDS = FILE_1_FIELDS + PRICE_FIELDS + ("lulus_kualifikasi",)


def _fields_for(stage: TahapanLelang, two_file: bool) -> tuple[str, ...]:
    if stage is T.PEMBUKTIAN_KUALIFIKASI:
        return ("lulus_kualifikasi",)
    if stage is T.PEMBUKAAN_EVALUASI_FILE_1:
        return FILE_1_FIELDS
    if stage is T.PEMBUKAAN_EVALUASI_FILE_2:
        return PRICE_FIELDS
    return FILE_1_FIELDS + PRICE_FIELDS + (() if two_file else ("lulus_kualifikasi",))


def evaluate_penawaran(uow: Any, request: dict[str, Any], now: datetime,
                       deps: Deps) -> list:
    """Record the evaluation of opened bids (fields allowed by the open stage).

    :raises BadRequest: ``EVALUASI_FIELD_NOT_IN_STAGE``.
    :raises Conflict: ``PENAWARAN_NOT_OPENED``, ``PEMENANG_ALREADY_DECIDED``,
        ``HASIL_ALREADY_ANNOUNCED``.
    """
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    stage = open_stage(lelang, A.EVALUATE_PENAWARAN, now) or open_stage(
        lelang, A.VERIFY_KUALIFIKASI, now)
    require_action(lelang, A.EVALUATE_PENAWARAN if stage is None or
                   stage.tahapan is not T.PEMBUKTIAN_KUALIFIKASI
                   else A.VERIFY_KUALIFIKASI, now)
    hasil = row.hasil or {}
    if hasil.get("pemenang"):
        raise Conflict("PEMENANG_ALREADY_DECIDED", "the winner is decided")
    two_file = len(lelang.definition.sampul) == 2
    allowed = _fields_for(stage.tahapan, two_file)
    if stage.tahapan is T.PEMBUKAAN_EVALUASI_FILE_1 and hasil.get(
            "file_1_diumumkan"):
        raise Conflict("HASIL_ALREADY_ANNOUNCED", "the File I result is announced")
    opened = {p.penyedia_id for p in uow.lelang.penawaran(
        row.lelang_id, first_sampul(lelang)) if p.status == "dibuka"}
    if stage.tahapan is T.PEMBUKAAN_EVALUASI_FILE_2:
        opened = {p.penyedia_id for p in uow.lelang.penawaran(
            row.lelang_id, str(Sampul.FILE_2)) if p.status == "dibuka"}
    for item in request["hasil"]:
        given = [f for f in ALL_FIELDS if item.get(f) is not None]
        extra = [f for f in given if f not in allowed]
        if extra:
            raise BadRequest("EVALUASI_FIELD_NOT_IN_STAGE",
                             "these results belong to another stage",
                             {"fields": extra, "tahapan": str(stage.tahapan)})
        if item["penyedia_id"] not in opened:
            raise Conflict("PENAWARAN_NOT_OPENED", "no opened bid of this penyedia",
                           {"penyedia_id": item["penyedia_id"]})
        e = uow.lelang.get_evaluasi(row.lelang_id, item["penyedia_id"])
        if e is None:
            e = EvaluasiRow(lelang_id=row.lelang_id, penyedia_id=item["penyedia_id"])
            uow.session.add(e)
        for name in given:
            setattr(e, name, item[name])
        if item.get("alasan") is not None:
            e.alasan = item["alasan"]
        e.dievaluasi_oleh, e.dievaluasi_pada = actor.user_id, now
    uow.session.flush()
    log(uow, row, now, actor, "penawaran_evaluated", tahapan=str(stage.tahapan),
        jumlah=len(request["hasil"]))
    uow.commit()
    return hasil_view(uow, lelang, row)


def list_evaluasi(uow: Any, request: dict[str, Any], now: datetime,
                  deps: Deps) -> list:
    """The evaluation so far: the parties concerned; everybody once announced."""
    actor = request["actor"]
    lelang, row = load_visible(uow, request["lelang_id"], actor)
    if not (is_party(actor, row) or (row.hasil or {}).get("pemenang_diumumkan")):
        raise Forbidden("EVALUASI_NOT_PUBLIC", "public from the winner's announcement")
    return hasil_view(uow, lelang, row)


def announce_hasil(uow: Any, request: dict[str, Any], now: datetime,
                   deps: Deps) -> dict:
    """Announce what the open stage announces: the prakualifikasi result, the
    File I result (2 file), or the winner (pengumuman pemenang, public).
    Emits hasil_announced or pemenang_announced."""
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    hasil = row.hasil or {}
    if open_stage(lelang, A.ANNOUNCE_HASIL_KUALIFIKASI, now):
        if hasil.get("kualifikasi_diumumkan"):
            raise Conflict("HASIL_ALREADY_ANNOUNCED", "announced already")
        announce_kualifikasi(uow, lelang, row, actor, now)
    elif open_stage(lelang, A.ANNOUNCE_HASIL_EVALUASI, now):
        if hasil.get("file_1_diumumkan"):
            raise Conflict("HASIL_ALREADY_ANNOUNCED", "announced already")
        items = hasil_peserta(uow, row)
        lulus = [h.penyedia_id for h in items if h.lulus_administrasi
                 and h.lulus_teknis]
        set_hasil(row, "file_1_diumumkan", now.isoformat())
        emit(uow, contracts.HASIL_ANNOUNCED, row, now, actor, jenis="evaluasi_file_1",
             lulus=lulus, tidak_lulus=[h.penyedia_id for h in items
                                       if h.penyedia_id not in lulus])
    else:
        require_action(lelang, A.ANNOUNCE_PEMENANG, now)
        if not hasil.get("pemenang"):
            raise Conflict("PEMENANG_NOT_DECIDED", "decide the winner first")
        if hasil.get("pemenang_diumumkan"):
            raise Conflict("HASIL_ALREADY_ANNOUNCED", "announced already")
        set_hasil(row, "pemenang_diumumkan", now.isoformat())
        results = hasil_view(uow, lelang, row)
        emit(uow, contracts.PEMENANG_ANNOUNCED, row, now, actor,
             paket_id=row.paket_id, nilai_hps=money(row.nilai_hps),
             pemenang=pemenang_view(uow, lelang, row, results),
             hasil_evaluasi=results,
             jumlah_penawaran=sum(1 for p in uow.lelang.penawaran(
                 row.lelang_id, first_sampul(lelang)) if p.status != "ditarik"),
             peserta_ids=peserta_ids(uow, row))
    log(uow, row, now, actor, "hasil_announced")
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def upload_bahp(uow: Any, request: dict[str, Any], now: datetime,
                deps: Deps) -> dict:
    """The Berita Acara Hasil Pelelangan (confidential until the announcement;
    re-uploadable until the kontrak, DOMAIN §6.1 row 8)."""
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    require_action(lelang, A.UPLOAD_BAHP, now)
    check_dokumen(deps, [request["dokumen"]])
    set_hasil(row, "bahp", dokumen_json(request["dokumen"], now))
    log(uow, row, now, actor, "bahp_uploaded", sha256=request["dokumen"]["sha256"])
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def decide_pemenang(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> dict:
    """Penetapan pemenang and reserves. Emits pemenang_decided (to the PPK).

    :raises Conflict: ``BAHP_REQUIRED``, ``NO_PASSING_PENAWARAN``,
        ``PEMENANG_NOT_BEST_RANKED``, ``PEMENANG_ALREADY_DECIDED``.
    :raises Forbidden: ``PA_DECIDES_ABOVE_LIMIT``.
    """
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_user(request["actor"])
    require_action(lelang, A.DECIDE_PEMENANG, now)  # running: it has a rule-set
    needs_pa = lelang.ruleset.award_needs_pa(lelang.kategori, int(lelang.nilai_hps))
    if needs_pa:
        if not is_pa(actor, row):
            raise Forbidden("PA_DECIDES_ABOVE_LIMIT", "above the Pokja's limit the "
                            "PA/KPA decides", {"ruleset": lelang.ruleset_code})
        require_writer(actor, Role.PA, Role.KPA)
    else:
        require_pokja(actor, row)
    hasil = row.hasil or {}
    if hasil.get("pemenang"):
        raise Conflict("PEMENANG_ALREADY_DECIDED", "the winner is decided")
    if not hasil.get("bahp"):
        raise Conflict("BAHP_REQUIRED", "upload the BAHP first")
    ranked = [h.penyedia_id for h in ranking(uow, lelang, row)]
    if not ranked:
        raise Conflict("NO_PASSING_PENAWARAN", "no bid passed: declare the lelang "
                       "failed")
    wanted = [request["pemenang"], request.get("cadangan_1"),
              request.get("cadangan_2")]
    expected = (ranked + [None, None])[:3]
    for i, value in enumerate(wanted):
        if value is not None and value != expected[i]:
            raise Conflict("PEMENANG_NOT_BEST_RANKED",
                           "the winner and reserves follow the ranking",
                           {"peringkat": ranked[:3]})
    set_hasil(row, "pemenang", {"pemenang": expected[0], "cadangan_1": expected[1],
                                "cadangan_2": expected[2],
                                "ditetapkan_oleh": actor.user_id,
                                "ditetapkan_pada": now.isoformat()})
    emit(uow, contracts.PEMENANG_DECIDED, row, now, actor, pemenang_id=expected[0])
    log(uow, row, now, actor, "pemenang_decided", pemenang=expected[0])
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)

