"""e-reporting (Perbup 30/2012 Pasal 20(1)c): read models folded from events, and the
reports aggregated from them. THE routing table, written once.

Summaries
    One JSON-ready dict per *kind* and key, folded from events only (reporting never
    reads another service's database), so the whole read model can be rebuilt by
    replaying the events:

    * ``lelang`` by ``lelang_id``: :func:`fold_lelang`, every lelang event;
    * ``paket`` by ``paket_id``: :func:`fold_paket`, paket_created and the lelang
      events that move its status;
    * ``rup`` by ``rup_id``: :func:`fold_rup`, rup_announced;
    * ``pengaduan`` by ``pengaduan_id``: :func:`fold_pengaduan`;
    * ``penyedia`` by ``penyedia_id``: :func:`fold_penyedia`.

    Every summary has the keys a store indexes (:data:`INDEX_KEYS`: ``agency_id``,
    ``satker_id``, ``tahun_anggaran``, ``metode``, ``kategori``, ``status``; ``None``
    where the kind has no such thing) and ``diperbarui_pada`` (ISO time of the latest
    event applied). For ``pengaduan`` and ``penyedia`` ``tahun_anggaran`` is the
    calendar year (WITA) of filing / registration: what a yearly report counts.

    A fold is ``fold_x(summary | None, event) -> summary | None``: a new dict (the
    argument is not changed); ``None`` stays ``None`` for an event the kind cannot
    start from. Folds are idempotent (a redelivered event changes nothing: counts
    are distinct sets, and the lelang summary keeps the ids of the events it applied)
    and tolerate reordering: a status is the one of the latest event by
    ``occurred_at`` (a terminal status wins a tie), never of the last one applied.

Routing
    :data:`ROUTES` maps ``(source, event_type)`` to the summaries it updates, each a
    :class:`Route` (kind, key field); :data:`IGNORED` lists every other event of
    lelang, pengaduan and registrasi with the reason (a test checks that the two
    cover every contract). :func:`targets` resolves an event's keys, :func:`apply` /
    :func:`replay` run the folds over an in-memory store (the reference for a
    repository, which must do the same).

Reports
    :func:`aggregate` groups the summaries (by any of :data:`GROUP_FIELDS`) and
    counts, sums and averages them (Decimal arithmetic, amounts as strings with 2
    decimals); :func:`csv_rows` flattens a report into CSV tables with Indonesian
    headers; :func:`business_figures` gives the gauges. A report is *public*
    (DOMAIN §11): it counts bids only where the number is public (announced with the
    winner), names no person, and carries no complaint identity. The per-lelang summary
    itself is internal (it keeps the receipt count and the ids of the bidders).

Pure: no I/O, no clock, no framework, no contract import.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .proyeksi import Event, as_datetime, iso

__all__ = [
    "CSV_TABLES", "GROUP_FIELDS", "IGNORED", "INDEX_KEYS", "KEY_FIELD", "KINDS",
    "ROUTES", "Route", "aggregate", "apply", "business_figures", "csv_rows",
    "fold_lelang", "fold_paket", "fold_pengaduan", "fold_penyedia", "fold_rup",
    "replay", "targets",
]

Summary = dict[str, Any]
Store = MutableMapping[str, MutableMapping[str, Summary]]

WITA = timezone(timedelta(hours=8), "WITA")
CENT = Decimal("0.01")

#: the columns a store indexes, present in every summary
INDEX_KEYS = ("agency_id", "satker_id", "tahun_anggaran", "metode", "kategori",
              "status")
#: what a report may group by
GROUP_FIELDS = ("agency_id", "satker_id", "tahun_anggaran", "metode", "kategori")

# mirrors of the wire enums (a test keeps them equal to the contracts)
STATUS_LELANG = ("draft", "diumumkan", "berjalan", "dihentikan_sementara", "gagal",
                 "selesai", "dihentikan", "dibatalkan")
STATUS_PAKET = ("dibuat", "dilelangkan", "selesai", "gagal")
STATUS_PENGADUAN = ("diterima", "diperiksa", "diteruskan", "ditindaklanjuti",
                    "selesai", "ditolak")
JENIS_PENGADUAN = ("lelang", "layanan_lpse", "kkn")
STATUS_PENYEDIA = ("menunggu_verifikasi", "terverifikasi", "ditolak", "nonaktif",
                   "daftar_hitam")
#: a complaint in one of these is no longer open
PENGADUAN_TERTUTUP = ("selesai", "ditolak")
_TERMINAL = frozenset({"gagal", "selesai", "ditolak", "dihentikan", "dibatalkan"})
#: final lelang statuses: at the same second they win over any other terminal one
#: (dihentikan over the gagal it follows)
_FINAL = frozenset({"dihentikan", "dibatalkan"})
#: a lelang in one of these failed (a stopped one failed before it was stopped)
GAGAL = ("gagal", "dihentikan")


# ------------------------------------------------------------------ value helpers
def _str(value: Any) -> str | None:
    """A wire value as a plain string (a loaded StrEnum gives its value)."""
    return None if value is None else str(value)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _amount(value: Any) -> str | None:
    """An amount as a JSON string with 2 decimals."""
    d = _dec(value)
    return None if d is None else str(d.quantize(CENT, rounding=ROUND_HALF_UP))


def _time(value: Any) -> str | None:
    return None if value is None else iso(value)


def _parse(value: str) -> datetime:
    return as_datetime(value)


def _year(value: str | None) -> int | None:
    """The calendar year in Karangasem (WITA) of an ISO time."""
    return None if value is None else _parse(value).astimezone(WITA).year


def _hours(delta: timedelta) -> str:
    return str((Decimal(int(delta.total_seconds())) / Decimal(3600)).quantize(
        CENT, rounding=ROUND_HALF_UP))


def _rank(status: str | None) -> int:
    return 2 if status in _FINAL else 1 if status in _TERMINAL else 0


def _newer(s: Summary, at: str, status: str | None) -> bool:
    """Whether an event at ``at`` (bringing ``status``) is the latest one known:
    later wins; at the same second a terminal status is not undone (nor a final
    one, dihentikan, by the gagal it follows)."""
    last = s.get("diperbarui_pada")
    if last is None or at > last:
        return True
    if at < last:
        return False
    return _rank(status) >= _rank(s.get("status"))


def _base(**fields: Any) -> Summary:
    out: Summary = {k: None for k in INDEX_KEYS}
    out.update(fields)
    out.setdefault("diperbarui_pada", None)
    return out


# ------------------------------------------------------------------ lelang
def _new_lelang(p: Mapping[str, Any]) -> Summary:
    return _base(
        lelang_id=str(p["lelang_id"]), kode=_str(p.get("kode")),
        nama=_str(p.get("nama")),
        paket_id=None, metode_evaluasi=None, tahapan=None, pagu=None, nilai_hps=None,
        nilai_kontrak=None, penghematan=None, jumlah_peserta=0, jumlah_penawaran=0,
        jumlah_penawaran_sumber="tanda_terima", jumlah_penawaran_diumumkan=None,
        jumlah_sanggah=0, jumlah_sanggah_banding=0, jumlah_perubahan_jadwal=0,
        gagal=False, alasan_gagal=None, gagal_ke=None, alasan_penghentian=None,
        dihentikan_pada=None, retender_dari=None,
        ruleset=None, diumumkan_pada=None, tahapan_mulai={}, durasi_tahapan={},
        pemenang=None, pemenang_diumumkan_pada=None, selesai_pada=None,
        peserta_ids=[], penawar_ids=[], sanggah_ids=[], event_ids=[])


def _add(s: Summary, key: str, value: Any) -> None:
    if value is not None and str(value) not in s[key]:
        s[key] = sorted([*s[key], str(value)])


def _on_announced(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    s.update(paket_id=_str(p["paket_id"]), satker_id=_str(p.get("satker_id")),
             tahun_anggaran=int(p["tahun_anggaran"]), kategori=_str(p["kategori"]),
             metode=_str(p["metode"]), metode_evaluasi=_str(p["metode_evaluasi"]),
             pagu=_amount(p["pagu"]), nilai_hps=_amount(p["nilai_hps"]),
             ruleset=_str(p.get("ruleset")), retender_dari=_str(p.get("retender_dari")),
             diumumkan_pada=_time(p.get("diumumkan_pada") or e.occurred_at))


def _on_jadwal(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    s["jumlah_perubahan_jadwal"] += 1  # once per event: the event-id guard


def _on_tahapan(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    """The start of the stage as the engine entered it: the payload's ``mulai``
    (the start in force in the jadwal; the envelope time only says when the
    engine noticed). A stage entered again keeps its latest start."""
    name, start = p.get("tahapan"), _time(p.get("mulai") or e.occurred_at)
    if name is None:
        return
    known = s["tahapan_mulai"].get(name)
    if known is None or start > known:
        s["tahapan_mulai"] = {**s["tahapan_mulai"], str(name): start}


def _on_peserta(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    _add(s, "peserta_ids", p["penyedia_id"])


def _on_penawaran(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    _add(s, "penawar_ids", p["penyedia_id"])


def _on_pemenang(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    at = iso(e.occurred_at)
    if s["pemenang_diumumkan_pada"] is not None and at < s["pemenang_diumumkan_pada"]:
        return  # an earlier announcement, superseded
    for pid in p.get("peserta_ids", ()):
        _add(s, "peserta_ids", pid)
    first = next((w for w in p.get("pemenang", ()) if int(w["peringkat"]) == 1), None)
    price = None if first is None else (
        first.get("harga_terkoreksi") if first.get("harga_terkoreksi") is not None
        else first.get("harga_penawaran"))
    s.update(pemenang=None if first is None else {
        "penyedia_id": str(first["penyedia_id"]), "nama": _str(first.get("nama")),
        "harga": _amount(price)},
        pemenang_diumumkan_pada=at,
        jumlah_penawaran_diumumkan=int(p["jumlah_penawaran"]),
        nilai_hps=_amount(p.get("nilai_hps")) or s["nilai_hps"],
        paket_id=_str(p.get("paket_id")) or s["paket_id"])


def _on_sanggah(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    _add(s, "sanggah_ids", p["sanggah_id"])


def _on_sanggah_answered(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    _add(s, "sanggah_ids", p["sanggah_id"])
    _upheld(s, p, e)


def _upheld(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    """An upheld sanggah (banding) voids the announced winner: the lelang is
    evaluated again or fails."""
    if _str(p.get("keputusan")) == "diterima" and s["pemenang_diumumkan_pada"] and (
            iso(e.occurred_at) >= s["pemenang_diumumkan_pada"]):
        s["pemenang"] = None


def _on_banding(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    s["jumlah_sanggah_banding"] += 1  # once per event: the event-id guard


def _on_failed(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    for pid in p.get("peserta_ids", ()):
        _add(s, "peserta_ids", pid)
    s.update(alasan_gagal=_str(p["alasan"]), gagal_ke=int(p["gagal_ke"]),
             selesai_pada=iso(e.occurred_at))


def _on_stopped(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    """Penghentian after a pelelangan gagal: the lelang ends for good (no
    re-tender). It stays a failed lelang: ``alasan_gagal``/``gagal_ke`` are the
    failure's, and it ended when it failed (``selesai_pada`` is the failure's time
    once lelang_failed is known, whatever the delivery order)."""
    for pid in p.get("peserta_ids", ()):
        _add(s, "peserta_ids", pid)
    s.update(alasan_penghentian=_str(p["alasan"]), dihentikan_pada=iso(e.occurred_at))
    if s["selesai_pada"] is None:
        s["selesai_pada"] = iso(e.occurred_at)


def _on_kontrak(s: Summary, p: Mapping[str, Any], e: Event) -> None:
    s.update(nilai_kontrak=_amount(p["nilai"]),
             nilai_hps=_amount(p.get("nilai_hps")) or s["nilai_hps"],
             paket_id=_str(p.get("paket_id")) or s["paket_id"],
             selesai_pada=iso(e.occurred_at))


_LELANG: Mapping[str, Callable[[Summary, Mapping[str, Any], Event], None]] = {
    "lelang_announced": _on_announced,
    "jadwal_changed": _on_jadwal,
    "tahapan_started": _on_tahapan,
    "peserta_registered": _on_peserta,
    "penawaran_submitted": _on_penawaran,
    "pemenang_announced": _on_pemenang,
    "sanggah_filed": _on_sanggah,
    "sanggah_answered": _on_sanggah_answered,
    "sanggah_banding_recorded": _on_banding,
    "sanggah_banding_decided": _upheld,
    "lelang_failed": _on_failed,
    "lelang_stopped": _on_stopped,
    "kontrak_signed": _on_kontrak,
}
#: the status an event type implies, whatever its payload says
_STATUS_OF = {"lelang_failed": "gagal", "lelang_stopped": "dihentikan",
              "kontrak_signed": "selesai"}


def _derive_lelang(s: Summary) -> None:
    if s["jumlah_penawaran_diumumkan"] is not None:
        s["jumlah_penawaran"] = s["jumlah_penawaran_diumumkan"]
        s["jumlah_penawaran_sumber"] = "pengumuman_pemenang"
    else:
        s["jumlah_penawaran"] = len(s["penawar_ids"])
        s["jumlah_penawaran_sumber"] = "tanda_terima"
    s["jumlah_peserta"] = len(s["peserta_ids"])
    s["jumlah_sanggah"] = len(s["sanggah_ids"])
    s["gagal"] = s["status"] in GAGAL
    hps, kontrak = _dec(s["nilai_hps"]), _dec(s["nilai_kontrak"])
    s["penghematan"] = (None if hps is None or kontrak is None
                        else _amount(hps - kontrak))
    starts = sorted((_parse(t), name) for name, t in s["tahapan_mulai"].items())
    s["tahapan_mulai"] = {name: iso(t) for t, name in starts}
    end = _parse(s["selesai_pada"]) if s["selesai_pada"] else None
    durations: dict[str, str] = {}
    for i, (start, name) in enumerate(starts):
        nxt = next((t for t, _ in starts[i + 1:] if t > start), None)
        if nxt is None and end is not None and end >= start:
            nxt = end
        if nxt is not None:
            durations[name] = _hours(nxt - start)
    s["durasi_tahapan"] = durations


def fold_lelang(summary: Summary | None, event: Event) -> Summary | None:
    """The per-lelang summary after ``event`` (any lelang event: each carries the
    lelang's status and stage).

    Keys: ``lelang_id, kode, nama, paket_id, agency_id, satker_id, tahun_anggaran,
    metode, metode_evaluasi, kategori, ruleset, status, tahapan, pagu, nilai_hps,
    nilai_kontrak, penghematan`` (HPS - contract value, when both are known),
    ``jumlah_peserta`` (distinct, from peserta_registered and the peserta lists of
    pemenang_announced / lelang_failed / lelang_stopped), ``jumlah_penawaran``
    (distinct bidders of penawaran_submitted, replaced by the announced number
    once pemenang_announced gives it; ``jumlah_penawaran_sumber`` says which:
    ``tanda_terima`` is internal, ``pengumuman_pemenang`` public),
    ``jumlah_penawaran_diumumkan``, ``jumlah_sanggah`` (distinct sanggah),
    ``jumlah_sanggah_banding``,
    ``jumlah_perubahan_jadwal``, ``gagal`` (status gagal or dihentikan: a stopped
    lelang failed first) + ``alasan_gagal`` + ``gagal_ke`` (of lelang_failed),
    ``alasan_penghentian`` + ``dihentikan_pada`` (lelang_stopped, penghentian),
    ``retender_dari``, ``diumumkan_pada``, ``tahapan_mulai`` (stage -> ISO start,
    in order), ``durasi_tahapan`` (stage -> hours until the next stage started,
    the last one until the lelang ended, as decimal strings), ``pemenang``
    (``penyedia_id, nama, harga``) and ``pemenang_diumumkan_pada``,
    ``selesai_pada`` (kontrak signed or lelang failed; a stopped lelang ended when
    it failed), ``diperbarui_pada``; and,
    internal, ``peserta_ids, penawar_ids, sanggah_ids, event_ids``.
    """
    p = event.payload
    if event.source != "lelang" or "lelang_id" not in p:
        return summary
    if summary is not None and event.event_id in summary["event_ids"]:
        return summary
    s = copy.deepcopy(summary) if summary is not None else _new_lelang(p)
    s["event_ids"] = [*s["event_ids"], event.event_id]
    at = iso(event.occurred_at)
    s["kode"] = _str(p.get("kode")) or s["kode"]
    s["nama"] = _str(p.get("nama")) or s["nama"]
    s["agency_id"] = _str(p.get("agency_id")) or s["agency_id"]
    status = _STATUS_OF.get(event.event_type, _str(p.get("status")))
    if _newer(s, at, status):
        s.update(status=status, tahapan=_str(p.get("tahapan")) or s["tahapan"],
                 diperbarui_pada=at)
    handler = _LELANG.get(event.event_type)
    if handler is not None:
        handler(s, p, event)
    _derive_lelang(s)
    return s


# ------------------------------------------------------------------ paket
def _paket_status(s: Summary) -> str:
    """``dibuat`` until a lelang names the paket, then as its latest lelang:
    ``selesai`` (contract), ``gagal`` (failed, until re-tendered) or
    ``dilelangkan``."""
    if not s["lelang"]:
        return "dibuat"
    latest = max(s["lelang"].items(),
                 key=lambda kv: (kv[1]["diumumkan_pada"] or "", kv[0]))
    return latest[1]["status"]


def fold_paket(summary: Summary | None, event: Event) -> Summary | None:
    """The per-paket summary after ``event``: ``paket_created`` (its figures),
    ``lelang_announced`` (a lelang of it), ``lelang_failed`` (routed through the
    lelang's summary: the payload has no paket_id) and ``kontrak_signed``.

    Keys: ``paket_id, rup_id, nama, agency_id, satker_id, tahun_anggaran,
    kategori, metode`` (of its latest lelang), ``pagu, nilai_hps, di_bawah_ambang,
    status`` (``dibuat`` / ``dilelangkan`` / ``selesai`` / ``gagal``, following its
    latest lelang), ``lelang`` (lelang_id -> ``kode, metode, diumumkan_pada,
    status``), ``lelang_terakhir, jumlah_lelang, nilai_kontrak, dibuat_pada,
    diperbarui_pada``.
    """
    p, kind = event.payload, event.event_type
    if event.source != "lelang" or kind not in (
            "paket_created", "lelang_announced", "lelang_failed", "kontrak_signed"):
        return summary
    if summary is None:
        if not p.get("paket_id"):
            return None
        s = _base(paket_id=str(p["paket_id"]), rup_id=None, nama=None, pagu=None,
                  nilai_hps=None, di_bawah_ambang=None, lelang={},
                  lelang_terakhir=None, jumlah_lelang=0, nilai_kontrak=None,
                  dibuat_pada=None)
    else:
        s = copy.deepcopy(summary)
    at = iso(event.occurred_at)
    if kind == "paket_created":
        s.update(rup_id=_str(p.get("rup_id")), nama=_str(p["nama"]),
                 agency_id=_str(p["agency_id"]), satker_id=_str(p.get("satker_id")),
                 tahun_anggaran=int(p["tahun_anggaran"]),
                 kategori=_str(p["kategori"]), pagu=_amount(p["pagu"]),
                 nilai_hps=_amount(p["nilai_hps"]),
                 di_bawah_ambang=p.get("di_bawah_ambang"), dibuat_pada=at)
    elif kind == "lelang_announced":
        for key, value in (("nama", _str(p["nama"])),
                           ("agency_id", _str(p["agency_id"])),
                           ("satker_id", _str(p.get("satker_id"))),
                           ("tahun_anggaran", int(p["tahun_anggaran"])),
                           ("kategori", _str(p["kategori"])),
                           ("pagu", _amount(p["pagu"])),
                           ("nilai_hps", _amount(p["nilai_hps"]))):
            if s.get(key) is None:
                s[key] = value
        entry = s["lelang"].get(str(p["lelang_id"]), {"status": "dilelangkan"})
        s["lelang"][str(p["lelang_id"])] = {
            **entry, "kode": _str(p["kode"]), "metode": _str(p["metode"]),
            "diumumkan_pada": _time(p.get("diumumkan_pada") or event.occurred_at)}
    else:
        lelang_id = str(p["lelang_id"])
        entry = s["lelang"].get(lelang_id, {"kode": _str(p.get("kode")), "metode": None,
                                            "diumumkan_pada": None})
        entry = {**entry, "status": "gagal" if kind == "lelang_failed" else "selesai"}
        s["lelang"][lelang_id] = entry
        if kind == "kontrak_signed":
            s["nilai_kontrak"] = _amount(p["nilai"])
    s["lelang"] = dict(sorted(s["lelang"].items()))
    s["jumlah_lelang"] = len(s["lelang"])
    if s["lelang"]:
        s["lelang_terakhir"] = max(
            s["lelang"], key=lambda k: (s["lelang"][k]["diumumkan_pada"] or "", k))
        s["metode"] = s["lelang"][s["lelang_terakhir"]]["metode"] or s["metode"]
    s["status"] = _paket_status(s)
    if s["diperbarui_pada"] is None or at > s["diperbarui_pada"]:
        s["diperbarui_pada"] = at
    return s


# ------------------------------------------------------------------ rup
def fold_rup(summary: Summary | None, event: Event) -> Summary | None:
    """One RUP item from ``rup_announced``. Keys: ``rup_id, nama, agency_id,
    satker_id, tahun_anggaran, kategori, metode`` (the planned method, may be
    None), ``pagu, sumber_dana, status`` (``diumumkan``), ``diumumkan_pada,
    diperbarui_pada``."""
    if event.key != ("lelang", "rup_announced"):
        return summary
    p, at = event.payload, iso(event.occurred_at)
    return _base(rup_id=str(p["rup_id"]), nama=_str(p.get("nama")),
                 agency_id=_str(p["agency_id"]), satker_id=_str(p.get("satker_id")),
                 tahun_anggaran=int(p["tahun_anggaran"]), kategori=_str(p["kategori"]),
                 metode=_str(p.get("metode_rencana")), pagu=_amount(p["pagu"]),
                 sumber_dana=_str(p.get("sumber_dana")), status="diumumkan",
                 diumumkan_pada=at, diperbarui_pada=at)


# ------------------------------------------------------------------ pengaduan
_PENGADUAN_EVENTS = ("pengaduan_filed", "pengaduan_status_changed", "pengaduan_closed")


def fold_pengaduan(summary: Summary | None, event: Event) -> Summary | None:
    """One complaint from ``pengaduan_filed`` / ``pengaduan_status_changed`` /
    ``pengaduan_closed``; never the complainant's identity nor the text (only
    the fields below are read).

    Keys: ``pengaduan_id, jenis, status, klasifikasi, anonim, agency_id,
    lelang_id, diajukan_pada, ditutup_pada, tahun_anggaran`` (year filed, WITA),
    ``satker_id, metode, kategori`` (None), ``diperbarui_pada``.
    """
    p = event.payload
    if event.source != "pengaduan" or event.event_type not in _PENGADUAN_EVENTS:
        return summary
    s = copy.deepcopy(summary) if summary is not None else _base(
        pengaduan_id=str(p["pengaduan_id"]), jenis=None, klasifikasi=None,
        anonim=None, lelang_id=None, diajukan_pada=None, ditutup_pada=None)
    s["jenis"] = _str(p.get("jenis")) or s["jenis"]
    s["anonim"] = bool(p["anonim"]) if p.get("anonim") is not None else s["anonim"]
    s["agency_id"] = _str(p.get("agency_id")) or s["agency_id"]
    s["lelang_id"] = _str(p.get("lelang_id")) or s["lelang_id"]
    if event.event_type == "pengaduan_filed":
        at = _time(p.get("diajukan_pada") or event.occurred_at)
        s["diajukan_pada"] = at
        s["tahun_anggaran"] = _year(at)
    else:
        at = _time(p.get("at") or event.occurred_at)
        if event.event_type == "pengaduan_closed":
            s["ditutup_pada"] = at
        elif p.get("klasifikasi") is not None:
            s["klasifikasi"] = _str(p["klasifikasi"])
    status = _str(p.get("status"))
    if _newer(s, at, status):
        s.update(status=status, diperbarui_pada=at)
    return s


# ------------------------------------------------------------------ penyedia
_PENYEDIA_EVENTS = ("penyedia_registered", "penyedia_verified", "penyedia_rejected",
                    "penyedia_resubmitted", "penyedia_deactivated",
                    "penyedia_blacklisted", "penyedia_reactivated")


def fold_penyedia(summary: Summary | None, event: Event) -> Summary | None:
    """One penyedia's registration from registrasi's ``penyedia_*`` events
    (DOMAIN §4.2). Keys: ``penyedia_id, nama, status`` (as the latest event says),
    ``terdaftar_pada`` (penyedia_registered), ``tahun_anggaran`` (year
    registered, WITA), ``agency_id, satker_id, metode, kategori`` (None),
    ``diperbarui_pada``. No contact data (npwp, email) is kept."""
    p = event.payload
    if event.source != "registrasi" or event.event_type not in _PENYEDIA_EVENTS:
        return summary
    s = copy.deepcopy(summary) if summary is not None else _base(
        penyedia_id=str(p["penyedia_id"]), nama=None, terdaftar_pada=None)
    at = iso(event.occurred_at)
    if event.event_type == "penyedia_registered" and (
            s["terdaftar_pada"] is None or at < s["terdaftar_pada"]):
        s["terdaftar_pada"] = at
        s["tahun_anggaran"] = _year(at)
    status = _str(p.get("status"))
    if _newer(s, at, status):
        s.update(status=status, nama=_str(p.get("nama")) or s["nama"],
                 diperbarui_pada=at)
    return s


# ------------------------------------------------------------------ THE routing table
KINDS = ("lelang", "paket", "rup", "pengaduan", "penyedia")
#: the key field of each kind (in its summary, and in the payloads that name it)
KEY_FIELD: Mapping[str, str] = {"lelang": "lelang_id", "paket": "paket_id",
                                "rup": "rup_id", "pengaduan": "pengaduan_id",
                                "penyedia": "penyedia_id"}
FOLDS: Mapping[str, Callable[[Summary | None, Event], Summary | None]] = {
    "lelang": fold_lelang, "paket": fold_paket, "rup": fold_rup,
    "pengaduan": fold_pengaduan, "penyedia": fold_penyedia}


@dataclass(frozen=True)
class Route:
    """``event`` updates the summary of ``kind`` whose key is ``payload[key]``;
    with ``via``, the payload lacks the key and it is read from the summary of
    kind ``via`` named by the event (``lelang_failed`` -> its lelang's paket_id).
    The routes of an event are applied in order (``via`` after its source)."""

    kind: str
    key: str
    via: str | None = None


_TO_LELANG = Route("lelang", "lelang_id")
_L, _P, _R = "lelang", "pengaduan", "registrasi"

ROUTES: Mapping[tuple[str, str], tuple[Route, ...]] = {
    (_L, "rup_announced"): (Route("rup", "rup_id"),),
    (_L, "paket_created"): (Route("paket", "paket_id"),),
    # several kinds
    (_L, "lelang_announced"): (_TO_LELANG, Route("paket", "paket_id")),
    (_L, "lelang_failed"): (_TO_LELANG, Route("paket", "paket_id", via="lelang")),
    # the lelang only: its paket stays gagal (the status lelang_failed gave it; a
    # penghentian means no re-tender, so nothing changes it any more)
    (_L, "lelang_stopped"): (_TO_LELANG,),
    (_L, "kontrak_signed"): (_TO_LELANG, Route("paket", "paket_id")),
    # the lelang only: figures, or at least its status and stage
    (_L, "jadwal_changed"): (_TO_LELANG,),
    (_L, "adendum_issued"): (_TO_LELANG,),
    (_L, "tahapan_started"): (_TO_LELANG,),
    (_L, "peserta_registered"): (_TO_LELANG,),
    (_L, "pertanyaan_asked"): (_TO_LELANG,),
    (_L, "pertanyaan_answered"): (_TO_LELANG,),
    (_L, "penawaran_submitted"): (_TO_LELANG,),
    (_L, "penawaran_opened"): (_TO_LELANG,),
    (_L, "hasil_announced"): (_TO_LELANG,),
    (_L, "pemenang_decided"): (_TO_LELANG,),
    (_L, "pemenang_announced"): (_TO_LELANG,),
    (_L, "sanggah_filed"): (_TO_LELANG,),
    (_L, "sanggah_answered"): (_TO_LELANG,),
    (_L, "sanggah_banding_recorded"): (_TO_LELANG,),
    (_L, "sanggah_banding_decided"): (_TO_LELANG,),
    (_L, "sppbj_issued"): (_TO_LELANG,),
    # complaints
    (_P, "pengaduan_filed"): (Route("pengaduan", "pengaduan_id"),),
    (_P, "pengaduan_status_changed"): (Route("pengaduan", "pengaduan_id"),),
    (_P, "pengaduan_closed"): (Route("pengaduan", "pengaduan_id"),),
    # penyedia registrations
    **{(_R, name): (Route("penyedia", "penyedia_id"),) for name in _PENYEDIA_EVENTS},
}

IGNORED: Mapping[tuple[str, str], str] = {
    (_P, "pengaduan_forwarded"): "a delivery log entry (who got the complaint, by "
    "which channel); the status it carries changes only with "
    "pengaduan_status_changed, and the text and identity must not be kept",
    (_P, "penyimpangan_reported"): "an LPSE deviation report (Pasal 18), not a "
    "complaint: no e-reporting figure counts it (the red flags are its source)",
    (_R, "agency_created"): "an SKPD's name: reports group by agency_id; names are "
    "the directory's (proyeksi.Directory), looked up when a report is shown",
    (_R, "satker_created"): "a satuan kerja's name: reports group by satker_id; "
    "names are looked up when a report is shown",
    (_R, "user_created"): "staff accounts are not an e-reporting figure (only "
    "penyedia registrations are)",
    (_R, "user_deactivated"): "staff accounts are not an e-reporting figure (only "
    "penyedia registrations are)",
    (_R, "user_reactivated"): "staff accounts are not an e-reporting figure (only "
    "penyedia registrations are)",
    (_R, "role_granted"): "role grants are an access-control matter, not an "
    "e-reporting figure",
    (_R, "role_revoked"): "role grants are an access-control matter, not an "
    "e-reporting figure",
}
assert not set(ROUTES) & set(IGNORED), "an event is routed or ignored, not both"

Lookup = Callable[[str, str], Mapping[str, Any] | None]


def _resolve(route: Route, event: Event, lookup: Lookup) -> str | None:
    if route.via is None:
        key = event.payload.get(route.key)
    else:
        ref = event.payload.get(KEY_FIELD[route.via])
        holder = lookup(route.via, str(ref)) if ref is not None else None
        key = holder.get(route.key) if holder is not None else None
    return None if key is None else str(key)


def targets(event: Event, lookup: Lookup) -> list[tuple[str, str]]:
    """The ``(kind, key)`` of every summary ``event`` updates, in order.
    ``lookup(kind, key)`` returns a stored summary; a ``via`` key is read from it,
    so store the summaries of the earlier routes of the event first (as
    :func:`apply` does). A key that cannot be resolved (payload without it,
    summary not known) is left out."""
    out = []
    for route in ROUTES.get(event.key, ()):
        key = _resolve(route, event, lookup)
        if key is not None:
            out.append((route.kind, key))
    return out


def apply(store: Store, event: Event) -> list[tuple[str, str]]:
    """Fold ``event`` into ``store`` (kind -> key -> summary, changed in place)
    and return the ``(kind, key)`` it changed. The in-memory reference of what a
    repository does per event."""
    touched = []
    lookup = _lookup(store)
    for route in ROUTES.get(event.key, ()):
        key = _resolve(route, event, lookup)
        if key is None:
            continue
        old = store.get(route.kind, {}).get(key)
        new = FOLDS[route.kind](old, event)
        if new is not None and new != old:
            store.setdefault(route.kind, {})[key] = new
            touched.append((route.kind, key))
    return touched


def _lookup(store: Store) -> Lookup:
    return lambda kind, key: store.get(kind, {}).get(key)


def replay(events: Iterable[Event],
           store: Store | None = None) -> dict[str, dict[str, Summary]]:
    """Every summary from ``events`` (rebuild from scratch: pass no store)."""
    out: Any = store if store is not None else {kind: {} for kind in KINDS}
    for kind in KINDS:
        out.setdefault(kind, {})
    for event in events:
        apply(out, event)
    return out


# ------------------------------------------------------------------ aggregate
def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _sum(rows: Iterable[Mapping[str, Any]], key: str) -> Decimal:
    return sum((Decimal(str(r[key])) for r in rows if r.get(key) is not None),
               Decimal(0))


def _counts(rows: Iterable[Mapping[str, Any]], key: str,
            known: Sequence[str]) -> dict[str, int]:
    out = dict.fromkeys(known, 0)
    for r in rows:
        value = r.get(key)
        if value is not None:
            out[str(value)] = out.get(str(value), 0) + 1
    return out


def _paket_section(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"jumlah": len(rows), "per_status": _counts(rows, "status", STATUS_PAKET),
            "pagu": _money(_sum(rows, "pagu")),
            "nilai_hps": _money(_sum(rows, "nilai_hps"))}


def _rup_section(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"jumlah": len(rows), "pagu": _money(_sum(rows, "pagu"))}


def _public_bids(row: Mapping[str, Any]) -> int:
    """Bids of a lelang as far as public: the announced number only (DOMAIN §11:
    nothing about the bids before the winner announcement)."""
    announced = row.get("jumlah_penawaran_diumumkan")
    return int(announced) if announced is not None else 0


def _lelang_section(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    contracted = [r for r in rows if r.get("nilai_kontrak") is not None]
    saved = [r for r in contracted if r.get("penghematan") is not None]
    durations: dict[str, list[Decimal]] = {}
    for r in sorted(rows, key=lambda r: str(r.get("lelang_id"))):
        for stage, hours in (r.get("durasi_tahapan") or {}).items():
            durations.setdefault(stage, []).append(Decimal(str(hours)))
    failed = sorted((r for r in rows if r.get("gagal")),
                    key=lambda r: str(r.get("lelang_id")))
    reasons: dict[str, int] = {}
    for r in failed:
        reason = str(r.get("alasan_gagal") or "tidak diketahui")
        reasons[reason] = reasons.get(reason, 0) + 1
    return {
        "jumlah": len(rows),
        "per_status": _counts(rows, "status", STATUS_LELANG),
        "pagu": _money(_sum(rows, "pagu")),
        "nilai_hps": _money(_sum(rows, "nilai_hps")),
        "jumlah_berkontrak": len(contracted),
        "nilai_hps_berkontrak": _money(_sum(saved, "nilai_hps")),
        "nilai_kontrak": _money(_sum(contracted, "nilai_kontrak")),
        "penghematan": _money(_sum(saved, "penghematan")),
        "jumlah_peserta": sum(int(r.get("jumlah_peserta") or 0) for r in rows),
        "jumlah_penawaran": sum(_public_bids(r) for r in rows),
        "jumlah_lelang_penawaran_diumumkan": sum(
            1 for r in rows if r.get("jumlah_penawaran_diumumkan") is not None),
        "jumlah_sanggah": sum(int(r.get("jumlah_sanggah") or 0) for r in rows),
        "jumlah_sanggah_banding": sum(int(r.get("jumlah_sanggah_banding") or 0)
                                      for r in rows),
        "jumlah_perubahan_jadwal": sum(int(r.get("jumlah_perubahan_jadwal") or 0)
                                       for r in rows),
        "durasi_tahapan": {
            stage: {"jumlah_lelang": len(values),
                    "rata_rata_jam": _money(sum(values, Decimal(0)) / len(values))}
            for stage, values in durations.items()},
        "gagal": {
            "jumlah": len(failed),
            "per_alasan": dict(sorted(reasons.items())),
            "daftar": [{"lelang_id": r.get("lelang_id"), "kode": r.get("kode"),
                        "nama": r.get("nama"), "alasan": r.get("alasan_gagal"),
                        "gagal_ke": r.get("gagal_ke")} for r in failed],
        },
    }


def _pengaduan_section(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"jumlah": len(rows),
            "terbuka": sum(1 for r in rows
                           if r.get("status") not in PENGADUAN_TERTUTUP),
            "per_status": _counts(rows, "status", STATUS_PENGADUAN),
            "per_jenis": _counts(rows, "jenis", JENIS_PENGADUAN)}


def _penyedia_section(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"jumlah": len(rows), "per_status": _counts(rows, "status", STATUS_PENYEDIA)}


_SECTIONS: Mapping[str, Callable[[Sequence[Mapping[str, Any]]], dict[str, Any]]] = {
    "paket": _paket_section, "lelang": _lelang_section, "rup": _rup_section,
    "pengaduan": _pengaduan_section}


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, str(v) if v is not None else "") for v in key)


def aggregate(lelang: Iterable[Mapping[str, Any]], paket: Iterable[Mapping[str, Any]],
              rup: Iterable[Mapping[str, Any]], pengaduan: Iterable[Mapping[str, Any]],
              penyedia: Iterable[Mapping[str, Any]], *, tahun: int | None = None,
              agency_id: str | None = None,
              group_by: Sequence[str] = ("agency_id",)) -> dict[str, Any]:
    """The e-reporting report over lists of summaries, JSON-ready.

    ``tahun`` keeps the summaries of that ``tahun_anggaran`` (for complaints and
    penyedia: the year filed / registered), ``agency_id`` those of that SKPD
    (penyedia belong to no SKPD: never filtered by it). ``group_by`` is any of
    :data:`GROUP_FIELDS`.

    ``{"filter": {"tahun", "agency_id"}, "group_by": [...], "groups": [{"kunci":
    {field: value}, "paket", "lelang", "rup", "pengaduan"}], "total": {"paket",
    "lelang", "rup", "pengaduan", "penyedia"}}`` with the sections

    * ``paket``: ``jumlah, per_status, pagu, nilai_hps``;
    * ``lelang``: ``jumlah, per_status, pagu, nilai_hps, jumlah_berkontrak,
      nilai_hps_berkontrak`` (HPS of the lelang with a contract), ``nilai_kontrak,
      penghematan`` (sum of HPS - contract), ``jumlah_peserta, jumlah_penawaran``
      (announced counts only: public), ``jumlah_lelang_penawaran_diumumkan,
      jumlah_sanggah, jumlah_sanggah_banding, jumlah_perubahan_jadwal,
      durasi_tahapan`` (stage -> ``jumlah_lelang, rata_rata_jam``), ``gagal``
      (``jumlah, per_alasan, daftar``);
    * ``rup``: ``jumlah, pagu``;
    * ``pengaduan``: ``jumlah, terbuka, per_status, per_jenis``;
    * ``penyedia`` (total only): ``jumlah, per_status``.

    Amounts are strings with 2 decimals; a re-tendered paket counts once under
    ``paket`` and once per lelang under ``lelang``.
    """
    group_by = tuple(group_by)
    unknown = set(group_by) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}: one of {GROUP_FIELDS}")

    def keep(rows: Iterable[Mapping[str, Any]], by_agency: bool = True) -> list[
            Mapping[str, Any]]:
        out = []
        for r in rows:
            if tahun is not None and r.get("tahun_anggaran") != tahun:
                continue
            if by_agency and agency_id is not None and r.get("agency_id") != agency_id:
                continue
            out.append(r)
        return out

    kinds = {"paket": keep(paket), "lelang": keep(lelang), "rup": keep(rup),
             "pengaduan": keep(pengaduan)}
    people = keep(penyedia, by_agency=False)
    grouped: dict[tuple[Any, ...], dict[str, list[Mapping[str, Any]]]] = {}
    for kind, rows in kinds.items():
        for r in rows:
            key = tuple(r.get(f) for f in group_by)
            grouped.setdefault(key, {k: [] for k in kinds})[kind].append(r)
    groups = [{"kunci": dict(zip(group_by, key, strict=True)),
               **{kind: _SECTIONS[kind](rows) for kind, rows in parts.items()}}
              for key, parts in sorted(grouped.items(),
                                       key=lambda kv: _sort_key(kv[0]))]
    total = {kind: _SECTIONS[kind](rows) for kind, rows in kinds.items()}
    total["penyedia"] = _penyedia_section(people)
    return {"filter": {"tahun": tahun, "agency_id": agency_id},
            "group_by": list(group_by), "groups": groups, "total": total}


# ------------------------------------------------------------------ CSV
#: report field -> CSV header (Indonesian snake_case)
KOLOM_KUNCI: Mapping[str, str] = {
    "agency_id": "instansi", "satker_id": "satuan_kerja",
    "tahun_anggaran": "tahun_anggaran", "metode": "metode_pemilihan",
    "kategori": "kategori_pengadaan"}
CSV_TABLES = ("lelang", "paket", "pengaduan", "penyedia", "lelang_gagal",
              "durasi_tahapan")
TOTAL = "TOTAL"


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _statuses(report: Mapping[str, Any], kind: str, field: str,
              known: Sequence[str]) -> list[str]:
    """The known values in order, then any other the report holds."""
    seen = list(known)
    for section in [*(g[kind] for g in report["groups"]), report["total"][kind]]:
        seen += [s for s in section[field] if s not in seen]
    return seen


def _lelang_table(report: Mapping[str, Any]) -> tuple[list[str], Callable[
        [Mapping[str, Any]], list[Any]]]:
    statuses = _statuses(report, "lelang", "per_status", STATUS_LELANG)
    header = ["jumlah_lelang", *(f"jumlah_{s}" for s in statuses), "total_pagu",
              "total_hps", "jumlah_berkontrak", "total_hps_berkontrak",
              "total_nilai_kontrak", "total_penghematan", "jumlah_peserta",
              "jumlah_penawaran", "jumlah_sanggah", "jumlah_sanggah_banding",
              "jumlah_perubahan_jadwal"]

    def row(g: Mapping[str, Any]) -> list[Any]:
        s = g["lelang"]
        return [s["jumlah"], *(s["per_status"].get(x, 0) for x in statuses), s["pagu"],
                s["nilai_hps"], s["jumlah_berkontrak"], s["nilai_hps_berkontrak"],
                s["nilai_kontrak"], s["penghematan"], s["jumlah_peserta"],
                s["jumlah_penawaran"], s["jumlah_sanggah"], s["jumlah_sanggah_banding"],
                s["jumlah_perubahan_jadwal"]]
    return header, row


def _paket_table(report: Mapping[str, Any]) -> tuple[list[str], Callable[
        [Mapping[str, Any]], list[Any]]]:
    statuses = _statuses(report, "paket", "per_status", STATUS_PAKET)
    header = ["jumlah_paket", *(f"jumlah_{s}" for s in statuses), "total_pagu",
              "total_hps", "jumlah_rup", "total_pagu_rup"]

    def row(g: Mapping[str, Any]) -> list[Any]:
        s, r = g["paket"], g["rup"]
        return [s["jumlah"], *(s["per_status"].get(x, 0) for x in statuses), s["pagu"],
                s["nilai_hps"], r["jumlah"], r["pagu"]]
    return header, row


def _pengaduan_table(report: Mapping[str, Any]) -> tuple[list[str], Callable[
        [Mapping[str, Any]], list[Any]]]:
    statuses = _statuses(report, "pengaduan", "per_status", STATUS_PENGADUAN)
    kinds = _statuses(report, "pengaduan", "per_jenis", JENIS_PENGADUAN)
    header = ["jumlah_pengaduan", "jumlah_terbuka", *(f"jumlah_{s}" for s in statuses),
              *(f"jumlah_jenis_{j}" for j in kinds)]

    def row(g: Mapping[str, Any]) -> list[Any]:
        s = g["pengaduan"]
        return [s["jumlah"], s["terbuka"],
                *(s["per_status"].get(x, 0) for x in statuses),
                *(s["per_jenis"].get(j, 0) for j in kinds)]
    return header, row


def _grouped(report: Mapping[str, Any], header: list[str],
             row: Callable[[Mapping[str, Any]], list[Any]]) -> tuple[
                 list[str], list[list[str]]]:
    keys = list(report["group_by"])
    rows = [[*(_cell(g["kunci"][k]) for k in keys), *map(_cell, row(g))]
            for g in report["groups"]]
    total_key = [TOTAL, *([""] * (len(keys) - 1))] if keys else []
    rows.append([*total_key, *map(_cell, row(report["total"]))])
    return [*(KOLOM_KUNCI[k] for k in keys), *header], rows


def _long(report: Mapping[str, Any], header: list[str],
          items: Callable[[Mapping[str, Any]], Iterable[list[Any]]]) -> tuple[
              list[str], list[list[str]]]:
    """One row per item of each group (no total row: the items are the detail)."""
    keys = list(report["group_by"])
    rows = [[*(_cell(g["kunci"][k]) for k in keys), *map(_cell, item)]
            for g in report["groups"] for item in items(g)]
    return [*(KOLOM_KUNCI[k] for k in keys), *header], rows


def csv_rows(report: Mapping[str, Any]) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every table of ``report`` (:func:`aggregate`) as ``name -> (header, rows)``,
    cells as strings, names in :data:`CSV_TABLES`:

    * ``lelang``, ``paket`` (with the RUP columns), ``pengaduan``: one row per
      group (its key columns first) and a last row ``TOTAL``;
    * ``penyedia``: ``status_penyedia, jumlah`` (not grouped: penyedia belong to no
      SKPD);
    * ``lelang_gagal``: per group ``alasan_gagal, jumlah``; ``durasi_tahapan``: per
      group ``tahapan, jumlah_lelang, rata_rata_jam``.
    """
    out = {
        "lelang": _grouped(report, *_lelang_table(report)),
        "paket": _grouped(report, *_paket_table(report)),
        "pengaduan": _grouped(report, *_pengaduan_table(report)),
    }
    people = report["total"]["penyedia"]
    out["penyedia"] = (["status_penyedia", "jumlah"],
                       [*([s, _cell(n)] for s, n in people["per_status"].items()),
                        [TOTAL, _cell(people["jumlah"])]])
    out["lelang_gagal"] = _long(report, ["alasan_gagal", "jumlah"], lambda g: (
        [reason, n] for reason, n in g["lelang"]["gagal"]["per_alasan"].items()))
    out["durasi_tahapan"] = _long(
        report, ["tahapan", "jumlah_lelang", "rata_rata_jam"], lambda g: (
            [stage, d["jumlah_lelang"], d["rata_rata_jam"]]
            for stage, d in g["lelang"]["durasi_tahapan"].items()))
    assert tuple(out) == CSV_TABLES
    return out


# ------------------------------------------------------------------ gauges
def business_figures(lelang: Iterable[Mapping[str, Any]],
                     pengaduan: Iterable[Mapping[str, Any]],
                     penyedia: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The figures the dashboard shows as gauges: ``pengaduan_terbuka`` (not
    selesai / ditolak), ``pengaduan_per_status``, ``lelang_per_status``,
    ``lelang_per_tahapan`` (the stage of each lelang still running) and
    ``penyedia_menunggu_verifikasi``."""
    lelang, pengaduan, penyedia = list(lelang), list(pengaduan), list(penyedia)
    running = [r for r in lelang if r.get("status") in ("diumumkan", "berjalan",
                                                        "dihentikan_sementara")]
    stages: dict[str, int] = {}
    for r in running:
        stage = str(r.get("tahapan") or "belum_dimulai")
        stages[stage] = stages.get(stage, 0) + 1
    return {
        "pengaduan_terbuka": sum(1 for r in pengaduan
                                 if r.get("status") not in PENGADUAN_TERTUTUP),
        "pengaduan_per_status": _counts(pengaduan, "status", STATUS_PENGADUAN),
        "lelang_per_status": _counts(lelang, "status", STATUS_LELANG),
        "lelang_per_tahapan": dict(sorted(stages.items())),
        "penyedia_menunggu_verifikasi": sum(
            1 for r in penyedia if r.get("status") == "menunggu_verifikasi"),
    }
