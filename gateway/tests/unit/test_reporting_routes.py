"""Open data and e-reporting routes: the OCDS feed with its cursor headers, packages
by ocid (a malformed ocid is simply not found), e-reporting JSON and CSV, red flags
for staff and Auditors only, the forwarding state for Admin PPE only."""

from __future__ import annotations

from gateway.tests.unit.helpers import assert_error
from services.common.contracts import reporting as c

OCID = "ocds-lpsekr-LL2026-5B3C1F0E"
PACKAGE = {"uri": "u", "version": "1.1", "publishedDate": "2026-12-01T00:00:00Z",
           "publisher": {"name": "LPSE Kabupaten Karangasem"},
           "releases": [{"id": "e-1", "ocid": OCID, "tag": ["tender"]}]}


def test_the_feed_gives_the_package_and_the_next_cursor(client, fake_rpc):
    fake_rpc.on(c.LIST_RELEASES, {"package": PACKAGE, "next_cursor": 42, "count": 1})
    response = client.get("/api/v1/ocds/releases?cursor=40&limit=2")
    assert response.status_code == 200
    assert response.get_json()["releases"][0]["ocid"] == OCID
    assert response.headers["X-Next-Cursor"] == "42"
    assert 'cursor=42&limit=2>; rel="next"' in response.headers["Link"]
    assert response.headers["Cache-Control"].startswith("public")
    request = [x for x in fake_rpc.calls if x[0] is c.LIST_RELEASES][0][1]
    assert (request["cursor"], request["limit"]) == (40, 2)
    assert_error(client.get("/api/v1/ocds/releases?limit=5000"), 422,
                 "VALIDATION_FAILED")


def test_packages_by_ocid(client, fake_rpc):
    fake_rpc.on(c.GET_RELEASE_PACKAGE, {"package": PACKAGE})
    fake_rpc.on(c.GET_RECORD_PACKAGE, {"package": {**PACKAGE, "records": []}})
    assert client.get(f"/api/v1/ocds/releases/{OCID}").get_json()["version"] == "1.1"
    assert "records" in client.get(f"/api/v1/ocds/records/{OCID}").get_json()
    assert_error(client.get("/api/v1/ocds/releases/not-an-ocid"), 404,
                 "OCID_NOT_FOUND")
    assert not [x for x in fake_rpc.calls if x[1].get("ocid") == "not-an-ocid"]


def test_laporan_json_and_csv(client, fake_rpc):
    fake_rpc.on(c.GET_LAPORAN, {"laporan": {"total": {"lelang": 3}}})
    response = client.get("/api/v1/laporan?tahun_anggaran=2026&group_by=metode")
    assert response.get_json() == {"laporan": {"total": {"lelang": 3}}}
    request = [x for x in fake_rpc.calls if x[0] is c.GET_LAPORAN][0][1]
    assert request["group_by"] == ["metode"] and request["tahun_anggaran"] == 2026
    fake_rpc.on(c.GET_LAPORAN_CSV, {"tabel": "lelang",
                                    "csv": "kode,status\r\nL1,selesai\r\n"})
    csv = client.get("/api/v1/laporan/lelang.csv?tahun_anggaran=2026")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("kode")
    assert 'filename="laporan-lelang-2026.csv"' in csv.headers["Content-Disposition"]
    assert_error(client.get("/api/v1/laporan/rahasia.csv"), 404, "TABEL_NOT_FOUND")
    assert_error(client.get("/api/v1/laporan?group_by=ppk_id"), 422,
                 "VALIDATION_FAILED")


def test_red_flags_and_forwarding_are_not_public(client, fake_rpc, signed_in):
    assert_error(client.get("/api/v1/bendera"), 401, "UNAUTHENTICATED")
    assert_error(client.get("/api/v1/bendera", headers=signed_in(roles=["pokja"])),
                 403, "FORBIDDEN")
    fake_rpc.on(c.LIST_BENDERA, {"items": [], "total": 0, "page": 1, "per_page": 20})
    assert client.get("/api/v1/bendera", headers=signed_in(
        roles=["auditor"])).status_code == 200
    assert_error(client.get("/api/v1/penerusan", headers=signed_in(
        roles=["helpdesk"])), 403, "FORBIDDEN")
    fake_rpc.on(c.GET_PENERUSAN, {"tujuan": [{"nama": "lpse_pusat", "delivered": 3}]})
    assert client.get("/api/v1/penerusan", headers=signed_in(
        roles=["admin_ppe"])).get_json()["tujuan"][0]["nama"] == "lpse_pusat"
