"""A complaint through the running gateway, lelang and pengaduan: filed anonymously
about an announced lelang with evidence, followed with the tracking code and secret,
handled by the Helpdesk step by step, read by the lelang's Pokja without the
complainant's identity, invisible to anybody else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.pdf import tiny_pdf
from services.lelang.domain import (
    Kalender,
    MetodeLelang,
    metode_definition,
    propose_jadwal,
    ruleset_for,
)
from tests.e2e.lelang_client import Client, eventually

# clock: its lelang is scheduled from today (CI runs it at awkward moments)
pytestmark = [pytest.mark.e2e, pytest.mark.clock]


@pytest.fixture(scope="module")
def c(stack):
    client = Client(stack)
    aid = client.ok("admin", "POST", "/agency", 201, json={
        "kode": "DISKES", "nama": "Dinas Kesehatan", "jenis": "SKPD"})["agency_id"]
    client.staff_account("admin", "helpdesk", ["helpdesk"], None)
    client.staff_account("admin", "verif", ["verifikator"], None)
    client.staff_account("admin", "adminag", ["admin_agency"], aid)
    client.staff_account("adminag", "ppk", ["ppk"], aid, sk_nomor="SK/2")
    client.staff_account("adminag", "pokja", ["pokja"], aid, sk_nomor="SK/3",
                         sertifikat_pbj="SKA-9")
    client.staff_account("adminag", "lain", ["pokja"], aid, sk_nomor="SK/4",
                         sertifikat_pbj="SKA-10")
    client.penyedia_account("vendor", "verif")
    return client


def announced_lelang(c: Client) -> str:
    lelang_id = draft_lelang(c)
    c.ok("pokja", "POST", f"/lelang/{lelang_id}/umumkan")
    return lelang_id


def draft_lelang(c: Client, nama: str = "Pengadaan Alat Kesehatan") -> str:
    """A paket of the module's PPK, its Pokja assigned, and a draft lelang of it
    (pascakualifikasi 1 file, starting in three days)."""
    paket = c.ok("ppk", "POST", "/paket", 201, json={
        "nama": nama, "tahun_anggaran": c.tahun(),
        "sumber_dana": "APBD", "pagu": "800000000.00", "nilai_hps": "750000000.00",
        "kategori": "barang", "lokasi": "Amlapura",
        "dokumen": [c.upload("ppk", "KAK alkes")]})
    c.ok("ppk", "POST", f"/paket/{paket['paket_id']}/pokja",
         json={"pokja_ids": [c.users["pokja"].ids["user_id"]]})
    metode = MetodeLelang.PASCAKUALIFIKASI_1_FILE
    jadwal = propose_jadwal(metode_definition(metode), ruleset_for(c.now()),
                            Kalender(), c.today() + timedelta(days=3))
    lelang = c.ok("pokja", "POST", "/lelang", 201, json={
        "paket_id": paket["paket_id"], "metode": str(metode),
        "metode_evaluasi": "sistem_gugur",
        "jadwal": [{"tahapan": str(e.tahapan), "mulai": e.mulai.isoformat(),
                    "selesai": e.selesai.isoformat()} for e in jadwal]})
    return lelang["lelang_id"]


def test_an_anonymous_complaint_is_followed_handled_and_protected(c):
    lid = announced_lelang(c)
    r = c.request(None, "POST", "/pengaduan", data={
        "jenis": "lelang", "lelang_id": lid, "anonim": "true",
        "uraian": "Spesifikasi alat mengarah ke satu merek tertentu saja."},
        files=[("bukti", ("foto.pdf", tiny_pdf("Bukti"), "application/pdf"))])
    assert r.status_code == 201, r.text
    filed = r.json()
    kode, rahasia = filed["kode_pelacakan"], filed["rahasia"]
    assert kode and len(rahasia) >= 20 and r.headers["Cache-Control"] == "no-store"

    track = {"kode_pelacakan": kode, "rahasia": rahasia}
    assert c.ok(None, "POST", "/pengaduan/lacak", json=track)["status"] == "diterima"
    wrong = c.request(None, "POST", "/pengaduan/lacak",
                      json={**track, "rahasia": "x" * 30})
    assert wrong.status_code == 404 and wrong.json()["error"] == "PENGADUAN_NOT_FOUND"

    pid = filed["pengaduan_id"]
    steps = [{"status": "diperiksa", "klasifikasi": "penyimpangan_pengadaan",
              "catatan": "indikasi spesifikasi mengarah"},
             {"status": "diteruskan", "tujuan": [{"penerima": "Inspektorat",
                                                  "kanal": "email",
                                                  "alamat": ["irda@example.org"]}]},
             {"status": "ditindaklanjuti", "tanggapan": "Sedang diperiksa APIP."},
             {"status": "selesai", "tanggapan": "Spesifikasi telah diperbaiki."}]
    for step in steps:
        c.ok("helpdesk", "POST", f"/pengaduan/{pid}/status", json=step)
    progress = c.ok(None, "POST", "/pengaduan/lacak", json=track)
    assert progress["status"] == "selesai"
    assert [p["status"] for p in progress["progres"]][-4:] == [
        "diperiksa", "diteruskan", "ditindaklanjuti", "selesai"]
    assert "indikasi spesifikasi" not in str(progress)  # internal notes stay inside

    # the lelang's Pokja sees it (once pengaduan has the lelang's parties from the
    # lelang_announced event), never who filed it
    def pokja_view():
        r = c.request("pokja", "GET", f"/pengaduan/{pid}")
        return r.json() if r.status_code == 200 else None

    seen = eventually(pokja_view)
    assert seen and seen["anonim"] and seen["pelapor"] is None
    for stranger in ("lain", "vendor"):
        r = c.request(stranger, "GET", f"/pengaduan/{pid}")
        assert r.status_code == 404, (stranger, r.text)
    staff = c.ok("helpdesk", "GET", f"/pengaduan/{pid}")
    assert staff["penerusan"]  # forwarded to LPSE Pusat and the Tim Pengarah at once
    listed = c.ok("helpdesk", "GET", "/pengaduan", params={"lelang_id": lid})
    assert listed["total"] == 1


def test_a_whistleblower_is_never_named_to_the_lelang_s_parties(c):
    lid = announced_lelang(c)
    fields = {"jenis": "kkn", "lelang_id": lid, "nama_pelapor": "I Wayan Jujur",
              "kontak": "wayan@example.org",
              "uraian": "Ada permintaan imbalan agar lulus evaluasi teknis."}
    r = c.request("vendor", "POST", "/pengaduan",  # multipart, without a file
                  files=[(k, (None, v)) for k, v in fields.items()])
    assert r.status_code == 201, r.text
    pid = r.json()["pengaduan_id"]
    seen = eventually(lambda: c.request("pokja", "GET", f"/pengaduan/{pid}"
                                        ).status_code == 200)
    assert seen
    pokja = c.ok("pokja", "GET", f"/pengaduan/{pid}")
    assert pokja["identitas_disembunyikan"] and pokja["pelapor"] is None
    assert "Wayan" not in str(pokja) and "wayan@" not in str(pokja)
    helpdesk = c.ok("helpdesk", "GET", f"/pengaduan/{pid}")
    assert helpdesk["pelapor"]["nama"] == "I Wayan Jujur"
    mine = c.ok("vendor", "GET", f"/pengaduan/{pid}")  # the author reads its own
    assert mine["pengaduan_id"] == pid
