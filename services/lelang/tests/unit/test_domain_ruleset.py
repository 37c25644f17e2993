from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.common.errors import BadRequest, NotFound
from services.lelang.domain import (
    PERPRES_54_2010,
    PERPRES_70_2012,
    RULESETS,
    DayCounting,
    KategoriPengadaan,
    ruleset_by_code,
    ruleset_for,
)
from services.lelang.domain import TahapanLelang as T


@pytest.mark.parametrize(
    "announced, expected",
    [
        (date(2010, 8, 6), PERPRES_54_2010),
        (date(2012, 6, 15), PERPRES_54_2010),  # the Perbup's own date
        (date(2012, 7, 30), PERPRES_54_2010),
        (date(2012, 7, 31), PERPRES_70_2012),
        (date(2012, 9, 3), PERPRES_70_2012),
        # 30 Jul 2012 16:30 UTC is already 31 Jul in WITA
        (datetime(2012, 7, 30, 16, 30, tzinfo=UTC), PERPRES_70_2012),
        (datetime(2012, 7, 30, 15, 30, tzinfo=UTC), PERPRES_54_2010),
    ],
)
def test_ruleset_chosen_by_announcement_date(announced, expected):
    assert ruleset_for(announced) is expected


def test_no_ruleset_before_54_2010():
    with pytest.raises(BadRequest) as exc:
        ruleset_for(date(2010, 8, 5))
    assert exc.value.code == "RULESET_NOT_IN_FORCE"


@pytest.mark.parametrize("ruleset", RULESETS)
def test_stored_code_round_trips(ruleset):
    assert ruleset_by_code(ruleset.code) is ruleset


def test_unknown_code():
    with pytest.raises(NotFound) as exc:
        ruleset_by_code("perpres_16_2018")
    assert exc.value.code == "RULESET_NOT_FOUND"


@pytest.mark.parametrize(
    "attr, v54, v70",
    [
        ("day_counting", DayCounting.WORKING, DayCounting.CALENDAR),
        ("min_penawaran", 3, 3),
        ("sanggah_days", 5, 5),
        ("sanggah_banding_answer_days", 15, 15),
        ("jaminan_sanggah_banding_rate", Decimal("0.002"), Decimal("0.01")),
        ("jaminan_sanggah_banding_max", 50_000_000, None),
        ("price_check_threshold", Decimal("0.80"), Decimal("0.80")),
        ("jaminan_penawaran_waived_up_to", None, 2_500_000_000),
        ("stage_must_end_on_working_day", True, True),
    ],
)
def test_values_differ_where_domain_says(attr, v54, v70):
    assert getattr(PERPRES_54_2010, attr) == v54
    assert getattr(PERPRES_70_2012, attr) == v70


def test_min_durations():
    assert PERPRES_54_2010.min_duration(T.PENGUMUMAN) == 7
    assert PERPRES_70_2012.min_duration(T.SANGGAH) == 5
    assert PERPRES_70_2012.min_duration(T.EVALUASI_PENAWARAN) == 0
    with pytest.raises(TypeError):
        PERPRES_70_2012.min_durations_days[T.SANGGAH] = 1


@pytest.mark.parametrize(
    "kategori, nilai_hps, needs_pa",
    [
        (KategoriPengadaan.PEKERJAAN_KONSTRUKSI, 100_000_000_000, False),
        (KategoriPengadaan.PEKERJAAN_KONSTRUKSI, 100_000_000_001, True),
        (KategoriPengadaan.JASA_KONSULTANSI, 10_000_000_001, True),
        (KategoriPengadaan.BARANG, 2_000_000_000, False),
    ],
)
def test_pokja_award_limit(kategori, nilai_hps, needs_pa):
    assert PERPRES_70_2012.award_needs_pa(kategori, nilai_hps) is needs_pa
