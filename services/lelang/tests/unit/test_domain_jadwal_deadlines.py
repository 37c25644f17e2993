"""Deadlines between stages from the rule-set: aanwijzing after the announcement,
SPPBJ after the sanggah period, kontrak after the SPPBJ (checked at announcement)."""

from datetime import date, timedelta

from services.lelang.domain import (
    PERPRES_70_2012,
    Kalender,
    MetodeLelang,
    metode_definition,
    validate_jadwal,
)
from services.lelang.domain import TahapanLelang as T
from services.lelang.tests.helpers import build_jadwal, wita

KALENDER = Kalender()
PASCA_1 = metode_definition(MetodeLelang.PASCAKUALIFIKASI_1_FILE)
NOW = wita(date(2026, 11, 2))
START = date(2026, 11, 9)


def _jadwal():
    return build_jadwal(PASCA_1, PERPRES_70_2012, KALENDER, START)


def _shift(jadwal, from_tahapan, days):
    out, moving = [], False
    for t, m, s in jadwal:
        moving = moving or t == from_tahapan
        out.append((t, m + timedelta(days=days), s + timedelta(days=days)) if moving
                   else (t, m, s))
    return out


def _codes(jadwal, **kw):
    return {(p.code, p.tahapan) for p in validate_jadwal(
        PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW, **kw)}


def test_the_proposed_schedule_meets_every_deadline():
    assert _codes(_jadwal()) == set()


def test_the_sppbj_more_than_six_working_days_after_the_sanggah_is_refused():
    late = _shift(_jadwal(), T.PENUNJUKAN_PENYEDIA, 14)  # two weeks: 10 hk
    assert ("SPPBJ_TOO_LATE", T.PENUNJUKAN_PENYEDIA) in _codes(late)
    # a change after a sanggah banding may overrun it (with its public reason)
    assert ("SPPBJ_TOO_LATE", T.PENUNJUKAN_PENYEDIA) not in _codes(
        late, deadlines=False)


def test_the_kontrak_more_than_fourteen_working_days_after_the_sppbj_is_refused():
    late = _shift(_jadwal(), T.PENANDATANGANAN_KONTRAK, 28)
    assert ("KONTRAK_TOO_LATE", T.PENANDATANGANAN_KONTRAK) in _codes(late)
    fine = _shift(_jadwal(), T.PENANDATANGANAN_KONTRAK, 7)
    assert ("KONTRAK_TOO_LATE", T.PENANDATANGANAN_KONTRAK) not in _codes(fine)


def test_the_aanwijzing_starts_three_working_days_after_the_announcement():
    jadwal = _jadwal()
    start = dict((t, m) for t, m, _ in jadwal)[T.PENGUMUMAN]
    early = [(t, start + timedelta(days=1, hours=1), s) if t is T.PEMBERIAN_PENJELASAN
             else (t, m, s) for t, m, s in jadwal]
    codes = _codes(early)
    assert ("PENJELASAN_TOO_EARLY", T.PEMBERIAN_PENJELASAN) in codes
