"""Builders for lelang's domain tests: fixed WITA datetimes, valid schedules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from services.lelang.domain import WITA, DayCounting, Kalender


def wita(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WITA)


def build_jadwal(metode, ruleset, kalender: Kalender, start: date):
    """A schedule that is valid by construction: stages one after the other, each
    the rule-set minimum (at least a day) long, 08:00 to 16:00 WITA, ending on a
    working day."""
    entries = []
    day = kalender.next_working_day(start)
    for stage in metode.stages:
        n = max(ruleset.min_duration(stage.tahapan), 1)
        if ruleset.day_counting is DayCounting.CALENDAR:
            end = kalender.next_working_day(day + timedelta(days=n - 1))
        else:
            end = kalender.add_working_days(day, n - 1)
        entries.append((stage.tahapan, wita(day, 8), wita(end, 16)))
        day = kalender.next_working_day(end + timedelta(days=1))
    return entries
