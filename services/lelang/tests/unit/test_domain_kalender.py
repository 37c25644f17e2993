from datetime import UTC, date, datetime

import pytest

from services.common.errors import BadRequest
from services.lelang.domain import Kalender

GALUNGAN = date(2012, 9, 5)  # a Wednesday the LPSE declares (Balinese holiday)
KALENDER = Kalender({GALUNGAN: "Galungan"})


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2012, 8, 16), True),  # Thursday
        (date(2012, 8, 17), False),  # Hari Kemerdekaan
        (date(2012, 8, 18), False),  # Saturday
        (date(2012, 8, 20), False),  # Idul Fitri, second day (a Monday)
        (date(2013, 3, 12), False),  # Nyepi
        (date(2012, 12, 25), False),  # Christmas
        (GALUNGAN, False),  # declared by the LPSE
        (date(2012, 9, 6), True),
    ],
)
def test_is_working_day(day, working):
    assert KALENDER.is_working_day(day) is working


def test_declared_days_accept_a_plain_list_and_are_per_instance():
    assert not Kalender([GALUNGAN]).is_working_day(GALUNGAN)
    assert Kalender().is_working_day(GALUNGAN)


def test_holiday_names():
    assert KALENDER.holiday_name(GALUNGAN) == "Galungan"
    assert KALENDER.holiday_name(date(2012, 8, 17))
    assert KALENDER.holiday_name(date(2012, 8, 16)) is None


def test_datetimes_are_read_in_wita():
    # 16 Aug 2012 16:30 UTC is 17 Aug 00:30 WITA
    assert not KALENDER.is_working_day(datetime(2012, 8, 16, 16, 30, tzinfo=UTC))
    assert KALENDER.is_working_day(datetime(2012, 8, 16, 15, 30, tzinfo=UTC))


def test_naive_datetime_is_refused():
    with pytest.raises(BadRequest) as exc:
        KALENDER.is_working_day(datetime(2012, 8, 16, 9, 0))
    assert exc.value.code == "TIME_NOT_AWARE"


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2012, 8, 16), 0, date(2012, 8, 16)),
        (date(2012, 8, 16), 1, date(2012, 8, 21)),  # 17 Aug, weekend, Idul Fitri
        (date(2012, 9, 3), 3, date(2012, 9, 7)),  # skips Galungan on the 5th
        (date(2012, 12, 21), 2, date(2012, 12, 26)),  # weekend and Christmas
    ],
)
def test_add_working_days(start, n, expected):
    assert KALENDER.add_working_days(start, n) == expected
    assert KALENDER.working_days_between(start, expected) == n


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2012, 8, 13), date(2012, 8, 24), 7),  # 17, 20 off; weekend
        (date(2012, 8, 24), date(2012, 8, 13), -7),
        (date(2012, 8, 16), date(2012, 8, 16), 0),
    ],
)
def test_working_days_between(start, end, expected):
    assert KALENDER.working_days_between(start, end) == expected


def test_next_working_day_and_negative_n():
    assert KALENDER.next_working_day(date(2012, 8, 17)) == date(2012, 8, 21)
    with pytest.raises(ValueError):
        KALENDER.add_working_days(date(2012, 8, 16), -1)
