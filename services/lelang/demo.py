"""The lelang demo data set (``lpse demo-lelang``), made through the real use cases.

A RUP, the agency's e-procurement threshold, one lelang of each method, each at a
different point of its life *today*, and one that failed and was stopped
(penghentian): its schedule is placed so that the
target stage is open now, and every earlier step is done at the time the schedule
gave it (the use cases are called with that past ``now``), so the record is what a
real tender would leave, sealed bids included. The accounts are registrasi's demo
accounts (``lpse demo-data --ids-file``). Idempotent: a lelang whose name exists is
skipped.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from services.common import sealing
from services.common.auth import Actor
from services.common.blobstore import BlobStore
from services.common.clock import clock_for
from services.common.pdf import tiny_pdf
from services.lelang import usecases
from services.lelang.dependencies import Blobs, KeyVault
from services.lelang.domain import (
    WITA,
    Kalender,
    MetodeLelang,
    metode_definition,
    propose_jadwal,
    ruleset_for,
    to_wita_date,
    validate_jadwal,
)
from services.lelang.domain import TahapanLelang as T

M = MetodeLelang
#: name, method, evaluation, category, HPS, the stage open today
LELANG = [
    ("Pengadaan Excavator Mini untuk Dinas PU", M.PASCAKUALIFIKASI_1_FILE,
     "sistem_gugur", "barang", "1200000000.00", None),  # None: finished
    ("Pembangunan Jembatan Tukad Unda", M.PASCAKUALIFIKASI_2_FILE, "sistem_nilai",
     "pekerjaan_konstruksi", "4500000000.00", T.UPLOAD_PENAWARAN),
    ("Perencanaan Teknis Pasar Amlapura", M.PRAKUALIFIKASI_1_FILE, "sistem_gugur",
     "jasa_konsultansi", "650000000.00", T.UNDUH_DOKUMEN_KUALIFIKASI),
    ("Rehabilitasi Saluran Irigasi Subak Bebandem", M.PRAKUALIFIKASI_2_FILE,
     "umur_ekonomis", "pekerjaan_konstruksi", "2800000000.00", T.SANGGAH),
]
#: failed in the stage open today, then stopped: name, method, evaluation,
#: category, HPS, that stage, why it failed, why it was stopped
STOPPED = [
    ("Pengadaan Mobil Ambulans Puskesmas Abang", M.PASCAKUALIFIKASI_1_FILE,
     "sistem_gugur", "barang", "900000000.00", T.PEMBERIAN_PENJELASAN,
     "Spesifikasi teknis dalam dokumen pemilihan keliru",
     "Anggaran dialihkan untuk penanganan tanggap darurat bencana"),
]
PENYEDIA = ("cv.maju", "cv.karya", "pt.bangun")
DISCOUNTS = (Decimal("0.93"), Decimal("0.89"), Decimal("0.96"))


class DemoRegistrasi:
    """registrasi as the demo accounts file describes it."""

    def __init__(self, ids: dict[str, Any]):
        self.ids = ids

    def penyedia(self, penyedia_id: str) -> dict[str, Any]:
        for entry in self.ids.values():
            if entry.get("penyedia_id") == penyedia_id:
                return {**entry, "eligible": entry.get("status") == "terverifikasi"}
        return {"penyedia_id": penyedia_id, "eligible": False, "status": "ditolak",
                "nama": "?"}

    def users(self, user_ids: list[str]) -> list[dict[str, Any]]:
        return [{**e, "status": "aktif"} for e in self.ids.values()
                if e["user_id"] in user_ids]


def _pdf(text: str) -> bytes:
    return tiny_pdf(text)


def demo_jadwal(metode: M, target: T | None, today: datetime,
                kalender: Kalender) -> list[dict[str, Any]]:
    """A jadwal placing ``target`` around ``today`` (or all of it in the past).

    The stages before ``target`` keep their minimum length; ``target`` itself is
    lengthened until it is open at ``today`` (a Pokja may always set a stage longer
    than the minimum), so a one-day stage can span a weekend, a holiday or a late
    hour. The latest start that does this is taken, and the result is checked
    against its rule-set, so the demo builds at any moment of the year."""
    definition = metode_definition(metode)
    for back in range(1, 200):
        announced = today - timedelta(days=back)
        ruleset = ruleset_for(announced)
        entries = propose_jadwal(
            definition, ruleset, kalender, announced, jam_mulai=0, jam_selesai=24,
            open_at=None if target is None else (target, today))
        if target is None:
            ok = entries[-1].selesai < today - timedelta(days=1)
        else:
            entry = next(e for e in entries if e.tahapan == target)
            ok = entry.mulai <= today < entry.selesai
        if ok and not validate_jadwal(definition, entries, ruleset, kalender,
                                      entries[0].mulai):
            return [{"tahapan": str(e.tahapan), "mulai": e.mulai,
                     "selesai": e.selesai} for e in entries]
    raise RuntimeError(f"no schedule places {target} at {today.isoformat()}")


class _Demo:
    def __init__(self, uow_factory: Any, settings: Any, ids: dict[str, Any]):
        self.uow_factory, self.ids = uow_factory, ids
        self.store = BlobStore(settings.blob_path())
        self.kalender = Kalender()
        self.deps = usecases.Deps(
            KeyVault(sealing.load_master_key(settings.lelang_master_key)),
            Blobs(self.store), DemoRegistrasi(ids), self.kalender)
        self.today = clock_for(settings).now()
        self.now = self.today
        self.lines: list[str] = []

    def actor(self, username: str) -> Actor:
        e = self.ids[username]
        return Actor(user_id=e["user_id"], username=username, roles=tuple(e["roles"]),
                     agency_id=e.get("agency_id"), penyedia_id=e.get("penyedia_id"))

    def call(self, name: str, **request: Any) -> Any:
        uow = self.uow_factory()
        try:
            return getattr(usecases, name)(uow, request, self.now, self.deps)
        finally:
            uow.close()

    def doc(self, text: str) -> dict[str, Any]:
        ref = self.store.put(io.BytesIO(_pdf(text)), max_bytes=10_000_000)
        return {"sha256": ref.sha256, "filename": f"{text[:40]}.pdf",
                "content_type": ref.content_type, "size": ref.size}

    # -------------------------------------------------------------- set-up
    def rup_and_threshold(self) -> None:
        pa, year = self.actor("pa.dpu"), self.today.astimezone(WITA).year
        self.call("set_ambang_batas", actor=pa, tahun_anggaran=year,
                  nilai_minimum=Decimal("200000000.00"))
        found = self.call("list_rup", agency_id=pa.agency_id, tahun_anggaran=year,
                          q="Jembatan Tukad Unda", page=1, per_page=1)
        if not found["total"]:
            self.call("create_rup", actor=pa, tahun_anggaran=year,
                      nama="Pembangunan Jembatan Tukad Unda", pagu=Decimal(
                          "5000000000.00"), sumber_dana="APBD",
                      kategori="pekerjaan_konstruksi",
                      metode_rencana=M.PASCAKUALIFIKASI_2_FILE, lokasi="Klungkung - "
                      "Karangasem", uraian="Jembatan beton bentang 40 m")

    def lelang(self, nama: str, metode: M, evaluasi: str, kategori: str, hps: str,
               target: T | None) -> None:
        pokja, ppk = self.actor("pokja1.dpu"), self.actor("ppk.dpu")
        self.now = self.today
        if self.call("list_lelang", actor=pokja, q=nama, mine=True, page=1,
                     per_page=1)["total"]:
            self.lines.append(f"{nama}: exists")
            return
        jadwal = demo_jadwal(metode, target, self.today, self.kalender)
        self.now = jadwal[0]["mulai"] - timedelta(days=2)
        hps_value = Decimal(hps)
        paket = self.call(
            "create_paket", actor=ppk, nama=nama,
            tahun_anggaran=self.now.astimezone(WITA).year,
            sumber_dana="APBD", pagu=(hps_value * Decimal("1.1")).quantize(
                Decimal("0.01")), nilai_hps=hps_value, kategori=kategori,
            lokasi="Kabupaten Karangasem", syarat_kualifikasi=[
                "Memiliki NIB dan NPWP", "Pengalaman sejenis 4 tahun terakhir"],
            dokumen=[self.doc(f"KAK {nama}")])
        self.call("assign_pokja", actor=ppk, paket_id=paket["paket_id"],
                  pokja_ids=[self.ids[u]["user_id"] for u in
                             ("pokja1.dpu", "pokja2.dpu", "pokja3.dpu")])
        view = self.call("create_lelang", actor=pokja, paket_id=paket["paket_id"],
                         metode=metode, metode_evaluasi=evaluasi,
                         alasan_metode="Sesuai kompleksitas pekerjaan",
                         jadwal=jadwal, dokumen=[self.doc(f"Dokumen {nama}")])
        lid = view["lelang_id"]
        self.call("announce_lelang", actor=pokja, lelang_id=lid)
        for entry in jadwal:
            if target is not None and entry["tahapan"] == str(target):
                self.now = self.today
                self.act(lid, T(entry["tahapan"]), metode, hps_value, last=True)
                break
            self.now = entry["mulai"] + timedelta(minutes=5)
            self.act(lid, T(entry["tahapan"]), metode, hps_value, last=False)
        self.now = self.today
        uow = self.uow_factory()
        try:
            usecases.advance_due(uow, self.now, self.deps)
        finally:
            uow.close()
        state = self.call("get_lelang", actor=None, lelang_id=lid)
        self.lines.append(f"{nama}: {state['metode']}, {state['status']}"
                          f"{', ' + state['tahapan'] if state['tahapan'] else ''}")

    def stop(self, nama: str, gagal: str, henti: str) -> None:
        """Declare the (running) lelang ``nama`` failed today, then stop it."""
        pokja = self.actor("pokja1.dpu")
        self.now = self.today
        found = self.call("list_lelang", actor=pokja, q=nama, mine=True, page=1,
                          per_page=1)["items"]
        if not found or found[0]["status"] not in ("diumumkan", "berjalan"):
            return  # made and stopped by an earlier run
        lid = found[0]["lelang_id"]
        self.call("fail_lelang", actor=pokja, lelang_id=lid, alasan=gagal)
        self.call("stop_lelang", actor=pokja, lelang_id=lid, alasan=henti)
        self.lines[-1] = f"{nama}: {found[0]['metode']}, gagal, then dihentikan"

    # -------------------------------------------------------------- each stage
    def act(self, lid: str, tahapan: T, metode: M, hps: Decimal, last: bool) -> None:
        pokja = self.actor("pokja1.dpu")
        bidders = [self.actor(u) for u in PENYEDIA]
        pids = [b.penyedia_id for b in bidders]
        definition = metode_definition(metode)
        if tahapan in (T.PENDAFTARAN_DAN_UNDUH_DOKUMEN, T.UNDUH_DOKUMEN_KUALIFIKASI):
            for b in bidders[:2] if last else bidders:
                self.call("register_peserta", actor=b, lelang_id=lid)
        elif tahapan is T.UPLOAD_KUALIFIKASI:
            for b in bidders:
                self.call("submit_kualifikasi", actor=b, lelang_id=lid,
                          dokumen=[self.doc(f"Kualifikasi {b.username}")])
        elif tahapan is T.EVALUASI_KUALIFIKASI:
            self.call("evaluate_kualifikasi", actor=pokja, lelang_id=lid, hasil=[
                {"penyedia_id": p, "lulus": True} for p in pids])
        elif tahapan in (T.PENGUMUMAN_HASIL_PRAKUALIFIKASI,
                         T.PENGUMUMAN_HASIL_EVALUASI_FILE_1, T.PENGUMUMAN_PEMENANG):
            self.call("announce_hasil", actor=pokja, lelang_id=lid)
        elif tahapan is T.PEMBERIAN_PENJELASAN:
            q = self.call("ask_pertanyaan", actor=bidders[0], lelang_id=lid,
                          pertanyaan="Apakah jadwal pelaksanaan dapat disesuaikan "
                                     "dengan musim hujan?")
            self.call("answer_pertanyaan", actor=pokja, lelang_id=lid,
                      pertanyaan_id=q["pertanyaan_id"],
                      jawaban="Jadwal pelaksanaan mengikuti rancangan kontrak.")
        elif tahapan is T.UPLOAD_PENAWARAN:
            for b, cut in list(zip(bidders, DISCOUNTS, strict=True))[:2 if last
                                                                      else 3]:
                self.bid(lid, b, definition, (hps * cut).quantize(Decimal("0.01")))
        elif definition.stage(tahapan).opens is not None:
            sampul = str(definition.stage(tahapan).opens)
            self.call("open_penawaran", actor=pokja, lelang_id=lid, sampul=sampul)
            self.evaluate(lid, tahapan, pids, hps)
        elif tahapan is T.EVALUASI_PENAWARAN:
            self.evaluate(lid, tahapan, pids, hps)
        elif tahapan is T.PEMBUKTIAN_KUALIFIKASI and not definition.prakualifikasi:
            self.call("evaluate_penawaran", actor=pokja, lelang_id=lid, hasil=[
                {"penyedia_id": p, "lulus_kualifikasi": True} for p in pids])
        elif tahapan is T.UPLOAD_BAHP:
            self.call("upload_bahp", actor=pokja, lelang_id=lid,
                      dokumen=self.doc("Berita Acara Hasil Pelelangan"))
        elif tahapan is T.PENETAPAN_PEMENANG:
            view = self.call("list_evaluasi", actor=pokja, lelang_id=lid)
            best = next(h["penyedia_id"] for h in view if h["peringkat"] == 1)
            self.call("decide_pemenang", actor=pokja, lelang_id=lid, pemenang=best)
        elif tahapan is T.PENUNJUKAN_PENYEDIA:
            self.call("issue_sppbj", actor=self.actor("ppk.dpu"), lelang_id=lid,
                      nomor=f"SPPBJ/{lid[:6]}", tanggal=to_wita_date(self.now))
        elif tahapan is T.PENANDATANGANAN_KONTRAK:
            view = self.call("get_lelang", actor=pokja, lelang_id=lid)
            self.call("sign_kontrak", actor=self.actor("ppk.dpu"), lelang_id=lid,
                      nomor=f"KONTRAK/{lid[:6]}", tanggal=to_wita_date(self.now),
                      nilai=Decimal(view["sppbj"]["nilai"]))

    def evaluate(self, lid: str, tahapan: T, pids: list[str], hps: Decimal) -> None:
        pokja = self.actor("pokja1.dpu")
        prices = {p: (hps * cut).quantize(Decimal("0.01"))
                  for p, cut in zip(pids, DISCOUNTS, strict=True)}
        if tahapan is T.PEMBUKAAN_EVALUASI_FILE_1:
            hasil = [{"penyedia_id": p, "lulus_administrasi": True,
                      "lulus_teknis": True, "skor_teknis": Decimal(s)}
                     for p, s in zip(pids, ("82", "76", "88"), strict=True)]
        elif tahapan is T.PEMBUKAAN_EVALUASI_FILE_2:
            hasil = [{"penyedia_id": p, "harga_terkoreksi": prices[p],
                      "lulus_harga": True} for p in pids]
        elif tahapan is T.EVALUASI_PENAWARAN:
            hasil = [{"penyedia_id": p, "lulus_administrasi": True,
                      "lulus_teknis": True, "harga_terkoreksi": prices[p],
                      "lulus_harga": True} for p in pids]
        else:
            return
        self.call("evaluate_penawaran", actor=pokja, lelang_id=lid, hasil=hasil)

    def bid(self, lid: str, who: Actor, definition: Any, harga: Decimal) -> None:
        view = self.call("get_lelang", actor=None, lelang_id=lid)
        keys = {str(k["sampul"]): k["public_key"] for k in view["kunci_publik"]}
        for sampul in definition.sampul:
            public = sealing.public_key_from_b64(keys[str(sampul)])
            content = _pdf(f"Penawaran {who.username} {sampul}")
            ref, _ = self.store.put_sealed(io.BytesIO(content), public,
                                           max_bytes=10_000_000)
            price = None
            if str(sampul) != "file_1":
                price = base64.b64encode(sealing.seal_bytes(public, json.dumps(
                    {"harga": str(harga)}).encode())).decode()
            self.call("submit_penawaran", actor=who, lelang_id=lid, sampul=sampul,
                      sha256=ref.sha256, size=ref.size,
                      filename=f"penawaran-{sampul}.pdf", harga_sealed=price)


def load_demo_lelang(uow_factory: Any, settings: Any,
                     ids: dict[str, Any]) -> list[str]:
    """Create whatever of the lelang demo set is missing; one line per lelang."""
    demo = _Demo(uow_factory, settings, ids)
    demo.rup_and_threshold()
    for entry in LELANG:
        demo.lelang(*entry)
    for nama, metode, evaluasi, kategori, hps, target, gagal, henti in STOPPED:
        demo.lelang(nama, metode, evaluasi, kategori, hps, target)
        demo.stop(nama, gagal, henti)
    return demo.lines

