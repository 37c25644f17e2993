"""The public website in a real browser (headless Chromium), against the really
running stack with the demo data set: browse to a lelang and its winner; register
a penyedia through the form and see the verifikator's decision; file an anonymous
complaint with evidence and follow it; a form error next to its field; and a crawl
of every page for broken links and invalid HTML. Screenshots of each page go to
``var/artefacts/screenshots/``.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

import html5lib
import pytest
import requests

from services.common.pdf import tiny_pdf
from tests.e2e.browser import Browser, RemotePage, missing_reason
from tests.e2e.conftest import Stack, auth, stop, wait_http
from tests.e2e.crawl import crawl, vnu_errors
from tests.e2e.lelang_client import Client

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(missing_reason() is not None,
                       reason=missing_reason() or "browser available"),
]

DEMO_PASSWORD = "Demo-" + secrets.token_urlsafe(9)
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08"
       b"\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01"
       b"\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class Site:
    stack: Stack
    api: Client
    browser: Browser

    def page(self) -> RemotePage:
        return self.browser.page()

    def url(self, path: str) -> str:
        return f"{self.stack.url}{path}"


@pytest.fixture(scope="module")
def site(stack, tmp_path_factory):
    ids = tmp_path_factory.mktemp("web") / "demo-ids.json"
    out = stack.lpse("demo-data", "--ids-file", str(ids),
                     LPSE_DEMO_PASSWORD=DEMO_PASSWORD)
    assert out.returncode == 0, out.stdout + out.stderr
    # like scripts/run, the lelang demo is loaded while lelang is not running: its
    # timer would otherwise move the backdated lelang under the loader's feet
    stop(stack.procs["lelang"])
    try:
        out = stack.lpse("demo-lelang", "--ids-file", str(ids))
    finally:
        stack.start_service("lelang")
        wait_http(f"{stack.url}/readyz", 90, list(stack.procs.values()))
    assert out.returncode == 0, out.stdout + out.stderr
    browser = Browser()
    try:
        yield Site(stack, Client(stack), browser)
    finally:
        browser.close()


def submit(page: RemotePage) -> None:
    page.click_and_wait("form[method=post] button[type=submit]")


def test_browse_to_a_lelang_and_its_winner(site):
    found = site.api.ok(None, "GET", "/lelang", params={"q": "Excavator"})
    public = site.api.ok(None, "GET", f"/lelang/{found['items'][0]['lelang_id']}")
    winner = public["pemenang"][0]
    page = site.page()
    page.goto(site.url("/"))
    assert page.inner_text("h1").startswith("Layanan Pengadaan")
    page.screenshot("beranda")
    page.fill("#cari-q", "Excavator")
    page.press_and_wait("#cari-q", "Enter")
    assert "1 lelang ditemukan" in page.inner_text("main")
    page.screenshot("lelang-cari")
    page.click_link("Pengadaan Excavator Mini untuk Dinas PU")
    assert page.inner_text("h1") == "Pengadaan Excavator Mini untuk Dinas PU"
    section = page.inner_text('table:has(caption:has-text("Pemenang dan"))')
    assert winner["nama"] in section and winner["npwp"] in section
    assert "Hasil evaluasi seluruh peserta" in page.inner_text("main")
    assert "WITA" in page.inner_text("#jadwal + .tabel")
    page.screenshot("lelang-detail-pemenang")
    page.goto(site.url("/pemenang"))
    assert winner["nama"] in page.inner_text("main")
    page.screenshot("pemenang")
    # a lelang in its upload stage: the running stage is marked
    page.goto(site.url("/lelang?q=Jembatan"))
    page.click_link("Pembangunan Jembatan Tukad Unda")
    assert "Upload Dokumen Penawaran" in page.inner_text("tr[aria-current=step]")
    assert "Pengumuman pemenang" not in page.inner_text("main")
    page.screenshot("lelang-detail-upload")
    page.close()


def _verifikator(site: Site) -> str:
    name = f"verifweb{uuid.uuid4().hex[:4]}"
    site.api.staff_account("admin", name, ["verifikator"], None)
    return name


def test_register_a_penyedia_and_see_the_verifikator_decision(site):
    username = f"cv.web{uuid.uuid4().hex[:6]}"
    company = f"CV Web Karangasem {uuid.uuid4().hex[:6]}"
    password = "Penyedia-" + secrets.token_urlsafe(8)
    npwp = "".join(secrets.choice("0123456789") for _ in range(15))
    page = site.page()
    page.goto(site.url("/"))
    page.click_link("Pendaftaran Penyedia")
    page.screenshot("penyedia-daftar")
    for field, value in (("nama", company), ("npwp", npwp), ("nib", "9120001234567"),
                         ("alamat", "Jl. Gajah Mada 7, Amlapura"), ("kota", "Amlapura"),
                         ("email", f"{username}@example.org"),
                         ("telepon", "+62 363 22000"), ("username", username),
                         ("password", password), ("ulangi_password", password)):
        page.fill(f"#f-{field}", value)
    page.select_option("#f-bentuk_usaha", "CV")
    page.set_files("#f-dokumen_akta", [("akta.pdf", "application/pdf",
                                        tiny_pdf("Akta CV Web"))])
    page.set_files("#f-dokumen_npwp", [("npwp.png", "image/png", PNG)])
    page.check("#f-setuju_pakta_integritas")
    submit(page)
    assert page.url.endswith("/penyedia/daftar/terkirim")
    assert "menunggu verifikasi" in page.inner_text("main")
    page.screenshot("penyedia-terkirim")

    def status() -> str:
        page.goto(site.url("/penyedia/status"))
        page.fill("#f-username", username)
        page.fill("#f-password", password)
        submit(page)
        return page.inner_text("#hasil-status")

    assert "Menunggu verifikasi" in status()
    page.screenshot("penyedia-status-menunggu")
    verif = _verifikator(site)
    queue = site.api.ok(verif, "GET", "/penyedia",
                        params={"status": "menunggu_verifikasi", "q": company})
    [item] = [p for p in queue["items"] if p["username"] == username]
    detail = site.api.ok(verif, "GET", f"/penyedia/{item['penyedia_id']}")
    assert {d["filename"] for d in detail["dokumen"]} == {"akta.pdf", "npwp.png"}
    site.api.ok(verif, "POST", f"/penyedia/{item['penyedia_id']}/verify", json={
        "dokumen_diperiksa": [d["sha256"] for d in detail["dokumen"]]})
    assert "Terverifikasi" in status()
    page.screenshot("penyedia-status-terverifikasi")
    assert site.stack.login(username, password)  # and the account works
    page.close()


def test_an_anonymous_complaint_with_evidence_followed_by_code_and_secret(site):
    found = site.api.ok(None, "GET", "/lelang", params={"q": "Jembatan"})
    lid = found["items"][0]["lelang_id"]
    page = site.page()
    page.goto(site.url(f"/lelang/{lid}"))
    page.click_link("Ajukan pengaduan tentang lelang ini")
    assert page.input_value("#f-lelang_id") == lid
    assert page.input_value("#f-jenis") == "lelang"
    page.fill("#f-uraian", "Jadwal upload penawaran dipersingkat tanpa alasan yang "
                           "jelas dan tanpa pemberitahuan kepada peserta.")
    page.check("#f-anonim")
    page.set_files("#f-bukti", [("tangkapan.png", "image/png", PNG),
                                ("surat.pdf", "application/pdf",
                                 tiny_pdf("Bukti pengaduan"))])
    page.screenshot("pengaduan-isi")
    submit(page)
    kode = page.inner_text("#kode-pelacakan").strip()
    rahasia = page.inner_text("#kode-rahasia").strip()
    assert kode and rahasia
    page.screenshot("pengaduan-terkirim")
    admin = site.api.token("admin")
    listed = requests.get(site.stack.api("/pengaduan"), headers=auth(admin),
                          timeout=20).json()
    [mine] = [p for p in listed["items"] if p["kode_pelacakan"] == kode]
    full = requests.get(site.stack.api(f"/pengaduan/{mine['pengaduan_id']}"),
                        headers=auth(admin), timeout=20).json()
    assert full["anonim"] is True and len(full["dokumen"]) == 2
    r = requests.post(site.stack.api(f"/pengaduan/{mine['pengaduan_id']}/status"),
                      headers=auth(admin), timeout=20, json={
                          "status": "diperiksa", "klasifikasi": "layanan",
                          "tanggapan": "Pengaduan sedang kami periksa."})
    assert r.status_code == 200, r.text
    page.goto(site.url("/pengaduan/lacak"))
    page.fill("#f-kode_pelacakan", kode)
    page.fill("#f-rahasia", rahasia)
    submit(page)
    assert page.inner_text("#status-pengaduan") == "Sedang diperiksa"
    assert "Pengaduan sedang kami periksa." in page.inner_text("main")
    assert rahasia not in page.content()  # the secret is never written back
    page.screenshot("pengaduan-lacak")
    page.close()


def test_a_form_error_is_shown_next_to_its_field(site):
    page = site.page()
    page.goto(site.url("/pengaduan"))
    page.select_option("#f-jenis", "layanan_lpse")
    page.fill("#f-uraian", "Terlalu singkat")
    page.fill("#f-nama_pelapor", "Ni Luh Putu")
    submit(page)
    assert "20 sampai 8.000 karakter" in page.inner_text("#f-uraian-salah")
    # right before its field, and the field points at it
    assert page.get_attribute("#f-uraian", "aria-describedby").endswith(
        "f-uraian-salah")
    assert page.input_value("#f-uraian") == "Terlalu singkat"
    assert page.input_value("#f-nama_pelapor") == "Ni Luh Putu"
    assert page.is_visible("#ringkasan-salah")
    page.screenshot("pengaduan-galat")
    page.close()


def test_crawl_finds_no_broken_link_and_every_page_validates(site):
    result = crawl(site.stack.url)
    assert not result.broken, result.broken
    assert not result.bad_fragments, result.bad_fragments
    assert not result.external, result.external  # no CDN, no external resource
    pages = result.html_pages()
    assert len(pages) >= 20, sorted(pages)
    for url, html in pages.items():
        try:
            html5lib.HTMLParser(strict=True).parse(html)
        except html5lib.html5parser.ParseError as exc:
            raise AssertionError(f"{url}: {exc}") from exc
        assert '<html lang="id">' in html, url
    errors = vnu_errors(pages)
    assert errors in (None, []), "\n".join(errors or [])
    for path in ("/api/v1/docs", "/api/v1/openapi.json"):  # linked from /data
        assert requests.get(site.url(path), timeout=20).status_code == 200
    page = site.page()
    for url in sorted(pages):
        page.goto(url)
        name = url.removeprefix(site.stack.url).strip("/") or "beranda"
        page.screenshot(f"crawl-{name}")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    for path, name in (("/", "beranda"), ("/lelang", "lelang"),
                       ("/pengaduan", "pengaduan")):
        page.goto(site.url(path))
        assert page.evaluate_width() <= 390, path  # nothing wider than the screen
        page.screenshot(f"mobile-{name}")
    page.close()


def test_public_pages_answer_304_and_a_browser_404_is_a_page(site):
    first = requests.get(site.url("/lelang"), timeout=20)
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = requests.get(site.url("/lelang"), timeout=20,
                         headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    page = site.page()
    assert page.goto(site.url("/halaman-tidak-ada")) == 404
    assert page.inner_text("h1") == "Halaman tidak ditemukan"
    page.screenshot("galat-404")
    page.close()
