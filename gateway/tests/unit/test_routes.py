"""Each route sends the right contract request and returns the public shape."""

from __future__ import annotations

import pytest

from gateway.tests.unit.helpers import assert_error
from services.common.contracts import registrasi as r

T = "2012-09-03T02:00:00+00:00"
AGENCY = {
    "agency_id": "a-1",
    "kode": "DISPUPR",
    "nama": "Dinas PUPR",
    "jenis": "SKPD",
    "created_at": T,
}
SATKER = {
    "satker_id": "s-1",
    "agency_id": "a-1",
    "kode": "DISPUPR.BM",
    "nama": "Bina Marga",
    "created_at": T,
}
USER = {
    "user_id": "u-1",
    "username": "budi",
    "email": "b@x.id",
    "nama": "Budi",
    "nip": None,
    "roles": ["verifikator"],
    "agency_id": None,
    "penyedia_id": None,
    "sertifikat_pbj": None,
    "status": "aktif",
    "must_change_password": True,
    "created_at": T,
}
PENYEDIA = {
    "penyedia_id": "p-1",
    "nama": "CV Karya Bali",
    "bentuk_usaha": "CV",
    "npwp": "012345678901000",
    "nib": "1234567890123",
    "alamat": "Jl. X 1",
    "kota": None,
    "email": "k@x.id",
    "telepon": "0363",
    "username": "karya",
    "status": "terverifikasi",
    "status_alasan": None,
    "dokumen": [
        {
            "jenis": "akta",
            "sha256": "a" * 64,
            "filename": "a.pdf",
            "content_type": "application/pdf",
            "size": 10,
            "uploaded_at": T,
        }
    ],
    "riwayat": [
        {
            "status_from": None,
            "status_to": "menunggu_verifikasi",
            "alasan": None,
            "actor_user_id": None,
            "at": T,
            "permintaan": None,
        }
    ],
    "created_at": T,
    "verified_at": T,
    "berlaku_sampai": None,
}


def page(*items):
    return {"items": list(items), "total": len(items), "page": 1, "per_page": 20}


def test_login(client, fake_rpc):
    fake_rpc.on(
        r.LOGIN,
        {
            "token": "t" * 30,
            "token_type": "Bearer",
            "expires_at": T,
            "must_change_password": False,
            "actor": {
                "user_id": "u-1",
                "username": "budi",
                "roles": ["verifikator"],
                "session_id": "s",
            },
        },
    )
    response = client.post(
        "/api/v1/auth/login",
        json={"username": "budi", "password": "rahasia123"},
        environ_base={"REMOTE_ADDR": "10.0.0.5"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["token"] == "t" * 30 and body["expires_at"] == T
    assert body["actor"] == {
        "user_id": "u-1",
        "username": "budi",
        "roles": ["verifikator"],
        "agency_id": None,
        "penyedia_id": None,
        "must_change_password": False,
    }
    assert fake_rpc.requests(r.LOGIN) == [
        {"username": "budi", "password": "rahasia123", "ip": "10.0.0.5"}
    ]


def test_change_password(client, fake_rpc, signed_in):
    fake_rpc.on(r.CHANGE_PASSWORD, {"ok": True})
    response = client.post(
        "/api/v1/auth/password",
        headers=signed_in(),
        json={"old_password": "lama-sekali", "new_password": "baru-sekali"},
    )
    assert response.get_json() == {"ok": True}
    sent = fake_rpc.requests(r.CHANGE_PASSWORD)[0]
    assert (sent["old_password"], sent["new_password"]) == (
        "lama-sekali",
        "baru-sekali",
    )
    assert sent["actor"]["user_id"] == "u-admin" and sent["idempotency_key"]


@pytest.mark.parametrize(
    ("method", "path", "json", "contract", "answer", "status", "sent"),
    [
        ("get", "/api/v1/agency", None, r.LIST_AGENCIES, [AGENCY], 200, {}),
        (
            "post",
            "/api/v1/agency",
            {"kode": "DISPUPR", "nama": "Dinas PUPR", "jenis": "SKPD"},
            r.CREATE_AGENCY,
            AGENCY,
            201,
            {"kode": "DISPUPR", "jenis": "SKPD"},
        ),
        (
            "get",
            "/api/v1/agency/a-1/satker",
            None,
            r.LIST_SATKER,
            [SATKER],
            200,
            {"agency_id": "a-1"},
        ),
        (
            "post",
            "/api/v1/agency/a-1/satker",
            {"kode": "DISPUPR.BM", "nama": "Bina Marga"},
            r.CREATE_SATKER,
            SATKER,
            201,
            {"agency_id": "a-1", "kode": "DISPUPR.BM"},
        ),
        (
            "get",
            "/api/v1/user?role=verifikator&page=2&per_page=5",
            None,
            r.LIST_USERS,
            page(USER),
            200,
            {"role": "verifikator", "page": 2, "per_page": 5},
        ),
        (
            "post",
            "/api/v1/user",
            {
                "username": "budi",
                "email": "b@x.id",
                "nama": "Budi",
                "password": "awal-rahasia",
                "roles": ["verifikator"],
            },
            r.CREATE_USER,
            USER,
            201,
            {"username": "budi", "password": "awal-rahasia", "roles": ["verifikator"]},
        ),
        ("get", "/api/v1/user/u-1", None, r.GET_USER, USER, 200, {"user_id": "u-1"}),
        (
            "post",
            "/api/v1/user/u-1/role",
            {"role": "helpdesk"},
            r.GRANT_ROLE,
            USER,
            200,
            {"user_id": "u-1", "role": "helpdesk"},
        ),
        (
            "delete",
            "/api/v1/user/u-1/role/helpdesk",
            None,
            r.REVOKE_ROLE,
            USER,
            200,
            {"user_id": "u-1", "role": "helpdesk"},
        ),
        (
            "post",
            "/api/v1/user/u-1/deactivate",
            {"alasan": "pindah tugas"},
            r.DEACTIVATE_USER,
            USER,
            200,
            {"user_id": "u-1", "alasan": "pindah tugas"},
        ),
        (
            "post",
            "/api/v1/user/u-1/reactivate",
            {"alasan": "kembali bertugas"},
            r.REACTIVATE_USER,
            USER,
            200,
            {"user_id": "u-1", "alasan": "kembali bertugas"},
        ),
        (
            "get",
            "/api/v1/penyedia?status=menunggu_verifikasi&q=karya",
            None,
            r.LIST_PENYEDIA,
            page(PENYEDIA),
            200,
            {"status": "menunggu_verifikasi", "q": "karya", "page": 1},
        ),
        (
            "get",
            "/api/v1/penyedia/p-1",
            None,
            r.GET_PENYEDIA,
            PENYEDIA,
            200,
            {"penyedia_id": "p-1"},
        ),
        (
            "post",
            "/api/v1/penyedia/p-1/verify",
            {"dokumen_diperiksa": ["a" * 64]},
            r.VERIFY_PENYEDIA,
            PENYEDIA,
            200,
            {"penyedia_id": "p-1", "dokumen_diperiksa": ["a" * 64]},
        ),
        (
            "post",
            "/api/v1/penyedia/p-1/reject",
            {"alasan": "akta tidak terbaca"},
            r.REJECT_PENYEDIA,
            PENYEDIA,
            200,
            {"alasan": "akta tidak terbaca"},
        ),
        (
            "post",
            "/api/v1/penyedia/p-1/deactivate",
            {"alasan": "permintaan sendiri"},
            r.DEACTIVATE_PENYEDIA,
            PENYEDIA,
            200,
            {"alasan": "permintaan sendiri"},
        ),
        (
            "post",
            "/api/v1/penyedia/p-1/blacklist",
            {
                "alasan": "dokumen palsu",
                "berlaku_sampai": "2014-12-31",
                "permintaan": {
                    "peran": "pokja",
                    "nama": "Pokja ULP 1",
                    "nomor_surat": "027/1",
                },
            },
            r.BLACKLIST_PENYEDIA,
            PENYEDIA,
            200,
            {
                "berlaku_sampai": "2014-12-31",
                "permintaan": {
                    "peran": "pokja",
                    "nama": "Pokja ULP 1",
                    "nomor_surat": "027/1",
                    "user_id": None,
                    "tanggal_surat": None,
                },
            },
        ),
        (
            "post",
            "/api/v1/penyedia/p-1/reactivate",
            {"alasan": "masa berlaku habis"},
            r.REACTIVATE_PENYEDIA,
            PENYEDIA,
            200,
            {"alasan": "masa berlaku habis"},
        ),
        (
            "get",
            "/api/v1/daftar-hitam",
            None,
            r.LIST_DAFTAR_HITAM,
            [
                {
                    "penyedia_id": "p-1",
                    "nama": "CV X",
                    "npwp": "012345678901000",
                    "alasan": "dokumen palsu",
                    "sejak": T,
                    "berlaku_sampai": "2014-12-31",
                }
            ],
            200,
            {},
        ),
        (
            "get",
            "/api/v1/audit?object_type=penyedia",
            None,
            r.LIST_AUDIT,
            page(
                {
                    "seq": 1,
                    "at": T,
                    "actor_user_id": "u-1",
                    "actor_username": "budi",
                    "ip": "10.0.0.1",
                    "action": "penyedia_verified",
                    "object_type": "penyedia",
                    "object_id": "p-1",
                    "details": {},
                    "hash": "f" * 64,
                }
            ),
            200,
            {"object_type": "penyedia"},
        ),
    ],
)
def test_route_maps_to_its_contract(
    client, fake_rpc, signed_in, method, path, json, contract, answer, status, sent
):
    fake_rpc.on(contract, answer)
    kwargs = {"json": json} if json is not None else {}
    response = getattr(client, method)(path, headers=signed_in(), **kwargs)
    assert response.status_code == status, response.get_json()
    request = fake_rpc.requests(contract)[0]
    assert {k: request[k] for k in sent} == sent
    if "actor" in contract.request._declared_fields:
        assert request["actor"]["user_id"] == "u-admin"
    assert ("idempotency_key" in request) == contract.idempotent
    body = response.get_json()
    expected = (
        answer["items"][0] if isinstance(answer, dict) and "items" in answer else answer
    )
    got = body["items"][0] if isinstance(body, dict) and "items" in body else body
    assert (got[0] if isinstance(got, list) else got).keys() == (
        expected[0] if isinstance(expected, list) else expected
    ).keys()


def test_revoke_unknown_role_is_422(client, signed_in):
    body = assert_error(
        client.delete("/api/v1/user/u-1/role/raja", headers=signed_in()),
        422,
        "VALIDATION_FAILED",
    )
    assert "role" in body["details"]["fields"]
