"""THE case table of the red-flag tests: per indicator, a lelang that raises it, one
just on the other side of its threshold, and the ones it cannot be computed on.

Every case starts from :data:`CLEAN`, a lelang on which no indicator is raised,
and changes as little as possible, so each case shows what its flag reacts to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from services.reporting.domain.red_flags import (
    DEFAULT_THRESHOLDS,
    Audience,
    Evaluasi,
    Lelang,
    Metode,
    MetodeEvaluasi,
    Pemenang,
    Penawaran,
    Population,
    Severity,
    Status,
    TahapEvaluasi,
    Thresholds,
)

WITA = timezone(timedelta(hours=8))
ANNOUNCED = datetime(2026, 3, 2, 8, 0, tzinfo=WITA)
DEADLINE = datetime(2026, 3, 16, 16, 0, tzinfo=WITA)  # 14⅓ days later
IN_TIME = DEADLINE - timedelta(hours=5)
AWARDED = datetime(2026, 3, 25, 10, 0, tzinfo=WITA)
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=WITA)
M = Decimal(1_000_000)  # one million rupiah
HPS = 1000 * M

R, N, X = Status.RAISED, Status.NOT_RAISED, Status.NOT_COMPUTABLE


def bid(penyedia_id: str, harga: Decimal | None, gugur: TahapEvaluasi | None = None,
        *, evaluated: bool = True, at: datetime | None = IN_TIME,
        offered: Decimal | None = None, alasan: str | None = None) -> Penawaran:
    """A bid at ``harga`` (corrected; ``offered`` if it differs), passed or gugur at
    a step, received at ``at``."""
    evaluasi = (Evaluasi(gugur is None, gugur, alasan) if evaluated else None)
    return Penawaran(penyedia_id, at, offered if offered is not None else harga,
                     harga, evaluasi)


#: A = winner at 850M (85% HPS), B and D passed, C gugur: nothing to flag
CLEAN_BIDS = (
    bid("A", 850 * M),
    bid("B", 900 * M),
    bid("C", 920 * M, TahapEvaluasi.TEKNIS, alasan="metode kerja tidak memenuhi"),
    bid("D", 960 * M),
)
CLEAN = Lelang(
    lelang_id="L-1", kode="LL2026-0001", agency_id="AG-DPUPR",
    nama="Rehabilitasi Jalan Amlapura - Bebandem",
    metode=Metode.PASCAKUALIFIKASI_1_FILE,
    metode_evaluasi=MetodeEvaluasi.SISTEM_GUGUR, nilai_hps=HPS,
    diumumkan_pada=ANNOUNCED, batas_upload=DEADLINE, jumlah_perubahan_jadwal=1,
    penawaran=CLEAN_BIDS, jumlah_penawaran=4, pemenang=Pemenang("A", 850 * M),
    pemenang_diumumkan_pada=AWARDED)


def with_bids(*bids: Penawaran, winner: str | None = "A", **changes) -> Lelang:
    """CLEAN with other bids (and the winner's price taken from its bid)."""
    pemenang = None
    if winner is not None:
        price = next(b.harga for b in bids if b.penyedia_id == winner)
        pemenang = Pemenang(winner, price)
    return replace(CLEAN, penawaran=bids, jumlah_penawaran=changes.pop(
        "jumlah_penawaran", len(bids)), pemenang=pemenang, **changes)


def bids_replacing(**by_id: Penawaran) -> tuple[Penawaran, ...]:
    return tuple(by_id.get(b.penyedia_id, b) for b in CLEAN_BIDS)


NOT_ANNOUNCED = replace(CLEAN, pemenang_diumumkan_pada=None)


@dataclass(frozen=True)
class Case:
    code: str
    name: str
    lelang: Lelang
    status: Status
    severity: Severity | None = None
    audience: Audience | None = None
    now: datetime = NOW
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    population: Population | None = None

    @property
    def id(self) -> str:
        return f"{self.code}-{self.status}-{self.name}"


def _population(n: int, low: str, high: str) -> tuple[Decimal, ...]:
    """n values spread evenly from low to high."""
    a, b = Decimal(low), Decimal(high)
    return tuple(a + (b - a) * k / (n - 1) for k in range(n))


CASES: tuple[Case, ...] = (
    # ---------------------------------------------------------------- R003
    Case("R003", "under_12_days", replace(
        CLEAN, batas_upload=ANNOUNCED + timedelta(days=12, seconds=-1)), R,
        Severity.SEDANG),
    Case("R003", "exactly_12_days", replace(
        CLEAN, batas_upload=ANNOUNCED + timedelta(days=12)), N),
    Case("R003", "prakualifikasi_20_days", replace(
        CLEAN, metode=Metode.PRAKUALIFIKASI_1_FILE,
        batas_upload=ANNOUNCED + timedelta(days=20)), R),
    Case("R003", "prakualifikasi_22_days", replace(
        CLEAN, metode=Metode.PRAKUALIFIKASI_2_FILE,
        metode_evaluasi=MetodeEvaluasi.SISTEM_NILAI,
        batas_upload=ANNOUNCED + timedelta(days=22)), N),
    Case("R003", "own_threshold", CLEAN, R, thresholds=replace(
        DEFAULT_THRESHOLDS, r003_min_days_pascakualifikasi=Decimal(15))),
    Case("R003", "no_deadline", replace(CLEAN, batas_upload=None), X),
    # ---------------------------------------------------------------- R018
    Case("R018", "single_bid_awarded", with_bids(bid("A", 850 * M)), R,
         Severity.TINGGI, Audience.PUBLIK),
    Case("R018", "single_receipt_no_award", replace(
        CLEAN, penawaran=(bid("A", None, evaluated=False),), jumlah_penawaran=None,
        pemenang=None, pemenang_diumumkan_pada=None), R, Severity.SEDANG,
        Audience.INTERNAL),
    Case("R018", "two_bids", with_bids(bid("A", 850 * M), bid("B", 900 * M)), N),
    Case("R018", "no_bid", replace(CLEAN, penawaran=(), jumlah_penawaran=None,
                                   pemenang=None, pemenang_diumumkan_pada=None), N),
    Case("R018", "upload_still_open", replace(
        NOT_ANNOUNCED, jumlah_penawaran=None, pemenang=None), X,
        now=DEADLINE - timedelta(minutes=1)),
    # ---------------------------------------------------------------- R024
    Case("R024", "second_1_percent_above", with_bids(
        bid("A", 850 * M), bid("B", Decimal(858_500_000))), R, Severity.SEDANG),
    Case("R024", "second_just_over_1_percent", with_bids(
        bid("A", 850 * M), bid("B", Decimal(858_600_000))), N),
    # gaps 0.20..0.30: lower fence 0.15, above CLEAN's gap of 0.0588
    Case("R024", "population_fence", CLEAN, R, population=Population(
        price_gaps=_population(21, "0.20", "0.30"))),
    Case("R024", "small_population_ignored", CLEAN, N, population=Population(
        price_gaps=_population(19, "0.20", "0.30"))),
    Case("R024", "winner_not_lowest", with_bids(
        bid("A", 850 * M), bid("B", 900 * M), winner="B",
        metode_evaluasi=MetodeEvaluasi.SISTEM_NILAI), X),
    Case("R024", "no_other_valid_bid", with_bids(
        bid("A", 850 * M), bid("B", 900 * M, TahapEvaluasi.ADMINISTRASI)), X),
    Case("R024", "not_announced", NOT_ANNOUNCED, X),
    # ---------------------------------------------------------------- R028
    Case("R028", "same_offer", replace(CLEAN, penawaran=bids_replacing(
        C=bid("C", 900 * M, TahapEvaluasi.TEKNIS))), R, Severity.TINGGI),
    Case("R028", "one_rupiah_apart", replace(CLEAN, penawaran=bids_replacing(
        C=bid("C", Decimal(900_000_001), TahapEvaluasi.TEKNIS))), N),
    Case("R028", "same_corrected_only", replace(CLEAN, penawaran=bids_replacing(
        D=bid("D", 900 * M, offered=Decimal(905_000_000)))), R),
    Case("R028", "one_priced_bid", with_bids(bid("A", 850 * M)), X),
    Case("R028", "not_announced", NOT_ANNOUNCED, X),
    # ---------------------------------------------------------------- R030
    Case("R030", "winner_one_second_late", replace(CLEAN, penawaran=bids_replacing(
        A=bid("A", 850 * M, at=DEADLINE + timedelta(seconds=1)))), R,
        Severity.TINGGI, Audience.INTERNAL),
    Case("R030", "winner_at_deadline", replace(CLEAN, penawaran=bids_replacing(
        A=bid("A", 850 * M, at=DEADLINE))), N),
    Case("R030", "loser_late_only", replace(CLEAN, penawaran=bids_replacing(
        D=bid("D", 960 * M, at=DEADLINE + timedelta(hours=1)))), N),
    Case("R030", "no_receipt_time", replace(CLEAN, penawaran=bids_replacing(
        A=bid("A", 850 * M, at=None))), X),
    Case("R030", "no_winner", replace(CLEAN, pemenang=None), X),
    # ---------------------------------------------------------------- R035
    Case("R035", "only_winner_passed", with_bids(
        bid("A", 850 * M), bid("B", 800 * M, TahapEvaluasi.ADMINISTRASI),
        bid("C", 820 * M, TahapEvaluasi.KUALIFIKASI),
        bid("D", 960 * M, evaluated=False)), R, Severity.SEDANG),
    Case("R035", "one_other_passed", with_bids(
        bid("A", 850 * M), bid("B", 900 * M),
        bid("C", 820 * M, TahapEvaluasi.KUALIFIKASI)), N),
    Case("R035", "threshold_two", with_bids(
        bid("A", 850 * M), bid("B", 800 * M, TahapEvaluasi.ADMINISTRASI)), N,
        thresholds=replace(DEFAULT_THRESHOLDS, r035_min_disqualified=2)),
    Case("R035", "nothing_evaluated", with_bids(
        bid("A", 850 * M, evaluated=False), bid("B", 900 * M, evaluated=False)), X),
    Case("R035", "not_announced", NOT_ANNOUNCED, X),
    # ---------------------------------------------------------------- R036
    Case("R036", "lowest_gugur", with_bids(
        *CLEAN_BIDS, bid("E", 800 * M, TahapEvaluasi.HARGA,
                         alasan="harga tidak wajar")), R, Severity.TINGGI),
    Case("R036", "tied_lowest_one_survives", with_bids(
        *CLEAN_BIDS, bid("E", 850 * M, TahapEvaluasi.HARGA)), N),
    Case("R036", "sistem_nilai", replace(
        CLEAN, metode=Metode.PASCAKUALIFIKASI_2_FILE,
        metode_evaluasi=MetodeEvaluasi.SISTEM_NILAI), X),
    Case("R036", "lowest_not_evaluated", with_bids(
        *CLEAN_BIDS, bid("E", 800 * M, evaluated=False)), X),
    Case("R036", "not_announced", NOT_ANNOUNCED, X),
    # ---------------------------------------------------------------- R038
    Case("R038", "three_of_four", replace(CLEAN, penawaran=bids_replacing(
        B=bid("B", 900 * M, TahapEvaluasi.ADMINISTRASI),
        D=bid("D", 960 * M, TahapEvaluasi.TEKNIS))), R, Severity.SEDANG),
    Case("R038", "five_of_seven", with_bids(
        bid("A", 850 * M), bid("B", 900 * M),
        *(bid(f"G{n}", (900 + n) * M, TahapEvaluasi.ADMINISTRASI)
          for n in range(5))), N),
    Case("R038", "receipts_count_more", replace(CLEAN, jumlah_penawaran=8), N),
    # ratios 0..0.2: upper fence 0.30, above CLEAN's 0.25 but below 2 of 4
    Case("R038", "population_fence", CLEAN, N, population=Population(
        disqualification_ratios=_population(20, "0.0", "0.2"))),
    Case("R038", "population_outlier", replace(CLEAN, penawaran=bids_replacing(
        B=bid("B", 900 * M, TahapEvaluasi.ADMINISTRASI))), R,
        population=Population(disqualification_ratios=_population(20, "0", "0.2"))),
    Case("R038", "two_bids", with_bids(
        bid("A", 850 * M), bid("B", 900 * M, TahapEvaluasi.ADMINISTRASI)), X),
    Case("R038", "not_announced", NOT_ANNOUNCED, X),
    # ---------------------------------------------------------------- R058
    Case("R058", "winner_25_percent_below", with_bids(
        bid("A", 720 * M), bid("B", 900 * M)), R, Severity.TINGGI),
    Case("R058", "winner_just_above_fence", with_bids(
        bid("A", Decimal(720_100_000)), bid("B", 900 * M)), N),
    Case("R058", "population_fence_above_80_hps", with_bids(
        bid("A", 850 * M), bid("B", 990 * M)), R, Severity.SEDANG,
        population=Population(price_gaps=_population(20, "0.01", "0.05"))),
    Case("R058", "not_announced", NOT_ANNOUNCED, X),
    Case("R058", "no_winner", replace(CLEAN, pemenang=None), X),
    # ---------------------------------------------------------------- ID-HPS95
    Case("ID-HPS95", "contract_95_percent", replace(CLEAN, nilai_kontrak=950 * M),
         R, Severity.SEDANG),
    Case("ID-HPS95", "winner_above_hps", with_bids(
        bid("A", Decimal(1_000_000_001)), bid("B", 1010 * M)), R, Severity.TINGGI),
    Case("ID-HPS95", "contract_just_under_95", replace(
        CLEAN, nilai_kontrak=Decimal(949_999_999)), N),
    Case("ID-HPS95", "no_hps", replace(CLEAN, nilai_hps=None), X),
    Case("ID-HPS95", "not_announced", NOT_ANNOUNCED, X),
    # ---------------------------------------------------------------- ID-JADWAL
    Case("ID-JADWAL", "three_changes", replace(CLEAN, jumlah_perubahan_jadwal=3), R,
         Severity.RENDAH),
    Case("ID-JADWAL", "two_changes", replace(CLEAN, jumlah_perubahan_jadwal=2), N),
    # ---------------------------------------------------------------- ID-TERENDAH
    Case("ID-TERENDAH", "cheaper_passed_bid", replace(
        CLEAN, pemenang=Pemenang("B", 900 * M)), R, Severity.TINGGI),
    Case("ID-TERENDAH", "tie_with_winner", with_bids(
        bid("A", 850 * M), bid("B", 850 * M)), N),
    Case("ID-TERENDAH", "sistem_nilai", replace(
        CLEAN, metode_evaluasi=MetodeEvaluasi.SISTEM_NILAI), X),
    Case("ID-TERENDAH", "none_passed", with_bids(
        bid("A", 850 * M, evaluated=False), bid("B", 900 * M, evaluated=False)), X),
)

#: indicators that are computable on every lelang the read model holds (the
#: schedule-change count starts at 0 with the announcement)
ALWAYS_COMPUTABLE = frozenset({"ID-JADWAL"})
