"""The e-reporting summary (Pasal 20(1)(c)) for the public statistics page.

reporting builds its read models from events and serves them as ``get_laporan``;
:func:`summary_from_laporan` flattens that report into the figures the page shows
(:func:`statistik_from_report`). While reporting is down the page says the
statistics are not available ("belum tersedia").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.routes._common import call
from gateway.web import labels
from gateway.web.charts import Bar
from gateway.web.formats import angka, rupiah
from services.common.contracts.base import RpcContract
from services.common.contracts.reporting import GET_LAPORAN
from services.common.errors import EprocError

log = logging.getLogger(__name__)

#: the reporting RPC behind the page (None: the page says "belum tersedia")
REPORTING_SUMMARY_CONTRACT: RpcContract | None = GET_LAPORAN


@dataclass(frozen=True)
class Grafik:
    judul: str
    bars: list[Bar]


@dataclass(frozen=True)
class Statistik:
    tahun: int
    ringkasan: list[tuple[str, str]] = field(default_factory=list)
    grafik: list[Grafik] = field(default_factory=list)


def summary_request(tahun: int) -> dict[str, Any]:
    """The request of the summary RPC (a public read: no actor needed)."""
    return {"tahun_anggaran": tahun, "group_by": ["metode", "kategori"]}


def _nonzero(counts: Mapping[str, Any] | None) -> dict[str, int]:
    return {str(k): int(v) for k, v in (counts or {}).items() if int(v)}


def summary_from_laporan(laporan: Mapping[str, Any]) -> dict[str, Any]:
    """reporting's report (``get_laporan`` grouped by metode and kategori) as the
    page's figures."""
    total = laporan.get("total") or {}
    lelang = total.get("lelang") or {}
    per_metode: dict[str, int] = {}
    per_kategori: dict[str, int] = {}
    for group in laporan.get("groups") or []:
        kunci, n = group.get("kunci") or {}, int((group.get("lelang") or {}).get(
            "jumlah") or 0)
        for key, into in (("metode", per_metode), ("kategori", per_kategori)):
            if kunci.get(key) and n:
                into[str(kunci[key])] = into.get(str(kunci[key]), 0) + n
    return {"jumlah_lelang": lelang.get("jumlah"),
            "jumlah_peserta": lelang.get("jumlah_peserta"),
            "jumlah_penawaran": lelang.get("jumlah_penawaran"),
            "lelang_per_status": _nonzero(lelang.get("per_status")),
            "lelang_per_metode": per_metode, "lelang_per_kategori": per_kategori,
            "nilai": {"pagu": lelang.get("pagu"), "hps": lelang.get("nilai_hps"),
                      "kontrak": lelang.get("nilai_kontrak")},
            "penghematan": lelang.get("penghematan"),
            "lelang_gagal": (lelang.get("gagal") or {}).get("jumlah"),
            "pengaduan_per_status": _nonzero((total.get("pengaduan") or {}).get(
                "per_status"))}


def load_statistik(tahun: int) -> Statistik | None:
    """The summary for a budget year, or None when reporting cannot give it (not
    wired yet, not running, or failing): the page then says "belum tersedia"."""
    if REPORTING_SUMMARY_CONTRACT is None:
        return None
    try:
        data = call(REPORTING_SUMMARY_CONTRACT, summary_request(tahun))
    except EprocError as exc:
        log.warning("reporting summary unavailable", extra={
            "message_id": "web_statistik_unavailable", "code": exc.code})
        return None
    if isinstance(data.get("laporan"), Mapping):
        data = summary_from_laporan(data["laporan"])
    return statistik_from_report(tahun, data)


def _counts(data: Mapping[str, Any], key: str, table: str | None) -> list[Bar]:
    counts = data.get(key) or {}
    return [Bar(labels.label(table, name) if table else str(name), int(value),
                angka(value)) for name, value in counts.items()]


def _money(data: Mapping[str, Any], key: str) -> Any:
    return (data.get("nilai") or {}).get(key)


def statistik_from_report(tahun: int, data: Mapping[str, Any]) -> Statistik:
    """Read a summary shaped like this (every key optional; counts by code)::

        {"jumlah_lelang": 12, "jumlah_peserta": 40, "jumlah_penawaran": 31,
         "lelang_per_status": {"berjalan": 3, "selesai": 8, "gagal": 1},
         "lelang_per_metode": {"pascakualifikasi_1_file": 7, ...},
         "lelang_per_kategori": {"barang": 4, ...},
         "nilai": {"pagu": "…", "hps": "…", "kontrak": "…"},   # rupiah strings
         "penghematan": "…",                                 # HPS - kontrak
         "lelang_gagal": 1,
         "pengaduan_per_status": {"diterima": 2, "selesai": 5}}
    """
    ringkasan: list[tuple[str, str]] = []
    for key, text in (("jumlah_lelang", "Jumlah lelang"),
                      ("jumlah_peserta", "Peserta terdaftar"),
                      ("jumlah_penawaran", "Penawaran masuk"),
                      ("lelang_gagal", "Lelang gagal")):
        if data.get(key) is not None:
            ringkasan.append((text, angka(data[key])))
    if data.get("penghematan") is not None:
        ringkasan.append(("Penghematan (HPS dikurangi nilai kontrak)",
                          rupiah(data["penghematan"])))
    grafik = [
        Grafik("Lelang per status", _counts(data, "lelang_per_status",
                                            "status_lelang")),
        Grafik("Lelang per metode pemilihan", _counts(data, "lelang_per_metode",
                                                      "metode")),
        Grafik("Lelang per kategori", _counts(data, "lelang_per_kategori",
                                              "kategori")),
        Grafik("Nilai pagu, HPS dan kontrak", [
            Bar(text, float(value), rupiah(value)) for text, value in (
                ("Pagu", _money(data, "pagu")), ("HPS", _money(data, "hps")),
                ("Kontrak", _money(data, "kontrak"))) if value is not None]),
        Grafik("Pengaduan per status", _counts(data, "pengaduan_per_status",
                                               "status_pengaduan")),
    ]
    return Statistik(tahun, ringkasan, [g for g in grafik if g.bars])
