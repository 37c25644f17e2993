"""Open data (Pasal 16): the page that explains it, and CSV downloads of the public
lists, built from the same RPCs as the pages and cached like them.

The OCDS 1.1 publication is reporting's (issue 5); its paths are named here once
(to be confirmed when reporting serves them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from gateway.routes._common import API_PREFIX
from gateway.web import data, labels
from gateway.web.blueprint import bp, cache_key, cached, render_page
from gateway.web.cache import Page

#: the OCDS release feed (releases since a cursor, paginated)
OCDS_RELEASES_PATH = f"{API_PREFIX}/ocds/releases"
#: one contracting process as a release package, by ocid
OCDS_PACKAGE_PATH = f"{API_PREFIX}/ocds/releases/{{ocid}}"
API_DOCS_PATH = f"{API_PREFIX}/docs"
OPENAPI_PATH = f"{API_PREFIX}/openapi.json"
#: a CSV download reads at most this many pages of 100 rows
CSV_MAX_PAGES = 50


def _rows_of(fetch: Callable[[int], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for page in range(1, CSV_MAX_PAGES + 1):
        result = fetch(page)
        yield from result["items"]
        if page * 100 >= result["total"]:
            return


def csv_page(filename: str, header: list[str], rows: Iterable[list[Any]]) -> Page:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return Page(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8",
                headers=(("Content-Disposition",
                          f'attachment; filename="{filename}"'),))


def _lelang_csv() -> Page:
    agencies = data.agencies()
    rows = _rows_of(lambda p: data.list_lelang({}, page=p, per_page=100))
    return csv_page("lelang.csv", [
        "kode", "nama", "instansi", "tahun_anggaran", "kategori", "metode", "status",
        "tahapan", "pagu", "nilai_hps", "diumumkan_pada", "jumlah_peserta",
        "pemenang", "lelang_id"], (
        [r["kode"], r["nama"], agencies.get(r["agency_id"], r["agency_id"]),
         r["tahun_anggaran"], r["kategori"], r["metode"], r["status"], r["tahapan"],
         r["pagu"], r["nilai_hps"],
         r["diumumkan_pada"].isoformat() if r["diumumkan_pada"] else None,
         r["jumlah_peserta"], r["pemenang"], r["lelang_id"]] for r in rows))


def _rup_csv() -> Page:
    agencies = data.agencies()
    rows = _rows_of(lambda p: data.list_rup({}, page=p, per_page=100))
    return csv_page("rup.csv", [
        "nama", "instansi", "tahun_anggaran", "kategori", "pagu", "sumber_dana",
        "metode_rencana", "lokasi", "diumumkan_pada", "rup_id"], (
        [r["nama"], agencies.get(r["agency_id"], r["agency_id"]),
         r["tahun_anggaran"], r["kategori"], r["pagu"], r["sumber_dana"],
         r["metode_rencana"], r["lokasi"], r["diumumkan_pada"].isoformat(),
         r["rup_id"]] for r in rows))


def _pemenang_csv() -> Page:
    return csv_page("pemenang.csv", [
        "kode", "nama_paket", "tahun_anggaran", "nilai_hps", "pemenang",
        "lelang_id"], (
        [r["kode"], r["nama"], r["tahun_anggaran"], r["nilai_hps"], r["pemenang"],
         r["lelang_id"]] for r in data.winners(None)))


def _daftar_hitam_csv() -> Page:
    return csv_page("daftar-hitam.csv", [
        "nama", "npwp", "alasan", "sejak", "berlaku_sampai"], (
        [r["nama"], r["npwp"], r["alasan"], r["sejak"].isoformat(),
         r["berlaku_sampai"].isoformat() if r["berlaku_sampai"] else None]
        for r in data.daftar_hitam()))


DOWNLOADS: dict[str, tuple[str, Callable[[], Page]]] = {
    "lelang": ("Daftar lelang yang diumumkan", _lelang_csv),
    "rup": ("Rencana Umum Pengadaan (RUP)", _rup_csv),
    "pemenang": ("Pemenang lelang yang diumumkan", _pemenang_csv),
    "daftar-hitam": ("Daftar hitam penyedia", _daftar_hitam_csv),
}


@bp.route("/data", methods=["GET"])
def data_terbuka() -> Any:
    return cached(cache_key(), lambda: render_page(
        "web/data.html", downloads=DOWNLOADS, ocds_releases=OCDS_RELEASES_PATH,
        ocds_package=OCDS_PACKAGE_PATH, api_docs=API_DOCS_PATH,
        openapi=OPENAPI_PATH, kategori=labels.KATEGORI))


@bp.route("/data/<any(lelang, rup, pemenang, \"daftar-hitam\"):nama>.csv",
          methods=["GET"])
def unduh_csv(nama: str) -> Any:
    return cached(cache_key(), DOWNLOADS[nama][1])
