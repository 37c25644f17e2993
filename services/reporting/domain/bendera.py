"""The red-flag input of one lelang (:class:`.red_flags.Lelang`) from its events.

:func:`flag_input` follows the field docstrings of :class:`.red_flags.Lelang`:

* ``lelang_announced`` - identity, method, evaluation system, HPS, the jadwal;
  ``diumumkan_pada`` = ``mulai`` of the ``pengumuman`` (or
  ``pengumuman_prakualifikasi``) stage, else the announcement's ``diumumkan_pada``;
* ``jadwal_changed`` - counted once per event id; its ``jadwal`` entries and then its
  ``perubahan[].baru`` times replace those of the same stage, so ``batas_upload`` is
  the ``selesai`` of ``upload_penawaran`` in the latest jadwal;
* ``penawaran_submitted`` - the latest receipt per penyedia (versions and both sampul
  of a 2 file bid: the later time), INTERNAL data;
* ``hasil_announced`` (``evaluasi_file_1``) - a File I failure
  (:attr:`~.red_flags.TahapEvaluasi.FILE_1`) for a bidder the winner announcement
  does not evaluate;
* ``pemenang_announced`` - one :class:`~.red_flags.Penawaran` per ``hasil_evaluasi``
  row (prices, :meth:`~.red_flags.Evaluasi.from_steps`, peringkat), the winner
  (``pemenang`` with peringkat 1), ``jumlah_penawaran``, and
  ``pemenang_diumumkan_pada`` = the event's ``occurred_at``; a later announcement
  (after an upheld sanggah) replaces an earlier one;
* ``kontrak_signed`` - ``nilai_kontrak``.

Pure: the events are the consumer's (:class:`~.proyeksi.Event`, payloads loaded
through their contracts or plain JSON).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from . import red_flags as rf
from .proyeksi import Event, as_datetime

__all__ = ["flag_input", "lelang_ids"]

PENGUMUMAN = ("pengumuman", "pengumuman_prakualifikasi")
UPLOAD = "upload_penawaran"


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _ours(event: Event, lelang_id: str) -> bool:
    return event.source == "lelang" and str(event.payload.get("lelang_id")) == lelang_id


def lelang_ids(events: Sequence[Event]) -> list[str]:
    """The lelang announced in ``events``, in order (a stream may hold a failed
    lelang and its retender)."""
    out: list[str] = []
    for e in events:
        if e.key == ("lelang", "lelang_announced"):
            lid = str(e.payload["lelang_id"])
            if lid not in out:
                out.append(lid)
    return out


def flag_input(events: Sequence[Event], *,
               lelang_id: str | None = None) -> rf.Lelang | None:
    """The red-flag input of one lelang from its events, in outbox order: the
    lelang ``lelang_id``, or the first one announced in ``events``. Events of other
    lelang are skipped, a redelivered event (same id) counts once. ``None`` until
    its ``lelang_announced`` is among the events."""
    if lelang_id is None:
        ids = lelang_ids(events)
        if not ids:
            return None
        lelang_id = ids[0]
    announced: Mapping[str, Any] | None = None
    jadwal: dict[str, tuple[datetime, datetime]] = {}
    seen: set[str] = set()
    changes = 0
    receipts: dict[str, datetime] = {}
    file_1_failed: set[str] = set()
    winner: Event | None = None
    nilai_kontrak: Decimal | None = None
    for e in events:
        if not _ours(e, lelang_id) or e.event_id in seen:
            continue
        seen.add(e.event_id)
        p = e.payload
        if e.event_type == "lelang_announced":
            announced = p
            for entry in p["jadwal"]:
                jadwal[str(entry["tahapan"])] = (as_datetime(entry["mulai"]),
                                                 as_datetime(entry["selesai"]))
        elif e.event_type == "jadwal_changed":
            changes += 1
            for entry in p.get("jadwal", ()):
                jadwal[str(entry["tahapan"])] = (as_datetime(entry["mulai"]),
                                                 as_datetime(entry["selesai"]))
            for change in p.get("perubahan", ()):
                baru = change.get("baru")
                if change.get("tahapan") and baru and len(baru) == 2:
                    jadwal[str(change["tahapan"])] = (as_datetime(baru[0]),
                                                      as_datetime(baru[1]))
        elif e.event_type == "penawaran_submitted":
            pid, at = str(p["penyedia_id"]), as_datetime(p["diterima_pada"])
            if pid not in receipts or at > receipts[pid]:
                receipts[pid] = at
        elif e.event_type == "hasil_announced" and p.get("jenis") == "evaluasi_file_1":
            file_1_failed |= {str(x) for x in p.get("tidak_lulus", ())}
        elif e.event_type == "pemenang_announced":
            if winner is None or e.occurred_at >= winner.occurred_at:
                winner = e
        elif e.event_type == "kontrak_signed":
            nilai_kontrak = _dec(p["nilai"])
    if announced is None:
        return None

    pengumuman = next((jadwal[s] for s in PENGUMUMAN if s in jadwal), None)
    diumumkan_pada = (pengumuman[0] if pengumuman is not None
                      else as_datetime(announced["diumumkan_pada"]))
    batas_upload = jadwal[UPLOAD][1] if UPLOAD in jadwal else None

    bids: dict[str, rf.Penawaran] = {
        pid: rf.Penawaran(pid, diterima_pada=at) for pid, at in receipts.items()}
    for pid in file_1_failed:
        bids[pid] = rf.Penawaran(pid, diterima_pada=receipts.get(pid),
                                 evaluasi=rf.Evaluasi(False, rf.TahapEvaluasi.FILE_1))
    pemenang = jumlah = diumumkan = None
    if winner is not None:
        w = winner.payload
        for row in w["hasil_evaluasi"]:
            pid = str(row["penyedia_id"])
            evaluasi = rf.Evaluasi.from_steps(
                administrasi=row.get("lulus_administrasi"),
                teknis=row.get("lulus_teknis"), harga=row.get("lulus_harga"),
                kualifikasi=row.get("lulus_kualifikasi"), alasan=row.get("alasan"))
            if evaluasi is None and pid in bids:
                evaluasi = bids[pid].evaluasi  # e.g. failed File I, not re-evaluated
            bids[pid] = rf.Penawaran(
                pid, diterima_pada=receipts.get(pid),
                harga_penawaran=_dec(row.get("harga_penawaran")),
                harga_terkoreksi=_dec(row.get("harga_terkoreksi")),
                evaluasi=evaluasi,
                peringkat=(None if row.get("peringkat") is None
                           else int(row["peringkat"])))
        first = next((r for r in w["pemenang"] if int(r["peringkat"]) == 1), None)
        if first is not None:
            price = first.get("harga_terkoreksi")
            if price is None:
                price = first.get("harga_penawaran")
            pemenang = rf.Pemenang(str(first["penyedia_id"]), _dec(price))
        jumlah = int(w["jumlah_penawaran"])
        diumumkan = winner.occurred_at

    return rf.Lelang(
        lelang_id=lelang_id, kode=str(announced["kode"]),
        agency_id=str(announced["agency_id"]), nama=str(announced["nama"]),
        metode=str(announced["metode"]),
        metode_evaluasi=str(announced["metode_evaluasi"]),
        nilai_hps=_dec(announced["nilai_hps"]), diumumkan_pada=diumumkan_pada,
        batas_upload=batas_upload, jumlah_perubahan_jadwal=changes,
        penawaran=tuple(bids[pid] for pid in sorted(bids)),
        jumlah_penawaran=jumlah, pemenang=pemenang, pemenang_diumumkan_pada=diumumkan,
        nilai_kontrak=nilai_kontrak)
