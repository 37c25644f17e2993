"""The ``Lelang`` aggregate and its stage engine (DOMAIN §5.2, §5.3, §6.4, §8.2).

A lelang is created as a draft, announced (its jadwal checked and the rule-set of
the announcement day stored), then moved from stage to stage by a timer
(:func:`due_transitions` / :func:`apply_due`, Prozorro's chronograph). A sanggah
banding halts it until the Bupati decides; it ends ``gagal`` or ``selesai``. Every
change is kept in ``riwayat`` (what, when, why) and bumps ``version``.

A stage is *entered* when its planned start arrives, in the method's order: stages
may overlap (the document download runs through aanwijzing and upload), so the
end of the previous one is not the boundary.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from services.common.errors import BadRequest, InvalidTransition

from .jadwal import JadwalEntry, check_jadwal, validate_jadwal
from .kalender import Kalender
from .metode import (
    MetodeDefinition,
    MetodeEvaluasi,
    MetodeLelang,
    check_metode_evaluasi,
    metode_definition,
)
from .ruleset import KategoriPengadaan, RuleSet, ruleset_by_code, ruleset_for
from .tahapan import TahapanLelang


class StatusLelang(enum.StrEnum):
    """DOMAIN §5.2: Draft, Announced, InProgress, Failed, Contracted, Stopped,
    Cancelled.

    The halt by a sanggah banding (§8.2 "tender HALTED") is temporary, so it is
    not called ``dihentikan``: §5.2's "Stopped" is the final *penghentian*.
    """

    DRAFT = "draft"
    DIUMUMKAN = "diumumkan"  # announced, first stage not yet started
    BERJALAN = "berjalan"
    DIHENTIKAN_SEMENTARA = "dihentikan_sementara"  # sanggah banding pending
    GAGAL = "gagal"
    SELESAI = "selesai"
    DIHENTIKAN = "dihentikan"  # penghentian after gagal: no re-tender follows
    DIBATALKAN = "dibatalkan"  # a draft withdrawn before its announcement


class JenisTransisi(enum.StrEnum):
    DIBUAT = "dibuat"
    UBAH_JADWAL = "ubah_jadwal"
    UMUMKAN = "umumkan"
    MASUK_TAHAPAN = "masuk_tahapan"
    HENTIKAN_SANGGAH_BANDING = "hentikan_sanggah_banding"
    LANJUTKAN = "lanjutkan"
    GAGALKAN = "gagalkan"
    SELESAIKAN = "selesaikan"
    HENTIKAN = "hentikan"
    BATALKAN = "batalkan"


S = StatusLelang
J = JenisTransisi
_RUNNING = (S.DIUMUMKAN, S.BERJALAN)
#: never announced, so never public: a draft, and a draft withdrawn
NOT_PUBLIC = frozenset({S.DRAFT, S.DIBATALKAN})


@dataclass(frozen=True)
class Transition:
    """One entry of ``riwayat``; ``at`` is when it took effect (for a stage, its
    planned start), ``status``/``tahapan`` are the state after it."""

    jenis: JenisTransisi
    at: datetime
    status: StatusLelang
    tahapan: TahapanLelang | None = None
    alasan: str | None = None
    details: dict[str, Any] = field(default_factory=dict, hash=False)


def _alasan(alasan: str | None) -> str:
    text = (alasan or "").strip()
    if not text:
        raise BadRequest("ALASAN_REQUIRED", "a reason is required")
    return text


def _times(entry: JadwalEntry | None) -> list[str] | None:
    return entry and [entry.mulai.isoformat(), entry.selesai.isoformat()]


def _entries(jadwal: Iterable[tuple], definition: MetodeDefinition):
    index = {t: i for i, t in enumerate(definition.tahapan_list)}
    try:
        entries = [JadwalEntry(TahapanLelang(t), m, s) for t, m, s in jadwal]
    except ValueError as exc:
        raise BadRequest("TAHAPAN_UNKNOWN", "", {"error": str(exc)}) from None
    return tuple(sorted(entries, key=lambda e: index.get(e.tahapan, len(index))))


@dataclass
class Lelang:
    """One e-lelang umum of a paket. Mutated only through its transition methods."""

    lelang_id: str
    paket_id: str
    nilai_hps: Decimal
    kategori: KategoriPengadaan
    metode: MetodeLelang
    metode_evaluasi: MetodeEvaluasi
    jadwal: tuple[JadwalEntry, ...]
    status: StatusLelang = S.DRAFT
    tahapan: TahapanLelang | None = None  # the stage last entered by the engine
    ruleset_code: str | None = None  # chosen at announcement
    diumumkan_pada: datetime | None = None
    riwayat: list[Transition] = field(default_factory=list)
    version: int = 0

    # -------------------------------------------------------------- creation
    @classmethod
    def buat(
        cls,
        *,
        lelang_id: str,
        paket_id: str,
        nilai_hps: Decimal,
        kategori: KategoriPengadaan,
        metode: MetodeLelang,
        metode_evaluasi: MetodeEvaluasi,
        jadwal: Iterable[tuple] = (),
        now: datetime,
    ) -> Lelang:
        """A draft lelang; the jadwal is checked only when announced.

        :raises BadRequest: ``NILAI_HPS_INVALID``, ``METODE_EVALUASI_NOT_ALLOWED``,
            ``TAHAPAN_UNKNOWN``.
        """
        try:
            nilai_hps = Decimal(nilai_hps)
            if not nilai_hps.is_finite() or nilai_hps <= 0:
                raise ValueError
        except (ArithmeticError, ValueError, TypeError):
            raise BadRequest(
                "NILAI_HPS_INVALID", "", {"nilai_hps": str(nilai_hps)}
            ) from None
        metode, metode_evaluasi = MetodeLelang(metode), MetodeEvaluasi(metode_evaluasi)
        check_metode_evaluasi(metode, metode_evaluasi)
        definition = metode_definition(metode)
        lelang = cls(
            lelang_id=lelang_id,
            paket_id=paket_id,
            nilai_hps=nilai_hps,
            kategori=KategoriPengadaan(kategori),
            metode=metode,
            metode_evaluasi=metode_evaluasi,
            jadwal=_entries(jadwal, definition),
        )
        lelang._record(Transition(J.DIBUAT, now, S.DRAFT))
        return lelang

    # -------------------------------------------------------------- queries
    @property
    def definition(self) -> MetodeDefinition:
        return metode_definition(self.metode)

    @property
    def ruleset(self) -> RuleSet | None:
        return ruleset_by_code(self.ruleset_code) if self.ruleset_code else None

    def next_check(self, now: datetime) -> datetime | None:
        """When the timer should look again: the start of the next stage (``now``
        if already due); ``None`` unless the lelang is running."""
        if self.status not in _RUNNING:
            return None
        upcoming = self._not_entered()
        return max(upcoming[0].mulai, now) if upcoming else None

    # -------------------------------------------------------------- transitions
    def atur_jadwal(self, jadwal: Iterable[tuple], now: datetime) -> None:
        """Replace a draft's jadwal (no reason needed before announcement).

        :raises InvalidTransition: ``LELANG_NOT_DRAFT``.
        """
        self._require(S.DRAFT, code="LELANG_NOT_DRAFT")
        self.jadwal = _entries(jadwal, self.definition)
        self.version += 1

    def umumkan(self, now: datetime, kalender: Kalender) -> None:
        """Announce (DOMAIN §5.2 Draft -> Announced): the jadwal must be valid under
        the rule-set in force ``now``, whose code is stored on the lelang.

        :raises InvalidTransition: ``LELANG_NOT_DRAFT``.
        :raises BadRequest: ``JADWAL_INVALID`` with every problem in the details.
        """
        self._require(S.DRAFT, code="LELANG_NOT_DRAFT")
        ruleset = ruleset_for(now)
        self.jadwal = tuple(
            check_jadwal(self.definition, self.jadwal, ruleset, kalender, now)
        )
        self.ruleset_code = ruleset.code
        self.diumumkan_pada = now
        self._record(
            Transition(J.UMUMKAN, now, S.DIUMUMKAN, details={"ruleset": ruleset.code})
        )

    def ubah_jadwal(
        self,
        new_jadwal: Iterable[tuple],
        alasan: str | None,
        now: datetime,
        kalender: Kalender,
    ) -> Transition:
        """Change the schedule of an announced lelang (perubahan jadwal, §5.3).

        A stage that has ended may not change; one that has started keeps its
        start (its end may move, e.g. after an outage); others may move freely
        within the rule-set. While halted, only the stages the engine entered have
        started. The reason and every change are kept in ``riwayat``.

        :raises BadRequest: ``ALASAN_REQUIRED``, ``JADWAL_UNCHANGED``,
            ``JADWAL_STAGE_END_IN_PAST``, ``JADWAL_INVALID``, ``TAHAPAN_UNKNOWN``.
        :raises InvalidTransition: ``LELANG_NOT_RUNNING``,
            ``JADWAL_STAGE_ALREADY_ENDED``, ``JADWAL_STAGE_ALREADY_STARTED``.
        """
        self._require(*_RUNNING, S.DIHENTIKAN_SEMENTARA, code="LELANG_NOT_RUNNING")
        alasan = _alasan(alasan)
        new = _entries(new_jadwal, self.definition)
        old = {e.tahapan: e for e in self.jadwal}
        changed = {e.tahapan: e for e in new if old.get(e.tahapan) != e}
        changed |= {t: None for t in old.keys() - {e.tahapan for e in new}}
        if not changed:
            raise BadRequest("JADWAL_UNCHANGED", "")
        # while halted, a stage the engine has not entered has not begun
        pending = {e.tahapan for e in self._not_entered()}
        halted = self.status is S.DIHENTIKAN_SEMENTARA
        started = {
            t
            for t, e in old.items()
            if t not in pending or (not halted and e.mulai <= now)
        }
        ended = [str(t) for t in changed if t in started and old[t].selesai <= now]
        if ended:
            raise InvalidTransition(
                "JADWAL_STAGE_ALREADY_ENDED", "", {"tahapan": ended}
            )
        moved = [
            str(t)
            for t in started & changed.keys()
            if changed[t] is None or changed[t].mulai != old[t].mulai
        ]
        if moved:
            raise InvalidTransition(
                "JADWAL_STAGE_ALREADY_STARTED", "", {"tahapan": moved}
            )
        if cut := [
            str(t) for t in started & changed.keys() if changed[t].selesai <= now
        ]:
            raise BadRequest("JADWAL_STAGE_END_IN_PAST", "", {"tahapan": cut})
        self._validate(new, self.ruleset, kalender, now, started=started)
        details = {
            "perubahan": [
                {"tahapan": str(t), "lama": _times(old.get(t)), "baru": _times(e)}
                for t, e in changed.items()
            ]
        }
        self.jadwal = new
        return self._record(
            Transition(J.UBAH_JADWAL, now, self.status, self.tahapan, alasan, details)
        )

    def hentikan_sanggah_banding(self, now: datetime, alasan: str | None) -> None:
        """A sanggah banding was filed (DOMAIN §8.2): the lelang is frozen, the
        timer moves nothing, until :meth:`lanjutkan` or :meth:`gagalkan`.

        Only against the pemenang: from the sanggah stage on (there is no banding
        against a prakualifikasi result).

        :raises BadRequest: ``ALASAN_REQUIRED``.
        :raises InvalidTransition: ``LELANG_NOT_RUNNING``, ``LELANG_HALTED``,
            ``SANGGAH_BANDING_NOT_OPEN``.
        """
        self._require(*_RUNNING, code="LELANG_NOT_RUNNING")
        alasan = _alasan(alasan)
        order = [e.tahapan for e in self.jadwal]
        sanggah = order.index(TahapanLelang.SANGGAH)
        if self.tahapan is None or order.index(self.tahapan) < sanggah:
            raise InvalidTransition(
                "SANGGAH_BANDING_NOT_OPEN",
                "",
                {"tahapan": self.tahapan and str(self.tahapan)},
            )
        self._record(
            Transition(
                J.HENTIKAN_SANGGAH_BANDING,
                now,
                S.DIHENTIKAN_SEMENTARA,
                self.tahapan,
                alasan,
            )
        )

    def lanjutkan(
        self,
        now: datetime,
        alasan: str | None,
        jadwal_baru: Iterable[tuple] | None = None,
        kalender: Kalender | None = None,
    ) -> Transition | None:
        """The sanggah banding was rejected: resume (DOMAIN §8.2 AppealRejected),
        optionally moving the stages the halt overran (as :meth:`ubah_jadwal`,
        whose transition is returned: a schedule change like any other).

        :raises BadRequest: ``ALASAN_REQUIRED``, ``KALENDER_REQUIRED``, and those of
            :meth:`ubah_jadwal`.
        :raises InvalidTransition: ``LELANG_NOT_HALTED``, and those of
            :meth:`ubah_jadwal`.
        """
        self._require(S.DIHENTIKAN_SEMENTARA, code="LELANG_NOT_HALTED")
        alasan = _alasan(alasan)
        changed = None
        if jadwal_baru is not None:
            if kalender is None:
                raise BadRequest("KALENDER_REQUIRED", "")
            changed = self.ubah_jadwal(jadwal_baru, alasan, now, kalender)
        status = S.BERJALAN if self.tahapan else S.DIUMUMKAN
        self._record(Transition(J.LANJUTKAN, now, status, self.tahapan, alasan))
        return changed

    def gagalkan(self, now: datetime, alasan: str | None) -> None:
        """Declare the lelang failed (pelelangan gagal, DOMAIN §6.4); also the end
        of an upheld sanggah banding. Final here: a re-tender is a new lelang.

        :raises BadRequest: ``ALASAN_REQUIRED``.
        :raises InvalidTransition: ``LELANG_NOT_RUNNING``.
        """
        self._require(*_RUNNING, S.DIHENTIKAN_SEMENTARA, code="LELANG_NOT_RUNNING")
        alasan = _alasan(alasan)
        self._record(Transition(J.GAGALKAN, now, S.GAGAL, self.tahapan, alasan))

    def selesaikan(self, now: datetime) -> None:
        """The kontrak is signed (DOMAIN §5.2 Contracted): only once the engine has
        entered the last stage (call :func:`apply_due` first).

        :raises InvalidTransition: ``LELANG_HALTED``, ``LELANG_NOT_RUNNING``,
            ``LELANG_NOT_AT_LAST_STAGE``.
        """
        self._require(S.BERJALAN, code="LELANG_NOT_RUNNING")
        last = self.jadwal[-1].tahapan
        if self.tahapan != last:
            raise InvalidTransition(
                "LELANG_NOT_AT_LAST_STAGE",
                "",
                {"tahapan": str(self.tahapan), "last": str(last)},
            )
        self._record(Transition(J.SELESAIKAN, now, S.SELESAI, self.tahapan))

    def hentikan(self, now: datetime, alasan: str | None) -> None:
        """Penghentian (DOMAIN §5.2 Failed → Stopped; Perpres 54/2010 Pasal 84): a
        failed lelang ends for good instead of a re-evaluation or a re-tender.
        Whether a re-tender exists already is the caller's to check (it is a
        link between two lelang).

        :raises BadRequest: ``ALASAN_REQUIRED``.
        :raises InvalidTransition: ``LELANG_NOT_FAILED``.
        """
        self._require(S.GAGAL, code="LELANG_NOT_FAILED")
        alasan = _alasan(alasan)
        self._record(Transition(J.HENTIKAN, now, S.DIHENTIKAN, self.tahapan, alasan))

    def batalkan(self, now: datetime, alasan: str | None) -> None:
        """Withdraw a draft before its announcement (DOMAIN §5.2 Draft →
        Cancelled): it was never public, so nothing is announced; the paket may
        get a new lelang.

        :raises BadRequest: ``ALASAN_REQUIRED``.
        :raises InvalidTransition: ``LELANG_NOT_DRAFT``.
        """
        self._require(S.DRAFT, code="LELANG_NOT_DRAFT")
        alasan = _alasan(alasan)
        self._record(Transition(J.BATALKAN, now, S.DIBATALKAN, None, alasan))

    # -------------------------------------------------------------- internals
    def _require(self, *allowed: StatusLelang, code: str) -> None:
        """Refuse unless in ``allowed``; a halted lelang always says so."""
        if self.status not in allowed:
            halted = self.status is S.DIHENTIKAN_SEMENTARA
            raise InvalidTransition(
                "LELANG_HALTED" if halted else code,
                "",
                {"status": str(self.status), "allowed": [str(s) for s in allowed]},
            )

    def _record(self, transition: Transition) -> Transition:
        self.riwayat.append(transition)
        self.status, self.tahapan = transition.status, transition.tahapan
        self.version += 1
        return transition

    def _not_entered(self) -> tuple[JadwalEntry, ...]:
        order = [e.tahapan for e in self.jadwal]
        start = order.index(self.tahapan) + 1 if self.tahapan in order else 0
        return self.jadwal[start:]

    def _validate(self, entries, ruleset, kalender, now, *, started) -> None:
        """``validate_jadwal``, except that a stage already started may lie in the
        past; raises ``BadRequest(JADWAL_INVALID)`` listing every problem."""
        problems = [
            p
            for p in validate_jadwal(self.definition, entries, ruleset, kalender, now,
                                     deadlines=False)
            if not (p.code == "TAHAPAN_STARTS_IN_PAST" and p.tahapan in started)
        ]
        if problems:
            raise BadRequest(
                "JADWAL_INVALID", "", {"problems": [p.as_dict() for p in problems]}
            )


def due_transitions(lelang: Lelang, now: datetime) -> list[Transition]:
    """What the timer must apply at ``now``: entering, in order, every stage whose
    planned start has come. Nothing unless announced or running (a halted, draft,
    failed or finished lelang does not move)."""
    if lelang.status not in _RUNNING:
        return []
    return [
        Transition(J.MASUK_TAHAPAN, e.mulai, S.BERJALAN, e.tahapan)
        for e in lelang._not_entered()
        if e.mulai <= now
    ]


def apply_due(lelang: Lelang, now: datetime) -> list[Transition]:
    """Apply :func:`due_transitions` to ``lelang``; returns what was applied."""
    due = due_transitions(lelang, now)
    for transition in due:
        lelang._record(transition)
    return due


def apply_next_due(lelang: Lelang, now: datetime) -> Transition | None:
    """Apply only the first of :func:`due_transitions` (the engine runs each
    stage's entry rules before entering the next); ``None`` if nothing is due."""
    due = due_transitions(lelang, now)
    if not due:
        return None
    return lelang._record(due[0])
