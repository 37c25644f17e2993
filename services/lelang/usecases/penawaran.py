"""Sealed bids (ARCHITECTURE #9, DOMAIN §9): upload, replace, withdraw, opening.

* A bid file is in the blob store already *sealed* (LPSESEAL1, by the client or by
  the gateway on arrival) for this lelang's key of that sampul; the service checks
  the header's key id, never decrypts before the opening, and stores only the
  ciphertext's SHA-256 and the sealed price. The bidder gets a signed receipt.
* A re-upload before the deadline replaces the bid (latest wins); every receipt is
  kept (``tanda_terima``).
* The opening: only the lelang's Pokja, only while the opening stage of that sampul
  is open (server time). The envelope's private key is unwrapped then, and only the
  File II of bidders who passed File I is decrypted. Every opening is logged.
* Nobody can read a bid or its price through any call before its opening.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.exc import IntegrityError

from services.common import sealing
from services.common.auth import Actor
from services.common.contracts import lelang as contracts
from services.common.errors import BadRequest, Conflict, Forbidden
from services.lelang.domain import LelangAction, Sampul, lulus_file_1
from services.lelang.storage.models import PenawaranRow, TandaTerimaRow
from services.lelang.storage.repository import set_hasil

from .common import (
    Deps,
    emit,
    is_party,
    load,
    load_visible,
    log,
    new_id,
    open_stage,
    require_action,
    require_penyedia,
    require_pokja,
)
from .lelang import load_current
from .peserta import require_eligible, require_peserta
from .views import PRICED, hasil_peserta

A = LelangAction


def receipt_text(r: TandaTerimaRow) -> str:
    return "|".join([r.penawaran_id, r.lelang_id, r.penyedia_id, r.sampul, r.sha256,
                     str(r.size), str(r.versi), r.diterima_pada.isoformat(),
                     r.status])


def receipt_view(r: TandaTerimaRow) -> dict[str, Any]:
    return {"penawaran_id": r.penawaran_id, "lelang_id": r.lelang_id,
            "penyedia_id": r.penyedia_id, "sampul": contracts.Sampul(r.sampul),
            "sha256": r.sha256, "size": r.size, "versi": r.versi,
            "diterima_pada": r.diterima_pada,
            "status": contracts.StatusPenawaran(r.status),
            "tanda_tangan": r.tanda_tangan}


def _receipt(uow: Any, deps: Deps, p: PenawaranRow, now: datetime) -> TandaTerimaRow:
    r = TandaTerimaRow(penawaran_id=p.penawaran_id, lelang_id=p.lelang_id,
                       penyedia_id=p.penyedia_id, sampul=p.sampul, versi=p.versi,
                       status=p.status, sha256=p.sha256, size=p.size,
                       diterima_pada=now, tanda_tangan="")
    r.tanda_tangan = deps.keys.sign(receipt_text(r))
    uow.session.add(r)
    return r


def _check_sealed(head: bytes, key_id: str, what: str) -> None:
    try:
        header = sealing.read_header(head)
    except sealing.SealError:
        raise BadRequest("PENAWARAN_NOT_SEALED", f"the {what} is not sealed "
                         "(LPSESEAL1)", {"what": what}) from None
    if header.key_id != key_id:
        raise BadRequest("PENAWARAN_KEY_MISMATCH", f"the {what} was sealed for "
                         "another key", {"what": what, "expected_key_id": key_id,
                                         "key_id": header.key_id})


def _sealed_price(request: dict[str, Any], sampul: str, key_id: str) -> str | None:
    sealed = request.get("harga_sealed")
    if sampul not in PRICED:
        if sealed:
            raise BadRequest("HARGA_NOT_ALLOWED", "File I carries no price")
        return None
    if not sealed:
        raise BadRequest("HARGA_REQUIRED", "the bid price is required")
    try:
        raw = base64.b64decode(sealed, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("HARGA_SEALED_INVALID", "harga_sealed is not base64") from None
    _check_sealed(raw, key_id, "harga")
    return sealed


def submit_penawaran(uow: Any, request: dict[str, Any], now: datetime,
                     deps: Deps) -> dict:
    """Upload or replace a sealed bid. Emits penawaran_submitted (no price).

    :raises InvalidTransition: ``PENAWARAN_DEADLINE_PASSED``, ``LELANG_HALTED``.
    :raises Forbidden: ``NOT_PESERTA``, ``NOT_QUALIFIED``, ``PENYEDIA_NOT_ELIGIBLE``.
    :raises BadRequest: ``SAMPUL_NOT_IN_METODE``, ``DOKUMEN_NOT_UPLOADED``,
        ``PENAWARAN_NOT_SEALED``, ``PENAWARAN_KEY_MISMATCH``, ``HARGA_REQUIRED``.
    """
    actor = require_penyedia(request["actor"])
    # a shared lock: bids are taken side by side, never while the lelang moves
    lelang, row = load(uow, request["lelang_id"], lock="share")
    require_action(lelang, A.UPLOAD_PENAWARAN, now)
    peserta = require_peserta(uow, row, actor)
    if lelang.definition.prakualifikasi and not peserta.lulus_kualifikasi:
        raise Forbidden("NOT_QUALIFIED", "only qualified peserta may bid")
    sampul = str(request["sampul"])
    if Sampul(sampul) not in lelang.definition.sampul:
        raise BadRequest("SAMPUL_NOT_IN_METODE", "this method has no such sampul",
                         {"sampul": sampul, "metode": row.metode})
    kunci = uow.lelang.get_kunci(row.lelang_id, sampul)
    described = deps.blobs.describe(request["sha256"])
    if described is None or described[0] != request["size"]:
        raise BadRequest("DOKUMEN_NOT_UPLOADED", "the sealed file is not in the "
                         "store", {"sha256": request["sha256"]})
    _check_sealed(deps.blobs.head(request["sha256"], sealing.HEADER_SIZE),
                  kunci.key_id, "file")
    harga_sealed = _sealed_price(request, sampul, kunci.key_id)
    require_eligible(deps, actor.penyedia_id)
    p = uow.lelang.get_penawaran(row.lelang_id, actor.penyedia_id, sampul)
    if p is None:
        p = PenawaranRow(penawaran_id=new_id(), lelang_id=row.lelang_id,
                         penyedia_id=actor.penyedia_id, sampul=sampul, versi=0)
        uow.session.add(p)
    p.versi += 1
    p.status = str(contracts.StatusPenawaran.TERKIRIM)
    p.sha256, p.size, p.filename = request["sha256"], request["size"], request.get(
        "filename")
    p.harga_sealed, p.diterima_pada = harga_sealed, now
    try:
        uow.session.flush()
    except IntegrityError as exc:  # the same penyedia raced itself on a first upload
        raise Conflict("PENAWARAN_CONCURRENT_UPLOAD", "retry the upload") from exc
    receipt = _receipt(uow, deps, p, now)
    emit(uow, contracts.PENAWARAN_SUBMITTED, row, now, actor,
         penawaran_id=p.penawaran_id, penyedia_id=p.penyedia_id,
         sampul=contracts.Sampul(sampul), sha256=p.sha256, size=p.size,
         versi=p.versi, diterima_pada=now)
    uow.commit()
    return receipt_view(receipt)


def withdraw_penawaran(uow: Any, request: dict[str, Any], now: datetime,
                       deps: Deps) -> dict:
    """Withdraw a bid before the deadline (it no longer counts)."""
    actor = require_penyedia(request["actor"])
    lelang, row = load(uow, request["lelang_id"], lock="share")
    require_action(lelang, A.WITHDRAW_PENAWARAN, now)
    p = uow.lelang.get_penawaran(row.lelang_id, actor.penyedia_id,
                                 str(request["sampul"]))
    if p is None or p.status != "terkirim":
        raise Conflict("PENAWARAN_NOT_SUBMITTED", "there is no bid to withdraw")
    p.status = str(contracts.StatusPenawaran.DITARIK)
    p.versi += 1
    receipt = _receipt(uow, deps, p, now)
    log(uow, row, now, actor, "penawaran_withdrawn", penyedia_id=p.penyedia_id,
        sampul=p.sampul)
    uow.commit()
    return receipt_view(receipt)


def list_tanda_terima(uow: Any, request: dict[str, Any], now: datetime,
                      deps: Deps) -> list:
    """A penyedia's own receipts for this lelang, every version."""
    actor = require_penyedia(request["actor"])
    _, row = load_visible(uow, request["lelang_id"], actor)
    return [receipt_view(r) for r in uow.lelang.tanda_terima(row.lelang_id,
                                                             actor.penyedia_id)]


# ------------------------------------------------------------------ the opening
def _price(private: bytes, sealed: str) -> Decimal:
    data = json.loads(sealing.open_bytes(private, base64.b64decode(sealed)))
    harga = Decimal(str(data["harga"]))
    if not harga.is_finite() or harga <= 0:
        raise ValueError("harga must be a positive number")
    return harga


def _open_all(deps: Deps, bids: list[PenawaranRow], private: bytes,
              now: datetime) -> None:
    """Decrypt each bid's price and file (files side by side). A bid that will not
    open is reported, never silently dropped (DOMAIN §9.1)."""
    for p in bids:
        p.dibuka_pada = now
        p.status = str(contracts.StatusPenawaran.DIBUKA)
        try:
            if p.harga_sealed:
                p.harga = _price(private, p.harga_sealed)
        except (sealing.SealError, ValueError, KeyError, InvalidOperation,
                json.JSONDecodeError) as exc:
            p.gagal_dibuka = f"harga: {type(exc).__name__}: {exc}"[:500]
    refs = deps.blobs.open_many([p.sha256 for p in bids], private)
    for p, ref in zip(bids, refs, strict=True):
        if isinstance(ref, Exception):
            p.gagal_dibuka = (p.gagal_dibuka or "") + f" file: {ref}"[:400]
            continue
        p.plain_dokumen = {"sha256": ref.sha256, "size": ref.size,
                           "content_type": ref.content_type,
                           "filename": p.filename or f"penawaran-{p.sampul}",
                           "uploaded_at": now.isoformat()}


def open_penawaran(uow: Any, request: dict[str, Any], now: datetime,
                   deps: Deps) -> dict:
    """Pembukaan: the Pokja opens one sampul while its opening stage is open.

    :raises InvalidTransition: ``PEMBUKAAN_NOT_OPEN``, ``SAMPUL_NOT_OPEN_NOW``.
    :raises Conflict: ``PENAWARAN_ALREADY_OPENED``.
    """
    lelang, row = load_current(uow, request["lelang_id"], now)
    actor = require_pokja(request["actor"], row)
    require_action(lelang, A.OPEN_PENAWARAN, now)
    sampul = str(request["sampul"])
    stage = open_stage(lelang, A.OPEN_PENAWARAN, now)
    if str(lelang.definition.stage(stage.tahapan).opens) != sampul:
        raise Conflict("SAMPUL_NOT_OPEN_NOW", "this stage opens another sampul",
                       {"sampul": sampul, "tahapan": str(stage.tahapan)})
    if ((row.hasil or {}).get("dibuka") or {}).get(sampul):
        raise Conflict("PENAWARAN_ALREADY_OPENED", "this sampul is open already")
    kunci = uow.lelang.get_kunci(row.lelang_id, sampul)
    private = deps.keys.unwrap(row.lelang_id, sampul, kunci.wrapped_private_key)
    kunci.released_at = now
    passed = None
    if sampul == str(Sampul.FILE_2):
        passed = {h.penyedia_id for h in hasil_peserta(uow, row) if lulus_file_1(h)}
    bids = uow.lelang.penawaran(row.lelang_id, sampul)
    counts = {"dibuka": 0, "gagal_dibuka": 0, "tidak_dibuka": 0}
    to_open = []
    for p in bids:
        if p.status == "ditarik":
            continue
        if passed is not None and p.penyedia_id not in passed:
            p.status = str(contracts.StatusPenawaran.TIDAK_DIBUKA)
            counts["tidak_dibuka"] += 1
            continue
        to_open.append(p)
    _open_all(deps, to_open, private, now)
    for p in to_open:
        counts["gagal_dibuka" if p.gagal_dibuka else "dibuka"] += 1
    del private
    set_hasil(row, "dibuka", {**(row.hasil or {}).get("dibuka", {}),
                              sampul: now.isoformat()})
    log(uow, row, now, actor, "penawaran_opened", sampul=sampul,
        key_id=kunci.key_id, **counts,
        sha256=[p.sha256 for p in bids if p.status == "dibuka"])
    emit(uow, contracts.PENAWARAN_OPENED, row, now, actor,
         sampul=contracts.Sampul(sampul), dibuka_oleh=actor.user_id, **counts)
    uow.commit()
    return {"sampul": contracts.Sampul(sampul), **counts,
            "penawaran": [penawaran_view(uow, p) for p in bids
                          if p.status != "ditarik"]}


def penawaran_view(uow: Any, p: PenawaranRow) -> dict[str, Any]:
    peserta = uow.lelang.get_peserta(p.lelang_id, p.penyedia_id)
    opened = p.status == "dibuka"
    doc = p.plain_dokumen if opened else None
    return {"penawaran_id": p.penawaran_id, "penyedia_id": p.penyedia_id,
            "nama": peserta.nama if peserta else "",
            "sampul": contracts.Sampul(p.sampul),
            "status": contracts.StatusPenawaran(p.status), "sha256": p.sha256,
            "size": p.size, "diterima_pada": p.diterima_pada,
            "harga": Decimal(p.harga) if opened and p.harga is not None else None,
            "dokumen": doc and {**doc, "uploaded_at": datetime.fromisoformat(
                doc["uploaded_at"])}, "dibuka_pada": p.dibuka_pada,
            "gagal_dibuka": p.gagal_dibuka}


def list_penawaran(uow: Any, request: dict[str, Any], now: datetime,
                   deps: Deps) -> list:
    """Opened bids: the Pokja, PPK, PA/KPA and Auditors, per opened sampul.

    :raises Forbidden: ``PENAWARAN_SEALED`` for a sampul not opened yet (for every
        role), ``NOT_POKJA_OF_LELANG`` for others once opened.
    """
    actor: Actor | None = request["actor"]
    lelang, row = load_visible(uow, request["lelang_id"], actor)
    opened = (row.hasil or {}).get("dibuka") or {}
    wanted = [str(request["sampul"])] if request.get("sampul") else [
        str(s) for s in lelang.definition.sampul]
    sealed = [s for s in wanted if s not in opened]
    if sealed:
        raise Forbidden("PENAWARAN_SEALED", "bids stay sealed until the opening",
                        {"sampul": sealed})
    if not is_party(actor, row):
        raise Forbidden("NOT_POKJA_OF_LELANG", "opened bids: the Pokja only")
    out = []
    for sampul in wanted:
        out += [penawaran_view(uow, p) for p in uow.lelang.penawaran(
            row.lelang_id, sampul) if p.status != "ditarik"]
    return out

