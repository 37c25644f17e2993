"""The public pages: beranda, lelang (list and detail), RUP, pemenang, daftar hitam,
statistics, open data and help. All cached (``gateway.web.blueprint.cached``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.context import ctx
from gateway.web import data, labels, params
from gateway.web.blueprint import bp, cache_key, cached, render_page
from gateway.web.cache import Page
from gateway.web.charts import bar_chart
from gateway.web.formats import to_wita
from gateway.web.state import web_state
from gateway.web.statistik import load_statistik
from services.common.errors import NotFound

#: statuses a public lelang can have (a draft, withdrawn or not, was never public)
PUBLIC_STATUS = [s for s in labels.STATUS_LELANG if s not in ("draft", "dibatalkan")]


def this_year() -> int:
    return to_wita(ctx().clock.now()).year


def year_choices() -> list[int]:
    year = this_year()
    return list(range(year + 1, year - 6, -1))


def lelang_filters() -> dict[str, Any]:
    return {"q": params.text("q"), "agency_id": params.identifier("agency_id"),
            "kategori": params.choice("kategori", labels.KATEGORI),
            "metode": params.choice("metode", labels.METODE),
            "tahapan": params.choice("tahapan", labels.TAHAPAN),
            "status": params.choice("status", PUBLIC_STATUS),
            "tahun_anggaran": params.integer("tahun_anggaran", 2000, 2100)}


# ------------------------------------------------------------------ beranda
@bp.route("/", methods=["GET"])
def beranda() -> Any:
    return cached(cache_key(), _beranda)


def _beranda() -> Page:
    return render_page(
        "web/beranda.html",
        berjalan=data.list_lelang({"status": "berjalan"}, per_page=8),
        terbaru=data.list_lelang({}, per_page=6),
        pemenang=data.winners(None, limit=5, pages=1),
        rup=data.list_rup({}, per_page=5),
        agencies=data.agencies())


# ------------------------------------------------------------------ lelang
@bp.route("/lelang", methods=["GET"])
def daftar_lelang() -> Any:
    filters, page = lelang_filters(), params.page_number()
    return cached(cache_key({**filters, "page": page}),
                  lambda: _daftar_lelang(filters, page))


def _daftar_lelang(filters: dict[str, Any], page: int) -> Page:
    result = data.list_lelang(filters, page=page)
    return render_page(
        "web/lelang_daftar.html", hasil=result, filters=filters,
        agencies=data.agencies(), tahun_list=year_choices(),
        status_list=PUBLIC_STATUS,
        halaman=params.pagination("web.daftar_lelang", filters, result["total"],
                                  page, data.PER_PAGE))


@bp.route("/lelang/<id:lelang_id>", methods=["GET"])
def detail_lelang(lelang_id: str) -> Any:
    return cached(cache_key(), lambda: _detail_lelang(lelang_id))


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def perubahan_jadwal(lelang: dict[str, Any]) -> list[dict[str, Any]]:
    """Every schedule change with its reason and what moved (old and new times)."""
    out = []
    for entry in lelang.get("riwayat") or []:
        if entry["jenis"] != "ubah_jadwal":
            continue
        moved = []
        for item in (entry.get("details") or {}).get("perubahan") or []:
            lama, baru = item.get("lama") or [None, None], item.get("baru") or [
                None, None]
            moved.append({"tahapan": item.get("tahapan"),
                          "lama": [_parse(v) for v in lama],
                          "baru": [_parse(v) for v in baru]})
        out.append({"at": entry["at"], "alasan": entry.get("alasan"),
                    "perubahan": moved})
    return out


def dokumen_list(lelang: dict[str, Any]) -> list[dict[str, Any]]:
    """The documents, the original first, then each adendum by version."""
    docs = sorted(lelang.get("dokumen") or [], key=lambda d: (d.get("versi") or 1,
                                                               d["filename"]))
    return [{**d, "jenis": "Dokumen awal" if (d.get("versi") or 1) <= 1
             else f"Adendum ke-{d['versi'] - 1}"} for d in docs]


def _detail_lelang(lelang_id: str) -> Page:
    try:
        lelang = data.get_lelang(lelang_id)
    except NotFound:
        return render_page("web/galat.html", status=404, kode=404,
                           judul="Lelang tidak ditemukan",
                           pesan="Lelang ini tidak ada atau belum diumumkan.")
    perubahan = perubahan_jadwal(lelang)
    diubah = {p["tahapan"] for change in perubahan for p in change["perubahan"]}
    penghentian = next((r for r in reversed(lelang.get("riwayat") or [])
                        if r["jenis"] == "hentikan"), None)
    return render_page(
        "web/lelang_detail.html", lelang=lelang, agencies=data.agencies(),
        aktif=set(lelang.get("tahapan_aktif") or []), perubahan=perubahan,
        diubah=diubah, dokumen=dokumen_list(lelang), penghentian=penghentian,
        riwayat=[r for r in lelang.get("riwayat") or []
                 if r["jenis"] not in ("masuk_tahapan", "ubah_jadwal")])


# ------------------------------------------------------------------ RUP, pemenang
@bp.route("/rup", methods=["GET"])
def daftar_rup() -> Any:
    filters = {"q": params.text("q"), "agency_id": params.identifier("agency_id"),
               "kategori": params.choice("kategori", labels.KATEGORI),
               "tahun_anggaran": params.integer("tahun_anggaran", 2000, 2100)}
    page = params.page_number()
    return cached(cache_key({**filters, "page": page}),
                  lambda: _daftar_rup(filters, page))


def _daftar_rup(filters: dict[str, Any], page: int) -> Page:
    result = data.list_rup(filters, page=page)
    return render_page(
        "web/rup.html", hasil=result, filters=filters, agencies=data.agencies(),
        tahun_list=year_choices(),
        halaman=params.pagination("web.daftar_rup", filters, result["total"], page,
                                  data.PER_PAGE))


@bp.route("/pemenang", methods=["GET"])
def daftar_pemenang() -> Any:
    tahun = params.integer("tahun_anggaran", 2000, 2100)
    return cached(cache_key({"tahun_anggaran": tahun}),
                  lambda: render_page("web/pemenang.html",
                                      pemenang=data.winners(tahun), tahun=tahun,
                                      tahun_list=year_choices(),
                                      agencies=data.agencies()))


@bp.route("/daftar-hitam", methods=["GET"])
def daftar_hitam() -> Any:
    return cached(cache_key(), lambda: render_page(
        "web/daftar_hitam.html", daftar=data.daftar_hitam()))


# ------------------------------------------------------------------ statistik
@bp.route("/statistik", methods=["GET"])
def statistik() -> Any:
    tahun = params.integer("tahun_anggaran", 2000, 2100) or this_year()
    return cached(cache_key({"tahun_anggaran": tahun}), lambda: render_page(
        "web/statistik.html", tahun=tahun, tahun_list=year_choices(),
        statistik=load_statistik(tahun), bar_chart=bar_chart))


# ------------------------------------------------------------------ help pages
HELP_PAGES = {
    "pendaftaran": "web/bantuan_pendaftaran.html",
    "penawaran": "web/bantuan_penawaran.html",
    "faq": "web/bantuan_faq.html",
    "kontak": "web/bantuan_kontak.html",
}


@bp.route("/bantuan", methods=["GET"])
def bantuan() -> Any:
    return cached(cache_key(), lambda: render_page("web/bantuan.html"))


@bp.route("/bantuan/<any(pendaftaran, penawaran, faq, kontak):topik>",
          methods=["GET"])
def bantuan_topik(topik: str) -> Any:
    return cached(cache_key(), lambda: render_page(
        HELP_PAGES[topik], options=web_state().options))
