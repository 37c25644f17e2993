"""Working days in WITA (ARCHITECTURE #7, DOMAIN §5.3).

A working day (hari kerja, hk) is Monday to Friday, not an Indonesian public
holiday (the ``holidays`` package's ``ID`` calendar) and not a day the LPSE declares
(cuti bersama, Balinese regional days such as Galungan, outages), which the
deployment passes in. Datetimes must be timezone-aware; their day is taken in WITA.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

from services.common.errors import BadRequest

WITA = ZoneInfo("Asia/Makassar")
_WEEKEND = (5, 6)  # Saturday, Sunday


def to_wita_date(value: date | datetime) -> date:
    """The WITA calendar day of ``value``; a naive datetime is refused."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise BadRequest("TIME_NOT_AWARE", "", {"value": value.isoformat()})
        return value.astimezone(WITA).date()
    return value


class Kalender:
    """The Indonesian holiday calendar plus the days the LPSE declares.

    :param libur_lpse: extra non-working days, as dates or ``{date: reason}``.
    """

    def __init__(self, libur_lpse: Iterable[date] | Mapping[date, str] = ()) -> None:
        if not isinstance(libur_lpse, Mapping):
            libur_lpse = {d: "libur LPSE" for d in libur_lpse}
        self._libur_lpse: dict[date, str] = dict(libur_lpse)
        self._national = holidays.country_holidays("ID")

    def holiday_name(self, day: date | datetime) -> str | None:
        """Why ``day`` is a holiday, or ``None`` (weekends are not named)."""
        d = to_wita_date(day)
        if d in self._libur_lpse:
            return self._libur_lpse[d]
        return self._national.get(d)

    def is_working_day(self, day: date | datetime) -> bool:
        d = to_wita_date(day)
        return d.weekday() not in _WEEKEND and self.holiday_name(d) is None

    def next_working_day(self, day: date | datetime) -> date:
        """``day`` itself if it is a working day, else the first one after it."""
        d = to_wita_date(day)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The ``n``-th working day after ``start`` (``n = 0``: ``start``'s day)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        d = to_wita_date(start)
        while n:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, start: date | datetime, end: date | datetime) -> int:
        """Working days in ``(start, end]``: the inverse of :meth:`add_working_days`.

        Negative when ``end`` is before ``start``.
        """
        a, b = to_wita_date(start), to_wita_date(end)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count = sum(
            self.is_working_day(a + timedelta(days=i))
            for i in range(1, (b - a).days + 1)
        )
        return sign * count
