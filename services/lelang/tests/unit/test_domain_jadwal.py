from datetime import date, datetime, timedelta

import pytest

from services.common.errors import BadRequest
from services.lelang.domain import (
    PERPRES_54_2010,
    PERPRES_70_2012,
    Kalender,
    LelangAction,
    MetodeLelang,
    allowed_actions,
    check_jadwal,
    metode_definition,
    next_check,
    propose_jadwal,
    tahapan_at,
    validate_jadwal,
)
from services.lelang.domain import TahapanLelang as T
from services.lelang.tests.helpers import build_jadwal, wita

KALENDER = Kalender({date(2012, 9, 5): "Galungan"})
PASCA_1 = metode_definition(MetodeLelang.PASCAKUALIFIKASI_1_FILE)
START_54, NOW_54 = date(2012, 6, 18), wita(date(2012, 6, 15))
START_70, NOW_70 = date(2012, 8, 6), wita(date(2012, 8, 1))  # spans 17 Aug, Lebaran


def _valid_70():
    return build_jadwal(PASCA_1, PERPRES_70_2012, KALENDER, START_70)


def _replace(jadwal, tahapan, mulai=None, selesai=None):
    return [
        (t, mulai or m, selesai or s) if t == tahapan else (t, m, s)
        for t, m, s in jadwal
    ]


def _codes(problems):
    return {(p.code, p.tahapan) for p in problems}


@pytest.mark.parametrize("metode", list(MetodeLelang))
@pytest.mark.parametrize(
    "ruleset, start, now",
    [(PERPRES_54_2010, START_54, NOW_54), (PERPRES_70_2012, START_70, NOW_70)],
)
def test_valid_schedule_of_every_method_has_no_problem(metode, ruleset, start, now):
    definition = metode_definition(metode)
    jadwal = build_jadwal(definition, ruleset, KALENDER, start)
    assert validate_jadwal(definition, jadwal, ruleset, KALENDER, now) == []


def test_optional_stage_may_be_left_out():
    definition = metode_definition(MetodeLelang.PRAKUALIFIKASI_1_FILE)
    jadwal = [
        e
        for e in build_jadwal(definition, PERPRES_70_2012, KALENDER, START_70)
        if e[0] != T.PENJELASAN_PRAKUALIFIKASI
    ]
    assert validate_jadwal(definition, jadwal, PERPRES_70_2012, KALENDER, NOW_70) == []


def test_download_may_run_alongside_aanwijzing_and_upload():
    jadwal = _valid_70()
    upload_end = dict((t, s) for t, _, s in jadwal)[T.UPLOAD_PENAWARAN]
    jadwal = _replace(jadwal, T.PENDAFTARAN_DAN_UNDUH_DOKUMEN, selesai=upload_end)
    assert validate_jadwal(PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW_70) == []


@pytest.mark.parametrize(
    "tahapan, mulai, selesai, expected",
    [
        # 8 Aug 08:00 to 7 Aug: ends before it starts
        (
            T.PENGUMUMAN,
            wita(date(2012, 8, 8)),
            wita(date(2012, 8, 7)),
            {("TAHAPAN_ENDS_BEFORE_START", T.PENGUMUMAN)},
        ),
        # ends on 17 August (and so runs into the upload stage)
        (
            T.PENGUMUMAN,
            None,
            wita(date(2012, 8, 17), 16),
            {
                ("TAHAPAN_ENDS_ON_NON_WORKING_DAY", T.PENGUMUMAN),
                ("TAHAPAN_OVERLAP", T.UPLOAD_PENAWARAN),
            },
        ),
        # 6-13 Aug is 8 calendar days; 6-10 Aug only 5
        (
            T.PENGUMUMAN,
            None,
            wita(date(2012, 8, 10), 16),
            {("TAHAPAN_TOO_SHORT", T.PENGUMUMAN)},
        ),
        # starts before now
        (
            T.PENGUMUMAN,
            wita(date(2012, 7, 31)),
            None,
            {("TAHAPAN_STARTS_IN_PAST", T.PENGUMUMAN)},
        ),
        # evaluation starts before the bids are opened, during aanwijzing
        (
            T.EVALUASI_PENAWARAN,
            wita(date(2012, 8, 14)),
            None,
            {
                ("TAHAPAN_OUT_OF_ORDER", T.EVALUASI_PENAWARAN),
                ("TAHAPAN_OVERLAP", T.EVALUASI_PENAWARAN),
            },
        ),
    ],
)
def test_single_problem(tahapan, mulai, selesai, expected):
    jadwal = _replace(_valid_70(), tahapan, mulai, selesai)
    problems = validate_jadwal(PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW_70)
    assert _codes(problems) == expected


def test_opening_during_upload_is_an_overlap():
    jadwal = _valid_70()
    upload_start = dict((t, m) for t, m, _ in jadwal)[T.UPLOAD_PENAWARAN]
    jadwal = _replace(
        jadwal, T.PEMBUKAAN_PENAWARAN, mulai=upload_start + timedelta(hours=1)
    )
    problems = validate_jadwal(PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW_70)
    assert _codes(problems) == {("TAHAPAN_OVERLAP", T.PEMBUKAAN_PENAWARAN)}
    assert problems[0].details == {"overlaps": "upload_penawaran"}


def test_seven_calendar_days_pass_under_70_but_not_under_54():
    # Mon 3 Sep to Sun 9 Sep ... ends Mon 10 Sep: 8 calendar days, 4 hk (Galungan)
    entry = [(T.PENGUMUMAN, wita(date(2012, 9, 3)), wita(date(2012, 9, 10), 16))]
    now = wita(date(2012, 9, 1))
    for ruleset, expected in [
        (PERPRES_70_2012, set()),
        (PERPRES_54_2010, {("TAHAPAN_TOO_SHORT", T.PENGUMUMAN)}),
    ]:
        problems = [
            p
            for p in validate_jadwal(PASCA_1, entry, ruleset, KALENDER, now)
            if p.code != "TAHAPAN_MISSING"
        ]
        assert _codes(problems) == expected
    [short] = [
        p
        for p in validate_jadwal(PASCA_1, entry, PERPRES_54_2010, KALENDER, now)
        if p.code == "TAHAPAN_TOO_SHORT"
    ]
    assert short.details["actual_days"] == 5 and short.details["min_days"] == 7


def test_a_declared_lpse_day_is_not_a_deadline():
    entry = [(T.UPLOAD_PENAWARAN, wita(date(2012, 8, 31)), wita(date(2012, 9, 5), 16))]
    [problem] = [
        p
        for p in validate_jadwal(PASCA_1, entry, PERPRES_70_2012, KALENDER, NOW_70)
        if p.tahapan == T.UPLOAD_PENAWARAN
    ]
    assert problem.code == "TAHAPAN_ENDS_ON_NON_WORKING_DAY"
    assert problem.details["holiday"] == "Galungan"
    assert problem.details["next_working_day"] == "2012-09-06"


def test_every_problem_is_returned_at_once():
    jadwal = [e for e in _valid_70() if e[0] != T.PEMBUKTIAN_KUALIFIKASI]
    jadwal.append(
        (T.UPLOAD_KUALIFIKASI, wita(date(2012, 10, 1)), wita(date(2012, 10, 2)))
    )
    jadwal.append(jadwal[0])  # PENGUMUMAN twice
    sanggah_start = dict((t, m) for t, m, _ in jadwal)[T.SANGGAH]
    jadwal = _replace(jadwal, T.SANGGAH, selesai=sanggah_start + timedelta(days=1))
    jadwal = _replace(jadwal, T.PENGUMUMAN, mulai=wita(date(2012, 7, 30)))
    problems = validate_jadwal(PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW_70)
    assert _codes(problems) == {
        ("TAHAPAN_MISSING", T.PEMBUKTIAN_KUALIFIKASI),
        ("TAHAPAN_NOT_IN_METODE", T.UPLOAD_KUALIFIKASI),
        ("TAHAPAN_DUPLICATE", T.PENGUMUMAN),
        ("TAHAPAN_TOO_SHORT", T.SANGGAH),
        ("TAHAPAN_STARTS_IN_PAST", T.PENGUMUMAN),
    }
    with pytest.raises(BadRequest) as exc:
        check_jadwal(PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW_70)
    assert exc.value.code == "JADWAL_INVALID"
    assert len(exc.value.details["problems"]) == len(problems)


def test_naive_times_are_reported_not_compared():
    jadwal = _replace(_valid_70(), T.SANGGAH, mulai=datetime(2012, 9, 3, 8))
    problems = validate_jadwal(PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW_70)
    assert _codes(problems) == {("TAHAPAN_TIME_NOT_AWARE", T.SANGGAH)}


def test_check_jadwal_returns_entries_in_method_order():
    jadwal = list(reversed(_valid_70()))
    entries = check_jadwal(PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW_70)
    assert [e.tahapan for e in entries] == list(PASCA_1.tahapan_list)


def test_stage_at_now_and_allowed_actions():
    jadwal = _replace(
        _valid_70(),
        T.PENDAFTARAN_DAN_UNDUH_DOKUMEN,
        mulai=wita(date(2012, 8, 6)),
        selesai=wita(date(2012, 8, 21), 16),
    )
    entries = check_jadwal(PASCA_1, jadwal, PERPRES_70_2012, KALENDER, NOW_70)
    by_tahapan = {e.tahapan: e for e in entries}
    upload = by_tahapan[T.UPLOAD_PENAWARAN]
    during_upload = upload.mulai + timedelta(hours=1)
    assert tahapan_at(entries, during_upload) == T.UPLOAD_PENAWARAN
    actions = allowed_actions(PASCA_1, entries, during_upload)
    assert {LelangAction.UPLOAD_PENAWARAN, LelangAction.DOWNLOAD_DOKUMEN} <= actions
    assert LelangAction.OPEN_PENAWARAN not in actions
    # the deadline itself is closed: mulai <= now < selesai
    assert tahapan_at(entries, upload.selesai) is None
    assert LelangAction.UPLOAD_PENAWARAN not in allowed_actions(
        PASCA_1, entries, upload.selesai
    )
    assert tahapan_at(entries, NOW_70) is None
    assert next_check(entries, NOW_70) == entries[0].mulai
    assert next_check(entries, during_upload) == upload.selesai
    assert next_check(entries, entries[-1].selesai) is None


def test_open_at_lengthens_that_stage_over_a_weekend_and_the_rest_follows():
    # the upload (3 days minimum) starts Thu 16 Aug 2012; held open at Saturday
    # 18 Aug 22:00 it ends on the next working day after Lebaran (19-20 Aug),
    # Tuesday 21 Aug, 16:00
    plain = propose_jadwal(PASCA_1, PERPRES_70_2012, KALENDER, START_70)
    upload = next(e for e in plain if e.tahapan is T.UPLOAD_PENAWARAN)
    saturday = wita(date(2012, 8, 18), 22)
    held = propose_jadwal(PASCA_1, PERPRES_70_2012, KALENDER, START_70,
                          open_at=(T.UPLOAD_PENAWARAN, saturday))
    stretched = next(e for e in held if e.tahapan is T.UPLOAD_PENAWARAN)
    assert stretched.mulai == upload.mulai
    assert stretched.mulai <= saturday < stretched.selesai
    assert KALENDER.holiday_name(date(2012, 8, 20))
    assert stretched.selesai == wita(date(2012, 8, 21), 16)
    after = [e for e in held if e.mulai > stretched.mulai]
    assert after and after[0].mulai > stretched.selesai
    assert validate_jadwal(PASCA_1, held, PERPRES_70_2012, KALENDER,
                           held[0].mulai) == []
    # the stages before it are not touched
    assert held[: held.index(stretched)] == plain[: plain.index(upload)]
