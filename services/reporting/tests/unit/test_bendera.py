"""The red-flag input from events (services/reporting/domain/bendera.py): built from
every recorded tender stream and run through ``red_flags.compute``, from the contract
samples (the sketch of test_red_flags), and from a crafted stream that raises R028
and R030."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from services.reporting.domain import red_flags as rf
from services.reporting.domain.bendera import flag_input, lelang_ids
from services.reporting.domain.proyeksi import Event
from services.reporting.tests.ocds_support import (
    LELANG_ID,
    PENYEDIA,
    T0,
    event,
    hasil_row,
    recorded,
    recorded_names,
)
from services.reporting.tests.unit.red_flag_cases import AWARDED, NOW
from services.reporting.tests.unit.test_red_flags import lelang_from_samples

S = rf.Status
FULL = [n for n in recorded_names() if n.startswith("tender_")]
FAILED = "failed_then_retender"
#: flags on public prices: known only from the winner announcement
PRICE_FLAGS = ("R024", "R028", "R058")


#: R036 and ID-TERENDAH apply to sistem gugur only; under sistem nilai the winner
#: (best score) is not the cheapest, so the price gap of R024/R058 is undefined
NOT_COMPUTABLE = {
    "tender_pascakualifikasi_1_file": set(),
    "tender_pascakualifikasi_2_file": {"R024", "R036", "R058", "ID-TERENDAH"},
    "tender_prakualifikasi_1_file": set(),
    "tender_prakualifikasi_2_file": {"R036", "ID-TERENDAH"},
}


def flags(lelang: rf.Lelang, now: datetime) -> dict[str, rf.Flag]:
    return {f.code: f for f in rf.compute(lelang, now=now)}


def after(events: list[Event]) -> datetime:
    return max(e.occurred_at for e in events) + timedelta(days=1)


# ------------------------------------------------------------------ recorded streams
@pytest.mark.parametrize("name", FULL)
def test_a_full_tender_gives_verdicts(name: str) -> None:
    events = recorded(name)
    lelang = flag_input(events)
    assert lelang is not None
    announced = next(e for e in events if e.event_type == "lelang_announced")
    assert lelang.lelang_id == announced.payload["lelang_id"]
    assert lelang.nilai_hps == Decimal("1500000000.00")
    assert lelang.nilai_kontrak is not None and lelang.pemenang is not None
    assert lelang.jumlah_penawaran == 3
    winner = next(e for e in events if e.event_type == "pemenang_announced")
    assert lelang.pemenang_diumumkan_pada == winner.occurred_at
    kontrak = next(e for e in events if e.event_type == "kontrak_signed")
    assert lelang.pemenang.penyedia_id == kontrak.payload["penyedia_id"]
    # every bidder has its receipt; the winner's is before the deadline
    bidders = {e.payload["penyedia_id"] for e in events
               if e.event_type == "penawaran_submitted"}
    assert {p.penyedia_id for p in lelang.penawaran} == bidders
    assert all(p.diterima_pada is not None for p in lelang.penawaran)
    found = flags(lelang, after(events))
    assert found["R003"].status is S.NOT_RAISED, found["R003"].explanation
    assert found["R018"].status is S.NOT_RAISED
    assert found["R030"].status is S.NOT_RAISED
    assert found["R028"].status is S.NOT_RAISED
    assert found["ID-JADWAL"].status is S.NOT_RAISED
    # the contract is 90% or 93% of HPS
    assert found["ID-HPS95"].status is S.NOT_RAISED
    assert found["ID-HPS95"].evidence["sumber"] == "nilai_kontrak"
    # nothing is raised on a clean tender; what cannot be computed says why
    assert {c for c, f in found.items() if f.status is S.NOT_COMPUTABLE} == (
        NOT_COMPUTABLE[name])
    assert not rf.raised(found.values())


@pytest.mark.parametrize("name", FULL)
def test_before_the_winner_announcement_prices_are_not_computable(name: str) -> None:
    events = recorded(name)
    cut = next(i for i, e in enumerate(events) if e.event_type == "pemenang_announced")
    lelang = flag_input(events[:cut])
    assert lelang is not None and lelang.pemenang_diumumkan_pada is None
    assert all(p.harga is None for p in lelang.penawaran)
    found = flags(lelang, events[cut].occurred_at)
    assert found["R003"].status is not S.NOT_COMPUTABLE
    for code in (*PRICE_FLAGS, "R035", "R036", "R038", "ID-TERENDAH"):
        assert found[code].status is S.NOT_COMPUTABLE, code
    assert found["R018"].status is S.NOT_RAISED  # receipts: 3 (internal)
    assert found["R018"].audience is rf.Audience.INTERNAL


def test_the_first_tender_in_detail() -> None:
    events = recorded("tender_pascakualifikasi_1_file")
    lelang = flag_input(events)
    assert lelang.metode is rf.Metode.PASCAKUALIFIKASI_1_FILE
    assert lelang.metode_evaluasi is rf.MetodeEvaluasi.SISTEM_GUGUR
    assert lelang.jumlah_perubahan_jadwal == 1
    # pengumuman 3 Nov 08:00 WITA; upload until 16 Nov 16:00 WITA
    assert lelang.diumumkan_pada == datetime.fromisoformat("2026-11-03T08:00:00+08:00")
    assert lelang.batas_upload == datetime.fromisoformat("2026-11-16T16:00:00+08:00")
    corrected = lelang.bid_of("7b53752b-4617-4caa-b1e2-bd9a06d9e395")
    assert corrected.harga_penawaran == Decimal("1400000000.00")
    assert corrected.harga == Decimal("1390000000.00")
    assert corrected.valid and corrected.peringkat == 2
    found = flags(lelang, after(events))
    assert found["ID-TERENDAH"].status is S.NOT_RAISED
    assert found["R036"].status is S.NOT_RAISED
    assert found["R024"].status is S.NOT_RAISED  # 1.39 bn vs 1.35 bn: 2.96%


def test_a_bidder_failing_teknis_is_gugur() -> None:
    lelang = flag_input(recorded("tender_pascakualifikasi_2_file"))
    gugur = lelang.bid_of("558a6c33-c89a-467a-8e76-3edccfdc1a67")
    assert gugur.gugur and gugur.evaluasi.gugur_pada is rf.TahapEvaluasi.TEKNIS
    assert gugur.evaluasi.alasan == "metode kerja tidak memenuhi"
    assert lelang.metode_evaluasi is rf.MetodeEvaluasi.SISTEM_NILAI


def test_a_prakualifikasi_counts_from_its_announcement() -> None:
    lelang = flag_input(recorded("tender_prakualifikasi_1_file"))
    assert lelang.diumumkan_pada == datetime.fromisoformat("2026-11-03T08:00:00+08:00")
    assert lelang.metode.prakualifikasi


def test_a_failed_lelang_and_its_retender() -> None:
    events = recorded(FAILED)
    first, second = lelang_ids(events)
    failed = flag_input(events)
    assert failed.lelang_id == first
    assert failed.pemenang is None and failed.jumlah_penawaran is None
    assert len(failed.penawaran) == 2
    found = flags(failed, after(events))
    assert found["R003"].status is S.NOT_RAISED  # 5 -> 20 Jun 2012: 15⅓ days
    assert found["R018"].status is S.NOT_RAISED  # two receipts after the deadline
    assert found["R018"].evidence["jumlah_penawaran"] == 2
    for code in (*PRICE_FLAGS, "R030", "R035", "ID-HPS95"):
        assert found[code].status is S.NOT_COMPUTABLE, code
    again = flag_input(events, lelang_id=second)
    assert again.lelang_id == second and again.penawaran == ()
    assert flags(again, after(events))["R003"].status is not S.NOT_COMPUTABLE


def test_nothing_before_the_announcement() -> None:
    events = recorded("tender_pascakualifikasi_1_file")
    cut = [e.event_type for e in events].index("lelang_announced")
    assert flag_input([]) is None
    assert flag_input(events[:cut]) is None
    assert flag_input(events, lelang_id="another") is None


# ------------------------------------------------------------------ the samples
def sample_stream() -> list[Event]:
    return [event("lelang_announced", at=T0),
            event("jadwal_changed", at=T0 + timedelta(5)),
            event("penawaran_submitted", at=T0 + timedelta(17)),
            event("pemenang_announced", at=AWARDED),
            event("kontrak_signed", at=AWARDED + timedelta(10))]


def test_the_samples_give_the_sketch_of_test_red_flags() -> None:
    """``lelang_from_samples`` in test_red_flags sketches the mapping by hand."""
    assert flag_input(sample_stream()) == lelang_from_samples()
    found = flags(flag_input(sample_stream()), NOW)
    assert found["ID-HPS95"].evidence["rasio_hps"] == "0.9000"


def test_a_redelivered_change_counts_once_and_the_latest_receipt_counts() -> None:
    changes = [event("jadwal_changed", at=T0 + timedelta(days=d)) for d in (1, 2, 3)]
    first = event("penawaran_submitted", at=T0 + timedelta(16),
                  diterima_pada="2026-12-20T01:00:00+00:00", versi=1)
    second = event("penawaran_submitted", at=T0 + timedelta(17),
                   diterima_pada="2026-12-21T01:00:00+00:00", versi=2)
    lelang = flag_input([event("lelang_announced"), changes[0], changes[0], second,
                         first, second])
    assert lelang.jumlah_perubahan_jadwal == 1
    assert lelang.bid_of(PENYEDIA).diterima_pada == datetime.fromisoformat(
        "2026-12-21T01:00:00+00:00")
    many = flag_input([event("lelang_announced"), *changes])
    assert many.jumlah_perubahan_jadwal == 3
    assert flags(many, NOW)["ID-JADWAL"].status is S.RAISED


def test_a_crafted_stream_raises_r028_and_r030() -> None:
    """Upload closes 23 Dec 16:00 WITA (the sample jadwal_changed); the winner's bid
    is received at 17:30, and a second bidder offers the very same price."""
    late = event("penawaran_submitted", at=T0 + timedelta(20),
                 diterima_pada="2026-12-23T17:30:00+08:00")
    other = event("penawaran_submitted", at=T0 + timedelta(18), penyedia_id="p-2",
                  penawaran_id="pw-2", diterima_pada="2026-12-22T10:00:00+08:00")
    hasil = [hasil_row(PENYEDIA, "CV Karya Bali", "1350000000.00", "1350000000.00", 1),
             hasil_row("p-2", "CV Dua", "1350000000.00", "1350000000.00", 2)]
    pemenang = [{"penyedia_id": PENYEDIA, "nama": "CV Karya Bali", "npwp": None,
                 "alamat": None, "harga_penawaran": "1350000000.00",
                 "harga_terkoreksi": "1350000000.00", "peringkat": 1}]
    winner = event("pemenang_announced", at=T0 + timedelta(30), hasil_evaluasi=hasil,
                   pemenang=pemenang, jumlah_penawaran=2,
                   peserta_ids=[PENYEDIA, "p-2"])
    stream = [event("lelang_announced", at=T0), event("jadwal_changed",
                                                      at=T0 + timedelta(5)),
              other, late, winner]
    lelang = flag_input(stream)
    assert lelang.lelang_id == LELANG_ID
    assert lelang.batas_upload == datetime.fromisoformat("2026-12-23T16:00:00+08:00")
    found = flags(lelang, T0 + timedelta(31))
    assert found["R028"].status is S.RAISED
    assert found["R028"].evidence["kelompok"][0]["penyedia_ids"] == sorted(
        [PENYEDIA, "p-2"])
    assert found["R030"].status is S.RAISED
    assert found["R030"].evidence["terlambat_detik"] == 90 * 60
    assert found["R030"].audience is rf.Audience.INTERNAL
    body = rf.propose_laporan(lelang, list(found.values()))
    assert body is not None
    assert "[R030," in body["uraian"] and "[R028," in body["uraian"]
    # the same stream without the announcement: R028 waits, R030 needs a winner
    early = flags(flag_input(stream[:-1]), T0 + timedelta(31))
    assert early["R028"].status is S.NOT_COMPUTABLE
    assert early["R030"].status is S.NOT_COMPUTABLE


def test_a_file_1_failure_from_hasil_announced() -> None:
    """A bidder failing File I whom the winner announcement does not list keeps
    its File I failure."""
    receipt = event("penawaran_submitted", penyedia_id="p-9", penawaran_id="pw-9")
    hasil = event("hasil_announced", jenis="evaluasi_file_1", lulus=[PENYEDIA],
                  tidak_lulus=["p-9"])
    lelang = flag_input([event("lelang_announced"), receipt, hasil,
                         event("pemenang_announced", at=AWARDED)])
    failed = lelang.bid_of("p-9")
    assert failed.gugur and failed.evaluasi.gugur_pada is rf.TahapEvaluasi.FILE_1
    assert failed.diterima_pada is not None
    assert lelang.bid_of(PENYEDIA).valid
