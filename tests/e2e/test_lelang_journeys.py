"""Four tenders, one per method, through the really running gateway, registrasi and
lelang, driven with the test clock from RUP to kontrak with three verified penyedia.

The four run on one timeline (the test clock is global): every step is an event at
a time inside its stage, and the events of all four are played in time order. On
the way: bids stay sealed for every role until the opening and are ciphertext at
rest, a late bid is refused, a second Pokja opening fails cleanly, File II of a
bidder who failed File I is never decrypted, and the lelang service is killed
(SIGKILL) in the middle of the upload stage and restarted without losing a bid or
applying a retried upload twice.
"""

from __future__ import annotations

import csv as csv_module
import io
import signal
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from services.common import sealing
from services.lelang.domain import (
    Kalender,
    MetodeLelang,
    metode_definition,
    propose_jadwal,
    ruleset_for,
)
from services.lelang.domain import TahapanLelang as T
from tests.e2e.lelang_client import Client, eventually

# clock: scheduled from today, months long, budget year (CI: awkward moments)
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.clock]

M = MetodeLelang
EVALUASI = {M.PASCAKUALIFIKASI_1_FILE: "sistem_gugur",
            M.PASCAKUALIFIKASI_2_FILE: "sistem_nilai",
            M.PRAKUALIFIKASI_1_FILE: "sistem_gugur",
            M.PRAKUALIFIKASI_2_FILE: "umur_ekonomis"}
PRICES = ["1400000000.00", "1350000000.00", "1450000000.00"]
BIDDERS = ("bidder1", "bidder2", "bidder3")


@pytest.fixture(scope="module")
def c(stack):
    client = Client(stack)
    agency = client.ok("admin", "POST", "/agency", 201, json={
        "kode": "DPUPR", "nama": "Dinas PUPR Karangasem", "jenis": "SKPD"})
    aid = agency["agency_id"]
    client.staff_account("admin", "verif", ["verifikator"], None)
    client.staff_account("admin", "auditor", ["auditor"], None)
    client.staff_account("admin", "adminag", ["admin_agency"], aid)
    client.staff_account("adminag", "pa", ["pa"], aid, sk_nomor="SK/1")
    client.staff_account("adminag", "ppk", ["ppk"], aid, sk_nomor="SK/2")
    for i in (1, 2, 3):
        client.staff_account("adminag", f"pokja{i}", ["pokja"], aid, sk_nomor="SK/3",
                             sertifikat_pbj=f"SKA-{i}")
    for name in BIDDERS:
        client.penyedia_account(name, "verif")
    yield client
    client.reset_clock()


def pid(c: Client, name: str) -> str:
    return c.users[name].ids["penyedia_id"]


class Tender:
    """One lelang and the steps to take it through its stages."""

    def __init__(self, c: Client, metode: M, start, tahun: int):
        self.c, self.metode = c, metode
        self.definition = metode_definition(metode)
        self.sealed_bytes: list[str] = []
        doc = c.upload("ppk", f"KAK {metode}")
        paket = c.ok("ppk", "POST", "/paket", 201, json={
            "nama": f"Paket {metode}", "tahun_anggaran": tahun,
            "sumber_dana": "APBD", "pagu": "2000000000.00",
            "nilai_hps": "1500000000.00", "kategori": "pekerjaan_konstruksi",
            "lokasi": "Karangasem", "dokumen": [doc], "rincian_hps": [
                {"uraian": "Pekerjaan", "volume": "1", "satuan": "ls",
                 "harga_satuan": "1500000000.00"}]})
        assert paket["rincian_hps"]  # the PPK sees its breakdown
        c.ok("ppk", "POST", f"/paket/{paket['paket_id']}/pokja", json={
            "pokja_ids": [c.users[f"pokja{i}"].ids["user_id"] for i in (1, 2, 3)]})
        entries = propose_jadwal(self.definition, ruleset_for(c.now()), Kalender(),
                                 start)
        self.jadwal = {e.tahapan: e for e in entries}
        view = c.ok("pokja1", "POST", "/lelang", 201, json={
            "paket_id": paket["paket_id"], "metode": str(metode),
            "metode_evaluasi": EVALUASI[metode], "dokumen": [
                c.upload("pokja1", f"Dokumen {metode}")],
            "jadwal": [{"tahapan": str(e.tahapan), "mulai": e.mulai.isoformat(),
                        "selesai": e.selesai.isoformat()} for e in entries]})
        self.lid = view["lelang_id"]
        view = c.ok("pokja2", "POST", f"/lelang/{self.lid}/umumkan")
        assert view["status"] == "diumumkan" and view["ruleset"] == "perpres_70_2012"
        public = c.ok(None, "GET", f"/lelang/{self.lid}")
        assert public["kunci_publik"] and public["pokja_ids"] == []

    def path(self, tail: str = "") -> str:
        return f"/lelang/{self.lid}{tail}"

    def events(self):
        """(time, step) for every stage of the method, in order."""
        for tahapan, entry in self.jadwal.items():
            step = getattr(self, f"on_{tahapan.value}", None)
            if step is not None:
                yield entry.mulai + timedelta(hours=1), self, step

    # -------------------------------------------------------------- stages
    def register(self) -> None:
        for name in BIDDERS:
            self.c.ok(name, "POST", self.path("/peserta"), 201)

    on_pendaftaran_dan_unduh_dokumen = register
    on_unduh_dokumen_kualifikasi = register

    def on_upload_kualifikasi(self) -> None:
        for name in BIDDERS:
            self.c.ok(name, "POST", self.path("/kualifikasi"), json={
                "dokumen": [self.c.upload(name, f"SBU {name}")]})

    def on_evaluasi_kualifikasi(self) -> None:
        self.c.ok("pokja1", "POST", self.path("/kualifikasi/evaluasi"), json={
            "hasil": [{"penyedia_id": pid(self.c, n), "lulus": True}
                      for n in BIDDERS]})

    def announce(self) -> None:
        self.c.ok("pokja1", "POST", self.path("/pengumuman"))

    on_pengumuman_hasil_prakualifikasi = announce
    on_pengumuman_hasil_evaluasi_file_1 = announce

    def on_pemberian_penjelasan(self) -> None:
        q = self.c.ok("bidder1", "POST", self.path("/pertanyaan"), 201,
                      json={"pertanyaan": "Apakah boleh memakai aspal impor?"})
        self.c.ok("pokja3", "POST", self.path(
            f"/pertanyaan/{q['pertanyaan_id']}/jawaban"), json={"jawaban": "Boleh."})
        seen = self.c.ok("bidder2", "GET", self.path("/pertanyaan"))
        assert seen[0]["jawaban"] == "Boleh." and seen[0]["penyedia_id"] is None

    def bid(self, name: str, price: str, expect=(201, 503),
            **headers: str) -> requests.Response:
        responses = None
        for sampul in self.definition.sampul:
            data = {"sampul": str(sampul)}
            if str(sampul) != "file_1":
                data["harga"] = price
            content = f"%PDF-1.4 penawaran-rahasia {name} {sampul}".encode()
            responses = self.c.request(name, "POST", self.path("/penawaran"),
                                       data=data, headers=headers, files={
                                           "dokumen": ("penawaran.pdf",
                                                       io.BytesIO(content))})
            assert responses.status_code in expect, responses.text
            if responses.status_code == 201:
                self.sealed_bytes.append(responses.json()["sha256"])
        return responses

    def on_upload_penawaran(self) -> None:
        if self.metode is M.PASCAKUALIFIKASI_1_FILE:
            return self.upload_across_a_crash()
        for name, price in zip(BIDDERS, PRICES, strict=True):
            assert self.bid(name, price).status_code == 201

    def upload_across_a_crash(self) -> None:
        c = self.c
        assert self.bid("bidder1", PRICES[0]).status_code == 201
        c.stack.procs["lelang"].send_signal(signal.SIGKILL)
        c.stack.procs["lelang"].wait(10)
        results = {}

        def upload(name, price):
            headers = {"Idempotency-Key": f"bid-{self.lid}-{name}"}
            for _ in range(10):  # a client that retries with the same key
                r = self.bid(name, price, **headers)
                if r.status_code == 201:
                    results[name] = r.json()
                    return

        threads = [threading.Thread(target=upload, args=args) for args in
                   (("bidder2", PRICES[1]), ("bidder3", PRICES[2]))]
        for t in threads:
            t.start()
        c.stack.start_service("lelang")  # while the uploads wait or retry
        for t in threads:
            t.join(120)
        assert set(results) == {"bidder2", "bidder3"}
        for name in ("bidder2", "bidder3"):  # applied once, though retried
            receipts = c.ok(name, "GET", self.path("/tanda-terima"))
            assert [r["versi"] for r in receipts] == [1], receipts

    def before_opening(self) -> None:
        c = self.c
        for who in ("pokja1", "ppk", "pa", "auditor", "admin", "bidder1"):
            r = c.request(who, "GET", self.path("/penawaran"))
            assert r.status_code == 403 and r.json()["error"] == "PENAWARAN_SEALED", (
                who, r.text)
        assert c.request(None, "GET", self.path("/penawaran")).status_code == 401
        assert c.ok(None, "GET", self.path())["hasil_evaluasi"] == []
        late = self.bid("bidder1", "1000000000.00", expect=(409,))
        assert late.status_code == 409, late.text
        assert late.json()["error"] == "PENAWARAN_DEADLINE_PASSED"
        engine = create_engine(c.stack.env["LELANG_DATABASE_URL"])
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT harga, harga_sealed, sha256 FROM "
                                     "penawaran WHERE lelang_id = :l"),
                                {"l": self.lid}).all()
        engine.dispose()
        assert rows and all(r.harga is None for r in rows)
        blobs = Path(c.stack.env["BLOB_DIR"])
        for r in rows:
            assert "1400000000" not in r.harga_sealed
            data = (blobs / r.sha256[:2] / r.sha256[2:4] / r.sha256).read_bytes()
            assert data.startswith(sealing.MAGIC) and b"rahasia" not in data

    def on_pembukaan_penawaran(self) -> None:
        self.before_opening()
        opened = self.c.ok("pokja1", "POST", self.path("/pembukaan"),
                           json={"sampul": "single"})
        assert opened["dibuka"] == 3
        again = self.c.request("pokja2", "POST", self.path("/pembukaan"),
                               json={"sampul": "single"})
        assert again.status_code == 409, again.text
        one = opened["penawaran"][0]
        doc = self.c.request("pokja1", "GET", self.path(
            f"/penawaran/dokumen/{one['dokumen']['sha256']}"))
        assert doc.status_code == 200 and b"penawaran-rahasia" in doc.content

    def on_evaluasi_penawaran(self) -> None:
        pasca = not self.definition.prakualifikasi
        self.c.ok("pokja2", "POST", self.path("/evaluasi"), json={"hasil": [
            {"penyedia_id": pid(self.c, n), "lulus_administrasi": True,
             "lulus_teknis": True, "harga_terkoreksi": p, "lulus_harga": True,
             **({"lulus_kualifikasi": True} if pasca else {})}
            for n, p in zip(BIDDERS, PRICES, strict=True)]})
        self.winner = pid(self.c, "bidder2")

    def on_pembukaan_evaluasi_file_1(self) -> None:
        self.c.ok("pokja1", "POST", self.path("/pembukaan"), json={"sampul": "file_1"})
        scores = {"bidder1": ("90", True), "bidder2": ("70", True),
                  "bidder3": ("40", False)}
        self.c.ok("pokja1", "POST", self.path("/evaluasi"), json={"hasil": [
            {"penyedia_id": pid(self.c, n), "lulus_administrasi": True,
             "lulus_teknis": ok, "skor_teknis": s} for n, (s, ok) in scores.items()]})

    def on_pembukaan_evaluasi_file_2(self) -> None:
        opened = self.c.ok("pokja1", "POST", self.path("/pembukaan"),
                           json={"sampul": "file_2"})
        assert (opened["dibuka"], opened["tidak_dibuka"]) == (2, 1)
        never = next(p for p in opened["penawaran"]
                     if p["penyedia_id"] == pid(self.c, "bidder3"))
        assert never["status"] == "tidak_dibuka" and never["harga"] is None
        self.c.ok("pokja1", "POST", self.path("/evaluasi"), json={"hasil": [
            {"penyedia_id": pid(self.c, n), "harga_terkoreksi": p,
             "lulus_harga": True} for n, p in zip(BIDDERS[:2], PRICES[:2],
                                                  strict=True)]})
        nilai = self.metode is M.PASCAKUALIFIKASI_2_FILE  # sistem nilai: 90 wins
        self.winner = pid(self.c, "bidder1" if nilai else "bidder2")

    def on_pembuktian_kualifikasi(self) -> None:
        if not self.definition.prakualifikasi:
            self.c.ok("pokja1", "POST", self.path("/evaluasi"), json={"hasil": [
                {"penyedia_id": self.winner, "lulus_kualifikasi": True}]})

    def on_upload_bahp(self) -> None:
        self.c.ok("pokja1", "POST", self.path("/bahp"), json={
            "dokumen": self.c.upload("pokja1", f"BAHP {self.metode}")})

    def on_penetapan_pemenang(self) -> None:
        self.c.ok("pokja1", "POST", self.path("/pemenang"),
                  json={"pemenang": self.winner})
        assert self.c.ok(None, "GET", self.path())["pemenang"] == []

    def on_pengumuman_pemenang(self) -> None:
        self.announce()
        public = self.c.ok(None, "GET", self.path())
        first = public["pemenang"][0]
        assert first["penyedia_id"] == self.winner and first["npwp"]
        assert len(public["hasil_evaluasi"]) == 3
        assert self.c.ok(None, "GET", self.path("/evaluasi"))

    def on_sanggah(self) -> None:
        loser = next(n for n in BIDDERS if pid(self.c, n) != self.winner)
        s = self.c.ok(loser, "POST", self.path("/sanggah"), 201, json={
            "isi": "Evaluasi teknis tidak sesuai dokumen pemilihan."})
        self.c.ok("pokja1", "POST", self.path(f"/sanggah/{s['sanggah_id']}/jawaban"),
                  json={"jawaban": "Evaluasi sesuai.", "keputusan": "ditolak"})

    def on_penunjukan_penyedia(self) -> None:
        self.c.ok("ppk", "POST", self.path("/sppbj"), json={
            "nomor": "SPPBJ/01", "tanggal": self.c.today().isoformat()})

    def on_penandatanganan_kontrak(self) -> None:
        view = self.c.ok("ppk", "GET", self.path())
        self.c.ok("ppk", "POST", self.path("/kontrak"), json={
            "nomor": "KONTRAK/01", "tanggal": self.c.today().isoformat(),
            "nilai": view["sppbj"]["nilai"]})


def test_four_methods_from_announcement_to_kontrak(c):
    # the budget year they are planned in: the journey takes months of test
    # clock, and from October on it ends in the next year
    tahun = c.tahun()
    pa = c.ok("pa", "POST", "/rup", 201, json={
        "tahun_anggaran": tahun, "nama": "Program Jalan dan Jembatan",
        "pagu": "9000000000.00", "sumber_dana": "APBD",
        "kategori": "pekerjaan_konstruksi"})
    assert pa["rup_id"] in [r["rup_id"] for r in c.ok(None, "GET", "/rup")["items"]]
    start = Kalender().next_working_day(c.today() + timedelta(days=2))
    tenders = [Tender(c, m, start, tahun) for m in M]
    timeline = sorted((e for t in tenders for e in t.events()),
                      key=lambda e: (e[0], list(M).index(e[1].metode)))
    for when, _tender, step in timeline:
        c.set_time(when)
        step()
    for tender in tenders:
        view = c.ok(None, "GET", tender.path())
        assert view["status"] == "selesai", (tender.metode, view["status"])
        assert view["kontrak"]["penyedia_id"] == tender.winner
        entered = [r["tahapan"] for r in view["riwayat"]
                   if r["jenis"] == "masuk_tahapan"]
        assert entered == [str(t) for t in tender.definition.tahapan_list]
        assert Decimal(view["kontrak"]["nilai"]) <= Decimal("1500000000")
    listed = c.ok(None, "GET", "/lelang", params={"status": "selesai"})
    assert {t.lid for t in tenders} <= {item["lelang_id"] for item in listed["items"]}
    published_as_open_data(c, tenders, tahun)


def published_as_open_data(c, tenders, tahun: int) -> None:
    """reporting (from the same events only) publishes each tender as OCDS 1.1 that
    libcoveocds accepts, and counts them in e-reporting (Pasal 16, 20(1)c)."""
    from services.reporting.tests import ocds_support

    for tender in tenders:
        kode = c.ok(None, "GET", tender.path())["kode"]

        def complete(kode=kode):
            r = c.request(None, "GET", f"/ocds/records/ocds-lpsekr-{kode}")
            if r.status_code != 200:
                return None
            record = r.json()["records"][0]["compiledRelease"]
            return r.json() if record.get("tender", {}).get(
                "status") == "complete" else None

        record = eventually(complete, timeout=60)
        assert record, (tender.metode, kode)
        releases = c.ok(None, "GET", f"/ocds/releases/ocds-lpsekr-{kode}")
        tags = {t for r in releases["releases"] for t in r["tag"]}
        assert {"tender", "award", "contract"} <= tags, (tender.metode, tags)
        with ocds_support.offline():
            assert ocds_support.problems(ocds_support.cove(releases)) == {}, kode
    # counted under the paket's budget year (other journeys on this stack add
    # their own lelang, none of them finished)
    def per_status():
        laporan = c.ok(None, "GET", "/laporan", params={"tahun_anggaran": tahun})
        return laporan["laporan"]["total"]["lelang"]["per_status"]

    # e-reporting folds each event as it arrives, like the feed above: it may lag
    assert eventually(lambda: per_status()["selesai"] >= len(tenders), timeout=60), (
        per_status())
    csv = c.request(None, "GET", "/laporan/lelang.csv",
                    params={"tahun_anggaran": tahun})
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    *_, total = csv_module.DictReader(io.StringIO(csv.text))
    assert int(total["jumlah_selesai"]) >= len(tenders), csv.text
    feed = c.request(None, "GET", "/ocds/releases", params={"limit": 5})
    assert feed.status_code == 200 and int(feed.headers["X-Next-Cursor"]) > 0


__all__ = ["T"]
