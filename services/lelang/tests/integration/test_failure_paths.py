"""The failure paths of issue 3, each a test, on a real database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.common.errors import (
    BadRequest,
    Conflict,
    EprocError,
    Forbidden,
    InvalidTransition,
)
from services.lelang.domain import MetodeLelang
from services.lelang.domain import TahapanLelang as T
from services.lelang.storage.models import KunciLelangRow, LelangLogRow, PenawaranRow
from services.lelang.tests.driver import TenderWorld

pytestmark = pytest.mark.integration

M = MetodeLelang


def registered(w, metode=M.PASCAKUALIFIKASI_1_FILE, n=3):
    lid = w.lelang(metode)["lelang_id"]
    bidders = w.add_penyedia(n)
    w.goto(lid, T.PENDAFTARAN_DAN_UNDUH_DOKUMEN)
    for b in bidders:
        w.call("register_peserta", {"actor": b, "lelang_id": lid})
    return lid, bidders


def with_bids(w, prices=("1400000000.00", "1350000000.00", "1450000000.00")):
    lid, bidders = registered(w, n=len(prices))
    w.goto(lid, T.UPLOAD_PENAWARAN)
    for b, harga in zip(bidders, prices, strict=True):
        w.bid(lid, b, "single", b"%PDF-rahasia " + harga.encode(), harga)
    return lid, bidders


def test_a_bid_after_the_deadline_is_refused(world):
    lid, bidders = registered(world)
    world.goto(lid, T.UPLOAD_PENAWARAN)
    world.bid(lid, bidders[0], "single", b"%PDF-a", "1000000000.00")
    end = world.stage(lid, T.UPLOAD_PENAWARAN)["selesai"]
    world.clock.value = end  # exactly at the deadline: closed
    with pytest.raises(InvalidTransition) as err:
        world.bid(lid, bidders[1], "single", b"%PDF-b", "1100000000.00")
    assert err.value.code == "PENAWARAN_DEADLINE_PASSED"
    world.clock.value = end - timedelta(seconds=1)  # one second before: accepted
    receipt = world.bid(lid, bidders[1], "single", b"%PDF-b", "1100000000.00")
    assert receipt["status"] == "terkirim" and receipt["tanda_tangan"]


def test_no_role_reads_a_bid_or_its_price_before_the_opening(world):
    lid, bidders = with_bids(world)
    parties = [*world.pokja, world.ppk, world.pa, world.auditor, world.admin,
               bidders[0], None]
    for who in parties:
        with pytest.raises(Forbidden) as err:
            world.call("list_penawaran", {"actor": who, "lelang_id": lid})
        assert err.value.code == "PENAWARAN_SEALED", who
        view = world.call("get_lelang", {"actor": who, "lelang_id": lid})
        assert view["hasil_evaluasi"] == [] and view["jumlah_penawaran"] is None
    with pytest.raises(InvalidTransition) as err:  # not yet the opening time
        world.call("open_penawaran", {"actor": world.pokja[0], "lelang_id": lid,
                                      "sampul": "single"})
    assert err.value.code == "PEMBUKAAN_NOT_OPEN"
    with world.db.sessionmaker() as session:
        rows = session.scalars(select(PenawaranRow)).all()
        keys = session.scalars(select(KunciLelangRow)).all()
    assert len(rows) == 3 and all(r.harga is None and r.plain_dokumen is None
                                  for r in rows)
    for r in rows:  # only ciphertext at rest, in the database and the blob store
        assert "1400000000" not in (r.harga_sealed or "")
        assert b"rahasia" not in world.store.open(r.sha256).read()
    assert all(k.released_at is None and len(k.wrapped_private_key) > 40
               for k in keys)


def test_only_the_pokja_opens_and_only_in_the_opening_stage(world):
    lid, bidders = with_bids(world)
    world.goto(lid, T.PEMBUKAAN_PENAWARAN)
    for who in (world.ppk, world.pa, world.admin, world.auditor, bidders[0]):
        with pytest.raises(EprocError) as err:
            world.call("open_penawaran", {"actor": who, "lelang_id": lid,
                                          "sampul": "single"})
        assert err.value.code in ("ROLE_REQUIRED", "NOT_POKJA_OF_LELANG"), who
    opened = world.call("open_penawaran", {"actor": world.pokja[2],
                                           "lelang_id": lid, "sampul": "single"})
    assert opened["dibuka"] == 3
    with world.db.sessionmaker() as session:
        logs = session.scalars(select(LelangLogRow).where(
            LelangLogRow.action == "penawaran_opened")).all()
    assert len(logs) == 1 and logs[0].actor_user_id == world.pokja[2].user_id
    # the opened file is the bidder's own bytes
    row = next(p for p in opened["penawaran"] if p["penyedia_id"] ==
               bidders[0].penyedia_id)
    assert world.store.open(row["dokumen"]["sha256"]).read() == (
        b"%PDF-rahasia 1400000000.00")


def test_two_pokja_opening_at_once_leave_one_consistent_opening(world):
    lid, _ = with_bids(world)
    world.goto(lid, T.PEMBUKAAN_PENAWARAN)
    results: list = []

    def open_as(member):
        try:
            results.append(world.call("open_penawaran", {
                "actor": member, "lelang_id": lid, "sampul": "single"}))
        except EprocError as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=open_as, args=(m,)) for m in world.pokja[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r if isinstance(r, str) else "ok" for r in results)
    assert codes == ["PENAWARAN_ALREADY_OPENED", "ok"]
    with world.db.sessionmaker() as session:
        opened = session.scalars(select(PenawaranRow)).all()
        logs = session.scalars(select(LelangLogRow).where(
            LelangLogRow.action == "penawaran_opened")).all()
    assert len(logs) == 1 and all(p.status == "dibuka" and p.harga for p in opened)


def test_a_sanggah_after_its_window_is_refused(world):
    lid, bidders = with_bids(world)
    world.after(lid, T.SANGGAH)
    with pytest.raises(InvalidTransition) as err:
        world.call("file_sanggah", {"actor": bidders[0], "lelang_id": lid,
                                    "isi": "Harga pemenang tidak wajar sama sekali."})
    assert err.value.code in ("SANGGAH_WINDOW_CLOSED", "LELANG_NOT_RUNNING")


def test_a_schedule_that_breaks_the_ruleset_is_refused_with_every_problem(world):
    paket = world.paket()
    jadwal = world.jadwal(M.PASCAKUALIFIKASI_1_FILE, world.now.date() + timedelta(
        days=3))
    jadwal[0] = {**jadwal[0], "selesai": jadwal[0]["mulai"] + timedelta(hours=2)}
    saturday = jadwal[-1]["selesai"] + timedelta(days=(5 - jadwal[-1][
        "selesai"].weekday()) % 7)
    jadwal[-1] = {**jadwal[-1], "selesai": saturday}
    draft = world.call("create_lelang", {
        "actor": world.pokja[0], "paket_id": paket["paket_id"],
        "metode": M.PASCAKUALIFIKASI_1_FILE, "metode_evaluasi": "sistem_gugur",
        "jadwal": jadwal})
    with pytest.raises(BadRequest) as err:
        world.call("announce_lelang", {"actor": world.pokja[0],
                                       "lelang_id": draft["lelang_id"]})
    codes = {(p["code"], p["tahapan"]) for p in err.value.details["problems"]}
    assert ("TAHAPAN_TOO_SHORT", "pengumuman") in codes
    assert ("TAHAPAN_ENDS_ON_NON_WORKING_DAY", "penandatanganan_kontrak") in codes
    view = world.call("get_lelang", {"actor": world.pokja[0],
                                     "lelang_id": draft["lelang_id"]})
    assert view["status"] == "draft" and view["kunci_publik"] == []


def test_fewer_than_three_bids_fail_the_lelang_under_perpres_54_2010(pg_url,
                                                                      tmp_path):
    w = TenderWorld(pg_url, tmp_path / "blobs",
                    datetime(2012, 6, 4, 2, 0, tzinfo=UTC))  # before 70/2012
    try:
        lid, _ = with_bids(w, prices=("900000000.00", "950000000.00"))
        view = w.call("get_lelang", {"actor": None, "lelang_id": lid})
        assert view["ruleset"] == "perpres_54_2010"
        w.goto(lid, T.PEMBUKAAN_PENAWARAN)
        view = w.call("get_lelang", {"actor": None, "lelang_id": lid})
        assert view["status"] == "gagal" and "kurang dari 3" in view["alasan_gagal"]
        assert view["gagal_ke"] == 1
        retender = w.call("retender_lelang", {"actor": w.pokja[0], "lelang_id": lid})
        assert retender["retender_dari"] == lid and retender["status"] == "draft"
        old = w.call("get_lelang", {"actor": None, "lelang_id": lid})
        assert old["retender_oleh"] == retender["lelang_id"]
        with pytest.raises(InvalidTransition):  # the failed one stays read-only
            w.call("change_jadwal", {"actor": w.pokja[0], "lelang_id": lid,
                                     "jadwal": [], "alasan": "mencoba mengubah"})
    finally:
        w.close()


def test_a_blacklisted_penyedia_can_neither_register_nor_upload(world):
    lid = world.lelang(M.PASCAKUALIFIKASI_1_FILE)["lelang_id"]
    good, bad, later = world.add_penyedia(3)
    world.registrasi.penyedia_info[bad.penyedia_id].update(
        eligible=False, status="daftar_hitam")
    world.goto(lid, T.PENDAFTARAN_DAN_UNDUH_DOKUMEN)
    with pytest.raises(Forbidden) as err:
        world.call("register_peserta", {"actor": bad, "lelang_id": lid})
    assert err.value.code == "PENYEDIA_NOT_ELIGIBLE"
    for b in (good, later):
        world.call("register_peserta", {"actor": b, "lelang_id": lid})
    world.registrasi.penyedia_info[later.penyedia_id].update(
        eligible=False, status="daftar_hitam")  # blacklisted after registering
    world.goto(lid, T.UPLOAD_PENAWARAN)
    with pytest.raises(Forbidden) as err:
        world.bid(lid, later, "single", b"%PDF-x", "1000000000.00")
    assert err.value.code == "PENYEDIA_NOT_ELIGIBLE"
    with pytest.raises(Forbidden) as err:  # never registered: no upload either
        world.bid(lid, bad, "single", b"%PDF-y", "1000000000.00")
    assert err.value.code in ("NOT_PESERTA", "PENYEDIA_NOT_ELIGIBLE")
    assert world.bid(lid, good, "single", b"%PDF-z", "1000000000.00")["versi"] == 1


def test_lpse_staff_and_strangers_have_no_write_access(world):
    draft = world.lelang(M.PASCAKUALIFIKASI_1_FILE, announce=False)
    stranger = world.pokja[0].__class__(user_id="x", roles=("pokja",),
                                        agency_id="AG1")
    for who in (world.admin, stranger, world.ppk, world.auditor):
        with pytest.raises(Forbidden):
            world.call("announce_lelang", {"actor": who,
                                           "lelang_id": draft["lelang_id"]})
    with pytest.raises(Forbidden):
        world.call("create_rup", {"actor": world.admin, "tahun_anggaran": 2026,
                                  "nama": "Pengadaan", "pagu": 1, "sumber_dana": "APBD",
                                  "kategori": "barang"})
    assert world.call("announce_lelang", {"actor": world.pokja[1], "lelang_id":
                                          draft["lelang_id"]})["status"] == "diumumkan"


def test_replacing_a_bid_keeps_every_receipt_and_only_the_last_counts(world):
    lid, bidders = registered(world)
    world.goto(lid, T.UPLOAD_PENAWARAN)
    first = world.bid(lid, bidders[0], "single", b"%PDF-v1", "1000000000.00")
    second = world.bid(lid, bidders[0], "single", b"%PDF-v2", "990000000.00")
    assert (first["versi"], second["versi"]) == (1, 2)
    receipts = world.call("list_tanda_terima", {"actor": bidders[0], "lelang_id": lid})
    assert [r["sha256"] for r in receipts] == [first["sha256"], second["sha256"]]
    assert world.call("list_tanda_terima", {"actor": bidders[1],
                                            "lelang_id": lid}) == []
    with pytest.raises(Conflict):
        world.call("withdraw_penawaran", {"actor": bidders[1], "lelang_id": lid,
                                          "sampul": "single"})


def test_a_bid_that_will_not_open_is_reported_not_dropped(world):
    lid, bidders = with_bids(world)
    with world.db.sessionmaker() as session:
        damaged = session.scalars(select(PenawaranRow).where(
            PenawaranRow.penyedia_id == bidders[0].penyedia_id)).one().sha256
    path = world.store.path_for(damaged)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01  # one bit flipped in the stored ciphertext
    path.write_bytes(bytes(data))
    world.goto(lid, T.PEMBUKAAN_PENAWARAN)
    opened = world.call("open_penawaran", {"actor": world.pokja[0],
                                           "lelang_id": lid, "sampul": "single"})
    assert (opened["dibuka"], opened["gagal_dibuka"]) == (2, 1)
    bad = next(p for p in opened["penawaran"]
               if p["penyedia_id"] == bidders[0].penyedia_id)
    assert bad["gagal_dibuka"] and bad["dokumen"] is None
    assert bad["harga"] is not None  # the price envelope itself was intact


# ------------------------------------------- after gagal: penghentian; draft: batal
def _outbox(w, event_type: str) -> list[dict]:
    from services.lelang.storage.models import INFRA

    with w.db.sessionmaker() as session:
        rows = session.execute(select(INFRA.outbox.c.envelope).where(
            INFRA.outbox.c.event_type == event_type))
        return [r.envelope["payload"] for r in rows]


def _failed(w):
    lid, bidders = registered(w)
    w.call("fail_lelang", {"actor": w.pokja[0], "lelang_id": lid,
                           "alasan": "HPS keliru dihitung"})
    return lid, bidders


def test_a_failed_lelang_is_stopped_once_publicly_and_never_re_tendered(world):
    lid, bidders = _failed(world)
    with pytest.raises(Forbidden):
        world.call("stop_lelang", {"actor": bidders[0], "lelang_id": lid,
                                   "alasan": "bukan haknya"})
    view = world.call("stop_lelang", {"actor": world.pa, "lelang_id": lid,
                                      "alasan": "  Anggaran dialihkan  "})
    assert view["status"] == "dihentikan"
    public = world.call("get_lelang", {"actor": None, "lelang_id": lid})
    last = public["riwayat"][-1]
    assert (public["status"], last["jenis"], last["alasan"]) == (
        "dihentikan", "hentikan", "Anggaran dialihkan")
    assert public["alasan_gagal"] == "HPS keliru dihitung"  # why it failed stays
    [event] = _outbox(world, "lelang_stopped")
    assert event["alasan"] == "Anggaran dialihkan" and event["status"] == "dihentikan"
    assert sorted(event["peserta_ids"]) == sorted(b.penyedia_id for b in bidders)
    with pytest.raises(Conflict) as err:
        world.call("retender_lelang", {"actor": world.pokja[0], "lelang_id": lid})
    assert err.value.code == "RETENDER_NOT_FAILED"
    with pytest.raises(InvalidTransition) as err:
        world.call("stop_lelang", {"actor": world.pa, "lelang_id": lid,
                                   "alasan": "sekali lagi"})
    assert err.value.code == "LELANG_NOT_FAILED"


def test_a_running_lelang_is_not_stopped_and_a_re_tendered_one_neither(world):
    lid, _ = registered(world)
    with pytest.raises(InvalidTransition) as err:
        world.call("stop_lelang", {"actor": world.pokja[0], "lelang_id": lid,
                                   "alasan": "terlalu cepat"})
    assert err.value.code == "LELANG_NOT_FAILED"
    world.call("fail_lelang", {"actor": world.pokja[0], "lelang_id": lid,
                               "alasan": "HPS keliru dihitung"})
    retender = world.call("retender_lelang", {"actor": world.pokja[0],
                                              "lelang_id": lid})
    with pytest.raises(Conflict) as err:
        world.call("stop_lelang", {"actor": world.pokja[0], "lelang_id": lid,
                                   "alasan": "berhenti saja"})
    assert err.value.code == "RETENDER_EXISTS"
    # the re-tender is withdrawn as a draft: the failed one is free again
    world.call("cancel_lelang", {"actor": world.pokja[1],
                                 "lelang_id": retender["lelang_id"],
                                 "alasan": "Pengadaan tidak dilanjutkan"})
    old = world.call("get_lelang", {"actor": None, "lelang_id": lid})
    assert old["retender_oleh"] is None
    stopped = world.call("stop_lelang", {"actor": world.pokja[0], "lelang_id": lid,
                                         "alasan": "Pengadaan tidak dilanjutkan"})
    assert stopped["status"] == "dihentikan"


def test_a_withdrawn_draft_was_never_public_and_frees_its_paket(world):
    draft = world.lelang(M.PASCAKUALIFIKASI_1_FILE, announce=False)
    lid = draft["lelang_id"]
    with pytest.raises(Forbidden):
        world.call("cancel_lelang", {"actor": world.ppk, "lelang_id": lid,
                                     "alasan": "bukan Pokja"})
    view = world.call("cancel_lelang", {"actor": world.pokja[0], "lelang_id": lid,
                                        "alasan": "Spesifikasi disusun ulang"})
    assert view["status"] == "dibatalkan" and view["kunci_publik"] == []
    with pytest.raises(EprocError) as err:
        world.call("get_lelang", {"actor": None, "lelang_id": lid})
    assert err.value.code == "LELANG_NOT_FOUND"
    listed = world.call("list_lelang", {"actor": None, "page": 1, "per_page": 100})
    assert lid not in {item["lelang_id"] for item in listed["items"]}
    assert not _outbox(world, "lelang_announced")  # nothing was ever announced
    for action in ("announce_lelang", "cancel_lelang"):
        with pytest.raises(InvalidTransition) as err:
            world.call(action, {"actor": world.pokja[0], "lelang_id": lid,
                                "alasan": "lagi"})
        assert err.value.code == "LELANG_NOT_DRAFT"
    paket = world.call("get_paket", {"actor": world.ppk, "paket_id": draft["paket_id"]})
    assert paket["status"] == "ditugaskan"
    start = world.kalender.next_working_day(world.now.date() + timedelta(days=1))
    again = world.call("create_lelang", {
        "actor": world.pokja[0], "paket_id": draft["paket_id"],
        "metode": M.PASCAKUALIFIKASI_1_FILE, "metode_evaluasi": "sistem_gugur",
        "jadwal": world.jadwal(M.PASCAKUALIFIKASI_1_FILE, start),
        "dokumen": [world.upload(b"%PDF-y")]})
    assert again["status"] == "draft" and again["lelang_id"] != lid
