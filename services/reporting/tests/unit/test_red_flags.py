"""Red flags (services/reporting/domain/red_flags.py): the case table of
``red_flag_cases`` run against THE indicator table, plus the report proposal, the
input built from the contract samples, and a few properties."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.contracts import lelang as lelang_contracts
from services.common.contracts.pengaduan import REPORT_PENYIMPANGAN
from services.reporting.domain import red_flags as rf
from services.reporting.tests.unit.red_flag_cases import (
    ALWAYS_COMPUTABLE,
    AWARDED,
    CASES,
    CLEAN,
    DEADLINE,
    IN_TIME,
    NOW,
    Case,
    M,
    bid,
    with_bids,
)

SAMPLES = Path(__file__).resolve().parents[4] / "tests" / "contract" / "samples"


def flag_of(flags: list[rf.Flag], code: str) -> rf.Flag:
    return next(f for f in flags if f.code == code)


def run(case: Case) -> rf.Flag:
    flags = rf.compute(case.lelang, case.thresholds, now=case.now,
                       population=case.population)
    return flag_of(flags, case.code)


# ------------------------------------------------------------------ the table
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case(case: Case) -> None:
    flag = run(case)
    assert flag.status is case.status, (flag.explanation, flag.evidence)
    assert flag.explanation
    if case.severity is not None:
        assert flag.severity is case.severity
    if case.audience is not None:
        assert flag.audience is case.audience
    assert (flag.severity is not None) == flag.raised
    if flag.status is not rf.Status.NOT_COMPUTABLE:
        assert flag.evidence, "a verdict carries its evidence"
        json.dumps(flag.evidence)  # JSON-ready


def test_every_indicator_has_each_kind_of_case() -> None:
    """Raised, not raised near the threshold, and not computable (unless the
    indicator is always computable) - and no case names an unknown code."""
    codes = {i.code for i in rf.INDICATORS}
    assert {c.code for c in CASES} <= codes
    for code in codes:
        seen = {c.status for c in CASES if c.code == code}
        expected = {rf.Status.RAISED, rf.Status.NOT_RAISED}
        if code not in ALWAYS_COMPUTABLE:
            expected.add(rf.Status.NOT_COMPUTABLE)
        assert expected <= seen, code


def test_clean_lelang_raises_nothing() -> None:
    flags = rf.compute(CLEAN, now=NOW)
    assert [f.code for f in flags] == [i.code for i in rf.INDICATORS]
    assert {f.code: f.status for f in flags} == {
        i.code: rf.Status.NOT_RAISED for i in rf.INDICATORS}
    assert rf.raised(flags) == []
    assert rf.propose_laporan(CLEAN, flags) is None


def test_table_is_readable() -> None:
    for indicator in rf.INDICATORS:
        assert indicator.title and indicator.description
        assert rf.BY_CODE[indicator.code] is indicator


def test_before_any_bid_only_schedule_flags_are_known() -> None:
    """Right after the announcement: no bids, no winner."""
    fresh = replace(CLEAN, penawaran=(), jumlah_penawaran=None, pemenang=None,
                    pemenang_diumumkan_pada=None, jumlah_perubahan_jadwal=0)
    flags = rf.compute(fresh, now=DEADLINE - timedelta(days=5))
    known = {f.code for f in flags if f.status is not rf.Status.NOT_COMPUTABLE}
    assert known == {"R003", "ID-JADWAL", }
    assert all(f.status is rf.Status.NOT_COMPUTABLE
               for f in flags if f.code not in known)


def test_no_price_evidence_before_the_winner_announcement() -> None:
    """DOMAIN §11: prices and evaluation results are public from the winner
    announcement; before it no flag carries a price, whatever the read model
    holds. Receipt times are internal."""
    early = replace(CLEAN, pemenang_diumumkan_pada=None)
    for flag in rf.compute(early, now=NOW):
        if flag.status is not rf.Status.NOT_COMPUTABLE:
            assert not any("harga" in key for key in flag.evidence), flag.code
    assert rf.BY_CODE["R030"].audience is rf.Audience.INTERNAL


def test_r018_counts_the_announced_number_over_receipts() -> None:
    single_receipt = with_bids(bid("A", 850 * M), jumlah_penawaran=3)
    flag = flag_of(rf.compute(single_receipt, now=NOW), "R018")
    assert flag.status is rf.Status.NOT_RAISED
    assert flag.evidence["jumlah_penawaran"] == 3
    assert flag.evidence["sumber"] == "pengumuman_pemenang"


def test_r058_evidence_relates_to_the_80_percent_hps_rule() -> None:
    lelang = with_bids(bid("A", 720 * M), bid("B", 900 * M))
    flag = flag_of(rf.compute(lelang, now=NOW), "R058")
    assert flag.evidence["di_bawah_80_persen_hps"] is True
    assert flag.evidence["rasio_pemenang_hps"] == "0.7200"
    assert "80% HPS" in flag.explanation


def test_r036_evidence_names_the_step_and_reason() -> None:
    lelang = with_bids(bid("A", 850 * M), bid("B", 900 * M),
                       bid("E", 800 * M, rf.TahapEvaluasi.HARGA,
                           alasan="harga tidak wajar"))
    flag = flag_of(rf.compute(lelang, now=NOW), "R036")
    assert flag.evidence["alasan_gugur"] == [
        {"penyedia_id": "E", "tahap": "harga", "alasan": "harga tidak wajar"}]


def test_population_statistics() -> None:
    assert rf.price_gap(CLEAN) == Decimal(50) / Decimal(850)
    assert rf.disqualification_ratio(CLEAN) == Decimal("0.25")
    assert rf.price_gap(replace(CLEAN, pemenang=None)) is None
    assert rf.disqualification_ratio(replace(
        CLEAN, penawaran=(), jumlah_penawaran=None)) is None


# ------------------------------------------------------------------ input
def test_enums_mirror_the_contracts() -> None:
    assert {m.value for m in rf.Metode} == {
        m.value for m in lelang_contracts.MetodeLelang}
    assert {m.value for m in rf.MetodeEvaluasi} == {
        m.value for m in lelang_contracts.MetodeEvaluasi}


def test_input_accepts_wire_strings_and_lists() -> None:
    lelang = rf.Lelang("L", "K", "AG", "prakualifikasi_2_file", "sistem_nilai",
                       penawaran=[bid("A", 1 * M)])
    assert lelang.metode is rf.Metode.PRAKUALIFIKASI_2_FILE
    assert lelang.metode.prakualifikasi
    assert isinstance(lelang.penawaran, tuple)


@pytest.mark.parametrize("changes", [
    {"penawaran": (bid("A", 1 * M), bid("A", 2 * M))},
    {"batas_upload": datetime(2026, 3, 16, 16, 0)},
    {"penawaran": (bid("A", 1 * M, at=datetime(2026, 3, 16, 8, 0)),)},
], ids=["duplicate_penyedia", "naive_deadline", "naive_receipt"])
def test_input_is_checked(changes: dict) -> None:
    with pytest.raises(ValueError):
        replace(CLEAN, **changes)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        rf.compute(CLEAN, now=datetime(2026, 4, 1))


@pytest.mark.parametrize(("steps", "expected"), [
    ({"administrasi": True, "teknis": True, "harga": True, "kualifikasi": True},
     rf.Evaluasi(True)),
    ({"administrasi": True, "teknis": False, "harga": None},
     rf.Evaluasi(False, rf.TahapEvaluasi.TEKNIS)),
    ({"administrasi": True, "teknis": True, "harga": True, "kualifikasi": None},
     rf.Evaluasi(True)),
    ({"administrasi": True, "kualifikasi": False, "alasan": "SIUJK kedaluwarsa"},
     rf.Evaluasi(False, rf.TahapEvaluasi.KUALIFIKASI, "SIUJK kedaluwarsa")),
    ({}, None),
])
def test_evaluasi_from_the_hasil_evaluasi_booleans(steps: dict, expected) -> None:
    assert rf.Evaluasi.from_steps(**steps) == expected


def _load(name: str) -> dict:
    return json.loads((SAMPLES / "lelang" / f"{name}.json").read_text())


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def lelang_from_samples() -> rf.Lelang:
    """How the read model maps the lelang events onto the input (a sketch for the
    projection: raw sample JSON, so amounts are parsed here)."""
    announced, changed = _load("lelang_announced"), _load("jadwal_changed")
    submitted, winner = _load("penawaran_submitted"), _load("pemenang_announced")
    kontrak = _load("kontrak_signed")
    jadwal = {e["tahapan"]: e for e in announced["jadwal"]}
    for perubahan in changed["perubahan"]:
        mulai, selesai = perubahan["baru"]
        jadwal[perubahan["tahapan"]] = {"mulai": mulai, "selesai": selesai}
    pengumuman = jadwal.get("pengumuman") or jadwal.get("pengumuman_prakualifikasi")
    receipts = {submitted["penyedia_id"]: _time(submitted["diterima_pada"])}
    bids = []
    for row in winner["hasil_evaluasi"]:
        bids.append(rf.Penawaran(
            row["penyedia_id"], receipts.get(row["penyedia_id"]),
            Decimal(row["harga_penawaran"]), Decimal(row["harga_terkoreksi"]),
            rf.Evaluasi.from_steps(
                administrasi=row["lulus_administrasi"], teknis=row["lulus_teknis"],
                harga=row["lulus_harga"], kualifikasi=row["lulus_kualifikasi"],
                alasan=row["alasan"]),
            row["peringkat"]))
    first = next(p for p in winner["pemenang"] if p["peringkat"] == 1)
    return rf.Lelang(
        lelang_id=announced["lelang_id"], kode=announced["kode"],
        agency_id=announced["agency_id"], nama=announced["nama"],
        metode=announced["metode"], metode_evaluasi=announced["metode_evaluasi"],
        nilai_hps=Decimal(announced["nilai_hps"]),
        diumumkan_pada=_time(pengumuman["mulai"]) if pengumuman else _time(
            announced["diumumkan_pada"]),
        batas_upload=_time(jadwal["upload_penawaran"]["selesai"]),
        jumlah_perubahan_jadwal=1, penawaran=bids,
        jumlah_penawaran=winner["jumlah_penawaran"],
        pemenang=rf.Pemenang(first["penyedia_id"], Decimal(first["harga_terkoreksi"])),
        pemenang_diumumkan_pada=AWARDED, nilai_kontrak=Decimal(kontrak["nilai"]))


def test_the_samples_build_an_input() -> None:
    lelang = lelang_from_samples()
    flags = {f.code: f for f in rf.compute(lelang, now=NOW)}
    assert flags["R003"].status is rf.Status.NOT_RAISED  # 7 Dec -> 23 Dec
    assert flags["R030"].status is rf.Status.NOT_RAISED  # received 21 Dec
    assert flags["R018"].status is rf.Status.NOT_RAISED  # 3 bids announced
    assert flags["ID-HPS95"].evidence["rasio_hps"] == "0.9000"


# ------------------------------------------------------------------ the report
def _messy() -> rf.Lelang:
    """Late winner, identical prices, 3 of 4 bids gugur."""
    return with_bids(
        bid("A", 850 * M, at=DEADLINE + timedelta(minutes=3)),
        bid("B", 850 * M, rf.TahapEvaluasi.ADMINISTRASI, alasan="tanpa jaminan"),
        bid("C", 900 * M, rf.TahapEvaluasi.TEKNIS),
        bid("D", 960 * M, rf.TahapEvaluasi.TEKNIS))


def test_propose_laporan_matches_report_penyimpangan() -> None:
    lelang = _messy()
    flags = rf.compute(lelang, now=NOW)
    body = rf.propose_laporan(lelang, flags, pengaduan_id="P-1")
    assert body is not None
    assert body["lelang_id"] == lelang.lelang_id
    assert body["pengaduan_id"] == "P-1"
    sample = json.loads((SAMPLES / "pengaduan" / "report_penyimpangan.json")
                        .read_text())
    request = REPORT_PENYIMPANGAN.load_request(
        {"actor": sample["actor"], **body})
    assert request["lelang_id"] == lelang.lelang_id
    # every raised flag is in the text, most severe first, with its evidence
    uraian = body["uraian"]
    codes = [f.code for f in rf.raised(flags)]
    assert set(codes) >= {"R028", "R030", "R035", "R038"}
    for code in codes:
        assert f"[{code}," in uraian
    assert uraian.index("[R030,") < uraian.index("[R038,")  # tinggi before sedang
    assert "terlambat_detik=180" in uraian
    assert "Pasal 18" in uraian


def test_propose_laporan_key_is_stable() -> None:
    lelang = _messy()
    first = rf.propose_laporan(lelang, rf.compute(lelang, now=NOW))
    again = rf.propose_laporan(lelang, rf.compute(lelang, now=NOW + timedelta(1)))
    other = rf.propose_laporan(
        replace(lelang, jumlah_perubahan_jadwal=5),
        rf.compute(replace(lelang, jumlah_perubahan_jadwal=5), now=NOW))
    assert first["idempotency_key"] == again["idempotency_key"]
    assert first["idempotency_key"] != other["idempotency_key"]
    assert 8 <= len(first["idempotency_key"]) <= 200


def test_propose_laporan_keeps_uraian_within_the_contract() -> None:
    many = with_bids(*(bid(f"P{n:03}-{'x' * 40}", 850 * M,
                           None if n == 0 else rf.TahapEvaluasi.ADMINISTRASI,
                           alasan="y" * 200)
                       for n in range(60)), winner="P000-" + "x" * 40)
    body = rf.propose_laporan(many, rf.compute(many, now=NOW))
    assert 20 <= len(body["uraian"]) <= 8000


# ------------------------------------------------------------------ properties
prices = st.integers(min_value=1, max_value=50).map(lambda n: Decimal(n) * 10 * M)


@st.composite
def bid_lists(draw) -> list[rf.Penawaran]:
    n = draw(st.integers(min_value=0, max_value=7))
    out = []
    for k in range(n):
        gugur = draw(st.sampled_from([None, None, *rf.TahapEvaluasi]))
        out.append(bid(f"P{k}", draw(prices), gugur,
                       evaluated=draw(st.booleans()),
                       at=IN_TIME + timedelta(hours=draw(st.integers(-50, 10)))))
    return out


@settings(max_examples=150, deadline=None)
@given(bids=bid_lists(), data=st.data())
def test_r028_and_totality_symmetric_in_bid_order(bids, data) -> None:
    """No check depends on the order of the bids, and every check gives a
    verdict or a reason on any input."""
    winner = bids[0].penyedia_id if bids else None
    lelang = with_bids(*bids, winner=winner)
    shuffled = data.draw(st.permutations(bids))
    flags = rf.compute(lelang, now=NOW)
    again = rf.compute(replace(lelang, penawaran=tuple(shuffled)), now=NOW)
    assert [(f.code, f.status, f.evidence) for f in flags] == [
        (f.code, f.status, f.evidence) for f in again]
    r028 = flag_of(flags, "R028")
    priced = [b.harga for b in bids]
    if len(priced) >= 2:
        assert r028.raised == (len(set(priced)) < len(priced))


@settings(max_examples=100, deadline=None)
@given(gap_permille=st.integers(min_value=0, max_value=600))
def test_r024_and_r058_never_both_raised(gap_permille: int) -> None:
    """With fences ordered (R024's below R058's) a gap is close or far, not both."""
    second = 800 * M * (1 + Decimal(gap_permille) / 1000)
    lelang = with_bids(bid("A", 800 * M), bid("B", second))
    flags = rf.compute(lelang, now=NOW)
    r024, r058 = flag_of(flags, "R024"), flag_of(flags, "R058")
    assert not (r024.raised and r058.raised)
    assert r024.raised == (gap_permille <= 10)
    assert r058.raised == (gap_permille >= 250)
