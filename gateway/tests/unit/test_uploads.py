"""Penyedia registration uploads: checked, stored, and only references sent."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest

from gateway.tests.unit.helpers import assert_error
from services.common.contracts.registrasi import (
    GET_DOKUMEN,
    REGISTER_PENYEDIA,
    RESUBMIT_PENYEDIA,
)
from services.common.errors import Forbidden

PDF = b"%PDF-1.4\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 50
REGISTERED = {
    "penyedia_id": "p-1",
    "status": "menunggu_verifikasi",
    "created_at": "2012-09-03T02:00:00+00:00",
}


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nama": "CV Karya Bali",
        "bentuk_usaha": "CV",
        "npwp": "01.234.567.8-901.000",
        "nib": "1234567890123",
        "alamat": "Jl. Gajah Mada 1, Amlapura",
        "email": "info@karya.example",
        "telepon": "+62 363 21000",
        "username": "karyabali",
        "password": "rahasia-sekali",
        "kota": "Amlapura",
        "setuju_pakta_integritas": "true",
        "dokumen_akta": (io.BytesIO(PDF), "akta pendirian.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data: dict[str, Any], path: str = "/api/v1/penyedia"):
    return client.post(
        path,
        data=data,
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )


def test_registration_stores_files_and_sends_only_references(client, fake_rpc, app):
    fake_rpc.on(REGISTER_PENYEDIA, REGISTERED)
    response = post(
        client,
        form(
            dokumen_lainnya=[
                (io.BytesIO(PNG), "a.png"),
                (io.BytesIO(PDF + b"2"), "../../etc/b.pdf"),
            ]
        ),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == REGISTERED
    request = fake_rpc.requests(REGISTER_PENYEDIA)[0]
    assert (
        request["actor"]["ip"] == "198.51.100.7" and request["actor"]["user_id"] is None
    )
    assert request["password"] == "rahasia-sekali"
    assert request["setuju_pakta_integritas"] is True
    dokumen = sorted(request["dokumen"], key=lambda d: d["filename"])
    assert [
        (d["jenis"], d["filename"], d["content_type"], d["size"]) for d in dokumen
    ] == [
        ("lainnya", "a.png", "image/png", len(PNG)),
        ("akta", "akta pendirian.pdf", "application/pdf", len(PDF)),
        ("lainnya", "b.pdf", "application/pdf", len(PDF) + 1),
    ]
    blobs = app.extensions["lpse"].blobs
    for d in dokumen:
        assert blobs.exists(d["sha256"])
    assert dokumen[1]["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_a_file_over_the_limit_is_413(client, fake_rpc, settings):
    big = b"%PDF-" + b"x" * settings.upload_max_bytes
    body = assert_error(
        post(client, form(dokumen_akta=(io.BytesIO(big), "big.pdf"))),
        413,
        "UPLOAD_TOO_LARGE",
    )
    assert body["details"]["field"] == "dokumen_akta"
    assert body["details"]["max_bytes"] == settings.upload_max_bytes
    assert fake_rpc.calls == []


def test_a_file_whose_bytes_are_not_pdf_jpeg_or_png_is_415(client, fake_rpc):
    exe = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100)
    body = assert_error(
        post(client, form(dokumen_npwp=(exe, "npwp.pdf"))),
        415,
        "UPLOAD_TYPE_NOT_ALLOWED",
    )
    assert body["details"]["field"] == "dokumen_npwp"
    assert fake_rpc.calls == []


def test_an_empty_file_is_422(client, fake_rpc):
    assert_error(
        post(client, form(dokumen_akta=(io.BytesIO(b""), "kosong.pdf"))),
        422,
        "UPLOAD_EMPTY",
    )
    assert fake_rpc.calls == []


def test_at_least_one_document_is_required(client, fake_rpc):
    # a file input left empty arrives as a part with no file name: not a document
    body = assert_error(
        post(client, form(dokumen_akta=(io.BytesIO(b""), ""))), 422, "VALIDATION_FAILED"
    )
    assert "dokumen" in body["details"]["fields"]


def test_a_document_field_must_be_a_file(client):
    body = assert_error(
        post(client, form(dokumen_akta="not a file")), 422, "VALIDATION_FAILED"
    )
    assert "dokumen_akta" in body["details"]["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("npwp", "12345"),
        ("nib", "12"),
        ("email", "nope"),
        ("bentuk_usaha", "Yayasan"),
        ("username", "A"),
        ("password", "short"),
        ("telepon", "call me"),
        ("setuju_pakta_integritas", "maybe"),
        ("unexpected", "x"),
    ],
)
def test_form_fields_are_validated_before_anything_is_stored(client, app, field, value):
    root = app.extensions["lpse"].blobs.root
    before = sorted(root.rglob("*")) if root.exists() else []
    body = assert_error(post(client, form(**{field: value})), 422, "VALIDATION_FAILED")
    assert field in body["details"]["fields"]
    assert (sorted(root.rglob("*")) if root.exists() else []) == before


def test_resubmit_needs_credentials_and_may_add_documents(client, fake_rpc):
    fake_rpc.on(RESUBMIT_PENYEDIA, REGISTERED)
    response = post(
        client,
        {
            "username": "karyabali",
            "password": "rahasia-sekali",
            "alamat": "Jl. Baru 2, Amlapura",
            "dokumen_siup": (io.BytesIO(PDF), "siup.pdf"),
        },
        path="/api/v1/penyedia/resubmit",
    )
    assert response.status_code == 200
    request = fake_rpc.requests(RESUBMIT_PENYEDIA)[0]
    assert request["alamat"] == "Jl. Baru 2, Amlapura"
    assert [d["jenis"] for d in request["dokumen"]] == ["siup"]
    assert "nama" not in request  # not given, not changed


def test_document_download_is_authorized_by_registrasi(client, fake_rpc, signed_in):
    fake_rpc.on(REGISTER_PENYEDIA, REGISTERED)
    post(client, form())
    sha = hashlib.sha256(PDF).hexdigest()
    fake_rpc.on(
        GET_DOKUMEN,
        {
            "jenis": "akta",
            "sha256": sha,
            "filename": "akta pendirian.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
        },
    )
    response = client.get(
        f"/api/v1/penyedia/p-1/dokumen/{sha}", headers=signed_in(roles=["verifikator"])
    )
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "akta" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    assert fake_rpc.requests(GET_DOKUMEN)[0]["sha256"] == sha


def test_document_download_refused_by_registrasi(client, fake_rpc, signed_in):
    fake_rpc.on(GET_DOKUMEN, Forbidden("FORBIDDEN", "not yours"))
    assert_error(
        client.get(
            f"/api/v1/penyedia/p-1/dokumen/{'a' * 64}",
            headers=signed_in(roles=["penyedia"]),
        ),
        403,
        "FORBIDDEN",
    )


def test_document_missing_from_the_store_is_404(client, fake_rpc, signed_in):
    fake_rpc.on(
        GET_DOKUMEN,
        {
            "jenis": "akta",
            "sha256": "b" * 64,
            "filename": "x.pdf",
            "content_type": "application/pdf",
            "size": 3,
        },
    )
    assert_error(
        client.get(f"/api/v1/penyedia/p-1/dokumen/{'b' * 64}", headers=signed_in()),
        404,
        "BLOB_NOT_FOUND",
    )
