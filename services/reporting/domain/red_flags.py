"""Red flags of one lelang (DOMAIN §14), for the deviation report of Pasal 18.

Pasal 18 of Perbup Karangasem 30/2012 makes the LPSE report irregularities
(*penyimpangan*) to the PA/KPA and the PPK, with a copy to the Inspektorat. This
module finds the *indications* such a report can start from: the OCP Cardinal
indicators that SPSE data allows (R003, R018, R024, R028, R030, R035, R036, R038,
R058) plus three Indonesian ones (winner at or above 95% of HPS, many schedule
changes, winner not the lowest passing bid under sistem gugur). A red flag is a
reason to look, never proof of a breach; the texts say so.

THE table is :data:`INDICATORS` (code, Indonesian title and description, who may
see the evidence, the check). :func:`compute` runs every check and returns one
:class:`Flag` per indicator, each ``raised``, ``not_raised`` or ``not_computable``
(with the reason), so a dashboard can tell "clean" from "not known yet".
:func:`propose_laporan` turns the raised flags into the request body of pengaduan's
``report_penyimpangan`` RPC; it only returns it.

Input is :class:`Lelang`, the reporting read model of one lelang built from lelang
events only (see each field for its event). The module is pure: no I/O, no clock
(``now`` is passed in), no contract import (the domain imports no marshmallow);
amounts are :class:`~decimal.Decimal`, times are timezone-aware.

Confidentiality (DOMAIN §11). Every flag says its :class:`Audience`:

* ``publik``: the evidence is public data - the schedule and its changes (live),
  the number of bids, the corrected prices and evaluation results of every
  evaluated bidder (from the winner announcement), HPS total, contract value.
  Checks on prices or evaluation results are ``not_computable`` until
  :attr:`Lelang.pemenang_diumumkan_pada` is set, so such evidence never leaks
  before the announcement, whatever the read model holds.
* ``internal``: for LPSE staff, Auditors and the Inspektorat only - bid receipt
  times (the audit trail) and a bid count taken from receipts.

Population-based thresholds. Cardinal flags R024/R058/R038 when a value is an
outlier (Tukey fences: below ``Q1 - 1.5 IQR`` or above ``Q3 + 1.5 IQR``) across
the whole data set. One lelang is not a data set, so :func:`compute` takes an
optional :class:`Population` (the same statistic over comparable lelang, computed
by the caller with :func:`price_gap` and :func:`disqualification_ratio`) and falls
back to the fixed thresholds of :class:`Thresholds` when it has fewer than
``Thresholds.min_population`` values.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any


# ------------------------------------------------------------------ input
class Metode(enum.StrEnum):
    """Mirror of the wire enum ``MetodeLelang`` (a test keeps them equal)."""

    PASCAKUALIFIKASI_1_FILE = "pascakualifikasi_1_file"
    PASCAKUALIFIKASI_2_FILE = "pascakualifikasi_2_file"
    PRAKUALIFIKASI_1_FILE = "prakualifikasi_1_file"
    PRAKUALIFIKASI_2_FILE = "prakualifikasi_2_file"

    @property
    def prakualifikasi(self) -> bool:
        return self.value.startswith("prakualifikasi")


class MetodeEvaluasi(enum.StrEnum):
    """Mirror of the wire enum ``MetodeEvaluasi`` (DOMAIN §7)."""

    SISTEM_GUGUR = "sistem_gugur"  # pass/fail, lowest responsive price wins
    SISTEM_NILAI = "sistem_nilai"  # weighted technical + price score
    UMUR_EKONOMIS = "umur_ekonomis"  # life-cycle cost


class TahapEvaluasi(enum.StrEnum):
    """The evaluation step at which a bid was disqualified (DOMAIN §7 order)."""

    PEMBUKAAN = "pembukaan"  # the file could not be opened
    ADMINISTRASI = "administrasi"
    TEKNIS = "teknis"
    FILE_1 = "file_1"  # failed File I (2 file), step not told by hasil_announced
    HARGA = "harga"
    KUALIFIKASI = "kualifikasi"


@dataclass(frozen=True)
class Evaluasi:
    """Outcome of one evaluated bid: passed (``lulus``) or disqualified (gugur)."""

    lulus: bool
    gugur_pada: TahapEvaluasi | None = None  # the step, when gugur
    alasan: str | None = None  # the Pokja's reason (public with the results)

    @classmethod
    def from_steps(cls, *, administrasi: bool | None = None,
                   teknis: bool | None = None, harga: bool | None = None,
                   kualifikasi: bool | None = None,
                   alasan: str | None = None) -> Evaluasi | None:
        """From the ``lulus_*`` booleans of a ``hasil_evaluasi`` row of
        ``pemenang_announced``: gugur at the first ``False`` step; passed if no step
        failed and one passed (qualification is evaluated on the best bids only, so
        ``None`` there is "not reached", not a failure); ``None`` if nothing was
        evaluated."""
        steps = ((TahapEvaluasi.ADMINISTRASI, administrasi),
                 (TahapEvaluasi.TEKNIS, teknis), (TahapEvaluasi.HARGA, harga),
                 (TahapEvaluasi.KUALIFIKASI, kualifikasi))
        for step, passed in steps:
            if passed is False:
                return cls(False, step, alasan)
        if any(passed for _, passed in steps):
            return cls(True, None, alasan)
        return None


@dataclass(frozen=True)
class Penawaran:
    """One penyedia's bid, as reporting learns it.

    ``diterima_pada`` from ``penawaran_submitted`` (the latest version; for 2 file
    the later of both sampul) - INTERNAL data. Prices, evaluation and rank from the
    penyedia's ``hasil_evaluasi`` row of ``pemenang_announced`` (File I failures
    may also come from ``hasil_announced.tidak_lulus`` with
    :attr:`TahapEvaluasi.FILE_1`). ``evaluasi`` is ``None`` while not evaluated or
    not yet known. ``peringkat`` is carried for the read model; the checks rank
    by price themselves.
    """

    penyedia_id: str
    diterima_pada: datetime | None = None
    harga_penawaran: Decimal | None = None
    harga_terkoreksi: Decimal | None = None
    evaluasi: Evaluasi | None = None
    peringkat: int | None = None

    @property
    def harga(self) -> Decimal | None:
        """The price that ranks: corrected if known, else as offered."""
        return self.harga_terkoreksi if self.harga_terkoreksi is not None else (
            self.harga_penawaran)

    @property
    def gugur(self) -> bool:
        return self.evaluasi is not None and not self.evaluasi.lulus

    @property
    def valid(self) -> bool:
        """Evaluated and passed (Cardinal's "valid bid")."""
        return self.evaluasi is not None and self.evaluasi.lulus


@dataclass(frozen=True)
class Pemenang:
    """The announced winner (``pemenang_announced.pemenang`` with peringkat 1)."""

    penyedia_id: str
    harga: Decimal | None = None  # harga_terkoreksi, else harga_penawaran


@dataclass(frozen=True)
class Lelang:
    """One lelang as the reporting read model knows it from lelang events.

    * ``lelang_id, kode, nama, agency_id, metode, metode_evaluasi, nilai_hps`` -
      ``lelang_announced``.
    * ``diumumkan_pada`` - when penyedia could first see it: the ``mulai`` of the
      ``pengumuman`` (or ``pengumuman_prakualifikasi``) stage of the jadwal, where
      the legal durations start counting; ``lelang_announced.diumumkan_pada`` if
      the jadwal has no such stage.
    * ``batas_upload`` - ``selesai`` of the ``upload_penawaran`` stage in the latest
      jadwal (``lelang_announced``, then every ``jadwal_changed``).
    * ``jumlah_perubahan_jadwal`` - number of ``jadwal_changed`` events (each
      counted once: delivery is at least once, dedupe by event id).
    * ``penawaran`` - one :class:`Penawaran` per penyedia.
    * ``jumlah_penawaran, pemenang, pemenang_diumumkan_pada`` -
      ``pemenang_announced`` (``pemenang_diumumkan_pada``: the event's time; it
      gates every check on public prices, see the module docstring).
    * ``nilai_kontrak`` - ``kontrak_signed.nilai``.
    """

    lelang_id: str
    kode: str
    agency_id: str
    metode: Metode
    metode_evaluasi: MetodeEvaluasi
    nilai_hps: Decimal | None = None
    nama: str | None = None
    diumumkan_pada: datetime | None = None
    batas_upload: datetime | None = None
    jumlah_perubahan_jadwal: int = 0
    penawaran: tuple[Penawaran, ...] = ()
    jumlah_penawaran: int | None = None
    pemenang: Pemenang | None = None
    pemenang_diumumkan_pada: datetime | None = None
    nilai_kontrak: Decimal | None = None

    def __post_init__(self) -> None:
        # accept the wire strings and lists the builder has at hand
        object.__setattr__(self, "metode", Metode(self.metode))
        object.__setattr__(self, "metode_evaluasi",
                           MetodeEvaluasi(self.metode_evaluasi))
        object.__setattr__(self, "penawaran", tuple(self.penawaran))
        ids = [p.penyedia_id for p in self.penawaran]
        if len(ids) != len(set(ids)):
            raise ValueError("one Penawaran per penyedia (keep the latest version)")
        times = [self.diumumkan_pada, self.batas_upload,
                 self.pemenang_diumumkan_pada,
                 *(p.diterima_pada for p in self.penawaran)]
        if any(t is not None and t.utcoffset() is None for t in times):
            raise ValueError("times must be timezone-aware")

    def bid_of(self, penyedia_id: str) -> Penawaran | None:
        return next((p for p in self.penawaran if p.penyedia_id == penyedia_id),
                    None)


@dataclass(frozen=True)
class Thresholds:
    """Every parameter of the checks, with the reason for its default.

    R003: the legal minimum from announcement to the upload deadline under the
    Perpres 70/2012 rule-set (calendar days, counted inclusively, see
    ``services/lelang/domain/ruleset.py``) is 10 days for pascakualifikasi
    (pengumuman 7, with download and aanwijzing inside it, then upload 3) and 20
    for prakualifikasi (pengumuman 7, evaluation, pembuktian, penetapan and
    announcement of the qualification 1 each, sanggah 5, aanwijzing 1, upload 3).
    The margin of 2 days is the weekend that the "every stage ends on a working
    day" rule often adds, so any schedule run at the bare minimum is flagged,
    while the engine's own minimal proposal (stages one after the other: 12⅓ days
    pasca, 27⅓ pra) is not. Cardinal's default is 15 days. For Perpres 54/2010
    lelang the same stages count in working days (10 and 20 hk, about 14 and 28
    calendar days): pass about 16 and 30.
    """

    # R003: raise when the period (days, elapsed) is below this
    r003_min_days_pascakualifikasi: Decimal = Decimal(12)
    r003_min_days_prakualifikasi: Decimal = Decimal(22)
    # R024: raise when (second-lowest valid - winner) / winner <= this. 1%: a
    # cover bid "just above" the winner; Cardinal's fence from its example data
    # is 2%, but SPSE bids cluster under the HPS, so a wider band flags too many
    r024_max_gap: Decimal = Decimal("0.01")
    # R035: raise when at least this many other bids were disqualified (Cardinal)
    r035_min_disqualified: int = 1
    # R038: raise when disqualified / submitted >= this, with at least
    # r038_min_bids submitted (below 3 bids a 2012 lelang fails anyway, and a
    # ratio of 1 of 2 says little). 0.75: 3 of 4 bids gone; gugur of half the
    # bids on administrative grounds is common in SPSE, so 0.5 would be noise
    r038_max_ratio: Decimal = Decimal("0.75")
    r038_min_bids: int = 3
    # R058: raise when (second-lowest valid - winner) / winner >= this. 0.25 is
    # "the winner is below 80% of the next valid bid", the 80%-of-HPS
    # price-reasonableness rule (DOMAIN §7) applied to the market's own price
    r058_min_gap: Decimal = Decimal("0.25")
    # ID-HPS95: raise when winner (or contract) price / HPS >= this (ICW's band,
    # DOMAIN §14.2); above 1 the bid or contract is over the HPS ceiling: severe
    hps_close_ratio: Decimal = Decimal("0.95")
    # the 80% HPS rule: evidence for R058 / ID-HPS95 and R058's severity
    price_check_ratio: Decimal = Decimal("0.80")
    # ID-JADWAL: raise at this many jadwal changes; one or two (a server outage,
    # an adendum) are routine, a third is a pattern worth a look
    jadwal_max_changes: int = 3
    # a Population with fewer values than this is ignored (quartiles of a handful
    # of lelang are noise); the fixed thresholds above apply instead
    min_population: int = 20


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Population:
    """The same statistic over comparable lelang (same agency or kategori, recent
    years), each from :func:`price_gap` / :func:`disqualification_ratio` of one
    lelang; ``None`` values left out. Enables Cardinal's outlier method."""

    price_gaps: tuple[Decimal, ...] = ()  # R024 (low outlier), R058 (high)
    disqualification_ratios: tuple[Decimal, ...] = ()  # R038 (high outlier)


# ------------------------------------------------------------------ output
class Status(enum.StrEnum):
    RAISED = "raised"
    NOT_RAISED = "not_raised"
    NOT_COMPUTABLE = "not_computable"  # data missing, not yet known, or n/a


class Severity(enum.StrEnum):
    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"


class Audience(enum.StrEnum):
    """Who may see a flag's evidence (DOMAIN §11)."""

    PUBLIK = "publik"  # public data (prices: from the winner announcement)
    INTERNAL = "internal"  # LPSE staff, Auditors, Inspektorat only


Evidence = Mapping[str, Any]  # JSON-ready: str, int, bool, lists; amounts as str


@dataclass(frozen=True)
class Flag:
    """The result of one indicator for one lelang.

    ``explanation`` (Indonesian) says why it was raised, or why it could not be
    computed. ``severity`` is set only when raised. ``evidence`` holds the numbers
    and ids that decided it, JSON-ready (amounts and ratios as decimal strings,
    times as ISO 8601), as data for a dashboard or the report.
    """

    code: str
    title: str
    status: Status
    explanation: str
    audience: Audience
    severity: Severity | None = None
    evidence: Evidence = field(default_factory=dict)

    @property
    def raised(self) -> bool:
        return self.status is Status.RAISED


@dataclass(frozen=True)
class _Result:
    """What a check returns; :func:`compute` adds the table's code and title."""

    status: Status
    explanation: str
    severity: Severity | None = None
    evidence: Evidence = field(default_factory=dict)
    audience: Audience | None = None  # overrides the table's, when data differ


def _raised(severity: Severity, explanation: str, audience: Audience | None = None,
            **evidence: Any) -> _Result:
    return _Result(Status.RAISED, explanation, severity, evidence, audience)


def _not_raised(explanation: str, audience: Audience | None = None,
                **evidence: Any) -> _Result:
    return _Result(Status.NOT_RAISED, explanation, None, evidence, audience)


def _not_computable(reason: str) -> _Result:
    return _Result(Status.NOT_COMPUTABLE, reason)


# ------------------------------------------------------------------ helpers
def _q(value: Decimal, places: str = "0.0001") -> str:
    """A ratio or amount as a JSON-ready decimal string."""
    return str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _rp(value: Decimal) -> str:
    """Rupiah the Indonesian way: Rp1.350.000.000 (cents only when there are)."""
    whole = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{whole:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return "Rp" + (text[:-3] if text.endswith(",00") else text)


def _pct(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%".replace(
        ".", ",")


def _days(days: Decimal) -> str:
    """Days with two decimals, rounded down so 11.999 never reads as "12"."""
    return str(days.quantize(Decimal("0.01"), rounding=ROUND_DOWN)).replace(".", ",")


def _iso(value: datetime) -> str:
    return value.isoformat()


def _announced(lelang: Lelang) -> str | None:
    """The reason price/evaluation checks must wait, or None once public."""
    if lelang.pemenang_diumumkan_pada is None:
        return ("Harga dan hasil evaluasi baru terbuka untuk umum pada pengumuman "
                "pemenang; pemenang belum diumumkan.")
    return None


def _winner_price(lelang: Lelang) -> Decimal | None:
    if lelang.pemenang is None:
        return None
    bid = lelang.bid_of(lelang.pemenang.penyedia_id)
    if bid is not None and bid.harga is not None:
        return bid.harga
    return lelang.pemenang.harga


def _valid_priced(lelang: Lelang) -> list[Penawaran]:
    return sorted((p for p in lelang.penawaran if p.valid and p.harga is not None),
                  key=lambda p: (p.harga, p.penyedia_id))


def _bid_count(lelang: Lelang) -> tuple[int, Audience]:
    """Submitted bids: the announced number if known (public), else the receipts
    (internal: a withdrawal has no event, so receipts may over-count)."""
    if lelang.jumlah_penawaran is not None:
        return max(lelang.jumlah_penawaran, len(lelang.penawaran)), Audience.PUBLIK
    return len(lelang.penawaran), Audience.INTERNAL


def _tukey(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    """Lower and upper Tukey fences, quartiles by linear interpolation."""
    data = sorted(values)

    def quantile(p: Decimal) -> Decimal:
        pos = p * (len(data) - 1)
        low = int(pos)
        high = min(low + 1, len(data) - 1)
        return data[low] + (data[high] - data[low]) * (pos - low)

    q1, q3 = quantile(Decimal("0.25")), quantile(Decimal("0.75"))
    iqr = q3 - q1
    return q1 - Decimal("1.5") * iqr, q3 + Decimal("1.5") * iqr


def _fence(population: Sequence[Decimal] | None, fixed: Decimal, upper: bool,
           thresholds: Thresholds) -> tuple[Decimal, str]:
    """The population's fence if it is large enough, else the fixed threshold;
    with the method's name for the evidence."""
    if population and len(population) >= thresholds.min_population:
        low, high = _tukey(population)
        return (high if upper else low), f"tukey_n{len(population)}"
    return fixed, "fixed"


# ------------------------------------------------------------------ statistics
def price_gap(lelang: Lelang) -> Decimal | None:
    """(second-lowest valid bid - winner) / winner, Cardinal's R024/R058 value;
    None when the winner is not the lowest valid bid or data is missing. Run it
    over other lelang to build a :class:`Population`."""
    winner, price = lelang.pemenang, _winner_price(lelang)
    if winner is None or price is None or price <= 0:
        return None
    others = [p for p in _valid_priced(lelang) if p.penyedia_id != winner.penyedia_id]
    if not others or others[0].harga < price:
        return None
    return (others[0].harga - price) / price


def disqualification_ratio(lelang: Lelang) -> Decimal | None:
    """Disqualified / submitted bids (R038's value); None without bids."""
    submitted, _ = _bid_count(lelang)
    if submitted == 0:
        return None
    gugur = sum(1 for p in lelang.penawaran if p.gugur)
    return Decimal(gugur) / Decimal(max(submitted, gugur))


# ------------------------------------------------------------------ checks
Check = Callable[[Lelang, Thresholds, datetime, Population | None], _Result]


def _r003(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    if lelang.diumumkan_pada is None or lelang.batas_upload is None:
        return _not_computable("Waktu pengumuman atau batas akhir upload penawaran "
                               "belum diketahui.")
    days = Decimal((lelang.batas_upload - lelang.diumumkan_pada).total_seconds()) / (
        Decimal(86400))
    minimum = (t.r003_min_days_prakualifikasi if lelang.metode.prakualifikasi
               else t.r003_min_days_pascakualifikasi)
    evidence = dict(diumumkan_pada=_iso(lelang.diumumkan_pada),
                    batas_upload=_iso(lelang.batas_upload),
                    period_days=_q(days, "0.01"), threshold_days=str(minimum),
                    metode=str(lelang.metode))
    if days < minimum:
        return _raised(
            Severity.SEDANG,
            f"Waktu dari pengumuman sampai batas akhir upload penawaran hanya "
            f"{_days(days)} hari, di bawah {minimum} hari untuk metode "
            f"{lelang.metode}.", **evidence)
    return _not_raised("Masa penawaran cukup panjang.", **evidence)


def _r018(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    if lelang.jumlah_penawaran is None and (
            lelang.batas_upload is None or now <= lelang.batas_upload):
        return _not_computable("Masa upload penawaran belum berakhir; jumlah "
                               "penawaran belum final.")
    count, audience = _bid_count(lelang)
    awarded = lelang.pemenang is not None
    evidence = dict(jumlah_penawaran=count, ada_pemenang=awarded,
                    sumber=("pengumuman_pemenang" if audience is Audience.PUBLIK
                            else "tanda_terima"))
    if count != 1:
        return _not_raised(f"Jumlah penawaran: {count}.", audience, **evidence)
    if awarded:
        evidence["pemenang_id"] = lelang.pemenang.penyedia_id
        return _raised(
            Severity.TINGGI,
            "Hanya satu penawaran masuk, dan lelang tetap dimenangkan; menurut "
            "aturan 2012 lelang dengan kurang dari 3 penawaran dinyatakan gagal.",
            audience, **evidence)
    return _raised(Severity.SEDANG, "Hanya satu penawaran masuk pada lelang umum.",
                   audience, **evidence)


def _r024(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    return _gap_check(lelang, t, population, upper=False)


def _r058(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    return _gap_check(lelang, t, population, upper=True)


def _gap_check(lelang: Lelang, t: Thresholds, population: Population | None,
               upper: bool) -> _Result:
    """R024 (gap a low outlier) and R058 (gap a high outlier), one computation."""
    if reason := _announced(lelang):
        return _not_computable(reason)
    if lelang.pemenang is None or _winner_price(lelang) is None:
        return _not_computable("Pemenang atau harga pemenang belum diketahui.")
    gap = price_gap(lelang)
    if gap is None:
        return _not_computable(
            "Perlu pemenang sebagai penawar terendah dan paling sedikit satu "
            "penawaran lain yang lulus evaluasi (Cardinal mengecualikan lelang "
            "yang pemenangnya bukan penawar terendah).")
    winner = lelang.pemenang.penyedia_id
    price = _winner_price(lelang)
    second = next(p for p in _valid_priced(lelang) if p.penyedia_id != winner)
    fence, method = _fence(population.price_gaps if population else None,
                           t.r058_min_gap if upper else t.r024_max_gap, upper, t)
    evidence: dict[str, Any] = dict(
        pemenang_id=winner, harga_pemenang=str(price),
        penyedia_kedua_id=second.penyedia_id, harga_kedua=str(second.harga),
        gap=_q(gap), threshold=_q(fence), threshold_method=method)
    if upper:
        below_80 = None
        if lelang.nilai_hps:
            ratio = price / lelang.nilai_hps
            below_80 = ratio < t.price_check_ratio
            evidence.update(nilai_hps=str(lelang.nilai_hps),
                            rasio_pemenang_hps=_q(ratio),
                            di_bawah_80_persen_hps=below_80)
        if gap >= fence:
            return _raised(
                Severity.TINGGI if below_80 else Severity.SEDANG,
                f"Penawaran sah berikutnya {_pct(gap)} di atas harga pemenang "
                f"({_rp(second.harga)} lawan {_rp(price)}); risiko harga pemenang "
                f"tidak wajar"
                + (", dan di bawah 80% HPS: klarifikasi kewajaran harga dan "
                   "jaminan pelaksanaan 5% HPS wajib." if below_80 else "."),
                **evidence)
        return _not_raised("Selisih ke penawaran kedua tidak mencolok.", **evidence)
    if gap <= fence:
        return _raised(
            Severity.SEDANG,
            f"Penawaran sah berikutnya hanya {_pct(gap)} di atas harga pemenang "
            f"({_rp(second.harga)} lawan {_rp(price)}); kemungkinan penawaran "
            f"pendamping (cover bidding).", **evidence)
    return _not_raised("Selisih ke penawaran kedua wajar.", **evidence)


def _r028(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    if reason := _announced(lelang):
        return _not_computable(reason)
    priced = [p for p in lelang.penawaran
              if p.harga_penawaran is not None or p.harga_terkoreksi is not None]
    if len(priced) < 2:
        return _not_computable("Kurang dari dua penawaran dengan harga diketahui.")
    groups = []
    for kind in ("harga_penawaran", "harga_terkoreksi"):
        by_price: dict[Decimal, list[str]] = {}
        for p in priced:
            if (price := getattr(p, kind)) is not None:
                by_price.setdefault(price, []).append(p.penyedia_id)
        groups += [dict(jenis=kind, harga=_q(price, "0.01"),
                        penyedia_ids=sorted(ids))
                   for price, ids in sorted(by_price.items()) if len(ids) > 1]
    evidence = dict(jumlah_penawaran_berharga=len(priced), kelompok=groups)
    if groups:
        first = groups[0]
        return _raised(
            Severity.TINGGI,
            f"{len(first['penyedia_ids'])} penyedia berbeda menawar harga yang "
            f"persis sama ({_rp(Decimal(first['harga']))}); indikasi persekongkolan "
            f"atau kebocoran harga.", **evidence)
    return _not_raised("Tidak ada harga penawaran yang sama.", **evidence)


def _r030(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    if lelang.pemenang is None:
        return _not_computable("Pemenang belum diketahui.")
    if lelang.batas_upload is None:
        return _not_computable("Batas akhir upload penawaran belum diketahui.")
    bid = lelang.bid_of(lelang.pemenang.penyedia_id)
    if bid is None or bid.diterima_pada is None:
        return _not_computable("Waktu terima penawaran pemenang tidak tercatat.")
    late = sorted(p.penyedia_id for p in lelang.penawaran
                  if p.diterima_pada is not None and p.diterima_pada >
                  lelang.batas_upload)
    seconds = int((bid.diterima_pada - lelang.batas_upload).total_seconds())
    evidence = dict(pemenang_id=bid.penyedia_id,
                    diterima_pada=_iso(bid.diterima_pada),
                    batas_upload=_iso(lelang.batas_upload),
                    terlambat_detik=max(seconds, 0), penawaran_terlambat_ids=late)
    if bid.diterima_pada > lelang.batas_upload:
        return _raised(
            Severity.TINGGI,
            f"Penawaran pemenang diterima {seconds} detik setelah batas akhir "
            f"upload; sistem seharusnya menolaknya, jadi ada campur tangan manual.",
            **evidence)
    return _not_raised("Penawaran pemenang diterima sebelum batas akhir.",
                       **evidence)


def _r035(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    if reason := _announced(lelang):
        return _not_computable(reason)
    if lelang.pemenang is None:
        return _not_computable("Pemenang belum diketahui.")
    if not any(p.evaluasi is not None for p in lelang.penawaran):
        return _not_computable("Hasil evaluasi penawaran belum diketahui.")
    winner = lelang.pemenang.penyedia_id
    valid = sorted(p.penyedia_id for p in lelang.penawaran if p.valid)
    gugur = sorted(p.penyedia_id for p in lelang.penawaran
                   if p.gugur and p.penyedia_id != winner)
    evidence = dict(pemenang_id=winner, lulus_ids=valid, gugur_ids=gugur,
                    tidak_dievaluasi=sum(1 for p in lelang.penawaran
                                         if p.evaluasi is None),
                    alasan_gugur=_reasons(lelang, gugur))
    if valid == [winner] and len(gugur) >= t.r035_min_disqualified:
        return _raised(
            Severity.SEDANG,
            f"Semua penawaran lain ({len(gugur)}) digugurkan; hanya pemenang yang "
            f"lulus evaluasi.", **evidence)
    return _not_raised(f"{len(valid)} penawaran lulus evaluasi.", **evidence)


def _reasons(lelang: Lelang, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Step and reason of each disqualified bid (public with the results)."""
    out = []
    for penyedia_id in ids:
        bid = lelang.bid_of(penyedia_id)
        if bid is not None and bid.evaluasi is not None:
            step = bid.evaluasi.gugur_pada
            out.append(dict(penyedia_id=penyedia_id,
                            tahap=str(step) if step else None,
                            alasan=bid.evaluasi.alasan))
    return out


def _r036(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    if lelang.metode_evaluasi is not MetodeEvaluasi.SISTEM_GUGUR:
        return _not_computable("Hanya berlaku untuk sistem gugur (harga terendah).")
    if reason := _announced(lelang):
        return _not_computable(reason)
    if lelang.pemenang is None:
        return _not_computable("Pemenang belum diketahui.")
    offered = [p for p in lelang.penawaran if p.harga_penawaran is not None]
    if not offered:
        return _not_computable("Harga penawaran belum diketahui.")
    lowest_price = min(p.harga_penawaran for p in offered)
    lowest = sorted((p for p in offered if p.harga_penawaran == lowest_price),
                    key=lambda p: p.penyedia_id)
    if any(p.evaluasi is None for p in lowest):
        return _not_computable("Penawaran terendah belum dievaluasi.")
    evidence = dict(harga_terendah=str(lowest_price),
                    penawaran_terendah_ids=[p.penyedia_id for p in lowest],
                    pemenang_id=lelang.pemenang.penyedia_id,
                    alasan_gugur=_reasons(lelang, [p.penyedia_id for p in lowest]))
    if all(p.gugur for p in lowest):
        return _raised(
            Severity.TINGGI,
            f"Penawaran terendah ({_rp(lowest_price)}) digugurkan pada sistem "
            f"gugur; periksa alasan gugurnya.", **evidence)
    return _not_raised("Penawaran terendah tidak digugurkan.", **evidence)


def _r038(lelang: Lelang, t: Thresholds, now: datetime,
          population: Population | None) -> _Result:
    if reason := _announced(lelang):
        return _not_computable(reason)
    submitted, _ = _bid_count(lelang)
    if submitted < t.r038_min_bids:
        return _not_computable(f"Kurang dari {t.r038_min_bids} penawaran; rasio "
                               f"gugur tidak bermakna.")
    ratio = disqualification_ratio(lelang)
    gugur = sorted(p.penyedia_id for p in lelang.penawaran if p.gugur)
    fence, method = _fence(
        population.disqualification_ratios if population else None,
        t.r038_max_ratio, True, t)
    evidence = dict(jumlah_penawaran=submitted, jumlah_gugur=len(gugur),
                    gugur_ids=gugur, rasio=_q(ratio), threshold=_q(fence),
                    threshold_method=method)
    if ratio >= fence:
        return _raised(
            Severity.SEDANG,
            f"{len(gugur)} dari {submitted} penawaran ({_pct(ratio)}) digugurkan.",
            **evidence)
    return _not_raised(f"{_pct(ratio)} penawaran digugurkan.", **evidence)


def _hps95(lelang: Lelang, t: Thresholds, now: datetime,
           population: Population | None) -> _Result:
    if not lelang.nilai_hps:
        return _not_computable("Nilai HPS tidak diketahui.")
    if lelang.nilai_kontrak is not None:
        price, source = lelang.nilai_kontrak, "nilai_kontrak"
    elif (reason := _announced(lelang)) is not None:
        return _not_computable(reason)
    elif (price := _winner_price(lelang)) is not None:
        source = "harga_pemenang"
    else:
        return _not_computable("Harga pemenang belum diketahui.")
    ratio = price / lelang.nilai_hps
    evidence = dict(sumber=source, nilai=str(price), nilai_hps=str(lelang.nilai_hps),
                    rasio_hps=_q(ratio), threshold=str(t.hps_close_ratio))
    if ratio > 1:
        return _raised(
            Severity.TINGGI,
            f"{'Nilai kontrak' if source == 'nilai_kontrak' else 'Harga pemenang'} "
            f"{_rp(price)} melebihi HPS {_rp(lelang.nilai_hps)} ({_pct(ratio)}); "
            f"penawaran di atas HPS tidak sah.", **evidence)
    if ratio >= t.hps_close_ratio:
        return _raised(
            Severity.SEDANG,
            f"{'Nilai kontrak' if source == 'nilai_kontrak' else 'Harga pemenang'} "
            f"{_pct(ratio)} dari HPS; harga yang sangat dekat HPS mengindikasikan "
            f"persaingan yang lemah atau HPS yang bocor.", **evidence)
    return _not_raised(f"Harga {_pct(ratio)} dari HPS.", **evidence)


def _jadwal(lelang: Lelang, t: Thresholds, now: datetime,
            population: Population | None) -> _Result:
    changes = lelang.jumlah_perubahan_jadwal
    evidence = dict(jumlah_perubahan_jadwal=changes, threshold=t.jadwal_max_changes)
    if changes >= t.jadwal_max_changes:
        return _raised(Severity.RENDAH,
                       f"Jadwal diubah {changes} kali; periksa alasan setiap "
                       f"perubahan.", **evidence)
    return _not_raised(f"Jadwal diubah {changes} kali.", **evidence)


def _terendah(lelang: Lelang, t: Thresholds, now: datetime,
              population: Population | None) -> _Result:
    if lelang.metode_evaluasi is not MetodeEvaluasi.SISTEM_GUGUR:
        return _not_computable("Hanya berlaku untuk sistem gugur (harga terendah).")
    if reason := _announced(lelang):
        return _not_computable(reason)
    price = _winner_price(lelang)
    if lelang.pemenang is None or price is None:
        return _not_computable("Pemenang atau harga pemenang belum diketahui.")
    valid = _valid_priced(lelang)
    if not valid:
        return _not_computable("Belum ada penawaran yang lulus evaluasi.")
    lowest = valid[0]
    evidence = dict(pemenang_id=lelang.pemenang.penyedia_id,
                    harga_pemenang=str(price),
                    terendah_lulus_id=lowest.penyedia_id,
                    harga_terendah_lulus=str(lowest.harga))
    if lowest.harga < price:
        return _raised(
            Severity.TINGGI,
            f"Pemenang menawar {_rp(price)}, padahal ada penawaran yang lulus "
            f"evaluasi seharga {_rp(lowest.harga)}; pada sistem gugur pemenang "
            f"adalah penawar terendah yang responsif.", **evidence)
    return _not_raised("Pemenang adalah penawar terendah yang lulus.", **evidence)


# ------------------------------------------------------------------ THE table
@dataclass(frozen=True)
class Indicator:
    code: str
    title: str  # Indonesian, for the dashboard and the report
    description: str  # Indonesian: what it measures and why it is a risk
    audience: Audience  # who may see its evidence (a check may narrow it)
    check: Check


_P, _I = Audience.PUBLIK, Audience.INTERNAL

#: code -> title, description, audience, check; the order of the report
INDICATORS: tuple[Indicator, ...] = (
    Indicator("R003", "Masa penawaran singkat",
              "Waktu dari pengumuman sampai batas akhir upload penawaran mendekati "
              "batas minimum; penyedia yang tidak 'dekat' sulit ikut.", _P, _r003),
    Indicator("R018", "Hanya satu penawaran",
              "Lelang umum hanya menerima satu penawaran; persaingan tidak "
              "terjadi.", _P, _r018),
    Indicator("R024", "Harga pemenang sangat dekat dengan penawaran kedua",
              "Selisih pemenang dengan penawaran sah kedua sangat kecil; pola "
              "penawaran pendamping (cover bidding).", _P, _r024),
    Indicator("R028", "Harga penawaran identik",
              "Penyedia berbeda menawar harga yang persis sama; indikasi "
              "persekongkolan atau kebocoran harga.", _P, _r028),
    Indicator("R030", "Penawaran terlambat menang",
              "Penawaran pemenang diterima setelah batas akhir upload; hanya "
              "mungkin dengan campur tangan terhadap sistem.", _I, _r030),
    Indicator("R035", "Semua penawaran gugur kecuali pemenang",
              "Semua penawar lain digugurkan sehingga hanya pemenang yang "
              "tersisa.", _P, _r035),
    Indicator("R036", "Penawaran terendah digugurkan (sistem gugur)",
              "Pada evaluasi harga terendah, penawaran termurah digugurkan.",
              _P, _r036),
    Indicator("R038", "Banyak penawaran digugurkan",
              "Rasio penawaran gugur terhadap penawaran masuk sangat tinggi.",
              _P, _r038),
    Indicator("R058", "Harga pemenang jauh di bawah penawaran kedua",
              "Selisih pemenang dengan penawaran sah kedua sangat besar; risiko "
              "harga tidak wajar (terkait aturan 80% HPS).", _P, _r058),
    Indicator("ID-HPS95", "Harga pemenang mendekati atau melebihi HPS",
              "Harga pemenang atau nilai kontrak ≥ 95% HPS (ICW); di atas HPS "
              "tidak sah.", _P, _hps95),
    Indicator("ID-JADWAL", "Jadwal sering diubah",
              "Jadwal lelang diubah berkali-kali (indikator 2b, DOMAIN §14.2).",
              _P, _jadwal),
    Indicator("ID-TERENDAH", "Pemenang bukan penawar terendah yang lulus",
              "Pada sistem gugur ada penawaran lulus yang lebih murah dari "
              "pemenang (DOMAIN §14.3).", _P, _terendah),
)
assert len({i.code for i in INDICATORS}) == len(INDICATORS), "codes are unique"

BY_CODE: Mapping[str, Indicator] = {i.code: i for i in INDICATORS}
_TABLE_ORDER: Mapping[str, int] = {i.code: n for n, i in enumerate(INDICATORS)}


# ------------------------------------------------------------------ API
def compute(lelang: Lelang, thresholds: Thresholds = DEFAULT_THRESHOLDS, *,
            now: datetime, population: Population | None = None) -> list[Flag]:
    """One :class:`Flag` per indicator of :data:`INDICATORS`, in table order.

    ``now`` decides only whether the upload period is over (R018); recomputing
    after each event is how a flag moves from ``not_computable`` to a verdict.
    """
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    flags = []
    for indicator in INDICATORS:
        result = indicator.check(lelang, thresholds, now, population)
        flags.append(Flag(indicator.code, indicator.title, result.status,
                          result.explanation, result.audience or indicator.audience,
                          result.severity, dict(result.evidence)))
    return flags


def raised(flags: Iterable[Flag]) -> list[Flag]:
    return [f for f in flags if f.raised]


_SEVERITY_ORDER = {Severity.TINGGI: 0, Severity.SEDANG: 1, Severity.RENDAH: 2}
_MAX_URAIAN = 8000  # ReportPenyimpanganRequest.uraian


def _evidence_text(evidence: Evidence) -> str:
    def show(value: Any) -> str:
        if isinstance(value, list | dict | bool) or value is None:
            return json.dumps(value, ensure_ascii=False)
        return str(value)
    return "; ".join(f"{key}={show(value)}" for key, value in evidence.items())


def propose_laporan(lelang: Lelang, flags: Iterable[Flag], *,
                    pengaduan_id: str | None = None) -> dict[str, Any] | None:
    """A proposed deviation report (laporan penyimpangan, Pasal 18) from the raised
    flags, or None when nothing is raised.

    The dict is the body of pengaduan's ``report_penyimpangan`` RPC without
    ``actor`` (the LPSE staff member who sends it, after review):
    ``idempotency_key`` (the same flags and evidence give the same key, so a
    re-run reports once), ``lelang_id``, ``pengaduan_id``, ``uraian`` and
    ``dokumen`` (none). The RPC has no structured evidence field, so the evidence
    is written into ``uraian``; the structured form stays on the flags. The
    addressees (PA/KPA, PPK, Inspektorat) may see internal evidence.
    """
    found = sorted(raised(flags), key=lambda f: (
        _SEVERITY_ORDER[f.severity or Severity.RENDAH], _TABLE_ORDER[f.code]))
    if not found:
        return None
    name = f"{lelang.kode} ({lelang.nama})" if lelang.nama else lelang.kode
    lines = [
        f"Indikasi penyimpangan pada lelang {name}, instansi {lelang.agency_id}: "
        f"{len(found)} indikator tanda bahaya (red flag) dihitung otomatis dari "
        f"data SPSE. Indikator bukan bukti pelanggaran; mohon diperiksa sesuai "
        f"Pasal 18 Perbup Karangasem 30/2012.",
    ]
    for flag in found:
        lines.append(f"- [{flag.code}, {flag.severity}, {flag.audience}] "
                     f"{flag.title}: {flag.explanation} "
                     f"Bukti: {_evidence_text(flag.evidence)}")
    uraian = "\n".join(lines)
    if len(uraian) > _MAX_URAIAN:
        uraian = uraian[:_MAX_URAIAN - 1] + "…"
    canonical = json.dumps([[f.code, f.evidence] for f in found], sort_keys=True,
                           default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return {
        "idempotency_key": f"red-flag:{lelang.lelang_id}:{digest}",
        "lelang_id": lelang.lelang_id,
        "pengaduan_id": pengaduan_id,
        "uraian": uraian,
        "dokumen": [],
    }

