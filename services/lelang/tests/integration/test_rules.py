"""The rules around the journeys: Pasal 22(1), HPS and its breakdown, schedule
changes, adendum, the winner's ranking and authority, sanggah banding."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from services.common.errors import BadRequest, Conflict, Forbidden, InvalidTransition
from services.lelang.domain import WITA, MetodeLelang
from services.lelang.domain import TahapanLelang as T
from services.lelang.storage.models import INFRA, LelangRow
from services.lelang.tests.integration.test_failure_paths import with_bids

pytestmark = pytest.mark.integration

M = MetodeLelang


def outbox_types(world) -> list[str]:
    with world.db.sessionmaker() as session:
        rows = session.execute(select(INFRA.outbox.c.event_type))
        return [r.event_type for r in rows]


def test_a_paket_at_or_under_the_agency_threshold_is_marked_and_listed(world):
    world.call("set_ambang_batas", {"actor": world.pa, "tahun_anggaran":
                                    world.now.year,
                                    "nilai_minimum": Decimal("2000000000.00")})
    small = world.paket(pagu="2000000000.00", hps="1000000000.00")
    assert small["di_bawah_ambang"] is True and small["ambang_batas"] == Decimal(
        "2000000000.00")
    world.call("set_ambang_batas", {"actor": world.pa, "tahun_anggaran":
                                    world.now.year,
                                    "nilai_minimum": Decimal("100000000.00")})
    big = world.paket(pagu="2000000000.00", hps="1000000000.00")
    assert big["di_bawah_ambang"] is False
    report = world.call("list_paket", {"actor": world.pa, "di_bawah_ambang": True,
                                       "page": 1, "per_page": 20})
    assert [p["paket_id"] for p in report["items"]] == [small["paket_id"]]
    with pytest.raises(Forbidden):  # set by the agency's PA/KPA only
        world.call("set_ambang_batas", {"actor": world.ppk, "tahun_anggaran": 2026,
                                        "nilai_minimum": Decimal(1)})


def test_hps_may_not_exceed_the_pagu_and_its_breakdown_stays_confidential(world):
    with pytest.raises(BadRequest) as err:
        world.paket(pagu="1000000000.00", hps="1000000000.01")
    assert err.value.code == "HPS_EXCEEDS_PAGU"
    paket = world.paket()
    pid = paket["paket_id"]
    assert paket["rincian_hps"]  # the PPK
    assert world.call("get_paket", {"actor": world.pokja[0], "paket_id": pid})[
        "rincian_hps"]
    for who in (world.pa, world.auditor):
        assert world.call("get_paket", {"actor": who, "paket_id": pid})[
            "rincian_hps"] is None
    view = world.lelang(M.PASCAKUALIFIKASI_1_FILE)
    assert "rincian_hps" not in view and view["nilai_hps"] == Decimal(
        "1500000000.00")


def test_a_schedule_change_needs_a_reason_is_public_and_announced(world):
    lid = world.lelang(M.PASCAKUALIFIKASI_1_FILE)["lelang_id"]
    view = world.call("get_lelang", {"actor": world.pokja[0], "lelang_id": lid})
    old = view["jadwal"][-1]["selesai"].astimezone(WITA)
    day = world.kalender.next_working_day(old.date() + timedelta(days=7))
    jadwal = [*view["jadwal"][:-1], {**view["jadwal"][-1], "selesai":
                                    datetime.combine(day, old.timetz())}]
    with pytest.raises(BadRequest) as err:
        world.call("change_jadwal", {"actor": world.pokja[0], "lelang_id": lid,
                                     "jadwal": jadwal, "alasan": "   "})
    assert err.value.code == "ALASAN_REQUIRED"
    world.call("change_jadwal", {"actor": world.pokja[0], "lelang_id": lid,
                                 "jadwal": jadwal, "alasan": "Gangguan server LPSE"})
    public = world.call("get_lelang", {"actor": None, "lelang_id": lid})
    change = [r for r in public["riwayat"] if r["jenis"] == "ubah_jadwal"]
    assert change[0]["alasan"] == "Gangguan server LPSE"
    assert change[0]["details"]["perubahan"][0]["tahapan"] == "penandatanganan_kontrak"
    assert "jadwal_changed" in outbox_types(world)


def test_an_adendum_is_a_new_document_version_announced_to_peserta(world):
    lid = world.lelang(M.PASCAKUALIFIKASI_1_FILE)["lelang_id"]
    world.goto(lid, T.PEMBERIAN_PENJELASAN)
    view = world.call("issue_adendum", {"actor": world.pokja[1], "lelang_id": lid,
                                        "keterangan": "Perubahan spesifikasi aspal",
                                        "dokumen": [world.upload(b"%PDF-adendum")]})
    assert [d["versi"] for d in view["dokumen"]] == [1, 2]
    assert "adendum_issued" in outbox_types(world)
    end = world.stage(lid, T.UPLOAD_PENAWARAN)["selesai"]
    world.clock.value = end - timedelta(days=2, minutes=-1)  # 2 days before, less
    with pytest.raises(InvalidTransition) as err:  # peserta need time to react
        world.call("issue_adendum", {"actor": world.pokja[1], "lelang_id": lid,
                                     "keterangan": "Terlambat",
                                     "dokumen": [world.upload(b"%PDF-late")]})
    assert err.value.code == "ADENDUM_TOO_LATE"


def _to_penetapan(world):
    lid, bidders = with_bids(world)
    pids = [b.penyedia_id for b in bidders]
    world.goto(lid, T.PEMBUKAAN_PENAWARAN)
    world.call("open_penawaran", {"actor": world.pokja[0], "lelang_id": lid,
                                  "sampul": "single"})
    world.goto(lid, T.EVALUASI_PENAWARAN)
    prices = ("1400000000.00", "1350000000.00", "1450000000.00")
    world.call("evaluate_penawaran", {"actor": world.pokja[0], "lelang_id": lid,
                                      "hasil": [
        {"penyedia_id": p, "lulus_administrasi": True, "lulus_teknis": True,
         "harga_terkoreksi": Decimal(h), "lulus_harga": True,
         "lulus_kualifikasi": True} for p, h in zip(pids, prices, strict=True)]})
    world.goto(lid, T.UPLOAD_BAHP)
    world.call("upload_bahp", {"actor": world.pokja[0], "lelang_id": lid,
                               "dokumen": world.upload(b"%PDF-bahp")})
    world.goto(lid, T.PENETAPAN_PEMENANG)
    return lid, bidders, pids


def test_the_winner_and_reserves_follow_the_ranking(world):
    lid, _, pids = _to_penetapan(world)
    with pytest.raises(Conflict) as err:
        world.call("decide_pemenang", {"actor": world.pokja[0], "lelang_id": lid,
                                       "pemenang": pids[0]})
    assert err.value.code == "PEMENANG_NOT_BEST_RANKED"
    assert err.value.details["peringkat"] == [pids[1], pids[0], pids[2]]
    view = world.call("decide_pemenang", {"actor": world.pokja[0], "lelang_id": lid,
                                          "pemenang": pids[1], "cadangan_1": pids[0]})
    assert [p["penyedia_id"] for p in view["pemenang"]] == [pids[1], pids[0], pids[2]]
    assert "pemenang_decided" in outbox_types(world)


def test_above_the_pokja_limit_the_pa_decides(world):
    lid, _, pids = _to_penetapan(world)
    with world.db.sessionmaker() as session:  # make it a Rp150 bn package
        session.get(LelangRow, lid).nilai_hps = Decimal("150000000000.00")
        session.commit()
    with pytest.raises(Forbidden) as err:
        world.call("decide_pemenang", {"actor": world.pokja[0], "lelang_id": lid,
                                       "pemenang": pids[1]})
    assert err.value.code == "PA_DECIDES_ABOVE_LIMIT"
    view = world.call("decide_pemenang", {"actor": world.pa, "lelang_id": lid,
                                          "pemenang": pids[1]})
    assert view["pemenang"][0]["penyedia_id"] == pids[1]


def test_a_sanggah_banding_halts_the_lelang_until_the_bupati_decides(world):
    lid, bidders, pids = _to_penetapan(world)
    world.call("decide_pemenang", {"actor": world.pokja[0], "lelang_id": lid,
                                   "pemenang": pids[1]})
    world.goto(lid, T.PENGUMUMAN_PEMENANG)
    world.call("announce_hasil", {"actor": world.pokja[0], "lelang_id": lid})
    world.goto(lid, T.SANGGAH)
    s = world.call("file_sanggah", {"actor": bidders[0], "lelang_id": lid,
                                    "isi": "Harga terkoreksi pemenang keliru."})
    banding = {"actor": world.ppk, "lelang_id": lid, "penyedia_id": pids[0],
               "diajukan_pada": world.clock.now().date(),
               "jaminan_nomor": "BG-001", "jaminan_nilai": Decimal("15000000.00")}
    with pytest.raises(Conflict):  # the sanggah is not answered yet
        world.call("record_sanggah_banding", banding)
    world.call("answer_sanggah", {"actor": world.pokja[0], "lelang_id": lid,
                                  "sanggah_id": s["sanggah_id"], "keputusan": "ditolak",
                                  "jawaban": "Koreksi aritmatik sudah benar."})
    with pytest.raises(BadRequest) as err:  # 1% of HPS under 70/2012
        world.call("record_sanggah_banding", {**banding, "jaminan_nilai": Decimal(
            "14999999.99")})
    assert err.value.details["minimum"] == "15000000.00"
    view = world.call("record_sanggah_banding", banding)
    assert view["status"] == "dihentikan_sementara"
    world.goto(lid, T.PENUNJUKAN_PENYEDIA)  # the timer moves nothing while halted
    view = world.call("get_lelang", {"actor": None, "lelang_id": lid})
    assert view["status"] == "dihentikan_sementara" and view["tahapan"] == "sanggah"
    with pytest.raises(InvalidTransition) as err:
        world.call("issue_sppbj", {"actor": world.ppk, "lelang_id": lid,
                                   "nomor": "SPPBJ/1", "tanggal":
                                   world.clock.now().date()})
    assert err.value.code == "LELANG_HALTED"
    # rejected: it resumes, the stages the halt overran moved a week on
    current = world.call("get_lelang", {"actor": world.pokja[0], "lelang_id": lid})
    order = [e["tahapan"] for e in current["jadwal"]]
    after = order.index("sanggah") + 1
    jadwal = current["jadwal"][:after] + [
        {**e, "mulai": e["mulai"] + timedelta(days=7),
         "selesai": e["selesai"] + timedelta(days=7)}
        for e in current["jadwal"][after:]]
    outbox_before = outbox_types(world).count("jadwal_changed")
    view = world.call("decide_sanggah_banding", {
        "actor": world.ppk, "lelang_id": lid, "keputusan": "ditolak",
        "keputusan_nomor": "SK-BUPATI-7", "alasan": "Sanggah banding tidak beralasan",
        "jadwal": jadwal})
    assert view["status"] == "berjalan" and view["sanggah_banding"]["keputusan"] == (
        "ditolak")
    # a schedule change like any other: public with its reason, and an event
    change = [r for r in view["riwayat"] if r["jenis"] == "ubah_jadwal"][-1]
    assert change["alasan"] == "Sanggah banding tidak beralasan"
    assert {p["tahapan"] for p in change["details"]["perubahan"]} == set(order[after:])
    assert outbox_types(world).count("jadwal_changed") == outbox_before + 1
    world.goto(lid, T.PENUNJUKAN_PENYEDIA)
    sppbj = world.call("issue_sppbj", {"actor": world.ppk, "lelang_id": lid,
                                       "nomor": "SPPBJ/1",
                                       "tanggal": world.clock.now().date()})
    assert sppbj["sppbj"]["penyedia_id"] == pids[1]
    types = outbox_types(world)
    assert "sanggah_banding_recorded" in types and "sanggah_banding_decided" in types


def test_business_figures_count_without_ids(world):
    from services.lelang.metrics import LELANG_BY_STATUS, PENAWARAN_TODAY, publish

    lid, bidders = with_bids(world)
    uow_figures = world.call_raw("business_figures")
    assert uow_figures["by_status"]["berjalan"] == 1
    assert uow_figures["by_tahapan"] == {"upload_penawaran": 1}
    assert uow_figures["penawaran_today"] == 3 and uow_figures["peserta"] == 3
    publish(uow_figures)
    assert LELANG_BY_STATUS.labels("berjalan")._value.get() == 1
    assert PENAWARAN_TODAY._value.get() == 3


def test_a_price_under_80_percent_of_hps_is_flagged_in_the_results(world):
    lid, bidders = with_bids(world, prices=("1100000000.00", "1300000000.00",
                                            "1400000000.00"))
    pids = [b.penyedia_id for b in bidders]
    world.goto(lid, T.PEMBUKAAN_PENAWARAN)
    world.call("open_penawaran", {"actor": world.pokja[0], "lelang_id": lid,
                                  "sampul": "single"})
    world.goto(lid, T.EVALUASI_PENAWARAN)
    hasil = world.call("evaluate_penawaran", {
        "actor": world.pokja[0], "lelang_id": lid, "hasil": [
            {"penyedia_id": p, "lulus_administrasi": True, "lulus_teknis": True,
             "lulus_harga": True} for p in pids]})
    flags = {h["penyedia_id"]: h["di_bawah_80_persen_hps"] for h in hasil}
    assert flags == {pids[0]: True, pids[1]: False, pids[2]: False}  # 73% of HPS
    with pytest.raises(Forbidden):  # not public before the announcement
        world.call("list_evaluasi", {"actor": None, "lelang_id": lid})


def test_a_sanggah_against_the_prakualifikasi_result(world):
    lid = world.lelang(M.PRAKUALIFIKASI_1_FILE)["lelang_id"]
    sent, silent = world.add_penyedia(2)
    world.goto(lid, T.UNDUH_DOKUMEN_KUALIFIKASI)
    for b in (sent, silent):
        world.call("register_peserta", {"actor": b, "lelang_id": lid})
    world.goto(lid, T.UPLOAD_KUALIFIKASI)
    world.call("submit_kualifikasi", {"actor": sent, "lelang_id": lid,
                                      "dokumen": [world.upload(b"%PDF-sbu")]})
    world.goto(lid, T.EVALUASI_KUALIFIKASI)
    world.call("evaluate_kualifikasi", {"actor": world.pokja[0], "lelang_id": lid,
                                        "hasil": [{"penyedia_id": sent.penyedia_id,
                                                   "lulus": False,
                                                   "alasan": "SBU kedaluwarsa"}]})
    world.goto(lid, T.PENGUMUMAN_HASIL_PRAKUALIFIKASI)
    world.call("announce_hasil", {"actor": world.pokja[0], "lelang_id": lid})
    world.goto(lid, T.SANGGAH_PRAKUALIFIKASI)
    s = world.call("file_sanggah", {"actor": sent, "lelang_id": lid,
                                    "isi": "SBU kami masih berlaku sampai 2027."})
    assert s["jenis"] == "prakualifikasi"
    with pytest.raises(Forbidden) as err:  # sent nothing: nothing to object to
        world.call("file_sanggah", {"actor": silent, "lelang_id": lid,
                                    "isi": "Kami juga ingin menyanggah hasil ini."})
    assert err.value.code == "SANGGAH_NOT_ALLOWED"
    seen = world.call("list_sanggah", {"actor": silent, "lelang_id": lid})
    assert [x["sanggah_id"] for x in seen] == [s["sanggah_id"]]  # peserta see it
    world.goto(lid, T.UNDUH_DOKUMEN_PEMILIHAN)  # one qualified of 3 needed: gagal
    view = world.call("get_lelang", {"actor": None, "lelang_id": lid})
    assert view["status"] == "gagal" and "prakualifikasi" in view["alasan_gagal"]


def test_the_audit_trail_shows_every_step_to_auditors_only(world):
    lid, bidders = with_bids(world)
    world.goto(lid, T.PEMBUKAAN_PENAWARAN)
    world.call("open_penawaran", {"actor": world.pokja[0], "lelang_id": lid,
                                  "sampul": "single"})
    log = world.call("list_lelang_log", {"actor": world.auditor, "lelang_id": lid})
    actions = [e["action"] for e in log]
    assert actions[:2] == ["lelang_created", "lelang_announced"]
    assert actions.count("peserta_registered") == 3
    opening = next(e for e in log if e["action"] == "penawaran_opened")
    assert opening["actor_user_id"] == world.pokja[0].user_id
    assert len(opening["details"]["sha256"]) == 3 and opening["details"]["key_id"]
    for who in (bidders[0], world.admin, world.pa):
        with pytest.raises(Forbidden):
            world.call("list_lelang_log", {"actor": who, "lelang_id": lid})
