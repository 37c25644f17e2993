"""Lelang routes: each sends its contract request (with the actor, and the
idempotency key when state changes) and answers the public shape; bad input is a
422 at the gateway."""

from __future__ import annotations

import hashlib
import io

import pytest

from gateway.tests.unit import lelang_samples as s
from gateway.tests.unit.helpers import assert_error
from services.common.contracts import lelang as c
from services.common.errors import Forbidden

PDF = b"%PDF-1.4\n" + b"0" * 200
JADWAL = [{"tahapan": "pengumuman", "mulai": "2013-03-04T08:00:00+08:00",
           "selesai": "2013-03-11T16:00:00+08:00"}]
DOKUMEN_REF = {"sha256": s.SHA, "filename": "rks.pdf",
               "content_type": "application/pdf", "size": 120}


def page(*items):
    return {"items": list(items), "total": len(items), "page": 1, "per_page": 20}


# ------------------------------------------------------------------ public
def test_public_list_without_a_token(client, fake_rpc):
    fake_rpc.on(c.LIST_LELANG, page(s.SUMMARY))
    response = client.get("/api/v1/lelang?status=diumumkan&kategori=barang&q=jalan",
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["items"][0]["pagu"] == "1500000000.00"
    sent = fake_rpc.requests(c.LIST_LELANG)[0]
    assert sent["actor"]["user_id"] is None and sent["actor"]["ip"] == "203.0.113.9"
    assert (sent["status"], sent["kategori"], sent["q"]) == ("diumumkan", "barang",
                                                             "jalan")
    assert sent["mine"] is False and "idempotency_key" not in sent


def test_public_detail_without_a_token(client, fake_rpc):
    fake_rpc.on(c.GET_LELANG, s.lelang())
    response = client.get("/api/v1/lelang/l-1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["lelang_id"] == "l-1" and body["nilai_hps"] == "1400000000.00"
    assert body["jadwal"][0]["tahapan"] == "pengumuman"
    sent = fake_rpc.requests(c.GET_LELANG)[0]
    assert sent["lelang_id"] == "l-1"
    assert sent["actor"]["user_id"] is None and sent["actor"]["roles"] == []


def test_public_detail_with_a_token_passes_that_actor(client, fake_rpc, signed_in):
    fake_rpc.on(c.GET_LELANG, s.lelang(tindakan=["umumkan"]))
    response = client.get("/api/v1/lelang/l-1", headers=signed_in(roles=["pokja"]))
    assert response.get_json()["tindakan"] == ["umumkan"]
    assert fake_rpc.requests(c.GET_LELANG)[0]["actor"]["user_id"] == "u-admin"


def test_a_bad_token_on_a_public_route_is_401(client, fake_rpc):
    response = client.get("/api/v1/lelang/l-1",
                          headers={"Authorization": "Bearer not-a-jwt"})
    assert_error(response, 401, "TOKEN_INVALID")
    assert fake_rpc.calls == []


def test_mine_needs_a_login(client, fake_rpc, signed_in):
    assert_error(client.get("/api/v1/lelang?mine=true"), 401, "UNAUTHENTICATED")
    assert fake_rpc.calls == []
    fake_rpc.on(c.LIST_LELANG, page())
    response = client.get("/api/v1/lelang?mine=true", headers=signed_in())
    assert response.status_code == 200
    assert fake_rpc.requests(c.LIST_LELANG)[0]["mine"] is True


@pytest.mark.parametrize(("path", "contract", "answer", "sent"), [
    ("/api/v1/rup?tahun_anggaran=2013&agency_id=a-1", c.LIST_RUP, page(s.RUP),
     {"tahun_anggaran": 2013, "agency_id": "a-1"}),
    ("/api/v1/ambang-batas?agency_id=a-1", c.LIST_AMBANG_BATAS, [s.AMBANG],
     {"agency_id": "a-1"}),
    ("/api/v1/lelang/l-1/evaluasi", c.LIST_EVALUASI, [s.HASIL], {"lelang_id": "l-1"}),
])
def test_other_public_reads(client, fake_rpc, path, contract, answer, sent):
    fake_rpc.on(contract, answer)
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    request = fake_rpc.requests(contract)[0]
    assert {k: request[k] for k in sent} == sent


def test_evaluation_before_the_announcement_is_403(client, fake_rpc):
    fake_rpc.on(c.LIST_EVALUASI, Forbidden("EVALUASI_NOT_PUBLIC", "not yet"))
    body = assert_error(client.get("/api/v1/lelang/l-1/evaluasi"), 403,
                        "EVALUASI_NOT_PUBLIC")
    assert "pengumuman pemenang" in body["message"]


# ------------------------------------------------------------------ logged in
def test_create_lelang_sends_the_actor_and_an_idempotency_key(client, fake_rpc,
                                                              signed_in):
    fake_rpc.on(c.CREATE_LELANG, s.lelang(status="draft"))
    response = client.post("/api/v1/lelang", headers={
        **signed_in(roles=["pokja"]), "Idempotency-Key": "lelang-baru-1"}, json={
        "paket_id": "k-1", "metode": "pascakualifikasi_1_file",
        "metode_evaluasi": "sistem_gugur", "jadwal": JADWAL,
        "dokumen": [DOKUMEN_REF]})
    assert response.status_code == 201, response.get_json()
    assert response.headers["Idempotency-Key"] == "lelang-baru-1"
    sent = fake_rpc.requests(c.CREATE_LELANG)[0]
    assert sent["actor"]["user_id"] == "u-admin" and sent["actor"]["roles"] == ["pokja"]
    assert sent["idempotency_key"] == "lelang-baru-1"
    assert sent["jadwal"][0]["mulai"] == "2013-03-04T08:00:00+08:00"
    assert sent["dokumen"][0]["sha256"] == s.SHA


def test_logged_in_routes_refuse_the_public(client, fake_rpc):
    assert_error(client.post("/api/v1/lelang", json={}), 401, "UNAUTHENTICATED")
    assert_error(client.get("/api/v1/paket"), 401, "UNAUTHENTICATED")
    assert fake_rpc.calls == []


L = "/api/v1/lelang/l-1"


@pytest.mark.parametrize(("method", "path", "json", "contract", "answer", "status",
                          "sent"), [
    ("post", "/api/v1/rup", {"tahun_anggaran": 2013, "nama": "Jalan Desa",
                             "pagu": "1500000000", "sumber_dana": "APBD",
                             "kategori": "pekerjaan_konstruksi"},
     c.CREATE_RUP, s.RUP, 201, {"pagu": "1500000000.00"}),
    ("post", "/api/v1/ambang-batas", {"tahun_anggaran": 2013,
                                      "nilai_minimum": "50000000.00"},
     c.SET_AMBANG_BATAS, s.AMBANG, 200, {"nilai_minimum": "50000000.00"}),
    ("post", "/api/v1/paket", {
        "nama": "Jalan Desa", "tahun_anggaran": 2013, "sumber_dana": "APBD",
        "pagu": "1500000000.00", "nilai_hps": "1400000000.00",
        "kategori": "pekerjaan_konstruksi", "lokasi": "Bebandem",
        "rincian_hps": [{"uraian": "Aspal", "volume": "12.5", "satuan": "m3",
                         "harga_satuan": "112000000"}]},
     c.CREATE_PAKET, s.PAKET, 201, {"lokasi": "Bebandem"}),
    ("get", "/api/v1/paket?di_bawah_ambang=false", None, c.LIST_PAKET, page(s.PAKET),
     200, {"di_bawah_ambang": False}),
    ("get", "/api/v1/paket/k-1", None, c.GET_PAKET, s.PAKET, 200,
     {"paket_id": "k-1"}),
    ("post", "/api/v1/paket/k-1/pokja", {"pokja_ids": ["u-1", "u-2", "u-3"]},
     c.ASSIGN_POKJA, s.PAKET, 200, {"paket_id": "k-1", "pokja_ids": ["u-1", "u-2",
                                                                     "u-3"]}),
    ("put", f"{L}/jadwal", {"jadwal": JADWAL}, c.SET_JADWAL, s.lelang(), 200,
     {"lelang_id": "l-1"}),
    ("post", f"{L}/umumkan", None, c.ANNOUNCE_LELANG, s.lelang(), 200,
     {"lelang_id": "l-1"}),
    ("post", f"{L}/perubahan-jadwal", {"jadwal": JADWAL, "alasan": "banjir"},
     c.CHANGE_JADWAL, s.lelang(), 200, {"alasan": "banjir"}),
    ("post", f"{L}/gagal", {"alasan": "tidak ada penawaran"}, c.FAIL_LELANG,
     s.lelang(status="gagal"), 200, {"alasan": "tidak ada penawaran"}),
    ("post", f"{L}/penghentian", {"alasan": "anggaran dialihkan"}, c.STOP_LELANG,
     s.lelang(status="dihentikan"), 200, {"alasan": "anggaran dialihkan"}),
    ("post", f"{L}/batal", {"alasan": "spesifikasi disusun ulang"}, c.CANCEL_LELANG,
     s.lelang(status="dibatalkan"), 200, {"alasan": "spesifikasi disusun ulang"}),
    ("post", f"{L}/ulang", {}, c.RETENDER_LELANG, s.lelang(lelang_id="l-2"), 201,
     {"lelang_id": "l-1", "jadwal": []}),
    ("post", f"{L}/peserta", None, c.REGISTER_PESERTA, s.PESERTA, 201,
     {"lelang_id": "l-1"}),
    ("get", f"{L}/peserta", None, c.LIST_PESERTA, [s.PESERTA], 200, {}),
    ("post", f"{L}/adendum", {"keterangan": "RKS diperbaiki",
                              "dokumen": [DOKUMEN_REF]},
     c.ISSUE_ADENDUM, s.lelang(), 200, {"keterangan": "RKS diperbaiki"}),
    ("post", f"{L}/pertanyaan", {"pertanyaan": "Apakah SBU wajib?"},
     c.ASK_PERTANYAAN, s.PERTANYAAN, 201, {"pertanyaan": "Apakah SBU wajib?"}),
    ("post", f"{L}/pertanyaan/q-1/jawaban", {"jawaban": "Ya."},
     c.ANSWER_PERTANYAAN, s.PERTANYAAN, 200, {"pertanyaan_id": "q-1",
                                              "jawaban": "Ya."}),
    ("get", f"{L}/pertanyaan", None, c.LIST_PERTANYAAN, [s.PERTANYAAN], 200, {}),
    ("post", f"{L}/kualifikasi", {"dokumen": [DOKUMEN_REF]},
     c.SUBMIT_KUALIFIKASI, s.PESERTA, 200, {"keterangan": None}),
    ("post", f"{L}/kualifikasi/evaluasi", {"hasil": [{"penyedia_id": "p-1",
                                                      "lulus": True}]},
     c.EVALUATE_KUALIFIKASI, [s.PESERTA], 200, {"hasil": [
         {"penyedia_id": "p-1", "lulus": True, "alasan": None}]}),
    ("post", f"{L}/penawaran/single/tarik", None, c.WITHDRAW_PENAWARAN,
     s.tanda_terima({"lelang_id": "l-1", "sampul": "single"}), 200,
     {"sampul": "single"}),
    ("get", f"{L}/tanda-terima", None, c.LIST_TANDA_TERIMA,
     [s.tanda_terima({"lelang_id": "l-1", "sampul": "single"})], 200, {}),
    ("post", f"{L}/pembukaan", {"sampul": "single"}, c.OPEN_PENAWARAN,
     {"sampul": "single", "dibuka": 1, "gagal_dibuka": 0, "tidak_dibuka": 0,
      "penawaran": [s.penawaran(None)]}, 200, {"sampul": "single"}),
    ("get", f"{L}/penawaran?sampul=single", None, c.LIST_PENAWARAN,
     [s.penawaran(None)], 200, {"sampul": "single"}),
    ("post", f"{L}/evaluasi", {"hasil": [{"penyedia_id": "p-1",
                                          "lulus_administrasi": True,
                                          "skor_teknis": "82.5"}]},
     c.EVALUATE_PENAWARAN, [s.HASIL], 200, {"hasil": [{
         "penyedia_id": "p-1", "lulus_administrasi": True, "skor_teknis": "82.50",
         "lulus_teknis": None, "harga_terkoreksi": None, "lulus_harga": None,
         "lulus_kualifikasi": None, "alasan": None}]}),
    ("post", f"{L}/pengumuman", None, c.ANNOUNCE_HASIL, s.lelang(), 200, {}),
    ("post", f"{L}/bahp", {"dokumen": DOKUMEN_REF}, c.UPLOAD_BAHP, s.lelang(), 200,
     {"dokumen": DOKUMEN_REF}),
    ("post", f"{L}/pemenang", {"pemenang": "p-1", "cadangan_1": "p-2"},
     c.DECIDE_PEMENANG, s.lelang(), 200, {"pemenang": "p-1", "cadangan_2": None}),
    ("post", f"{L}/sanggah", {"isi": "Evaluasi teknis tidak sesuai dokumen."},
     c.FILE_SANGGAH, s.SANGGAH, 201, {"isi": "Evaluasi teknis tidak sesuai dokumen."}),
    ("post", f"{L}/sanggah/s-1/jawaban", {"jawaban": "Sanggah ditolak.",
                                          "keputusan": "ditolak"},
     c.ANSWER_SANGGAH, s.SANGGAH, 200, {"sanggah_id": "s-1", "keputusan": "ditolak"}),
    ("get", f"{L}/sanggah", None, c.LIST_SANGGAH, [s.SANGGAH], 200, {}),
    ("post", f"{L}/sanggah-banding", {"penyedia_id": "p-2",
                                      "diajukan_pada": "2013-04-01",
                                      "jaminan_nomor": "JB-1",
                                      "jaminan_nilai": "28000000"},
     c.RECORD_SANGGAH_BANDING, s.lelang(), 200, {"jaminan_nilai": "28000000.00"}),
    ("post", f"{L}/sanggah-banding/keputusan", {"keputusan": "ditolak",
                                                "keputusan_nomor": "027/2013",
                                                "alasan": "tidak beralasan"},
     c.DECIDE_SANGGAH_BANDING, s.lelang(), 200, {"keputusan": "ditolak",
                                                 "jadwal": []}),
    ("post", f"{L}/sppbj", {"nomor": "SPPBJ-1", "tanggal": "2013-04-10"},
     c.ISSUE_SPPBJ, s.lelang(), 200, {"tanggal": "2013-04-10"}),
    ("post", f"{L}/kontrak", {"nomor": "K-1", "tanggal": "2013-04-20",
                              "nilai": "1250000000.00"},
     c.SIGN_KONTRAK, s.lelang(status="selesai"), 200,
     {"nilai": "1250000000.00", "dokumen": None}),
])
def test_route_maps_to_its_contract(client, fake_rpc, signed_in, method, path, json,
                                    contract, answer, status, sent):
    fake_rpc.on(contract, answer)
    kwargs = {"json": json} if json is not None else {}
    response = getattr(client, method)(path, headers=signed_in(), **kwargs)
    assert response.status_code == status, response.get_json()
    request = fake_rpc.requests(contract)[0]
    assert {k: request[k] for k in sent} == sent
    assert request["actor"]["user_id"] == "u-admin"
    assert ("idempotency_key" in request) == contract.idempotent
    assert len(fake_rpc.calls) == 2  # AUTHENTICATE, then the one contract


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(("method", "path", "json", "field"), [
    ("post", "/api/v1/rup", {"pagu": 1500000000.0}, "pagu"),  # a float, not a string
    ("post", "/api/v1/ambang-batas", {"tahun_anggaran": 2013,
                                      "nilai_minimum": "1.005"}, "nilai_minimum"),
    ("post", "/api/v1/ambang-batas", {"tahun_anggaran": 2013,
                                      "nilai_minimum": "-5"}, "nilai_minimum"),
    ("post", "/api/v1/ambang-batas", {"tahun_anggaran": 1800,
                                      "nilai_minimum": "5"}, "tahun_anggaran"),
    ("post", "/api/v1/lelang", {"paket_id": "k-1", "metode": "lelang_cepat",
                                "metode_evaluasi": "sistem_gugur"}, "metode"),
    ("put", f"{L}/jadwal", {"jadwal": [{**JADWAL[0],
                                        "mulai": "2013-03-04T08:00:00"}]}, "jadwal"),
    ("put", f"{L}/jadwal", {"jadwal": [{**JADWAL[0],
                                        "selesai": "9999-12-31T23:59:59+14:00"}]},
     "jadwal"),
    ("put", f"{L}/jadwal", {"jadwal": [{**JADWAL[0],
                                        "mulai": "0001-01-01T00:00:00+05:00"}]},
     "jadwal"),
    ("post", f"{L}/gagal", {"alasan": "x", "actor": {"user_id": "u-1"}}, "actor"),
    ("post", f"{L}/bahp", {"dokumen": {**DOKUMEN_REF, "sha256": "nope"}}, "dokumen"),
    ("post", f"{L}/pemenang", {"pemenang": "p/1"}, "pemenang"),
    ("post", f"{L}/sanggah", {"isi": "x", "idempotency_key": "k" * 10},
     "idempotency_key"),
    ("post", f"{L}/evaluasi", {"hasil": [{"penyedia_id": "p-1",
                                          "skor_teknis": "101"}]}, "hasil"),
    ("get", "/api/v1/lelang?tahapan=Bad%20Stage&per_page=1000", None, "tahapan"),
])
def test_bad_input_is_422_before_any_rpc(client, fake_rpc, signed_in, method, path,
                                         json, field):
    kwargs = {"json": json} if json is not None else {}
    body = assert_error(getattr(client, method)(path, headers=signed_in(), **kwargs),
                        422, "VALIDATION_FAILED")
    assert field in body["details"]["fields"], body
    assert {call[0].service for call in fake_rpc.calls} <= {"registrasi"}


def test_an_unknown_sampul_in_a_path_is_404(client, fake_rpc, signed_in):
    assert_error(client.post(f"{L}/penawaran/file_3/tarik", headers=signed_in()),
                 404, "NOT_FOUND")


# ------------------------------------------------------------------ documents
def test_upload_dokumen_stores_a_pdf(client, app, signed_in):
    response = client.post("/api/v1/dokumen", headers=signed_in(), data={
        "file": (io.BytesIO(PDF), "RKS final.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"sha256": hashlib.sha256(PDF).hexdigest(),
                                   "filename": "RKS final.pdf",
                                   "content_type": "application/pdf",
                                   "size": len(PDF)}
    assert app.extensions["lpse"].blobs.exists(hashlib.sha256(PDF).hexdigest())


def test_upload_dokumen_refuses_a_text_file(client, signed_in):
    body = assert_error(client.post("/api/v1/dokumen", headers=signed_in(), data={
        "file": (io.BytesIO(b"just some text\n"), "notes.pdf")},
        content_type="multipart/form-data"), 415, "UPLOAD_TYPE_NOT_ALLOWED")
    assert body["details"]["field"] == "file"


def test_upload_dokumen_needs_a_login(client):
    assert_error(client.post("/api/v1/dokumen", data={
        "file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data"),
        401, "UNAUTHENTICATED")


def test_lelang_dokumen_download_is_authorized_by_lelang(client, app, fake_rpc,
                                                         signed_in):
    ref = app.extensions["lpse"].blobs.put(io.BytesIO(PDF), max_bytes=4096)
    fake_rpc.on(c.AUTHORIZE_DOKUMEN, {**DOKUMEN_REF, "sha256": ref.sha256,
                                      "size": ref.size})
    response = client.get(f"{L}/dokumen/{ref.sha256}",
                          headers=signed_in(roles=["penyedia"], penyedia_id="p-1"))
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert fake_rpc.requests(c.AUTHORIZE_DOKUMEN)[0]["sha256"] == ref.sha256
    fake_rpc.on(c.AUTHORIZE_DOKUMEN, Forbidden("NOT_PESERTA", "register first"))
    assert_error(client.get(f"{L}/dokumen/{ref.sha256}", headers=signed_in()), 403,
                 "NOT_PESERTA")


def test_lelang_dokumen_with_a_bad_sha_is_404_without_rpc(client, fake_rpc,
                                                          signed_in):
    assert_error(client.get(f"{L}/dokumen/{'A' * 64}", headers=signed_in()), 404,
                 "DOKUMEN_NOT_FOUND")
    assert not fake_rpc.requests(c.AUTHORIZE_DOKUMEN)


# ------------------------------------------------------------------ OpenAPI
def test_openapi_lists_the_lelang_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/lelang", "/api/v1/lelang/{lelang_id}",
                 "/api/v1/lelang/{lelang_id}/penawaran",
                 "/api/v1/lelang/{lelang_id}/penawaran/{sampul}/tarik",
                 "/api/v1/lelang/{lelang_id}/penawaran/dokumen/{sha256}",
                 "/api/v1/rup", "/api/v1/paket/{paket_id}/pokja", "/api/v1/dokumen",
                 "/api/v1/lelang/{lelang_id}/sanggah-banding/keputusan"):
        assert path in spec["paths"], path
    body = spec["paths"]["/api/v1/lelang/{lelang_id}/penawaran"]["post"]["requestBody"]
    assert "multipart/form-data" in body["content"]
    public = spec["paths"]["/api/v1/lelang/{lelang_id}"]["get"]
    assert {} in public["security"]  # the public may call it without a token
    pagu = spec["components"]["schemas"]["RupCreate"]["properties"]["pagu"]
    assert (pagu["type"], pagu["format"]) == ("string", "decimal")


def test_the_audit_trail_route_passes_the_actor_and_needs_a_login(client, fake_rpc,
                                                                  signed_in):
    assert client.get("/api/v1/lelang/l-1/log").status_code == 401
    fake_rpc.on(c.LIST_LELANG_LOG, [{"id": 1, "at": "2013-03-04T00:00:00+00:00",
                                     "actor_user_id": "u-1", "action":
                                     "penawaran_opened", "details": {"dibuka": 3}}])
    headers = signed_in(roles=["auditor"], user_id="u-aud")
    response = client.get("/api/v1/lelang/l-1/log", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()[0]["action"] == "penawaran_opened"
    assert fake_rpc.requests(c.LIST_LELANG_LOG)[0]["actor"]["user_id"] == "u-aud"
