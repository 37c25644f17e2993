"""Notifikasi routes: my inbox (list, unread count, mark read) and the operators'
e-mail deliveries (list for Admin PPE and Helpdesk, requeue for Admin PPE)."""

from __future__ import annotations

import pytest

from gateway.tests.unit.helpers import assert_error
from services.common.contracts import notifikasi as c

AT = "2013-03-04T02:00:00+00:00"
NOTICE = {"notifikasi_id": "n-1", "jenis": "lelang.jadwal_changed",
          "subjek": "[LPSE Karangasem] Jadwal berubah", "isi": "Jadwal berubah.",
          "lelang_id": "l-1", "pengaduan_id": None, "dibuat_pada": AT,
          "dibaca": False, "dibaca_pada": None}
DELIVERY = {"pengiriman_id": "d-1", "event_id": "e-1", "jenis": "lelang.jadwal_changed",
            "alamat": "cv@example.co.id", "subjek": "Jadwal berubah",
            "status": "gagal", "percobaan": 8, "berikutnya_pada": None,
            "galat_terakhir": "ConnectionRefusedError", "dibuat_pada": AT,
            "terkirim_pada": None}


def test_my_inbox_passes_the_actor_and_is_never_cached(client, fake_rpc, signed_in):
    fake_rpc.on(c.LIST_NOTIFIKASI, {"items": [NOTICE], "total": 1, "page": 1,
                                    "per_page": 20, "belum_dibaca": 1})
    response = client.get("/api/v1/notifikasi?belum_dibaca=true",
                          headers=signed_in(roles=["penyedia"], penyedia_id="p-1"))
    assert response.status_code == 200
    assert response.get_json()["items"][0]["subjek"].endswith("Jadwal berubah")
    assert "no-store" in response.headers["Cache-Control"]
    [(contract, request, _)] = [x for x in fake_rpc.calls if x[0] is c.LIST_NOTIFIKASI]
    assert request["belum_dibaca"] is True and request["actor"]["penyedia_id"] == "p-1"


def test_unread_count_and_mark_read(client, fake_rpc, signed_in):
    headers = signed_in(roles=["ppk"])
    fake_rpc.on(c.COUNT_UNREAD, {"belum_dibaca": 3})
    assert client.get("/api/v1/notifikasi/belum-dibaca",
                      headers=headers).get_json() == {"belum_dibaca": 3}
    fake_rpc.on(c.MARK_READ, {"ditandai": 1, "belum_dibaca": 2})
    response = client.post("/api/v1/notifikasi/dibaca", headers=headers,
                           json={"notifikasi_ids": ["n-1"]})
    assert response.get_json() == {"ditandai": 1, "belum_dibaca": 2}
    request = [x for x in fake_rpc.calls if x[0] is c.MARK_READ][0][1]
    assert request["notifikasi_ids"] == ["n-1"]


@pytest.mark.parametrize("body", [{}, {"semua": False}, {"notifikasi_ids": []},
                                  {"notifikasi_ids": ["../x"]},
                                  {"notifikasi_ids": "n-1"}])
def test_mark_read_needs_ids_or_semua(client, fake_rpc, signed_in, body):
    assert_error(client.post("/api/v1/notifikasi/dibaca", headers=signed_in(
        roles=["ppk"]), json=body), 422, "VALIDATION_FAILED")
    assert not [x for x in fake_rpc.calls if x[0] is c.MARK_READ]


def test_the_inbox_needs_a_login(client, fake_rpc):
    assert_error(client.get("/api/v1/notifikasi"), 401, "UNAUTHENTICATED")


def test_deliveries_for_operators_only(client, fake_rpc, signed_in):
    fake_rpc.on(c.LIST_PENGIRIMAN, {"items": [DELIVERY], "total": 1, "page": 1,
                                    "per_page": 20, "per_status": {"gagal": 1}})
    response = client.get("/api/v1/notifikasi/pengiriman?status=gagal",
                          headers=signed_in(roles=["helpdesk"]))
    assert response.status_code == 200
    assert response.get_json()["per_status"] == {"gagal": 1}
    assert_error(client.get("/api/v1/notifikasi/pengiriman", headers=signed_in(
        roles=["pokja"])), 403, "FORBIDDEN")
    assert_error(client.get("/api/v1/notifikasi/pengiriman?status=lost",
                            headers=signed_in(roles=["admin_ppe"])), 422,
                 "VALIDATION_FAILED")


def test_requeue_is_admin_ppe_only(client, fake_rpc, signed_in):
    fake_rpc.on(c.RETRY_PENGIRIMAN, {"dijadwalkan_ulang": 4})
    assert_error(client.post("/api/v1/notifikasi/pengiriman/ulang", headers=signed_in(
        roles=["helpdesk"]), json={"semua_gagal": True}), 403, "FORBIDDEN")
    response = client.post("/api/v1/notifikasi/pengiriman/ulang", headers=signed_in(
        roles=["admin_ppe"]), json={"semua_gagal": True})
    assert response.get_json() == {"dijadwalkan_ulang": 4}
    assert_error(client.post("/api/v1/notifikasi/pengiriman/ulang", headers=signed_in(
        roles=["admin_ppe"]), json={}), 422, "VALIDATION_FAILED")
