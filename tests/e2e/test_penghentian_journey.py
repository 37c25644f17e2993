"""After a pelelangan gagal, penghentian; before an announcement, a withdrawn draft -
through the running stack: the lelang service decides, the public API and website
show it, reporting publishes the OCDS tenderCancellation, notifikasi tells the peserta
by e-mail, and a withdrawn draft never appears anywhere while its paket is free for a
new lelang."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests

from tests.e2e.lelang_client import Client, eventually
from tests.e2e.test_pengaduan_journey import announced_lelang, draft_lelang
from tests.e2e.test_reporting_journey import feed

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def c(stack):
    client = Client(stack)
    aid = client.ok("admin", "POST", "/agency", 201, json={
        "kode": "DISKOMINFO", "nama": "Dinas Komunikasi dan Informatika",
        "jenis": "SKPD"})["agency_id"]
    client.staff_account("admin", "verif", ["verifikator"], None)
    client.staff_account("admin", "adminag", ["admin_agency"], aid)
    client.staff_account("adminag", "ppk", ["ppk"], aid, sk_nomor="SK/21")
    client.staff_account("adminag", "pokja", ["pokja"], aid, sk_nomor="SK/22",
                         sertifikat_pbj="SKA-22")
    client.penyedia_account("vendor", "verif")
    yield client
    client.reset_clock()


def test_a_failed_lelang_is_stopped_publicly_and_its_peserta_hear_it(c, stack):
    lid = announced_lelang(c)
    lelang = c.ok(None, "GET", f"/lelang/{lid}")
    pendaftaran = next(e for e in lelang["jadwal"]
                       if e["tahapan"] == "pendaftaran_dan_unduh_dokumen")
    c.set_time(datetime.fromisoformat(pendaftaran["mulai"]) + timedelta(hours=1))
    c.ok("vendor", "POST", f"/lelang/{lid}/peserta", 201)
    c.ok("pokja", "POST", f"/lelang/{lid}/gagal",
         json={"alasan": "Spesifikasi teknis keliru"})
    r = c.request("vendor", "POST", f"/lelang/{lid}/penghentian",
                  json={"alasan": "bukan haknya"})
    assert r.status_code == 403, r.text
    stopped = c.ok("pokja", "POST", f"/lelang/{lid}/penghentian",
                   json={"alasan": "Anggaran dialihkan ke tanggap darurat"})
    assert stopped["status"] == "dihentikan"

    public = c.ok(None, "GET", f"/lelang/{lid}")
    assert public["status"] == "dihentikan"
    assert public["riwayat"][-1]["alasan"] == "Anggaran dialihkan ke tanggap darurat"
    again = c.request("pokja", "POST", f"/lelang/{lid}/ulang", json={})
    assert again.status_code == 409 and again.json()["error"] == "RETENDER_NOT_FAILED"
    page = requests.get(f"{stack.url}/lelang/{lid}", timeout=30)  # the website
    assert page.status_code == 200 and "Dihentikan" in page.text, page.text[:500]

    ocid = f"ocds-lpsekr-{public['kode']}"

    def cancellation():
        return [r for r in feed(c) if r["ocid"] == ocid
                and "tenderCancellation" in r["tag"]]

    [release] = eventually(cancellation, timeout=60)
    assert release["tender"]["status"] == "cancelled"

    vendor = f"{c.users['vendor'].username}@example.org"
    assert eventually(lambda: [m for m in stack.mails() if m["To"] == vendor
                               and "dihentikan" in m["Subject"].lower()],
                      timeout=60), [m["Subject"] for m in stack.mails()
                                    if m["To"] == vendor]


def test_a_withdrawn_draft_never_shows_and_its_paket_gets_a_new_lelang(c, stack):
    lid = draft_lelang(c, "Pengadaan Server Data Center")
    draft = c.ok("pokja", "GET", f"/lelang/{lid}")
    withdrawn = c.ok("pokja", "POST", f"/lelang/{lid}/batal",
                     json={"alasan": "Spesifikasi disusun ulang"})
    assert withdrawn["status"] == "dibatalkan"
    assert c.request(None, "GET", f"/lelang/{lid}").status_code == 404
    assert requests.get(f"{stack.url}/lelang/{lid}", timeout=30).status_code == 404
    announce = c.request("pokja", "POST", f"/lelang/{lid}/umumkan")
    assert announce.status_code == 409 and announce.json()["error"] == (
        "LELANG_NOT_DRAFT")
    fresh = c.ok("pokja", "POST", "/lelang", 201, json={
        "paket_id": draft["paket_id"], "metode": draft["metode"],
        "metode_evaluasi": draft["metode_evaluasi"],
        "jadwal": [{k: e[k] for k in ("tahapan", "mulai", "selesai")}
                   for e in draft["jadwal"]]})
    assert fresh["lelang_id"] != lid and fresh["status"] == "draft"
