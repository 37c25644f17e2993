"""The website's forms: CSRF, rate limits, uploads, errors next to their fields with
the input kept, and what each form sends to the services."""

from __future__ import annotations

import io
from typing import Any

import pytest

from gateway.tests.unit import test_web_support as support
from gateway.tests.unit.test_web_support import (
    Web,
    assert_valid_html,
    csrf_of,
    error_next_to,
    value_of,
)
from gateway.web.csrf import COOKIE
from services.common.contracts import pengaduan as pc
from services.common.contracts import registrasi as rc
from services.common.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthenticated,
    Unavailable,
)

PDF = b"%PDF-1.4\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 50
AT = "2013-03-04T02:00:00+00:00"
REGISTERED = {"penyedia_id": "p-1", "status": "menunggu_verifikasi",
              "created_at": AT}
FILED = {"pengaduan_id": "pg-1", "kode_pelacakan": "ADU-2013-ABCDE",
         "rahasia": "s3cret-once", "jenis": "lelang", "status": "diterima",
         "diajukan_pada": AT}
TRACKED = {"kode_pelacakan": "ADU-2013-ABCDE", "jenis": "lelang",
           "status": "diperiksa", "lelang_id": "l-1", "diajukan_pada": AT,
           "diubah_pada": AT, "progres": [
               {"status": "diterima", "at": AT},
               {"status": "diperiksa", "at": AT, "tanggapan": "Sedang kami periksa."}]}
URAIAN = "Panitia meminta imbalan kepada peserta sebelum pembukaan penawaran."



@pytest.fixture(scope="module")
def web_app(tmp_path_factory):
    return support.build_app(tmp_path_factory)


@pytest.fixture
def web(web_app) -> Web:
    return support.fresh(web_app)

def open_form(web: Any, path: str) -> str:
    """GET the form (the browser gets its CSRF cookie); its token."""
    response = web.client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert_valid_html(html)
    return csrf_of(html)


def post(web: Any, path: str, data: dict[str, Any], **kw: Any) -> Any:
    return web.client.post(path, data=data, content_type="multipart/form-data",
                           environ_base={"REMOTE_ADDR": "198.51.100.7"}, **kw)


def penyedia(token: str, **overrides: Any) -> dict[str, Any]:
    data = {"csrf_token": token, "nama": "CV Karya Bali Lestari", "bentuk_usaha": "CV",
            "npwp": "01.234.567.8-901.000", "nib": "9120001234567",
            "alamat": "Jl. Ngurah Rai No. 5, Amlapura", "kota": "Amlapura",
            "email": "cv@example.org", "telepon": "+62 363 21000",
            "username": "cv.karya", "password": "Rahasia-2013!",
            "ulangi_password": "Rahasia-2013!", "setuju_pakta_integritas": "on",
            "kunci_formulir": "form-key-123456",
            "dokumen_akta": (io.BytesIO(PDF), "akta.pdf")}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# ------------------------------------------------------------------ CSRF, limits
def test_a_form_without_a_valid_token_is_refused_with_the_input_kept(web):
    open_form(web, "/penyedia/daftar")
    for token in ("", "forged.token.value"):
        response = post(web, "/penyedia/daftar", penyedia(token))
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "kedaluwarsa atau tidak dikirim dari situs ini" in html
        assert value_of(html, "nama") == "CV Karya Bali Lestari"
        assert "Rahasia-2013!" not in html  # passwords are never written back
    assert not web.rpc.calls


def test_a_token_for_another_browser_is_refused(web):
    token = open_form(web, "/penyedia/daftar")
    other = web.app.test_client()
    other.get("/penyedia/daftar")  # its own cookie
    response = other.post("/penyedia/daftar", data=penyedia(token),
                          content_type="multipart/form-data")
    assert response.status_code == 400


def test_a_cross_site_post_is_refused(web):
    token = open_form(web, "/pengaduan")
    response = post(web, "/pengaduan", {"csrf_token": token, "jenis": "kkn",
                                        "uraian": URAIAN, "anonim": "on"},
                    headers={"Origin": "https://evil.example"})
    assert response.status_code == 400 and not web.rpc.calls


def test_the_cookie_is_httponly_and_samesite(web):
    response = web.client.get("/pengaduan")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Path=/" in cookie


def test_the_json_api_needs_no_csrf_token(web):
    web.rpc.on(pc.FILE_PENGADUAN, FILED)
    response = web.client.post("/api/v1/pengaduan", data={
        "jenis": "kkn", "uraian": URAIAN, "anonim": "true"},
        content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json()["rahasia"]


def test_submissions_are_rate_limited_per_address(web):
    web.configure(form_rate=2, form_rate_seconds=60)
    token = open_form(web, "/pengaduan/lacak")
    web.rpc.on(pc.TRACK_PENGADUAN, TRACKED)
    form = {"csrf_token": token, "kode_pelacakan": "ADU-2013-ABCDE",
            "rahasia": "s3cret-once"}
    assert post(web, "/pengaduan/lacak", form).status_code == 200
    assert post(web, "/pengaduan/lacak", form).status_code == 200
    limited = post(web, "/pengaduan/lacak", form)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "Terlalu banyak permintaan" in limited.get_data(as_text=True)
    other = web.client.post("/pengaduan/lacak", data=form,
                            environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 200  # another address has its own bucket
    assert len(web.rpc.requests(pc.TRACK_PENGADUAN)) == 3


# ------------------------------------------------------------------ registration
def test_registration_sends_the_fields_and_stored_documents(web):
    web.rpc.on(rc.REGISTER_PENYEDIA, REGISTERED)
    token = open_form(web, "/penyedia/daftar")
    response = post(web, "/penyedia/daftar", penyedia(
        token, dokumen_npwp=[(io.BytesIO(PNG), "npwp.png")]))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/penyedia/daftar/terkirim")
    sent = web.rpc.requests(rc.REGISTER_PENYEDIA)[0]
    assert sent["actor"]["user_id"] is None and sent["actor"]["ip"] == "198.51.100.7"
    assert sent["bentuk_usaha"] == "CV" and sent["setuju_pakta_integritas"] is True
    assert sent["idempotency_key"] == "form-key-123456"  # a double click: once
    assert [(d["jenis"], d["filename"], d["content_type"]) for d in sent["dokumen"]] \
        == [("akta", "akta.pdf", "application/pdf"), ("npwp", "npwp.png", "image/png")]
    page = web.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Apa selanjutnya?" in page and "menunggu verifikasi" in page


def test_registration_errors_are_next_to_their_fields_with_the_input_kept(web):
    token = open_form(web, "/penyedia/daftar")
    response = post(web, "/penyedia/daftar", penyedia(
        token, npwp="12-34", email="bukan-email", ulangi_password="lain",
        setuju_pakta_integritas=None, nama="CV"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_valid_html(html)
    assert error_next_to(html, "npwp") == "Format NPWP tidak valid (15 atau 16 digit)."
    assert "e-mail tidak valid" in error_next_to(html, "email")
    assert error_next_to(html, "ulangi_password") == (
        "Kata sandi dan ulangannya tidak sama.")
    assert "Pakta integritas" in error_next_to(html, "setuju_pakta_integritas")
    assert "3 sampai 200" in error_next_to(html, "nama")
    assert value_of(html, "npwp") == "12-34" and value_of(html, "kota") == "Amlapura"
    assert 'aria-invalid="true"' in html and "Formulir belum dapat dikirim" in html
    assert "Rahasia-2013!" not in html
    # the document already stored is kept for the next attempt
    assert "akta.pdf" in html and 'name="berkas_tersimpan"' in html
    assert not web.rpc.calls


def test_kept_documents_are_sent_on_the_next_attempt(web):
    web.rpc.on(rc.REGISTER_PENYEDIA, REGISTERED)
    token = open_form(web, "/penyedia/daftar")
    html = post(web, "/penyedia/daftar", penyedia(token, npwp="x")).get_data(
        as_text=True)
    kept = html.split('name="berkas_tersimpan" value="')[1].split('"')[0]
    response = post(web, "/penyedia/daftar", penyedia(
        token, dokumen_akta=None, berkas_tersimpan=kept))
    assert response.status_code == 303
    assert [d["filename"] for d in web.rpc.requests(
        rc.REGISTER_PENYEDIA)[0]["dokumen"]] == ["akta.pdf"]
    forged = post(web, "/penyedia/daftar", penyedia(
        token, dokumen_akta=None, berkas_tersimpan=kept + "x"))
    assert forged.status_code == 422  # a tampered list is ignored: no document
    assert "dokumen pendaftaran" in error_next_to(forged.get_data(as_text=True),
                                                  "dokumen")


def test_a_file_of_the_wrong_type_or_size_is_refused_next_to_its_field(web):
    token = open_form(web, "/penyedia/daftar")
    html = post(web, "/penyedia/daftar", penyedia(
        token, dokumen_akta=(io.BytesIO(b"MZ\x90\x00 an exe"), "akta.exe"),
        dokumen_siup=(io.BytesIO(PDF + b"0" * 5000), "siup.pdf"),
    )).get_data(as_text=True)
    assert "Jenis berkas tidak diizinkan" in error_next_to(html, "dokumen_akta")
    assert "melebihi batas" in error_next_to(html, "dokumen_siup")


@pytest.mark.parametrize(("error", "field", "text"), [
    (Conflict("USERNAME_TAKEN", "taken"), "username", "sudah dipakai"),
    (Conflict("NPWP_ALREADY_REGISTERED", "dup"), "npwp", "sudah terdaftar"),
])
def test_a_service_refusal_goes_next_to_its_field(web, error, field, text):
    web.rpc.on(rc.REGISTER_PENYEDIA, error)
    token = open_form(web, "/penyedia/daftar")
    response = post(web, "/penyedia/daftar", penyedia(token))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert text in error_next_to(html, field)
    assert value_of(html, "username") == "cv.karya"


def test_a_form_sent_again_with_other_content_gets_a_new_key(web):
    web.rpc.on(rc.REGISTER_PENYEDIA, Conflict("IDEMPOTENCY_KEY_REUSED", "reused"))
    token = open_form(web, "/penyedia/daftar")
    html = post(web, "/penyedia/daftar", penyedia(token)).get_data(as_text=True)
    assert "sudah pernah dikirim" in html
    assert 'value="form-key-123456"' not in html  # the next attempt is a new one


def test_registration_while_registrasi_is_down_keeps_the_input(web):
    web.rpc.on(rc.REGISTER_PENYEDIA, Unavailable("SERVICE_UNAVAILABLE", "down"))
    token = open_form(web, "/penyedia/daftar")
    response = post(web, "/penyedia/daftar", penyedia(token))
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Layanan sedang tidak tersedia" in html
    assert value_of(html, "nama") == "CV Karya Bali Lestari"


# ------------------------------------------------------------------ status
def test_status_page_tells_where_the_registration_stands(web):
    token = open_form(web, "/penyedia/status")
    web.rpc.on(rc.LOGIN, Forbidden("PENYEDIA_NOT_ACTIVE", "no",
                                   {"status": "menunggu_verifikasi"}))
    form = {"csrf_token": token, "username": "cv.karya", "password": "Rahasia-2013!"}
    html = post(web, "/penyedia/status", form).get_data(as_text=True)
    assert "Menunggu verifikasi" in html and "Rahasia-2013!" not in html
    web.rpc.on(rc.LOGIN, {"token": "t" * 40, "token_type": "Bearer",
                          "expires_at": AT, "must_change_password": False,
                          "actor": {"user_id": "u-9", "username": "cv.karya",
                                    "roles": ["penyedia"], "penyedia_id": "p-1",
                                    "session_id": "s-9"}})
    web.rpc.on(rc.LOGOUT, {"ok": True})
    html = post(web, "/penyedia/status", form).get_data(as_text=True)
    assert "Terverifikasi" in html
    assert web.rpc.requests(rc.LOGOUT)[0]["actor"]["session_id"] == "s-9"
    web.rpc.on(rc.LOGIN, Unauthenticated("LOGIN_FAILED", "no"))
    response = post(web, "/penyedia/status", form)
    assert response.status_code == 401
    assert "salah" in error_next_to(response.get_data(as_text=True), "password")



def test_a_rejected_penyedia_sees_why_on_the_status_page(web):
    token = open_form(web, "/penyedia/status")
    web.rpc.on(rc.LOGIN, Forbidden("PENYEDIA_NOT_ACTIVE", "no", {
        "status": "ditolak", "alasan": "Akta pendirian tidak terbaca"}))
    html = post(web, "/penyedia/status", {
        "csrf_token": token, "username": "cv.karya", "password": "Rahasia-2013!"}
    ).get_data(as_text=True)
    assert "Ditolak" in html
    assert "Alasan: Akta pendirian tidak terbaca" in html


# ------------------------------------------------------------------ pengaduan
def test_an_anonymous_complaint_with_evidence_shows_code_and_secret_once(web):
    web.rpc.on(pc.FILE_PENGADUAN, FILED)
    page = web.client.get("/pengaduan?lelang_id=l-1").get_data(as_text=True)
    assert value_of(page, "lelang_id") == "l-1"
    response = post(web, "/pengaduan", {
        "csrf_token": csrf_of(page), "jenis": "lelang", "lelang_id": "l-1",
        "uraian": URAIAN, "anonim": "on", "nama_pelapor": "", "kontak": "",
        "bukti": [(io.BytesIO(PDF), "bukti.pdf"), (io.BytesIO(PNG), "foto.png")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert_valid_html(html)
    assert "ADU-2013-ABCDE" in html and "s3cret-once" in html
    assert "hanya ditampilkan sekali" in html
    sent = web.rpc.requests(pc.FILE_PENGADUAN)[0]
    assert sent["anonim"] is True and "nama_pelapor" not in sent
    assert sent["actor"]["user_id"] is None and sent["jenis"] == "lelang"
    assert [d["filename"] for d in sent["dokumen"]] == ["bukti.pdf", "foto.png"]


def test_complaint_errors_are_next_to_their_fields(web):
    token = open_form(web, "/pengaduan")
    html = post(web, "/pengaduan", {
        "csrf_token": token, "jenis": "lelang", "uraian": "terlalu pendek",
        "anonim": "on", "nama_pelapor": "Made"}).get_data(as_text=True)
    assert "20 sampai 8.000" in error_next_to(html, "uraian")
    assert "lelangnya" in error_next_to(html, "lelang_id")
    assert "anonim tidak boleh" in error_next_to(html, "nama_pelapor")
    assert "terlalu pendek</textarea>" in html  # the input is kept
    assert value_of(html, "nama_pelapor") == "Made"
    assert not web.rpc.calls


def test_a_control_character_pasted_into_a_complaint_is_named_next_to_its_field(web):
    token = open_form(web, "/pengaduan")
    html = post(web, "/pengaduan", {
        "csrf_token": token, "jenis": "layanan_lpse", "anonim": "on",
        "uraian": "Situs tidak dapat diakses\x0bsaat batas akhir penawaran."
    }).get_data(as_text=True)
    assert "karakter kendali" in error_next_to(html, "uraian")
    assert not web.rpc.calls


def test_a_complaint_about_an_unknown_lelang(web):
    web.rpc.on(pc.FILE_PENGADUAN, NotFound("LELANG_NOT_FOUND", "no"))
    token = open_form(web, "/pengaduan")
    response = post(web, "/pengaduan", {
        "csrf_token": token, "jenis": "lelang", "lelang_id": "l-x", "uraian": URAIAN,
        "nama_pelapor": "Made Sukerta", "kontak": "made@example.org"})
    assert response.status_code == 404
    assert "Lelang tidak ditemukan" in error_next_to(response.get_data(as_text=True),
                                                     "lelang_id")
    sent = web.rpc.requests(pc.FILE_PENGADUAN)[0]
    assert sent["nama_pelapor"] == "Made Sukerta" and sent["anonim"] is False


def test_tracking_shows_the_progress_and_never_echoes_the_secret(web):
    token = open_form(web, "/pengaduan/lacak")
    web.rpc.on(pc.TRACK_PENGADUAN, TRACKED)
    form = {"csrf_token": token, "kode_pelacakan": "ADU-2013-ABCDE",
            "rahasia": "s3cret-once"}
    response = post(web, "/pengaduan/lacak", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == (
        "no-store")
    assert_valid_html(html)
    assert "Sedang diperiksa" in html and "Sedang kami periksa." in html
    assert "s3cret-once" not in html
    assert web.rpc.requests(pc.TRACK_PENGADUAN)[0]["rahasia"] == "s3cret-once"
    web.rpc.on(pc.TRACK_PENGADUAN, NotFound("PENGADUAN_NOT_FOUND", "no"))
    response = post(web, "/pengaduan/lacak", form)
    assert response.status_code == 404
    assert "Periksa kembali kode" in error_next_to(response.get_data(as_text=True),
                                                   "kode_pelacakan")


def test_an_oversized_request_is_a_page_not_a_500(web):
    token = open_form(web, "/pengaduan")
    big = io.BytesIO(b"%PDF-1.4" + b"0" * (2 * 1024 * 1024))
    response = post(web, "/pengaduan", {"csrf_token": token, "bukti": (big, "b.pdf")})
    assert response.status_code == 413
    assert "melebihi batas" in response.get_data(as_text=True)
