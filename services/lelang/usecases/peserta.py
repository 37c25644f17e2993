"""Peserta, procurement documents, adendum, aanwijzing and prakualifikasi.

* Only a verified penyedia that is not blacklisted (asked live from registrasi)
  registers as peserta, while the download stage is open.
* Documents: the list is public; downloading needs the lelang's peserta, Pokja,
  PPK, PA/KPA or an Auditor. In prakualifikasi only qualified peserta may take the
  bidding documents (those issued from the bidding phase on).
* Aanwijzing: answers are visible to every peserta; the asker is named to the
  Pokja only (the asker sees ``milik_saya``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.common.auth import Actor
from services.common.contracts import lelang as contracts
from services.common.errors import Conflict, Forbidden, InvalidTransition, NotFound
from services.lelang.domain import LelangAction
from services.lelang.storage.models import PertanyaanRow, PesertaRow
from services.lelang.storage.repository import set_hasil

from .common import (
    Deps,
    check_dokumen,
    dokumen_json,
    dokumen_view,
    emit,
    is_party,
    is_pokja,
    load_visible,
    log,
    new_id,
    open_stage,
    require_action,
    require_penyedia,
    require_pokja,
)
from .lelang import load_current
from .views import lelang_view

A = LelangAction


def peserta_view(row: PesertaRow) -> dict[str, Any]:
    return {"lelang_id": row.lelang_id, "penyedia_id": row.penyedia_id,
            "nama": row.nama, "npwp": row.npwp, "terdaftar_pada": row.terdaftar_pada,
            "lulus_kualifikasi": row.lulus_kualifikasi,
            "alasan_kualifikasi": row.alasan_kualifikasi,
            "kualifikasi_dikirim_pada": row.kualifikasi_dikirim_pada}


def require_eligible(deps: Deps, penyedia_id: str,
                     info: dict[str, Any] | None = None) -> dict[str, Any]:
    """Live check with registrasi: verified, not deactivated or blacklisted (``info``:
    registrasi's answer, when asked before the transaction)."""
    info = deps.registrasi.penyedia(penyedia_id) if info is None else info
    if not info.get("eligible"):
        raise Forbidden("PENYEDIA_NOT_ELIGIBLE",
                        "only verified penyedia that are not blacklisted",
                        {"status": str(info.get("status"))})
    return info


def require_peserta(uow: Any, row: Any, actor: Actor) -> PesertaRow:
    peserta = uow.lelang.get_peserta(row.lelang_id, actor.penyedia_id)
    if peserta is None:
        raise Forbidden("NOT_PESERTA", "register for this lelang first")
    return peserta


def require_reader(uow: Any, row: Any, actor: Actor | None) -> PesertaRow | None:
    """A party concerned (None), or a registered peserta (its row).

    :raises Forbidden: ``NOT_PESERTA`` for everybody else.
    """
    if is_party(actor, row):
        return None
    if actor is None or not actor.penyedia_id:
        raise Forbidden("NOT_PESERTA", "registered peserta only")
    return require_peserta(uow, row, actor)


def register_peserta(uow: Any, request: dict[str, Any], now: datetime,
                     deps: Deps) -> dict:
    """Ikut lelang. Emits peserta_registered. ``PESERTA_ALREADY_REGISTERED``."""
    actor = require_penyedia(request["actor"])
    # asked before load_current, which may write (a stage that fell due): no write
    # transaction waits on an RPC (on SQLite it would hold every other writer)
    asked = deps.registrasi.penyedia(actor.penyedia_id)
    lelang, row = load_current(uow, request["lelang_id"], now)
    require_action(lelang, A.REGISTER_PESERTA, now)
    info = require_eligible(deps, actor.penyedia_id, asked)
    if uow.lelang.get_peserta(row.lelang_id, actor.penyedia_id) is not None:
        raise Conflict("PESERTA_ALREADY_REGISTERED", "already registered")
    peserta = PesertaRow(lelang_id=row.lelang_id, penyedia_id=actor.penyedia_id,
                         user_id=actor.user_id, nama=info["nama"],
                         npwp=info.get("npwp"), alamat=info.get("alamat"),
                         terdaftar_pada=now)
    uow.lelang.add(peserta, "PESERTA_ALREADY_REGISTERED")
    emit(uow, contracts.PESERTA_REGISTERED, row, now, actor,
         penyedia_id=actor.penyedia_id, penyedia_nama=info["nama"])
    log(uow, row, now, actor, "peserta_registered", penyedia_id=actor.penyedia_id)
    uow.commit()
    return peserta_view(peserta)


def list_peserta(uow: Any, request: dict[str, Any], now: datetime,
                 deps: Deps) -> list:
    """The Pokja, PPK, PA/KPA and Auditors see every peserta; a penyedia itself."""
    actor = request["actor"]
    lelang, row = load_visible(uow, request["lelang_id"], actor)
    rows = uow.lelang.peserta(row.lelang_id)
    if not is_party(actor, row):
        rows = [p for p in rows if actor and p.penyedia_id == actor.penyedia_id]
    return [peserta_view(p) for p in rows]


def authorize_dokumen(uow: Any, request: dict[str, Any], now: datetime,
                      deps: Deps) -> dict:
    """May the actor download this document of the lelang? Returns its reference.

    :raises NotFound: ``DOKUMEN_NOT_FOUND``; Forbidden ``NOT_PESERTA``.
    """
    actor = request["actor"]
    lelang, row = load_visible(uow, request["lelang_id"], actor)
    doc = next((d for d in row.dokumen or [] if d["sha256"] == request["sha256"]),
               None)
    if doc is None:
        raise NotFound("DOKUMEN_NOT_FOUND", "document not found")
    peserta = require_reader(uow, row, actor)
    if peserta is not None:
        bidding = doc.get("tahap") == "pemilihan"
        if bidding and lelang.definition.prakualifikasi and not (
                peserta.lulus_kualifikasi
                and (row.hasil or {}).get("kualifikasi_diumumkan")):
            raise Forbidden("NOT_QUALIFIED", "qualified peserta only")
    return dokumen_view(doc)


def issue_adendum(uow: Any, request: dict[str, Any], now: datetime,
                  deps: Deps) -> dict:
    """A new version of the documents (while peserta prepare their bids).
    Emits adendum_issued (every peserta is told)."""
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    require_action(lelang, A.ISSUE_ADENDUM, now)
    upload = next(e for e in lelang.jadwal if str(e.tahapan) == "upload_penawaran")
    cutoff = upload.selesai - timedelta(days=lelang.ruleset.adendum_cutoff_days)
    if now > cutoff:  # peserta need time to bid on the new documents
        raise InvalidTransition("ADENDUM_TOO_LATE", "too close to the upload deadline",
                                {"latest": cutoff.isoformat(),
                                 "ruleset": lelang.ruleset_code})
    check_dokumen(deps, request["dokumen"])
    versi = max([d.get("versi") or 1 for d in row.dokumen or []], default=0) + 1
    tahap = "pemilihan" if _bidding_phase(lelang, now) else "kualifikasi"
    added = [{**dokumen_json(d, now, versi), "tahap": tahap,
              "keterangan": request["keterangan"]} for d in request["dokumen"]]
    row.dokumen = [*(row.dokumen or []), *added]
    emit(uow, contracts.ADENDUM_ISSUED, row, now, actor, versi=versi,
         keterangan=request["keterangan"],
         dokumen=[dokumen_view(d) for d in added])
    log(uow, row, now, actor, "adendum_issued", versi=versi)
    uow.commit()
    return lelang_view(uow, lelang, row, actor, now)


def _bidding_phase(lelang: Any, now: datetime) -> bool:
    stage = open_stage(lelang, A.ISSUE_ADENDUM, now)
    pra = lelang.definition.prakualifikasi
    return not pra or (stage is not None
                       and str(stage.tahapan) != "penjelasan_prakualifikasi")


# ------------------------------------------------------------------ aanwijzing
def pertanyaan_view(p: PertanyaanRow, actor: Actor | None, pokja: bool) -> dict:
    mine = bool(actor and actor.penyedia_id and actor.penyedia_id == p.penyedia_id)
    return {"pertanyaan_id": p.pertanyaan_id, "lelang_id": p.lelang_id,
            "tahapan": p.tahapan, "pertanyaan": p.pertanyaan,
            "ditanya_pada": p.ditanya_pada,
            "penyedia_id": p.penyedia_id if pokja or mine else None,
            "milik_saya": mine, "jawaban": p.jawaban, "dijawab_pada": p.dijawab_pada}


def ask_pertanyaan(uow: Any, request: dict[str, Any], now: datetime,
                   deps: Deps) -> dict:
    """A peserta asks during the penjelasan. Emits pertanyaan_asked (asker not
    named)."""
    actor = require_penyedia(request["actor"])
    lelang, row = load_current(uow, request["lelang_id"], now)
    require_action(lelang, A.ASK_PENJELASAN, now)
    require_peserta(uow, row, actor)
    stage = open_stage(lelang, A.ASK_PENJELASAN, now)
    p = PertanyaanRow(pertanyaan_id=new_id(), lelang_id=row.lelang_id,
                      penyedia_id=actor.penyedia_id, tahapan=str(stage.tahapan),
                      pertanyaan=request["pertanyaan"].strip(), ditanya_pada=now)
    uow.lelang.add(p)
    emit(uow, contracts.PERTANYAAN_ASKED, row, now, None,
         pertanyaan_id=p.pertanyaan_id)
    uow.commit()
    return pertanyaan_view(p, actor, False)


def answer_pertanyaan(uow: Any, request: dict[str, Any], now: datetime,
                      deps: Deps) -> dict:
    """The Pokja answers (again to correct). Emits pertanyaan_answered."""
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    require_action(lelang, A.ANSWER_PENJELASAN, now)
    p = uow.lelang.get_pertanyaan(request["pertanyaan_id"])
    if p is None or p.lelang_id != row.lelang_id:
        raise NotFound("PERTANYAAN_NOT_FOUND", "question not found")
    p.jawaban, p.dijawab_oleh, p.dijawab_pada = (request["jawaban"].strip(),
                                                 actor.user_id, now)
    emit(uow, contracts.PERTANYAAN_ANSWERED, row, now, actor,
         pertanyaan_id=p.pertanyaan_id)
    uow.commit()
    return pertanyaan_view(p, actor, True)


def list_pertanyaan(uow: Any, request: dict[str, Any], now: datetime,
                    deps: Deps) -> list:
    """Peserta and the parties concerned; the asker is named to the Pokja only."""
    actor = request["actor"]
    lelang, row = load_visible(uow, request["lelang_id"], actor)
    require_reader(uow, row, actor)
    pokja = is_pokja(actor, row)
    return [pertanyaan_view(p, actor, pokja) for p in uow.lelang.pertanyaan(
        row.lelang_id)]


# ------------------------------------------------------------------ prakualifikasi
def submit_kualifikasi(uow: Any, request: dict[str, Any], now: datetime,
                       deps: Deps) -> dict:
    """A peserta sends its qualification documents (again to replace them)."""
    actor = require_penyedia(request["actor"])
    asked = deps.registrasi.penyedia(actor.penyedia_id)  # before any write
    lelang, row = load_current(uow, request["lelang_id"], now)
    require_action(lelang, A.SUBMIT_KUALIFIKASI, now)
    require_eligible(deps, actor.penyedia_id, asked)
    peserta = require_peserta(uow, row, actor)
    check_dokumen(deps, request["dokumen"])
    peserta.kualifikasi_dokumen = [dokumen_json(d, now) for d in request["dokumen"]]
    peserta.kualifikasi_keterangan = request.get("keterangan")
    peserta.kualifikasi_dikirim_pada = now
    log(uow, row, now, actor, "kualifikasi_submitted", penyedia_id=actor.penyedia_id)
    uow.commit()
    return peserta_view(peserta)


def evaluate_kualifikasi(uow: Any, request: dict[str, Any], now: datetime,
                         deps: Deps) -> list:
    """The Pokja records pass/fail of each qualification (evaluation, proof,
    decision stages); a peserta that sent nothing cannot pass."""
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    allowed = {A.EVALUATE_KUALIFIKASI, A.VERIFY_KUALIFIKASI, A.DECIDE_KUALIFIKASI}
    stage_action = next((a for a in allowed if open_stage(lelang, a, now)), None)
    require_action(lelang, stage_action or A.EVALUATE_KUALIFIKASI, now)
    if (row.hasil or {}).get("kualifikasi_diumumkan"):
        raise Conflict("HASIL_ALREADY_ANNOUNCED", "the result was announced")
    out = []
    for item in request["hasil"]:
        peserta = uow.lelang.get_peserta(row.lelang_id, item["penyedia_id"])
        if peserta is None:
            raise NotFound("PESERTA_NOT_FOUND", "not a peserta",
                           {"penyedia_id": item["penyedia_id"]})
        if item["lulus"] and peserta.kualifikasi_dikirim_pada is None:
            raise Conflict("KUALIFIKASI_NOT_SUBMITTED", "nothing was submitted",
                           {"penyedia_id": item["penyedia_id"]})
        peserta.lulus_kualifikasi = item["lulus"]
        peserta.alasan_kualifikasi = item.get("alasan")
        out.append(peserta_view(peserta))
    log(uow, row, now, actor, "kualifikasi_evaluated", jumlah=len(out))
    uow.commit()
    return out


def announce_kualifikasi(uow: Any, lelang: Any, row: Any, actor: Actor,
                         now: datetime) -> None:
    """Pengumuman hasil prakualifikasi (called by ``announce_hasil``)."""
    peserta = uow.lelang.peserta(row.lelang_id)
    lulus = [p.penyedia_id for p in peserta if p.lulus_kualifikasi]
    set_hasil(row, "kualifikasi_diumumkan", now.isoformat())
    emit(uow, contracts.HASIL_ANNOUNCED, row, now, actor, jenis="prakualifikasi",
         lulus=lulus, tidak_lulus=[p.penyedia_id for p in peserta
                                   if p.penyedia_id not in lulus])

