"""The lelang's lifecycle: draft, jadwal, announcement (with its envelope keys),
schedule changes, the stage engine, failure, re-tender, sanggah banding.

The stage engine (:func:`advance`) enters every stage whose planned start has come,
one at a time, and runs that stage's entry rule first (:data:`ON_ENTER`): e.g. at
the opening, fewer bids than the rule-set's minimum fail the lelang. It runs from
the timer (``advance_due``, rows locked ``FOR UPDATE SKIP LOCKED`` so replicas
never move one lelang twice) and, under the row lock, at the start of every use
case that acts on a lelang, so no action ever sees a lelang behind its clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from services.common.auth import Actor, Role
from services.common.contracts import lelang as contracts
from services.common.errors import BadRequest, Conflict, Forbidden, InvalidTransition
from services.lelang.domain import (
    WITA,
    Lelang,
    Sampul,
    StatusLelang,
    TahapanLelang,
    Transition,
    apply_next_due,
    due_transitions,
    kurang_lulus_kualifikasi,
    kurang_penawaran,
    lulus_file_1,
)
from services.lelang.storage.models import KunciLelangRow, LelangRow
from services.lelang.storage.repository import copy_to_row, set_hasil, to_domain

from .common import (
    Deps,
    check_dokumen,
    dokumen_json,
    emit,
    is_auditor,
    is_pa,
    is_pokja,
    is_ppk,
    jadwal_view,
    load,
    load_visible,
    log,
    money,
    new_id,
    page,
    require_pokja,
    require_user,
    require_writer,
)
from .paket import load_paket
from .views import hasil_peserta, lelang_view, summary_view

T = TahapanLelang
S = StatusLelang


def _jadwal(entries: list[dict[str, Any]]) -> list[tuple]:
    return [(e["tahapan"], e["mulai"], e["selesai"]) for e in entries]


def _kode(now: datetime, lelang_id: str) -> str:
    return f"LL{now:%Y}-{lelang_id[:8].upper()}"


# ------------------------------------------------------------------ the engine
def peserta_ids(uow: Any, row: LelangRow) -> list[str]:
    return [p.penyedia_id for p in uow.lelang.peserta(row.lelang_id)]


def fail(uow: Any, lelang: Lelang, row: LelangRow, now: datetime, alasan: str,
         actor: Actor | None = None) -> None:
    """Pelelangan gagal (DOMAIN §6.4): recorded, counted, announced."""
    lelang.gagalkan(now, alasan)
    row.alasan_gagal = alasan
    row.gagal_ke = (row.gagal_ke or 0) + 1
    copy_to_row(lelang, row, now)
    emit(uow, contracts.LELANG_FAILED, row, now, actor, alasan=alasan,
         gagal_ke=row.gagal_ke, peserta_ids=peserta_ids(uow, row))
    log(uow, row, now, actor, "lelang_failed", alasan=alasan)


def _count_bids(uow: Any, row: LelangRow, sampul: str) -> int:
    return sum(1 for p in uow.lelang.penawaran(row.lelang_id, sampul)
               if p.status != "ditarik")


def _on_opening(uow: Any, lelang: Lelang, row: LelangRow, now: datetime) -> None:
    sampul = str(lelang.definition.sampul[0])
    jumlah = _count_bids(uow, row, sampul)
    if kurang_penawaran(jumlah, lelang.ruleset):
        fail(uow, lelang, row, now, f"Jumlah penawaran yang masuk ({jumlah}) kurang "
             f"dari {lelang.ruleset.min_penawaran} ({lelang.ruleset.name}).")


def _on_file_2(uow: Any, lelang: Lelang, row: LelangRow, now: datetime) -> None:
    """File II of a bidder who did not pass File I is never opened."""
    passed = {h.penyedia_id for h in hasil_peserta(uow, row) if lulus_file_1(h)}
    for p in uow.lelang.penawaran(row.lelang_id, str(Sampul.FILE_2)):
        if p.penyedia_id not in passed and p.status == "terkirim":
            p.status = "tidak_dibuka"
    if not passed:
        fail(uow, lelang, row, now, "Tidak ada penawaran yang lulus evaluasi "
             "administrasi dan teknis (File I).")


def _on_pemilihan(uow: Any, lelang: Lelang, row: LelangRow, now: datetime) -> None:
    """After prakualifikasi: the result must be announced, with enough qualified."""
    if not (row.hasil or {}).get("kualifikasi_diumumkan"):
        fail(uow, lelang, row, now, "Hasil prakualifikasi tidak diumumkan.")
        return
    lulus = sum(1 for p in uow.lelang.peserta(row.lelang_id) if p.lulus_kualifikasi)
    if kurang_lulus_kualifikasi(lulus, lelang.ruleset):
        fail(uow, lelang, row, now, f"Peserta yang lulus prakualifikasi ({lulus}) "
             f"kurang dari {lelang.ruleset.min_lulus_prakualifikasi}.")


#: entry rules of the stages that have one (checked before the stage is entered)
ON_ENTER: dict[TahapanLelang, Callable[..., None]] = {
    T.PEMBUKAAN_PENAWARAN: _on_opening,
    T.PEMBUKAAN_EVALUASI_FILE_1: _on_opening,
    T.PEMBUKAAN_EVALUASI_FILE_2: _on_file_2,
    T.UNDUH_DOKUMEN_PEMILIHAN: _on_pemilihan,
}


def advance(uow: Any, lelang: Lelang, row: LelangRow, now: datetime) -> int:
    """Enter every due stage in order (entry rules first); returns how many."""
    entered = 0
    while due := due_transitions(lelang, now):  # nothing once halted or ended
        rule = ON_ENTER.get(due[0].tahapan)
        if rule is not None:
            rule(uow, lelang, row, now)
            if lelang.status is S.GAGAL:
                break
        transition = apply_next_due(lelang, now)
        entered += 1
        copy_to_row(lelang, row, now)
        entry = next(e for e in lelang.jadwal if e.tahapan == transition.tahapan)
        emit(uow, contracts.TAHAPAN_STARTED, row, now, mulai=entry.mulai,
             selesai=entry.selesai)
    copy_to_row(lelang, row, now)
    return entered


def advance_due(uow: Any, now: datetime, deps: Deps, limit: int = 50) -> int:
    """The timer: move every due lelang (rows other replicas hold are skipped)."""
    moved = 0
    for row in uow.lelang.due(now, limit):
        lelang = to_domain(row)
        moved += advance(uow, lelang, row, now)
    uow.commit()
    return moved


def business_figures(uow: Any, now: datetime) -> dict[str, Any]:
    """Counts for the operators' dashboard (no ids): lelang by status, running
    lelang by stage, bids received since 00:00 WITA, peserta registrations."""
    midnight = datetime.combine(now.astimezone(WITA).date(), time(0), tzinfo=WITA)
    try:
        return uow.lelang.figures(midnight)
    finally:
        uow.rollback()


def load_current(uow: Any, lelang_id: str, now: datetime,
                 lock: str = "update") -> tuple[Lelang, LelangRow]:
    """Load under a lock and catch the engine up to ``now`` first."""
    lelang, row = load(uow, lelang_id, lock=lock)
    if lock == "update":
        advance(uow, lelang, row, now)
    return lelang, row


# ------------------------------------------------------------------ create, jadwal
def create_lelang(uow: Any, request: dict[str, Any], now: datetime,
                  deps: Deps) -> dict:
    """A Pokja member of the paket prepares a draft lelang (method, evaluation,
    jadwal, documents). ``retender_dari`` links a re-tender of a failed lelang.

    :raises BadRequest: ``METODE_EVALUASI_NOT_ALLOWED``, ``TAHAPAN_UNKNOWN``.
    :raises Conflict: ``PAKET_NOT_ASSIGNED``, ``PAKET_ALREADY_TENDERED``,
        ``RETENDER_NOT_FAILED``.
    """
    actor = require_writer(request["actor"], Role.POKJA)
    paket = load_paket(uow, request["paket_id"], lock="update")
    if actor.user_id not in (paket.pokja_ids or []):
        raise Forbidden("NOT_POKJA_OF_PAKET", "you are not in this paket's Pokja")
    retender = request.get("retender_dari")
    previous = None
    if retender:
        _, previous = load(uow, retender, lock="update")
        if previous.paket_id != paket.paket_id or previous.status != str(S.GAGAL):
            raise Conflict("RETENDER_NOT_FAILED",
                           "only a failed lelang of this paket can be re-tendered")
        if previous.retender_oleh:
            raise Conflict("RETENDER_EXISTS", "this lelang was re-tendered already")
    elif paket.status == str(contracts.StatusPaket.DILELANG):
        raise Conflict("PAKET_ALREADY_TENDERED", "the paket has a lelang already")
    lelang_id = new_id()
    lelang = Lelang.buat(
        lelang_id=lelang_id, paket_id=paket.paket_id, nilai_hps=Decimal(
            paket.nilai_hps), kategori=paket.kategori, metode=request["metode"],
        metode_evaluasi=request["metode_evaluasi"],
        jadwal=_jadwal(request.get("jadwal") or []), now=now)
    check_dokumen(deps, request.get("dokumen") or [])
    row = LelangRow(
        lelang_id=lelang_id, kode=_kode(now, lelang_id), paket_id=paket.paket_id,
        nama=paket.nama, agency_id=paket.agency_id, satker_id=paket.satker_id,
        tahun_anggaran=paket.tahun_anggaran, kategori=paket.kategori,
        lokasi=paket.lokasi, pagu=paket.pagu, nilai_hps=paket.nilai_hps,
        syarat_kualifikasi=list(paket.syarat_kualifikasi or []), ppk_id=paket.ppk_id,
        pokja_ids=list(paket.pokja_ids), metode=str(lelang.metode),
        metode_evaluasi=str(lelang.metode_evaluasi),
        alasan_metode=request.get("alasan_metode"), dokumen=[
            dokumen_json(d, now, 1) for d in request.get("dokumen") or []],
        hasil={}, retender_dari=retender, gagal_ke=previous.gagal_ke if previous
        else 0, created_at=now, updated_at=now, jadwal=[], riwayat=[], version=0,
        status=str(S.DRAFT))
    copy_to_row(lelang, row, now)
    uow.lelang.add(row, "LELANG_KODE_TAKEN")
    if previous is not None:
        previous.retender_oleh = lelang_id
    paket.status = str(contracts.StatusPaket.DILELANG)
    log(uow, row, now, actor, "lelang_created", metode=row.metode,
        retender_dari=retender)
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def set_jadwal(uow: Any, request: dict[str, Any], now: datetime, deps: Deps) -> dict:
    """Replace a draft's jadwal (checked fully at announcement)."""
    lelang, row = load(uow, request["lelang_id"], lock="update")
    actor = require_pokja(request["actor"], row)
    lelang.atur_jadwal(_jadwal(request["jadwal"]), now)
    copy_to_row(lelang, row, now)
    log(uow, row, now, actor, "jadwal_set")
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def announce_lelang(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> dict:
    """Pengumuman: the jadwal is checked against the rule-set in force today (every
    problem listed), one key pair per sampul is made, the private keys stored
    wrapped. Emits lelang_announced.

    :raises BadRequest: ``JADWAL_INVALID`` (details.problems).
    """
    lelang, row = load(uow, request["lelang_id"], lock="update")
    actor = require_pokja(request["actor"], row)
    lelang.umumkan(now, deps.kalender)
    for sampul in lelang.definition.sampul:
        key_id, public, wrapped = deps.keys.create(row.lelang_id, str(sampul))
        uow.session.add(KunciLelangRow(
            lelang_id=row.lelang_id, sampul=str(sampul), key_id=key_id,
            public_key=public, wrapped_private_key=wrapped, created_at=now))
    copy_to_row(lelang, row, now)
    emit(uow, contracts.LELANG_ANNOUNCED, row, now, actor,
         paket_id=row.paket_id, satker_id=row.satker_id,
         tahun_anggaran=row.tahun_anggaran,
         kategori=contracts.KategoriPengadaan(row.kategori),
         metode=contracts.MetodeLelang(row.metode),
         metode_evaluasi=contracts.MetodeEvaluasi(row.metode_evaluasi),
         pagu=money(row.pagu), nilai_hps=money(row.nilai_hps), lokasi=row.lokasi,
         ruleset=lelang.ruleset_code, jadwal=jadwal_view(lelang),
         retender_dari=row.retender_dari, diumumkan_pada=now)
    log(uow, row, now, actor, "lelang_announced", ruleset=lelang.ruleset_code)
    advance(uow, lelang, row, now)
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def _jadwal_changed(uow: Any, lelang: Lelang, row: LelangRow, now: datetime,
                    actor: Actor, transition: Transition) -> None:
    """A schedule change is public: the event (peserta, reporting) and the log."""
    emit(uow, contracts.JADWAL_CHANGED, row, now, actor, alasan=transition.alasan,
         jadwal=jadwal_view(lelang), perubahan=transition.details["perubahan"])
    log(uow, row, now, actor, "jadwal_changed", alasan=transition.alasan)


def change_jadwal(uow: Any, request: dict[str, Any], now: datetime,
                  deps: Deps) -> dict:
    """Perubahan jadwal with a reason; logged, public, announced to peserta.
    Emits jadwal_changed."""
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    transition = lelang.ubah_jadwal(_jadwal(request["jadwal"]), request["alasan"],
                                    now, deps.kalender)
    copy_to_row(lelang, row, now)
    _jadwal_changed(uow, lelang, row, now, actor, transition)
    advance(uow, lelang, row, now)
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def fail_lelang(uow: Any, request: dict[str, Any], now: datetime, deps: Deps) -> dict:
    """The Pokja (or the agency's PA/KPA, DOMAIN §6.4) declares the lelang failed.
    Emits lelang_failed."""
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = _require_pokja_or_pa(request["actor"], row)
    fail(uow, lelang, row, now, request["alasan"].strip(), actor)
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def _require_pokja_or_pa(actor: Actor | None, row: LelangRow) -> Actor:
    """Its Pokja or the agency's PA/KPA (declaring it failed, stopping it)."""
    actor = require_user(actor)
    if not (is_pokja(actor, row) or is_pa(actor, row)):
        raise Forbidden("NOT_POKJA_OF_LELANG", "only its Pokja or PA/KPA")
    return require_writer(actor, Role.POKJA, Role.PA, Role.KPA)


def retender_lelang(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> dict:
    """Lelang ulang: a new draft of the same paket and method, linked to the failed
    one (which stays read-only)."""
    _, row = load(uow, request["lelang_id"])
    require_pokja(request["actor"], row)
    return create_lelang(uow, {
        "actor": request["actor"], "paket_id": row.paket_id, "metode": row.metode,
        "metode_evaluasi": row.metode_evaluasi, "alasan_metode": row.alasan_metode,
        "jadwal": request.get("jadwal") or [], "dokumen": row.dokumen or [],
        "retender_dari": row.lelang_id}, now, deps)


def stop_lelang(uow: Any, request: dict[str, Any], now: datetime, deps: Deps) -> dict:
    """Penghentian (DOMAIN §5.2 Failed → Stopped; Perpres 54/2010 Pasal 84(1)): a
    failed lelang ends without a re-tender, by its Pokja or the PA/KPA; public,
    and its peserta are told (lelang_stopped).

    :raises Conflict: ``RETENDER_EXISTS`` (the other follow-up was chosen).
    :raises InvalidTransition: ``LELANG_NOT_FAILED``.
    """
    lelang, row = load(uow, request["lelang_id"], lock="update")
    actor = _require_pokja_or_pa(request["actor"], row)
    if row.retender_oleh:
        raise Conflict("RETENDER_EXISTS", "this lelang was re-tendered already",
                       {"retender_oleh": row.retender_oleh})
    alasan = request["alasan"].strip()
    lelang.hentikan(now, alasan)
    copy_to_row(lelang, row, now)
    emit(uow, contracts.LELANG_STOPPED, row, now, actor, alasan=alasan,
         peserta_ids=peserta_ids(uow, row))
    log(uow, row, now, actor, "lelang_stopped", alasan=alasan)
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def cancel_lelang(uow: Any, request: dict[str, Any], now: datetime,
                  deps: Deps) -> dict:
    """Withdraw a draft before its announcement (DOMAIN §5.2 Draft → Cancelled),
    by its Pokja. It was never public, so nothing is announced; the paket may get
    a new lelang, and a withdrawn re-tender frees the failed lelang for another.

    :raises InvalidTransition: ``LELANG_NOT_DRAFT``.
    """
    lelang, row = load(uow, request["lelang_id"], lock="update")
    actor = require_pokja(request["actor"], row)
    # then the paket, then a re-tendered lelang: the paket before that one, as in
    # create_lelang, so the two never wait on each other
    paket = load_paket(uow, row.paket_id, lock="update")
    alasan = request["alasan"].strip()
    lelang.batalkan(now, alasan)
    copy_to_row(lelang, row, now)
    if row.retender_dari:
        _, previous = load(uow, row.retender_dari, lock="update")
        if previous.retender_oleh == row.lelang_id:
            previous.retender_oleh = None
    else:
        paket.status = str(contracts.StatusPaket.DITUGASKAN)
    log(uow, row, now, actor, "lelang_cancelled", alasan=alasan)
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


# ------------------------------------------------------------------ queries
def get_lelang(uow: Any, request: dict[str, Any], now: datetime, deps: Deps) -> dict:
    """Public view, with more for the parties concerned (drafts: parties only)."""
    actor = request.get("actor")
    lelang, row = load_visible(uow, request["lelang_id"], actor)
    return lelang_view(uow, lelang, row, actor, now)


def list_lelang(uow: Any, request: dict[str, Any], now: datetime,
                deps: Deps) -> dict:
    """Announced lelang, filterable; ``mine`` for the actor's own (drafts too)."""
    actor = request.get("actor")
    only = None
    if request.get("mine"):
        actor = require_user(actor)
        only = uow.lelang.involved_lelang_ids(actor.user_id, actor.penyedia_id)
    rows, total = uow.lelang.list_lelang(request, only_ids=only)
    items = []
    for row in rows:
        lelang = to_domain(row)
        items.append(summary_view(uow, lelang, row, now))
    return page(items, total, request)


def list_lelang_log(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> list:
    """The full log of a lelang (DOMAIN §3.2: read by Auditors; the lelang's own
    Pokja and PPK see it too). Bid content never is in it, only hashes."""
    actor = require_user(request["actor"])
    _, row = load(uow, request["lelang_id"])
    if not (is_auditor(actor) or is_pokja(actor, row) or is_ppk(actor, row)):
        raise Forbidden("AUDIT_READERS_ONLY", "the log is for Auditors and the "
                        "lelang's Pokja and PPK")
    return [{"id": r.id, "at": r.at, "actor_user_id": r.actor_user_id,
             "action": r.action, "details": r.details or {}}
            for r in uow.lelang.logs(row.lelang_id)]


# ------------------------------------------------------------------ sanggah banding
def _require_pokja_or_ppk(actor: Actor | None, row: LelangRow) -> Actor:
    actor = require_user(actor)
    if not (is_pokja(actor, row) or is_ppk(actor, row)):
        raise Forbidden("NOT_POKJA_OF_LELANG", "only its Pokja or PPK")
    return require_writer(actor, Role.POKJA, Role.PPK)


def record_sanggah_banding(uow: Any, request: dict[str, Any], now: datetime,
                           deps: Deps) -> dict:
    """The paper appeal to the Bupati is recorded; the lelang halts (DOMAIN §8.2).
    Only a bidder whose sanggah was answered may appeal; the guarantee must reach
    the rule-set's minimum. Emits sanggah_banding_recorded.

    :raises BadRequest: ``JAMINAN_SANGGAH_BANDING_TOO_LOW``.
    :raises Conflict: ``SANGGAH_BANDING_NOT_ALLOWED``.
    """
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = _require_pokja_or_ppk(request["actor"], row)
    pid = request["penyedia_id"]
    answered = [s for s in uow.lelang.sanggah(row.lelang_id)
                if s.penyedia_id == pid and s.jenis == "hasil_lelang" and s.jawaban]
    if not answered:
        raise Conflict("SANGGAH_BANDING_NOT_ALLOWED",
                       "only a bidder whose sanggah was answered may appeal")
    ruleset = lelang.ruleset
    minimum = Decimal(row.nilai_hps) * ruleset.jaminan_sanggah_banding_rate
    if ruleset.jaminan_sanggah_banding_max is not None:
        minimum = min(minimum, Decimal(ruleset.jaminan_sanggah_banding_max))
    minimum = minimum.quantize(Decimal("0.01"))
    if request["jaminan_nilai"] < minimum:
        raise BadRequest("JAMINAN_SANGGAH_BANDING_TOO_LOW",
                         "the appeal guarantee is below the minimum",
                         {"minimum": str(minimum), "ruleset": ruleset.code})
    lelang.hentikan_sanggah_banding(now, f"Sanggah banding oleh {pid}")
    set_hasil(row, "sanggah_banding", {
        "diajukan_pada": request["diajukan_pada"].isoformat(), "penyedia_id": pid,
        "jaminan_nomor": request["jaminan_nomor"],
        "jaminan_nilai": str(request["jaminan_nilai"]), "jaminan_minimum":
        str(minimum), "keputusan": None, "keputusan_nomor": None,
        "dicatat_pada": now.isoformat()})
    copy_to_row(lelang, row, now)
    emit(uow, contracts.SANGGAH_BANDING_RECORDED, row, now, actor, penyedia_id=pid)
    log(uow, row, now, actor, "sanggah_banding_recorded", penyedia_id=pid)
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def decide_sanggah_banding(uow: Any, request: dict[str, Any], now: datetime,
                           deps: Deps) -> dict:
    """The Bupati's decision is recorded: upheld fails the lelang; rejected resumes
    it, optionally with a new jadwal for the stages the halt overran."""
    lelang, row = load(uow, request["lelang_id"], lock="update")
    actor = _require_pokja_or_ppk(request["actor"], row)
    banding = dict((row.hasil or {}).get("sanggah_banding") or {})
    if lelang.status is not S.DIHENTIKAN_SEMENTARA or not banding:
        raise InvalidTransition("LELANG_NOT_HALTED", "no sanggah banding pending")
    keputusan = contracts.KeputusanSanggah(request["keputusan"])
    banding.update(keputusan=str(keputusan),
                   keputusan_nomor=request["keputusan_nomor"])
    set_hasil(row, "sanggah_banding", banding)
    if keputusan is contracts.KeputusanSanggah.DITERIMA:
        fail(uow, lelang, row, now, "Sanggah banding diterima: "
             + request["alasan"].strip(), actor)
    else:
        jadwal = request.get("jadwal")
        changed = lelang.lanjutkan(now, request["alasan"],
                                   _jadwal(jadwal) if jadwal else None, deps.kalender)
        copy_to_row(lelang, row, now)
        if changed is not None:  # peserta, reporting and the portal hear of it
            _jadwal_changed(uow, lelang, row, now, actor, changed)
        advance(uow, lelang, row, now)
    emit(uow, contracts.SANGGAH_BANDING_DECIDED, row, now, actor,
         penyedia_id=banding["penyedia_id"], keputusan=keputusan)
    log(uow, row, now, actor, "sanggah_banding_decided", keputusan=str(keputusan))
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


