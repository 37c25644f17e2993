"""The demo's schedules hold at any moment (issue 11): every day of the week, every
national holiday of the calendar the platform uses, the first and last minute of a
WITA day, the year's end. ``scripts/run`` builds them for *now*, whatever now is."""

from datetime import date, datetime, time, timedelta

import holidays
import pytest

from services.lelang.demo import LELANG, STOPPED, demo_jadwal
from services.lelang.domain import (
    WITA,
    Kalender,
    metode_definition,
    ruleset_for,
    validate_jadwal,
)
from services.lelang.domain import TahapanLelang as T

KALENDER = Kalender()
FIRST_DAY = date(2026, 1, 1)
DAYS = 730
#: every demo lelang: (method, the stage it must be in today; None: finished)
TARGETS = [(e[1], e[5]) for e in LELANG] + [(e[1], e[5]) for e in STOPPED]


def _moments() -> list[datetime]:
    """Several hundred moments over two years: every 3rd day (so every weekday
    turns up at every hour below), each national holiday and the year ends, at the
    first and last minute of the WITA day and at hours in between."""
    clock = [time(0, 0), time(23, 59, 59), time(12, 0), time(23, 30), time(7, 59)]
    moments = []
    for i in range(0, DAYS, 3):
        day = FIRST_DAY + timedelta(days=i)
        moments.append(datetime.combine(day, clock[i % len(clock)], tzinfo=WITA))
    special = set(holidays.country_holidays("ID", years=[2026, 2027]))
    special |= {date(y, 12, d) for y in (2026, 2027) for d in (24, 31)}
    special |= {date(y, 1, 1) for y in (2027, 2028)}
    for day in sorted(special):
        moments += [datetime.combine(day, time(0, 0), tzinfo=WITA),
                    datetime.combine(day, time(23, 59, 59), tzinfo=WITA)]
    return moments


MOMENTS = _moments()


def test_the_moments_cover_every_weekday_and_both_ends_of_a_day():
    assert len(MOMENTS) > 300
    assert {m.weekday() for m in MOMENTS} == set(range(7))
    assert {(m.weekday(), m.hour) for m in MOMENTS} >= {
        (d, h) for d in range(7) for h in (0, 23)}
    assert {m.hour for m in MOMENTS if not KALENDER.is_working_day(m)} >= {0, 23}


@pytest.mark.parametrize("metode,target", TARGETS,
                         ids=[f"{m}-{t}" for m, t in TARGETS])
def test_demo_jadwal_places_its_stage_now_at_every_moment(metode, target):
    definition = metode_definition(metode)
    for now in MOMENTS:
        jadwal = demo_jadwal(metode, target, now, KALENDER)
        entries = [(T(e["tahapan"]), e["mulai"], e["selesai"]) for e in jadwal]
        first = entries[0][1]
        problems = validate_jadwal(definition, entries, ruleset_for(first), KALENDER,
                                   first)
        assert problems == [], (now, problems)
        if target is None:
            assert entries[-1][2] < now, now
        else:
            open_now = [t for t, m, s in entries if m <= now < s]
            assert target in open_now, (now, open_now)
