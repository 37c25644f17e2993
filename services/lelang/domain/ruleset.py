"""Versioned legal rule-sets (ARCHITECTURE #8, DOMAIN §0, §5.3, §6.4, §7, §8.1).

A lelang stores the ``code`` of the rule-set chosen by its announcement date
(:func:`ruleset_for`); every duration, percentage and threshold the engine uses is
read from it, never written in code. DOMAIN's confidence tags are kept next to each
value: [K] and [?] values are the ones to re-check against the Lembaran Negara text
(DOMAIN §18 items 2, 7, 9).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from services.common.errors import BadRequest, NotFound

from .kalender import to_wita_date
from .tahapan import TahapanLelang as T


class DayCounting(enum.StrEnum):
    WORKING = "working"  # hari kerja
    CALENDAR = "calendar"  # hari kalender


class KategoriPengadaan(enum.StrEnum):
    BARANG = "barang"
    PEKERJAAN_KONSTRUKSI = "pekerjaan_konstruksi"
    JASA_KONSULTANSI = "jasa_konsultansi"
    JASA_LAINNYA = "jasa_lainnya"


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    effective_from: date  # WITA day from which announcements use this rule-set
    day_counting: DayCounting
    stage_must_end_on_working_day: bool
    min_durations_days: Mapping[T, int]  # counted inclusively, see jadwal.py
    # "fewer than N bids => lelang gagal"; None where the rule-set has no such rule
    min_penawaran: int | None
    min_lulus_prakualifikasi: int
    sanggah_days: int
    sanggah_prakualifikasi_days: int
    sanggah_answer_days: int
    sanggah_banding_days: int
    sanggah_banding_answer_days: int
    jaminan_sanggah_banding_rate: Decimal  # of total HPS
    jaminan_sanggah_banding_max: int | None  # rupiah
    jaminan_sanggah_banding_valid_days: int | None
    price_check_threshold: Decimal  # bids under this share of HPS are clarified
    jaminan_pelaksanaan_rate: Decimal  # of the contract value, or of HPS if low
    jaminan_penawaran_min_rate: Decimal
    jaminan_penawaran_max_rate: Decimal
    jaminan_penawaran_waived_up_to: int | None  # HPS (rupiah) at or under: none
    sppbj_deadline_days: int
    sppbj_after_banding_days: int
    kontrak_deadline_days: int
    hps_max_age_days: int
    # aanwijzing starts at least this many hk after the announcement starts
    penjelasan_after_pengumuman_days: int = 3
    # an adendum no later than this many days before the upload deadline
    adendum_cutoff_days: int = 2
    # above these nilai HPS the Pokja proposes and the PA/KPA decides the pemenang
    pokja_award_limit: Mapping[KategoriPengadaan, int] = field(
        default_factory=lambda: _frozen({})
    )

    def min_duration(self, tahapan: T) -> int:
        return self.min_durations_days.get(tahapan, 0)

    def award_needs_pa(self, kategori: KategoriPengadaan, nilai_hps: int) -> bool:
        limit = self.pokja_award_limit.get(KategoriPengadaan(kategori))
        return limit is not None and nilai_hps > limit


_MIN_DURATIONS = _frozen(
    {
        T.PENGUMUMAN: 7,  # >= 7 hk under 54/2010 [K] [S:81]
        T.PENGUMUMAN_PRAKUALIFIKASI: 7,  # >= 7 hk under 54/2010 [K]
        # "at least a few hk after BAPP"; 3 is the seleksi sederhana figure [S:16b] [?]
        T.UPLOAD_PENAWARAN: 3,
        T.SANGGAH: 5,  # lelang umum, both rule-sets [S:38] [S:16b]
        T.SANGGAH_PRAKUALIFIKASI: 5,  # umum, both rule-sets [S:38,40,16b]
    }
)

# 54/2010: Pokja ULP decides up to Rp100 billion (Rp10 billion for konsultansi),
# above it the PA/KPA [K]; DOMAIN §6.1 row 9 names the rule but no figure [?].
_AWARD_LIMIT = _frozen(
    {
        KategoriPengadaan.BARANG: 100_000_000_000,
        KategoriPengadaan.PEKERJAAN_KONSTRUKSI: 100_000_000_000,
        KategoriPengadaan.JASA_LAINNYA: 100_000_000_000,
        KategoriPengadaan.JASA_KONSULTANSI: 10_000_000_000,
    }
)

PERPRES_54_2010 = RuleSet(
    code="perpres_54_2010",
    name="Perpres 54/2010 (jo. 35/2011)",
    effective_from=date(2010, 8, 6),  # signed and in force 6 Aug 2010 [K]
    day_counting=DayCounting.WORKING,  # durations in hk [S:16b]
    # implied by hk counting; DOMAIN states it only for 70/2012 [?]
    stage_must_end_on_working_day=True,
    min_durations_days=_MIN_DURATIONS,
    min_penawaran=3,  # [S:14b] [?] DOMAIN §6.4
    min_lulus_prakualifikasi=3,  # pelelangan [K]
    sanggah_days=5,
    sanggah_prakualifikasi_days=5,
    sanggah_answer_days=5,
    sanggah_banding_days=5,
    sanggah_banding_answer_days=15,
    jaminan_sanggah_banding_rate=Decimal("0.002"),  # 2 permil [S:46]
    jaminan_sanggah_banding_max=50_000_000,  # [S:46]
    jaminan_sanggah_banding_valid_days=20,  # [S:46]
    price_check_threshold=Decimal("0.80"),  # [S:16c]
    jaminan_pelaksanaan_rate=Decimal("0.05"),  # [K] [S:43]
    jaminan_penawaran_min_rate=Decimal("0.01"),  # [K] [S:43]
    jaminan_penawaran_max_rate=Decimal("0.03"),  # [K] [S:43]
    jaminan_penawaran_waived_up_to=None,
    sppbj_deadline_days=6,  # [S:16b]
    sppbj_after_banding_days=2,  # [S:16b]
    kontrak_deadline_days=14,  # [S:16b]
    hps_max_age_days=28,  # [S:18] [K]
    penjelasan_after_pengumuman_days=3,  # [S:16b, seleksi pattern] [?]
    adendum_cutoff_days=2,  # Kemenkeu LPSE rule [S:13] [?]
    pokja_award_limit=_AWARD_LIMIT,
)

PERPRES_70_2012 = RuleSet(
    code="perpres_70_2012",
    name="Perpres 54/2010 jo. 70/2012",
    effective_from=date(2012, 7, 31),  # "generally dated 31 July 2012" [K]
    # e-procurement: calendar days, each stage ending on a working day [S:17]
    # [S:16b]; DOMAIN §8.1 still writes "5 hk" for sanggah - we count the same
    # numbers in calendar days here [?]
    day_counting=DayCounting.CALENDAR,
    stage_must_end_on_working_day=True,
    min_durations_days=_MIN_DURATIONS,
    min_penawaran=3,  # still applied after 70/2012 [S:12]; removed in 2015 [?]
    min_lulus_prakualifikasi=3,  # [K]
    sanggah_days=5,
    sanggah_prakualifikasi_days=5,
    sanggah_answer_days=5,
    sanggah_banding_days=5,
    sanggah_banding_answer_days=15,
    jaminan_sanggah_banding_rate=Decimal("0.01"),  # 1% of HPS [S:15]
    jaminan_sanggah_banding_max=None,
    jaminan_sanggah_banding_valid_days=None,  # not given by DOMAIN [?]
    price_check_threshold=Decimal("0.80"),
    jaminan_pelaksanaan_rate=Decimal("0.05"),
    jaminan_penawaran_min_rate=Decimal("0.01"),
    jaminan_penawaran_max_rate=Decimal("0.03"),
    jaminan_penawaran_waived_up_to=2_500_000_000,  # [S:45]
    sppbj_deadline_days=6,
    sppbj_after_banding_days=2,
    kontrak_deadline_days=14,
    hps_max_age_days=28,
    pokja_award_limit=_AWARD_LIMIT,  # unchanged by 70/2012 [K] [?]
)

RULESETS: tuple[RuleSet, ...] = tuple(
    sorted((PERPRES_54_2010, PERPRES_70_2012), key=lambda r: r.effective_from)
)


def ruleset_for(announcement: date | datetime) -> RuleSet:
    """The rule-set in force on the announcement's WITA day (DOMAIN §18 item 3)."""
    day = to_wita_date(announcement)
    in_force = [r for r in RULESETS if r.effective_from <= day]
    if not in_force:
        raise BadRequest("RULESET_NOT_IN_FORCE", "", {"date": day.isoformat()})
    return in_force[-1]


def ruleset_by_code(code: str) -> RuleSet:
    """The rule-set stored on a lelang."""
    for ruleset in RULESETS:
        if ruleset.code == code:
            return ruleset
    raise NotFound("RULESET_NOT_FOUND", "", {"code": code})
