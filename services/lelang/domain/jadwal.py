"""The jadwal (schedule) of a lelang: validation and where it stands at ``now``.

:func:`validate_jadwal` returns *every* problem, each with a stable ``code``, so the
Pokja sees the whole list at once (issue 3: "refused with a list of what is
wrong"). Durations are counted in WITA days, inclusively: a stage from Monday
08:00 to Monday 15:00 lasts one day; in working days only the hk are counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from services.common.errors import BadRequest

from .kalender import Kalender, to_wita_date
from .metode import LelangAction, MetodeDefinition
from .ruleset import DayCounting, RuleSet
from .tahapan import TahapanLelang


class JadwalEntry(NamedTuple):
    tahapan: TahapanLelang
    mulai: datetime
    selesai: datetime


@dataclass(frozen=True)
class Problem:
    code: str
    tahapan: TahapanLelang | None = None
    details: dict[str, Any] = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "tahapan": self.tahapan and str(self.tahapan),
            "details": self.details,
        }


def _aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None


def _duration_days(entry: JadwalEntry, ruleset: RuleSet, kalender: Kalender) -> int:
    first, last = to_wita_date(entry.mulai), to_wita_date(entry.selesai)
    if ruleset.day_counting is DayCounting.CALENDAR:
        return (last - first).days + 1
    return kalender.working_days_between(first - timedelta(days=1), last)


def _check_set(metode: MetodeDefinition, entries: Sequence[JadwalEntry]):
    seen: set[TahapanLelang] = set()
    for e in entries:
        if e.tahapan in seen:
            yield Problem("TAHAPAN_DUPLICATE", e.tahapan)
        elif metode.stage(e.tahapan) is None:
            yield Problem(
                "TAHAPAN_NOT_IN_METODE", e.tahapan, {"metode": str(metode.metode)}
            )
        seen.add(e.tahapan)
    for stage in metode.stages:
        if stage.tahapan not in seen and not stage.optional:
            yield Problem("TAHAPAN_MISSING", stage.tahapan)


def _check_entry(e: JadwalEntry, ruleset: RuleSet, kalender: Kalender, now: datetime):
    if e.selesai <= e.mulai:
        yield Problem(
            "TAHAPAN_ENDS_BEFORE_START",
            e.tahapan,
            {"mulai": e.mulai.isoformat(), "selesai": e.selesai.isoformat()},
        )
    elif (minimum := ruleset.min_duration(e.tahapan)) > (
        actual := _duration_days(e, ruleset, kalender)
    ):
        yield Problem(
            "TAHAPAN_TOO_SHORT",
            e.tahapan,
            {
                "min_days": minimum,
                "actual_days": actual,
                "day_counting": str(ruleset.day_counting),
                "ruleset": ruleset.code,
            },
        )
    if ruleset.stage_must_end_on_working_day and not kalender.is_working_day(e.selesai):
        day = to_wita_date(e.selesai)
        yield Problem(
            "TAHAPAN_ENDS_ON_NON_WORKING_DAY",
            e.tahapan,
            {
                "date": day.isoformat(),
                "holiday": kalender.holiday_name(day),
                "next_working_day": kalender.next_working_day(day).isoformat(),
            },
        )
    if e.mulai < now:
        yield Problem(
            "TAHAPAN_STARTS_IN_PAST",
            e.tahapan,
            {"mulai": e.mulai.isoformat(), "now": now.isoformat()},
        )


def _check_order(metode: MetodeDefinition, entries: Sequence[JadwalEntry]):
    """Starts must follow the method's order; stages may share time only where the
    definition says so."""
    index = {t: i for i, t in enumerate(metode.tahapan_list)}
    first = {}  # a duplicate is reported by _check_set, not compared with itself
    for e in entries:
        first.setdefault(e.tahapan, e)
    known = sorted(
        (e for e in first.values() if e.tahapan in index),
        key=lambda e: index[e.tahapan],
    )
    out_of_order: set[TahapanLelang] = set()  # one report per stage, not per pair
    for i, earlier in enumerate(known):
        for later in known[i + 1 :]:
            if later.mulai < earlier.mulai:
                if later.tahapan not in out_of_order:
                    out_of_order.add(later.tahapan)
                    yield Problem(
                        "TAHAPAN_OUT_OF_ORDER",
                        later.tahapan,
                        {"must_start_after": str(earlier.tahapan)},
                    )
            elif later.mulai < earlier.selesai and not metode.may_overlap(
                earlier.tahapan, later.tahapan
            ):
                yield Problem(
                    "TAHAPAN_OVERLAP", later.tahapan, {"overlaps": str(earlier.tahapan)}
                )


def _check_deadlines(metode: MetodeDefinition, entries: Sequence[JadwalEntry],
                     ruleset: RuleSet, kalender: Kalender):
    """The rule-set's deadlines between stages (DOMAIN §6.1 rows 3, 12, 13): the
    aanwijzing at least N hk after the announcement starts, the SPPBJ within N hk
    of the sanggah period, the kontrak within N hk of the SPPBJ."""
    at = {e.tahapan: e for e in entries}
    T = TahapanLelang
    first = next((at[t] for t in (T.PENGUMUMAN, T.PENGUMUMAN_PRAKUALIFIKASI)
                  if t in at), None)
    penjelasan = at.get(T.PEMBERIAN_PENJELASAN)
    if first and penjelasan and not metode.prakualifikasi:
        gap = kalender.working_days_between(first.mulai, penjelasan.mulai)
        if gap < ruleset.penjelasan_after_pengumuman_days:
            yield Problem("PENJELASAN_TOO_EARLY", T.PEMBERIAN_PENJELASAN, {
                "min_working_days_after_pengumuman":
                    ruleset.penjelasan_after_pengumuman_days, "actual": gap})
    for before, after, limit, code in (
            (T.SANGGAH, T.PENUNJUKAN_PENYEDIA, ruleset.sppbj_deadline_days,
             "SPPBJ_TOO_LATE"),
            (T.PENUNJUKAN_PENYEDIA, T.PENANDATANGANAN_KONTRAK,
             ruleset.kontrak_deadline_days, "KONTRAK_TOO_LATE")):
        if before in at and after in at:
            gap = kalender.working_days_between(at[before].selesai, at[after].selesai)
            if gap > limit:
                yield Problem(code, after, {"max_working_days": limit,
                                            "after": str(before), "actual": gap})


def validate_jadwal(
    metode: MetodeDefinition,
    jadwal: Iterable[tuple[TahapanLelang, datetime, datetime]],
    ruleset: RuleSet,
    kalender: Kalender,
    now: datetime,
    *,
    deadlines: bool = True,
) -> list[Problem]:
    """Every problem of ``jadwal`` for ``metode`` under ``ruleset``; empty if valid.

    ``deadlines=False`` leaves out the deadlines between stages: a schedule change
    after a disruption or a sanggah banding (with its public reason) may overrun
    them, as the rules allow (DOMAIN §5.3, §6.1 row 12)."""
    entries = [JadwalEntry(TahapanLelang(t), m, s) for t, m, s in jadwal]
    problems = [
        Problem("TAHAPAN_TIME_NOT_AWARE", e.tahapan)
        for e in entries
        if not (_aware(e.mulai) and _aware(e.selesai))
    ]
    if problems:  # the other checks need comparable, WITA-convertible times
        return problems
    problems += _check_set(metode, entries)
    problems += _check_order(metode, entries)
    if deadlines:
        problems += _check_deadlines(metode, entries, ruleset, kalender)
    for e in entries:
        problems += _check_entry(e, ruleset, kalender, now)
    return problems


def check_jadwal(metode, jadwal, ruleset, kalender, now) -> list[JadwalEntry]:
    """:func:`validate_jadwal`, raising ``BadRequest(JADWAL_INVALID)`` with all the
    problems in ``details["problems"]``; returns the entries in method order."""
    jadwal = list(jadwal)
    problems = validate_jadwal(metode, jadwal, ruleset, kalender, now)
    if problems:
        raise BadRequest(
            "JADWAL_INVALID", "", {"problems": [p.as_dict() for p in problems]}
        )
    index = {t: i for i, t in enumerate(metode.tahapan_list)}
    entries = [JadwalEntry(TahapanLelang(t), m, s) for t, m, s in jadwal]
    return sorted(entries, key=lambda e: index[e.tahapan])


def active_tahapan(jadwal: Iterable[JadwalEntry], now: datetime) -> list[JadwalEntry]:
    """The stages open at ``now`` (``mulai <= now < selesai``), by start time."""
    return sorted(
        (JadwalEntry(*e) for e in jadwal if e[1] <= now < e[2]), key=lambda e: e.mulai
    )


def tahapan_at(jadwal: Iterable[JadwalEntry], now: datetime) -> TahapanLelang | None:
    """The current stage: of those open, the one that started last (the document
    download runs alongside aanwijzing and upload); ``None`` between stages."""
    active = active_tahapan(jadwal, now)
    return active[-1].tahapan if active else None


def allowed_actions(
    metode: MetodeDefinition, jadwal: Iterable[JadwalEntry], now: datetime
) -> frozenset[LelangAction]:
    """What the open stages allow at ``now`` (the role check is the caller's)."""
    actions: frozenset[LelangAction] = frozenset()
    for e in active_tahapan(jadwal, now):
        stage = metode.stage(e.tahapan)
        if stage is not None:
            actions |= stage.allows
    return actions


def next_check(jadwal: Iterable[JadwalEntry], now: datetime) -> datetime | None:
    """The next stage boundary after ``now``: when the timer should look again
    (STYLE §3 item 14, Prozorro's ``next_check``)."""
    boundaries = [t for e in jadwal for t in (e[1], e[2]) if t > now]
    return min(boundaries, default=None)


def propose_jadwal(metode: MetodeDefinition, ruleset: RuleSet, kalender: Kalender,
                   start: Any, *, jam_mulai: int = 8, jam_selesai: int = 16,
                   tz: Any = None,
                   open_at: tuple[TahapanLelang, datetime] | None = None,
                   ) -> list[JadwalEntry]:
    """A schedule valid by construction from the working day ``start`` on: every
    stage in order, one after the other, each the rule-set's minimum (at least one
    day) long, from ``jam_mulai`` to ``jam_selesai`` o'clock (WITA), ending on a
    working day. A starting point for the Pokja (and the demo data).

    ``open_at=(tahapan, moment)`` lengthens that stage, as a Pokja may, until it is
    still open at ``moment`` (it then ends on the first day allowed to end a stage
    after ``moment``; the stages after it follow on). A stage starting after
    ``moment`` is not moved: the caller picks an earlier ``start``."""
    from datetime import time

    from .kalender import WITA

    zone = tz or WITA

    def closing(day):
        if jam_selesai < 24:
            return datetime.combine(day, time(jam_selesai), tzinfo=zone)
        return (datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
                - timedelta(minutes=1))

    def may_end(day):
        return kalender.is_working_day(day) or not ruleset.stage_must_end_on_working_day

    entries = []
    day = kalender.next_working_day(start)
    for stage in metode.stages:
        n = max(ruleset.min_duration(stage.tahapan), 1)
        if ruleset.day_counting is DayCounting.CALENDAR:
            end = kalender.next_working_day(day + timedelta(days=n - 1))
        else:
            end = kalender.add_working_days(day, n - 1)
        mulai = datetime.combine(day, time(jam_mulai), tzinfo=zone)
        if open_at is not None and stage.tahapan == open_at[0]:
            moment = open_at[1]
            end = max(end, to_wita_date(moment))
            while not may_end(end) or closing(end) <= moment:
                end += timedelta(days=1)
        entries.append(JadwalEntry(stage.tahapan, mulai, closing(end)))
        day = kalender.next_working_day(end + timedelta(days=1))
    return entries
