"""Pengaduan routes: filing (public, multipart, evidence stored and sent as
references), tracking by code and secret, staff handling, deviation reports."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest

from gateway.tests.unit.helpers import assert_error
from services.common.contracts import pengaduan as c
from services.common.errors import NotFound

PDF = b"%PDF-1.4\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 50
AT = "2013-03-04T02:00:00+00:00"
SHA = "a" * 64
URAIAN = "Panitia meminta imbalan kepada peserta sebelum pembukaan penawaran."
FILED = {"pengaduan_id": "pg-1", "kode_pelacakan": "ADU-2013-ABCDE",
         "rahasia": "s3cret-once", "jenis": "lelang", "status": "diterima",
         "diajukan_pada": AT}
TRACKED = {"kode_pelacakan": "ADU-2013-ABCDE", "jenis": "lelang",
           "status": "diperiksa", "lelang_id": "l-1", "diajukan_pada": AT,
           "diubah_pada": AT, "progres": [{"status": "diterima", "at": AT}]}
PENGADUAN = {"pengaduan_id": "pg-1", "kode_pelacakan": "ADU-2013-ABCDE",
             "jenis": "lelang", "status": "diperiksa", "klasifikasi": "layanan",
             "lelang_id": "l-1", "uraian": URAIAN, "anonim": True,
             "identitas_disembunyikan": False, "pelapor": None, "dokumen": [],
             "diajukan_pada": AT, "diubah_pada": AT, "version": 2,
             "riwayat": [{"dari": None, "status": "diterima", "at": AT}],
             "penerusan": []}
PENYIMPANGAN = {"penyimpangan_id": "ps-1", "lelang_id": "l-1",
                "lelang_kode": "L-2013-1", "lelang_nama": "Jalan Amlapura",
                "agency_id": "a-1", "ppk_id": "u-ppk", "pengaduan_id": None,
                "uraian": URAIAN, "dokumen": [], "dilaporkan_oleh": "u-admin",
                "dilaporkan_pada": AT, "penerima": []}


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"jenis": "lelang", "uraian": URAIAN, "lelang_id": "l-1",
                            "anonim": "true"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_form(client, data: dict[str, Any], **kwargs: Any):
    return client.post("/api/v1/pengaduan", data=data,
                       content_type="multipart/form-data",
                       environ_base={"REMOTE_ADDR": "198.51.100.7"}, **kwargs)


# ------------------------------------------------------------------ filing
def test_anonymous_filing_stores_the_evidence_and_sends_references(client, fake_rpc,
                                                                   app):
    fake_rpc.on(c.FILE_PENGADUAN, FILED)
    response = post_form(client, form(bukti=[(io.BytesIO(PDF), "bukti 1.pdf"),
                                             (io.BytesIO(PNG), "../foto.png")],
                                      nama_pelapor=""))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kode_pelacakan"] == "ADU-2013-ABCDE"
    assert body["rahasia"] == "s3cret-once"
    assert response.headers["Cache-Control"] == "no-store"
    sent = fake_rpc.requests(c.FILE_PENGADUAN)[0]
    assert sent["actor"]["user_id"] is None and sent["actor"]["ip"] == "198.51.100.7"
    assert sent["anonim"] is True and sent.get("nama_pelapor") is None
    assert sent["jenis"] == "lelang" and sent["lelang_id"] == "l-1"
    assert sent["idempotency_key"]
    assert [(d["filename"], d["content_type"], d["size"]) for d in sent["dokumen"]] \
        == [("bukti 1.pdf", "application/pdf", len(PDF)),
            ("foto.png", "image/png", len(PNG))]
    blobs = app.extensions["lpse"].blobs
    for ref, content in zip(sent["dokumen"], (PDF, PNG), strict=True):
        assert ref["sha256"] == hashlib.sha256(content).hexdigest()
        with blobs.open(ref["sha256"]) as fh:
            assert fh.read() == content


def test_filing_with_a_login_passes_that_actor(client, fake_rpc, signed_in):
    fake_rpc.on(c.FILE_PENGADUAN, FILED)
    response = post_form(client, form(anonim="false", nama_pelapor="Made"),
                         headers=signed_in(roles=["penyedia"], penyedia_id="p-1"))
    assert response.status_code == 201, response.get_json()
    sent = fake_rpc.requests(c.FILE_PENGADUAN)[0]
    assert sent["actor"]["user_id"] == "u-admin" and sent["dokumen"] == []


def test_a_bad_token_on_filing_is_401(client, fake_rpc):
    response = post_form(client, form(),
                         headers={"Authorization": "Bearer not-a-jwt"})
    assert_error(response, 401, "TOKEN_INVALID")
    assert fake_rpc.calls == []


def test_a_text_file_as_evidence_is_415(client, fake_rpc):
    response = post_form(client, form(bukti=[(io.BytesIO(b"just some text"),
                                              "catatan.txt")]))
    body = assert_error(response, 415, "UPLOAD_TYPE_NOT_ALLOWED")
    assert body["details"]["field"] == "bukti"
    assert fake_rpc.calls == []


def test_evidence_over_the_limit_is_413(client, fake_rpc, settings):
    big = b"%PDF-" + b"x" * settings.upload_max_bytes
    response = post_form(client, form(bukti=[(io.BytesIO(big), "big.pdf")]))
    assert_error(response, 413, "UPLOAD_TOO_LARGE")
    assert fake_rpc.calls == []


@pytest.mark.parametrize("overrides", [
    {"jenis": "gosip"},
    {"uraian": "terlalu pendek"},
    {"lelang_id": "bad id!"},
    {"anonim": "mungkin"},
    {"bukti": [(io.BytesIO(PDF + bytes([i])), f"{i}.pdf") for i in range(11)]},
])
def test_bad_filing_input_is_422(client, fake_rpc, overrides):
    assert_error(post_form(client, form(**overrides)), 422, "VALIDATION_FAILED")
    assert fake_rpc.calls == []


def test_filing_as_json_is_415(client, fake_rpc):
    response = client.post("/api/v1/pengaduan", json={"jenis": "lelang"})
    assert response.status_code == 415
    assert fake_rpc.calls == []


# ------------------------------------------------------------------ tracking
def test_tracking_sends_code_and_secret_in_the_body_and_is_not_cached(client,
                                                                     fake_rpc):
    fake_rpc.on(c.TRACK_PENGADUAN, TRACKED)
    response = client.post("/api/v1/pengaduan/lacak", json={
        "kode_pelacakan": "ADU-2013-ABCDE", "rahasia": "s3cret-once"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["progres"][0]["status"] == "diterima"
    sent = fake_rpc.requests(c.TRACK_PENGADUAN)[0]
    assert (sent["kode_pelacakan"], sent["rahasia"]) == ("ADU-2013-ABCDE",
                                                         "s3cret-once")
    assert sent["actor"]["user_id"] is None and sent["actor"]["ip"] == "203.0.113.9"


def test_tracking_with_a_wrong_secret_is_404_in_indonesian(client, fake_rpc):
    fake_rpc.on(c.TRACK_PENGADUAN, NotFound("PENGADUAN_NOT_FOUND", "not found"))
    body = assert_error(client.post("/api/v1/pengaduan/lacak", json={
        "kode_pelacakan": "ADU-2013-ABCDE", "rahasia": "salah"}), 404,
        "PENGADUAN_NOT_FOUND")
    assert "kode pelacakan" in body["message"]


@pytest.mark.parametrize("payload", [{}, {"kode_pelacakan": "ADU-2013-ABCDE"},
                                     {"kode_pelacakan": "A", "rahasia": "x"}])
def test_bad_tracking_input_is_422(client, fake_rpc, payload):
    assert_error(client.post("/api/v1/pengaduan/lacak", json=payload), 422,
                 "VALIDATION_FAILED")
    assert fake_rpc.calls == []


# ------------------------------------------------------------------ staff
def test_staff_status_change_sends_the_actor_and_an_idempotency_key(client, fake_rpc,
                                                                    signed_in):
    fake_rpc.on(c.CHANGE_PENGADUAN_STATUS, PENGADUAN)
    response = client.post("/api/v1/pengaduan/pg-1/status", headers={
        **signed_in(roles=["helpdesk"]), "Idempotency-Key": "periksa-pg-1"}, json={
        "status": "diperiksa", "klasifikasi": "layanan", "catatan": "cek panitia"})
    assert response.status_code == 200, response.get_json()
    assert response.headers["Idempotency-Key"] == "periksa-pg-1"
    assert response.get_json()["version"] == 2
    sent = fake_rpc.requests(c.CHANGE_PENGADUAN_STATUS)[0]
    assert sent["actor"]["user_id"] == "u-admin"
    assert sent["actor"]["roles"] == ["helpdesk"]
    assert sent["idempotency_key"] == "periksa-pg-1"
    assert (sent["pengaduan_id"], sent["status"], sent["klasifikasi"]) == (
        "pg-1", "diperiksa", "layanan")


@pytest.mark.parametrize("payload", [
    {}, {"status": "hilang"}, {"status": "ditolak", "alasan": "x"},
    {"status": "diteruskan", "tujuan": [{"penerima": "inspektorat",
                                         "kanal": "merpati"}]},
])
def test_bad_status_change_is_422(client, fake_rpc, signed_in, payload):
    response = client.post("/api/v1/pengaduan/pg-1/status",
                           headers=signed_in(roles=["helpdesk"]), json=payload)
    assert_error(response, 422, "VALIDATION_FAILED")
    assert [call for call in fake_rpc.calls if call[0].service == "pengaduan"] == []


def test_list_and_get_pass_filters_and_the_actor(client, fake_rpc, signed_in):
    fake_rpc.on(c.LIST_PENGADUAN, {"items": [], "total": 0, "page": 2,
                                   "per_page": 5})
    fake_rpc.on(c.GET_PENGADUAN, PENGADUAN)
    headers = signed_in(roles=["auditor"])
    response = client.get("/api/v1/pengaduan?status=diterima&jenis=kkn&page=2"
                          "&per_page=5", headers=headers)
    assert response.status_code == 200, response.get_json()
    sent = fake_rpc.requests(c.LIST_PENGADUAN)[0]
    assert (sent["status"], sent["jenis"], sent["page"], sent["per_page"]) == (
        "diterima", "kkn", 2, 5)
    assert sent["actor"]["roles"] == ["auditor"]
    response = client.get("/api/v1/pengaduan/pg-1", headers=headers)
    assert response.get_json()["kode_pelacakan"] == "ADU-2013-ABCDE"
    assert fake_rpc.requests(c.GET_PENGADUAN)[0]["pengaduan_id"] == "pg-1"


def test_logged_in_routes_refuse_the_public(client, fake_rpc):
    assert_error(client.get("/api/v1/pengaduan"), 401, "UNAUTHENTICATED")
    assert_error(client.get("/api/v1/pengaduan/pg-1"), 401, "UNAUTHENTICATED")
    assert_error(client.post("/api/v1/pengaduan/pg-1/status", json={}), 401,
                 "UNAUTHENTICATED")
    assert_error(client.get("/api/v1/penyimpangan"), 401, "UNAUTHENTICATED")
    assert_error(client.post("/api/v1/penyimpangan", json={}), 401,
                 "UNAUTHENTICATED")
    assert fake_rpc.calls == []


# ------------------------------------------------------------------ penyimpangan
def test_report_penyimpangan_sends_references(client, fake_rpc, signed_in):
    fake_rpc.on(c.REPORT_PENYIMPANGAN, PENYIMPANGAN)
    ref = {"sha256": SHA, "filename": "bukti.pdf",
           "content_type": "application/pdf", "size": 120}
    response = client.post("/api/v1/penyimpangan", headers=signed_in(
        roles=["admin_ppe"]), json={"lelang_id": "l-1", "uraian": URAIAN,
                                    "dokumen": [ref]})
    assert response.status_code == 201, response.get_json()
    sent = fake_rpc.requests(c.REPORT_PENYIMPANGAN)[0]
    assert sent["dokumen"] == [ref] and sent["idempotency_key"]
    assert sent["actor"]["roles"] == ["admin_ppe"] and "pengaduan_id" not in sent


def test_penyimpangan_reads(client, fake_rpc, signed_in):
    fake_rpc.on(c.LIST_PENYIMPANGAN, {"items": [PENYIMPANGAN], "total": 1,
                                      "page": 1, "per_page": 20})
    fake_rpc.on(c.GET_PENYIMPANGAN, PENYIMPANGAN)
    headers = signed_in(roles=["ppk"])
    response = client.get("/api/v1/penyimpangan?lelang_id=l-1", headers=headers)
    assert response.get_json()["items"][0]["penyimpangan_id"] == "ps-1"
    assert fake_rpc.requests(c.LIST_PENYIMPANGAN)[0]["lelang_id"] == "l-1"
    response = client.get("/api/v1/penyimpangan/ps-1", headers=headers)
    assert response.status_code == 200
    assert fake_rpc.requests(c.GET_PENYIMPANGAN)[0]["penyimpangan_id"] == "ps-1"


def test_bad_penyimpangan_input_is_422(client, fake_rpc, signed_in):
    response = client.post("/api/v1/penyimpangan", headers=signed_in(), json={
        "lelang_id": "l-1", "uraian": URAIAN,
        "dokumen": [{"sha256": "nope", "filename": "x", "content_type": "text/plain",
                     "size": 0}]})
    assert_error(response, 422, "VALIDATION_FAILED")


# ------------------------------------------------------------------ OpenAPI
def test_the_openapi_document_lists_the_new_paths(client):
    spec = json.loads(client.get("/api/v1/openapi.json").get_data(as_text=True))
    paths = spec["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/pengaduan"])
    assert set(paths["/api/v1/pengaduan/lacak"]) == {"post"}
    assert "get" in paths["/api/v1/pengaduan/{pengaduan_id}"]
    assert "post" in paths["/api/v1/pengaduan/{pengaduan_id}/status"]
    assert {"post", "get"} <= set(paths["/api/v1/penyimpangan"])
    assert "get" in paths["/api/v1/penyimpangan/{penyimpangan_id}"]
    filing = paths["/api/v1/pengaduan"]["post"]
    assert "multipart/form-data" in filing["requestBody"]["content"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in filing["parameters"]
    assert {} in filing["security"]  # the public may file without a login
    assert not any("delivery" in p or "ping" in p for p in paths)
