"""The public website's pages: content, validity, caching, ETag/304, errors."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.errors import InternalError
from gateway.tests.unit import lelang_samples as s
from gateway.tests.unit import test_web_support as support
from gateway.tests.unit.helpers import assert_error
from gateway.tests.unit.test_web_support import (
    Web,
    assert_valid_html,
    page_of,
)
from gateway.web import statistik
from gateway.web.cache import PageCache
from services.common.contracts import lelang as lc
from services.common.contracts import registrasi as rc
from services.common.contracts.reporting import GET_LAPORAN
from services.common.errors import NotFound, Unavailable

HTML = {"Accept": "text/html"}


PAGES = ["/", "/lelang", "/lelang/l-1", "/rup", "/pemenang", "/daftar-hitam",
         "/statistik", "/data", "/bantuan", "/bantuan/pendaftaran",
         "/bantuan/penawaran", "/bantuan/faq", "/bantuan/kontak", "/penyedia/daftar",
         "/penyedia/daftar/terkirim", "/penyedia/status", "/pengaduan",
         "/pengaduan/lacak"]
WINNER = {**s.SUMMARY, "lelang_id": "l-2", "status": "berjalan",
          "pemenang": "CV Karya Bali", "tahapan_aktif": ["sanggah"]}
ANNOUNCED = s.lelang(
    status="berjalan", tahapan="sanggah", tahapan_aktif=["sanggah"],
    jadwal=[{"tahapan": "pengumuman", "mulai": s.T, "selesai": s.T_END},
            {"tahapan": "sanggah", "mulai": s.T_END,
             "selesai": "2013-03-18T08:00:00+00:00"}],
    riwayat=[{"jenis": "ubah_jadwal", "at": s.T, "status": "berjalan",
              "tahapan": "pengumuman", "alasan": "Gangguan listrik di Amlapura",
              "details": {"perubahan": [{
                  "tahapan": "sanggah",
                  "lama": ["2013-03-11T00:00:00+00:00", "2013-03-15T08:00:00+00:00"],
                  "baru": ["2013-03-11T08:00:00+00:00",
                           "2013-03-18T08:00:00+00:00"]}]}},
             {"jenis": "gagalkan", "at": s.T, "status": "berjalan", "tahapan": None,
              "alasan": None, "details": {}}],
    dokumen=[s.DOKUMEN, {**s.DOKUMEN, "sha256": "d" * 64, "filename": "adendum.pdf",
                         "versi": 2}],
    jumlah_peserta=3, jumlah_penawaran=2,
    pemenang=[{"penyedia_id": "p-1", "nama": "CV Karya Bali",
               "npwp": "01.234.567.8-901.000", "alamat": "Jl. Ngurah Rai 5, Amlapura",
               "harga_penawaran": "1250000000.00",
               "harga_terkoreksi": "1249000000.00", "peringkat": 1}],
    hasil_evaluasi=[{**s.HASIL, "peringkat": 1, "lulus_teknis": True},
                    {**s.HASIL, "penyedia_id": "p-2", "nama": "CV Lain",
                     "lulus_administrasi": False, "alasan": "Jaminan tidak sah"}])



@pytest.fixture(scope="module")
def web_app(tmp_path_factory):
    return support.build_app(tmp_path_factory)


@pytest.fixture
def web(web_app) -> Web:
    return support.fresh(web_app)

def get(web: Any, path: str, **headers: str) -> Any:
    return web.client.get(path, headers={**HTML, **headers})


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_valid_accessible_html(web, path):
    web.public_data()
    response = get(web, path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert_valid_html(response.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/", "/lelang", "/rup", "/pemenang",
                                  "/daftar-hitam"])
def test_pages_with_nothing_to_show_are_valid_too(web, path):
    web.rpc.on(lc.LIST_LELANG, page_of())
    web.rpc.on(lc.LIST_RUP, page_of())
    web.rpc.on(rc.LIST_AGENCIES, [])
    web.rpc.on(rc.LIST_DAFTAR_HITAM, [])
    response = get(web, path)
    assert response.status_code == 200
    assert_valid_html(response.get_data(as_text=True))


def test_lelang_detail_shows_what_the_rules_make_public(web):
    web.public_data()
    web.rpc.on(lc.GET_LELANG, ANNOUNCED)
    html = get(web, "/lelang/l-1").get_data(as_text=True)
    assert_valid_html(html)
    for text in ("Peningkatan Jalan Desa Bebandem", "Dinas PUPR Karangasem",
                 "Rp1.500.000.000", "Rp1.400.000.000",  # pagu, HPS total
                 "e-Lelang Umum Pascakualifikasi Satu File", "Sistem Gugur",
                 "Gangguan listrik di Amlapura",  # the reason of the change
                 "Adendum ke-1", "adendum.pdf", "rks.pdf",
                 "Pengumuman pemenang", "01.234.567.8-901.000",
                 "Jl. Ngurah Rai 5, Amlapura", "Rp1.249.000.000", "Jaminan tidak sah",
                 "CV Lain", "Dinyatakan gagal"):
        assert text in html, text
    # the running stage is marked, in WITA (00:00 UTC is 08.00 WITA)
    assert '<tr class="aktif" aria-current="step">' in html
    assert "Sedang berlangsung" in html
    assert "4 Maret 2013 08.00 WITA" in html
    assert "11 Maret 2013 08.00 WITA" in html and "15 Maret 2013 16.00 WITA" in html
    assert 'datetime="2013-03-04T08:00+08:00"' in html
    # no public download of documents (the API keeps them for peserta)
    assert "/api/v1/lelang/l-1/dokumen" not in html
    assert "peserta lelang ini" in html
    assert web.rpc.requests(lc.GET_LELANG)[0]["actor"]["user_id"] is None


def test_a_stopped_lelang_says_so_with_both_reasons(web):
    web.public_data()
    web.rpc.on(lc.GET_LELANG, s.lelang(
        status="dihentikan", tahapan="evaluasi_penawaran",
        alasan_gagal="Tidak ada penawaran yang lulus",
        riwayat=[{"jenis": "gagalkan", "at": s.T, "status": "gagal",
                  "tahapan": "evaluasi_penawaran",
                  "alasan": "Tidak ada penawaran yang lulus", "details": {}},
                 {"jenis": "hentikan", "at": s.T_END, "status": "dihentikan",
                  "tahapan": "evaluasi_penawaran",
                  "alasan": "Anggaran dialihkan ke tanggap darurat", "details": {}}]))
    html = get(web, "/lelang/l-1").get_data(as_text=True)
    assert_valid_html(html)
    for text in ("Dihentikan (penghentian pengadaan)", "Proses pengadaan dihentikan",
                 "Alasan penghentian: Anggaran dialihkan ke tanggap darurat",
                 "Alasan gagal: Tidak ada penawaran yang lulus",
                 "Pengadaan dihentikan"):  # the history entry
        assert text in html, text


def test_no_confidential_field_is_shown_even_if_a_service_sent_it(web):
    web.public_data()
    web.rpc.on(lc.GET_LELANG, {**s.lelang(), "rincian_hps": [
        {"uraian": "Aspal rahasia", "volume": "1", "satuan": "ls",
         "harga_satuan": "777.00"}], "ppk_id": "u-ppk", "pokja_ids": ["u-pokja"]})
    html = get(web, "/lelang/l-1").get_data(as_text=True)
    assert "Aspal rahasia" not in html and "u-ppk" not in html
    assert "u-pokja" not in html


def test_lelang_list_sends_only_valid_filters_and_pages_keep_them(web):
    web.public_data()
    web.rpc.on(lc.LIST_LELANG, page_of(s.SUMMARY, total=45))
    html = get(web, "/lelang?q=jalan++desa&kategori=barang&metode=bogus"
                    "&tahapan=sanggah&status=draft&tahun_anggaran=2013"
                    "&agency_id=a-1&page=2&junk=1").get_data(as_text=True)
    sent = web.rpc.requests(lc.LIST_LELANG)[0]
    assert sent["q"] == "jalan desa" and sent["kategori"] == "barang"
    assert sent["tahapan"] == "sanggah" and sent["tahun_anggaran"] == 2013
    assert sent["agency_id"] == "a-1" and sent["page"] == 2
    assert "metode" not in sent and "status" not in sent  # invalid: dropped
    assert_valid_html(html)
    assert "45 lelang ditemukan" in html
    assert 'rel="next"' in html and "page=3" in html and "kategori=barang" in html


def test_beranda_lists_open_lelang_winners_and_rup(web):
    web.public_data()
    web.rpc.on(lc.LIST_LELANG, page_of(s.SUMMARY, WINNER))
    html = get(web, "/").get_data(as_text=True)
    assert "Lelang yang sedang berjalan" in html and "Jalan Desa" in html
    assert "CV Karya Bali" in html  # a winner
    assert 'action="/lelang"' in html and 'name="q"' in html  # the search box
    statuses = [r.get("status") for r in web.rpc.requests(lc.LIST_LELANG)]
    assert "berjalan" in statuses


def test_winners_page_scans_the_public_list(web):
    web.public_data()
    pages = {1: page_of(s.SUMMARY, total=150), 2: page_of(WINNER, total=150)}
    web.rpc.on(lc.LIST_LELANG, lambda req: pages[req["page"]])
    html = get(web, "/pemenang?tahun_anggaran=2013").get_data(as_text=True)
    assert "CV Karya Bali" in html and "/lelang/l-2" in html
    assert "/lelang/l-1" not in html  # no winner yet
    assert [r["page"] for r in web.rpc.requests(lc.LIST_LELANG)] == [1, 2]


def test_daftar_hitam_and_csv_downloads(web):
    web.public_data()
    html = get(web, "/daftar-hitam").get_data(as_text=True)
    assert "CV Nakal" in html and "Dokumen palsu" in html
    for name in ("lelang", "rup", "pemenang", "daftar-hitam"):
        response = web.client.get(f"/data/{name}.csv")
        assert response.status_code == 200, name
        assert response.mimetype == "text/csv"
        assert f'filename="{name}.csv"' in response.headers["Content-Disposition"]
        assert response.headers["ETag"]
    lines = web.client.get("/data/lelang.csv").get_data(as_text=True).splitlines()
    assert lines[0].startswith("kode,nama,instansi")
    assert "Dinas PUPR Karangasem" in lines[1]


def test_statistik_from_reporting_s_laporan(web):
    web.rpc.on(GET_LAPORAN, {"laporan": {
        "groups": [{"kunci": {"metode": "pascakualifikasi_1_file",
                              "kategori": "barang"}, "lelang": {"jumlah": 3}},
                   {"kunci": {"metode": "prakualifikasi_2_file",
                              "kategori": "barang"}, "lelang": {"jumlah": 1}}],
        "total": {"lelang": {"jumlah": 4, "per_status": {"selesai": 3, "gagal": 1,
                                                         "draft": 0},
                             "pagu": "9000000000.00", "nilai_hps": "8000000000.00",
                             "nilai_kontrak": "7000000000.00",
                             "penghematan": "1000000000.00",
                             "gagal": {"jumlah": 1}},
                  "pengaduan": {"per_status": {"diterima": 2, "selesai": 0}}}}})
    html = get(web, "/statistik?tahun_anggaran=2016").get_data(as_text=True)
    assert_valid_html(html)
    assert "<svg" in html and "Rp1.000.000.000" in html
    assert "Lelang per metode pemilihan" in html and "Pengaduan per status" in html
    request = [x for x in web.rpc.calls if x[0] is GET_LAPORAN][0][1]
    assert request["tahun_anggaran"] == 2016


@pytest.mark.clock
def test_statistik_and_year_lists_start_from_this_year_in_wita(web):
    # 00:30 WITA on 1 January 2027: still 2026 in UTC
    clock = web.app.extensions["lpse"].clock
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    clock.set_offset((moment - datetime.now(UTC)).total_seconds())
    try:
        web.public_data()
        html = get(web, "/statistik").get_data(as_text=True)
    finally:
        clock.set_offset(0)
    request = [x for x in web.rpc.calls if x[0] is GET_LAPORAN][0][1]
    assert request["tahun_anggaran"] == 2027
    assert '<option value="2027" selected>' in html
    assert '<option value="2028">' in html and '<option value="2022">' in html


def test_statistik_says_belum_tersedia_until_reporting_answers(web, monkeypatch):
    monkeypatch.setattr(statistik, "REPORTING_SUMMARY_CONTRACT", None)
    response = get(web, "/statistik?tahun_anggaran=2013")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "belum tersedia" in html
    monkeypatch.setattr(statistik, "REPORTING_SUMMARY_CONTRACT", GET_LAPORAN)
    web.rpc.on(GET_LAPORAN, Unavailable("SERVICE_UNAVAILABLE", "down"))
    html = get(web, "/statistik?tahun_anggaran=2015").get_data(as_text=True)
    assert "belum tersedia" in html


# ------------------------------------------------------------------ caching
def test_public_pages_send_etag_and_cache_control_and_answer_304(web):
    web.public_data()
    first = get(web, "/lelang/l-1")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=5"
    again = get(web, "/lelang/l-1", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert web.calls(lc.GET_LELANG) == 1  # neither the page nor the 304 asked again


def test_the_cache_saves_the_rpc_until_it_expires(web):
    web.public_data()
    now = [1000.0]
    state = web.configure(cache_seconds=5)
    state.cache = PageCache(5, 100, 60, stale_on=(Unavailable, InternalError),
                            monotonic=lambda: now[0])
    for _ in range(20):
        assert get(web, "/lelang/l-1").status_code == 200
    assert web.calls(lc.GET_LELANG) == 1
    etag = get(web, "/lelang/l-1").headers["ETag"]
    now[0] += 6  # expired: asked again; the same content keeps its ETag (304)
    assert get(web, "/lelang/l-1", **{"If-None-Match": etag}).status_code == 304
    assert web.calls(lc.GET_LELANG) == 2
    now[0] += 6  # the service is down: the last good page is served meanwhile
    web.rpc.on(lc.GET_LELANG, Unavailable("SERVICE_UNAVAILABLE", "down"))
    assert get(web, "/lelang/l-1").status_code == 200
    now[0] += 120  # too old to serve: the friendly 503
    assert get(web, "/lelang/l-1").status_code == 503


def test_a_refresh_storm_costs_one_rpc(web):
    web.public_data()
    release = threading.Event()

    def slow(request: dict[str, Any]) -> dict[str, Any]:
        release.wait(5)
        return s.lelang()

    web.rpc.on(lc.GET_LELANG, slow)
    statuses: list[int] = []

    def visit() -> None:
        statuses.append(web.app.test_client().get("/lelang/l-1").status_code)

    threads = [threading.Thread(target=visit) for _ in range(12)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    release.set()
    for t in threads:
        t.join(10)
    assert statuses == [200] * 12
    assert web.calls(lc.GET_LELANG) == 1


def test_cache_disabled_asks_every_time(web):
    web.public_data()
    web.configure(cache_seconds=0)
    get(web, "/lelang/l-1")
    response = get(web, "/lelang/l-1")
    assert web.calls(lc.GET_LELANG) == 2
    assert response.headers["Cache-Control"] == "no-cache"


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("error", [Unavailable("SERVICE_UNAVAILABLE", "down"),
                                   InternalError("INTERNAL_ERROR", "bug")])
def test_a_service_down_is_a_friendly_503_page_never_a_500(web, error):
    web.public_data()
    web.rpc.on(lc.LIST_LELANG, error)
    response = get(web, "/lelang")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Layanan sedang tidak tersedia" in html
    assert_valid_html(html)
    web.rpc.on(lc.LIST_LELANG, s.SUMMARY and page_of(s.SUMMARY))
    assert get(web, "/lelang").status_code == 200  # errors are not cached


def test_unknown_lelang_is_a_404_page(web):
    web.public_data()
    web.rpc.on(lc.GET_LELANG, NotFound("LELANG_NOT_FOUND", "no"))
    response = get(web, "/lelang/l-404")
    assert response.status_code == 404
    assert "Lelang tidak ditemukan" in response.get_data(as_text=True)
    get(web, "/lelang/l-404")
    assert web.calls(lc.GET_LELANG) == 1  # a 404 is cached like a page


def test_browsers_get_an_html_404_api_clients_keep_json(web):
    response = get(web, "/tidak-ada")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert_valid_html(response.get_data(as_text=True))
    assert_error(web.client.get("/tidak-ada"), 404, "NOT_FOUND")
    assert_error(get(web, "/api/v1/tidak-ada"), 404, "NOT_FOUND")


def test_the_stylesheet_is_served_locally(web):
    response = web.client.get("/aset/situs.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert b"http" not in response.get_data()  # no external resource


def test_characters_html_forbids_never_reach_a_page(web):
    """A name typed with control characters or noncharacters (the API keeps what
    it was given) must not make the page invalid."""
    web.public_data()
    odd = {**s.SUMMARY, "nama": "Jalan\x0b Amlapura\ufffe \x7fBebandem\U0010ffff"}
    web.rpc.on(lc.LIST_LELANG, page_of(odd))
    html = get(web, "/lelang").get_data(as_text=True)
    assert_valid_html(html)
    assert "Jalan Amlapura Bebandem" in html
