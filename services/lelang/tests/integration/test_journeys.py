"""Whole tenders of each of the four methods, driven through the use cases on a
real PostgreSQL database with a fixed clock: RUP-less paket -> kontrak, with three
verified penyedia, sealed bids, opening, evaluation, sanggah, SPPBJ and kontrak."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.common import sealing
from services.lelang.domain import MetodeLelang, metode_definition
from services.lelang.domain import TahapanLelang as T
from services.lelang.storage.models import PenawaranRow

pytestmark = pytest.mark.integration

M = MetodeLelang
PRICES = ["1400000000.00", "1350000000.00", "1450000000.00"]


def qualify(w, lid, bidders):
    w.goto(lid, T.UNDUH_DOKUMEN_KUALIFIKASI)
    for b in bidders:
        w.call("register_peserta", {"actor": b, "lelang_id": lid})
    w.goto(lid, T.UPLOAD_KUALIFIKASI)
    for b in bidders:
        w.call("submit_kualifikasi", {"actor": b, "lelang_id": lid,
                                      "dokumen": [w.upload(b"%PDF-kual" + b.
                                                           penyedia_id.encode())]})
    w.goto(lid, T.EVALUASI_KUALIFIKASI)
    w.call("evaluate_kualifikasi", {"actor": w.pokja[1], "lelang_id": lid, "hasil": [
        {"penyedia_id": b.penyedia_id, "lulus": True} for b in bidders]})
    w.goto(lid, T.PENGUMUMAN_HASIL_PRAKUALIFIKASI)
    w.call("announce_hasil", {"actor": w.pokja[0], "lelang_id": lid})


def aanwijzing(w, lid, bidders):
    w.goto(lid, T.PEMBERIAN_PENJELASAN)
    q = w.call("ask_pertanyaan", {"actor": bidders[0], "lelang_id": lid,
                                  "pertanyaan": "Apakah boleh memakai aspal impor?"})
    w.call("answer_pertanyaan", {"actor": w.pokja[0], "lelang_id": lid,
                                 "pertanyaan_id": q["pertanyaan_id"],
                                 "jawaban": "Boleh, sesuai spesifikasi."})
    seen = w.call("list_pertanyaan", {"actor": bidders[1], "lelang_id": lid})
    assert seen[0]["jawaban"] == "Boleh, sesuai spesifikasi."
    assert seen[0]["penyedia_id"] is None  # the asker is not named to others
    by_pokja = w.call("list_pertanyaan", {"actor": w.pokja[2], "lelang_id": lid})
    assert by_pokja[0]["penyedia_id"] == bidders[0].penyedia_id


def upload_bids(w, lid, metode, bidders):
    w.goto(lid, T.UPLOAD_PENAWARAN)
    receipts = []
    for b, harga in zip(bidders, PRICES, strict=True):
        for sampul in metode_definition(metode).sampul:
            priced = str(sampul) != "file_1"
            receipts.append(w.bid(lid, b, str(sampul), b"%PDF-bid " + harga.encode(),
                                  harga if priced else None))
    return receipts


def evaluate(w, lid, metode, bidders):
    pids = [b.penyedia_id for b in bidders]
    if len(metode_definition(metode).sampul) == 1:
        w.goto(lid, T.PEMBUKAAN_PENAWARAN)
        opened = w.call("open_penawaran", {"actor": w.pokja[0], "lelang_id": lid,
                                           "sampul": "single"})
        assert opened["dibuka"] == 3
        assert sorted(str(p["harga"]) for p in opened["penawaran"]) == sorted(PRICES)
        w.goto(lid, T.EVALUASI_PENAWARAN)
        pasca = not metode_definition(metode).prakualifikasi
        w.call("evaluate_penawaran", {"actor": w.pokja[1], "lelang_id": lid, "hasil": [
            {"penyedia_id": pid, "lulus_administrasi": True, "lulus_teknis": True,
             "harga_terkoreksi": Decimal(h), "lulus_harga": True,
             "lulus_kualifikasi": True if pasca else None}
            for pid, h in zip(pids, PRICES, strict=True)]})
        return pids[1]  # the lowest price
    w.goto(lid, T.PEMBUKAAN_EVALUASI_FILE_1)
    opened = w.call("open_penawaran", {"actor": w.pokja[0], "lelang_id": lid,
                                       "sampul": "file_1"})
    assert opened["dibuka"] == 3 and all(p["harga"] is None
                                         for p in opened["penawaran"])
    w.call("evaluate_penawaran", {"actor": w.pokja[0], "lelang_id": lid, "hasil": [
        {"penyedia_id": pids[0], "lulus_administrasi": True, "lulus_teknis": True,
         "skor_teknis": Decimal("90")},
        {"penyedia_id": pids[1], "lulus_administrasi": True, "lulus_teknis": True,
         "skor_teknis": Decimal("70")},
        {"penyedia_id": pids[2], "lulus_administrasi": True, "lulus_teknis": False,
         "alasan": "metode kerja tidak memenuhi"}]})
    w.goto(lid, T.PENGUMUMAN_HASIL_EVALUASI_FILE_1)
    w.call("announce_hasil", {"actor": w.pokja[0], "lelang_id": lid})
    w.goto(lid, T.PEMBUKAAN_EVALUASI_FILE_2)
    opened = w.call("open_penawaran", {"actor": w.pokja[0], "lelang_id": lid,
                                       "sampul": "file_2"})
    assert (opened["dibuka"], opened["tidak_dibuka"]) == (2, 1)
    assert _row(w, lid, pids[2], "file_2").harga is None  # never decrypted
    w.call("evaluate_penawaran", {"actor": w.pokja[0], "lelang_id": lid, "hasil": [
        {"penyedia_id": pid, "harga_terkoreksi": Decimal(h), "lulus_harga": True}
        for pid, h in zip(pids[:2], PRICES[:2], strict=True)]})
    if metode_definition(metode).metode is M.PASCAKUALIFIKASI_2_FILE:
        # sistem nilai: 0.7*90 + 0.3*(100*1.35/1.40) beats 0.7*70 + 0.3*100
        return pids[0]
    return pids[1]  # umur ekonomis: the lowest life-cycle cost


def _row(w, lid, pid, sampul):
    from sqlalchemy import select

    with w.db.sessionmaker() as session:
        return session.scalars(select(PenawaranRow).where(
            PenawaranRow.lelang_id == lid, PenawaranRow.penyedia_id == pid,
            PenawaranRow.sampul == sampul)).one()


def closing(w, lid, metode, bidders, winner):
    if not metode_definition(metode).prakualifikasi:
        w.goto(lid, T.PEMBUKTIAN_KUALIFIKASI)
        w.call("evaluate_penawaran", {"actor": w.pokja[0], "lelang_id": lid, "hasil": [
            {"penyedia_id": winner, "lulus_kualifikasi": True}]})
    w.goto(lid, T.UPLOAD_BAHP)
    w.call("upload_bahp", {"actor": w.pokja[0], "lelang_id": lid,
                           "dokumen": w.upload(b"%PDF-bahp")})
    w.goto(lid, T.PENETAPAN_PEMENANG)
    view = w.call("decide_pemenang", {"actor": w.pokja[0], "lelang_id": lid,
                                      "pemenang": winner})
    public = w.call("get_lelang", {"actor": None, "lelang_id": lid})
    assert public["pemenang"] == [] and public["hasil_evaluasi"] == []
    w.goto(lid, T.PENGUMUMAN_PEMENANG)
    w.call("announce_hasil", {"actor": w.pokja[0], "lelang_id": lid})
    public = w.call("get_lelang", {"actor": None, "lelang_id": lid})
    assert public["pemenang"][0]["penyedia_id"] == winner
    assert public["pemenang"][0]["npwp"] and public["pemenang"][0]["alamat"]
    assert len(public["hasil_evaluasi"]) == 3
    w.goto(lid, T.SANGGAH)
    loser = next(b for b in bidders if b.penyedia_id != winner)
    s = w.call("file_sanggah", {
        "actor": loser, "lelang_id": lid,
        "isi": "Evaluasi teknis tidak sesuai dokumen pemilihan."})
    w.call("answer_sanggah", {"actor": w.pokja[0], "lelang_id": lid,
                              "sanggah_id": s["sanggah_id"], "keputusan": "ditolak",
                              "jawaban": "Evaluasi telah sesuai dokumen."})
    w.goto(lid, T.PENUNJUKAN_PENYEDIA)
    w.call("issue_sppbj", {"actor": w.ppk, "lelang_id": lid, "nomor": "SPPBJ/01",
                           "tanggal": w.clock.now().date()})
    w.goto(lid, T.PENANDATANGANAN_KONTRAK)
    nilai = Decimal(view["pemenang"][0]["harga_terkoreksi"])
    view = w.call("sign_kontrak", {"actor": w.ppk, "lelang_id": lid,
                                   "nomor": "KONTRAK/01",
                                   "tanggal": w.clock.now().date(), "nilai": nilai})
    return view


@pytest.mark.parametrize("metode", list(M), ids=str)
def test_a_whole_tender_from_announcement_to_kontrak(world, metode):
    w = world
    view = w.lelang(metode)
    lid = view["lelang_id"]
    assert view["status"] == "diumumkan" and len(view["kunci_publik"]) == len(
        metode_definition(metode).sampul)
    bidders = w.add_penyedia(3)
    if metode_definition(metode).prakualifikasi:
        qualify(w, lid, bidders)
    else:
        w.goto(lid, T.PENDAFTARAN_DAN_UNDUH_DOKUMEN)
        for b in bidders:
            w.call("register_peserta", {"actor": b, "lelang_id": lid})
    aanwijzing(w, lid, bidders)
    receipts = upload_bids(w, lid, metode, bidders)
    # sealed at rest: the stored blob is ciphertext for this lelang's key
    blob = w.store.open(receipts[0]["sha256"]).read()
    assert blob.startswith(sealing.MAGIC) and b"%PDF-bid" not in blob
    winner = evaluate(w, lid, metode, bidders)
    view = closing(w, lid, metode, bidders, winner)
    assert view["status"] == "selesai"
    assert view["kontrak"]["penyedia_id"] == winner
    stages = [r["tahapan"] for r in view["riwayat"] if r["jenis"] == "masuk_tahapan"]
    assert stages == [str(t) for t in metode_definition(metode).tahapan_list]
