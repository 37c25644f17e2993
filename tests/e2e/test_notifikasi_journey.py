"""Notices through the running stack: registrasi, lelang and pengaduan publish,
notifikasi consumes, writes every user's inbox and sends e-mail through a real SMTP
server (the stack's mail catcher); a deviation report reaches the PPK and the
Inspektorat and pengaduan records how each addressee was reached."""

from __future__ import annotations

import pytest

from tests.e2e.lelang_client import Client, eventually
from tests.e2e.test_pengaduan_journey import announced_lelang

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def c(stack):
    client = Client(stack)
    aid = client.ok("admin", "POST", "/agency", 201, json={
        "kode": "DISPERKIM", "nama": "Dinas Perumahan", "jenis": "SKPD"})["agency_id"]
    client.staff_account("admin", "helpdesk", ["helpdesk"], None)
    client.staff_account("admin", "verif", ["verifikator"], None)
    client.staff_account("admin", "adminag", ["admin_agency"], aid)
    client.staff_account("adminag", "ppk", ["ppk"], aid, sk_nomor="SK/7")
    client.staff_account("adminag", "pokja", ["pokja"], aid, sk_nomor="SK/8",
                         sertifikat_pbj="SKA-8")
    client.penyedia_account("vendor", "verif")
    return client


def mails_to(stack, address: str) -> list:
    return [m for m in stack.mails() if m["To"] == address]


def test_the_verifikator_and_the_penyedia_hear_of_a_registration(c, stack):
    verif = f"{c.users['verif'].username}@example.org"
    vendor = f"{c.users['vendor'].username}@example.org"
    assert eventually(lambda: any("Pendaftaran penyedia baru" in m["Subject"]
                                  for m in mails_to(stack, verif)), timeout=30)
    verified = eventually(lambda: [m for m in mails_to(stack, vendor)
                                   if "diverifikasi" in m["Subject"]], timeout=30)
    assert verified, [m["Subject"] for m in stack.mails()]
    body = verified[0].get_body(("plain",)).get_content()
    assert "diverifikasi" in body and "LPSE Kabupaten Karangasem" in body
    assert verified[0].get_body(("html",)) is not None

    inbox = eventually(lambda: (lambda r: r if r["total"] else None)(
        c.ok("vendor", "GET", "/notifikasi")))
    assert inbox["items"][0]["jenis"] == "registrasi.penyedia_verified"
    unread = c.ok("vendor", "GET", "/notifikasi/belum-dibaca")["belum_dibaca"]
    assert unread == inbox["belum_dibaca"] >= 1
    marked = c.ok("vendor", "POST", "/notifikasi/dibaca", json={"semua": True})
    assert marked == {"ditandai": unread, "belum_dibaca": 0}
    # the penyedia's notices are its own: the PPK sees none of them
    ppk_inbox = c.ok("ppk", "GET", "/notifikasi")
    assert all(n["jenis"] != "registrasi.penyedia_verified"
               for n in ppk_inbox["items"])
    sent = c.ok("helpdesk", "GET", "/notifikasi/pengiriman",
                params={"status": "terkirim"})
    assert sent["total"] >= 2
    denied = c.request("vendor", "GET", "/notifikasi/pengiriman")
    assert denied.status_code == 403


def test_a_deviation_report_reaches_its_addressees_and_pengaduan_records_it(c, stack):
    lid = announced_lelang(c)

    def filed():
        # pengaduan learns the lelang from its announcement event, a moment later
        r = c.request("helpdesk", "POST", "/penyimpangan", json={
            "lelang_id": lid, "uraian": "Dokumen kualifikasi pemenang terindikasi "
                                        "dipalsukan; mohon ditindaklanjuti."})
        if r.status_code == 201:
            return r.json()
        assert (r.status_code, r.json()["error"]) == (404, "LELANG_NOT_FOUND"), r.text
        return None

    report = eventually(filed, timeout=30)
    assert report, "pengaduan never learnt the announced lelang"
    ppk = f"{c.users['ppk'].username}@example.org"
    assert eventually(lambda: mails_to(stack, ppk) and any(
        "penyimpangan" in m["Subject"].lower() for m in mails_to(stack, ppk)),
        timeout=30)
    assert eventually(lambda: mails_to(stack, "inspektorat@karangasemkab.go.id"),
                      timeout=30)

    def final():
        view = c.ok("helpdesk", "GET", f"/penyimpangan/{report['penyimpangan_id']}")
        states = {p["peran"]: p["status"] for p in view["penerima"]}
        return states if "menunggu" not in states.values() else None

    states = eventually(final, timeout=40)
    # no PA/KPA account exists for this agency: pengaduan is told it did not reach
    assert states == {"ppk": "terkirim", "inspektorat": "terkirim",
                      "pa_kpa": "gagal"}, states
    ppk_inbox = c.ok("ppk", "GET", "/notifikasi")
    assert any(n["jenis"] == "pengaduan.penyimpangan_reported" and n["lelang_id"] == lid
               for n in ppk_inbox["items"])
