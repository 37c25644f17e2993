"""What reporting keeps from earlier events, so that one event can become a release.

A lelang event says what happened *now*; an OCDS release sometimes needs what happened
before. Three examples from :mod:`.ocds`:

* ``parties[].roles`` is merged as a whole list, so a release that names a penyedia
  must repeat *every* role already published for it (tenderer + supplier), or the
  compiled record loses one;
* ``kontrak_signed`` names the winner by id only, and an upheld sanggah must cancel
  the award published earlier, whose id the sanggah event does not carry;
* the winner announcement publishes the penyedia who only registered (names come from
  ``peserta_registered``, held back until then) and dates the original bid prices at
  the opening (``penawaran_opened``).

So there are two kinds of memory, both plain data:

* :class:`LelangState`, one per lelang, folded by :func:`fold` from the lelang's events
  *and* from the releases already published for it (parties, awards and contracts
  are remembered as published, so the mapping and the memory cannot disagree);
* :class:`Directory`, the few cross-lelang facts (agency names, paket -> RUP, RUP
  details, lelang id -> kode), read through a Protocol like
  ``services.notifikasi.domain.penerima.Known``. :class:`InMemoryDirectory` is the
  reference: it shows which event teaches which fact, and a repository must store the
  same.

Pure: no I/O, no clock; every value is JSON-ready (``to_dict``/``from_dict``), so the
service can keep a state as one JSON column next to the releases it led to.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Event:
    """One event as the consumer has it: the envelope's identity and time, and the
    payload *loaded* through its contract (``contract.load_payload``). Plain JSON
    values (strings for amounts and times) are accepted as well."""

    source: str
    event_type: str
    event_id: str
    occurred_at: datetime
    payload: Mapping[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.event_type)


# ------------------------------------------------------------------ value helpers
def as_datetime(value: datetime | str) -> datetime:
    """An aware datetime from a loaded or a JSON value; a naive one is refused,
    because a release date without a zone cannot be ordered."""
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: an aware one is required")
    return dt


def iso(value: datetime | str) -> str:
    """RFC 3339 in UTC to the second (``2026-12-04T02:00:00Z``).

    One fixed format for every date of every release: ocdsmerge (and any receiver)
    orders releases by comparing ``date`` as a *string*, which is only right when all
    of them have the same zone and precision. Two events in the same second keep
    their outbox order (the sort is stable)."""
    return as_datetime(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# ------------------------------------------------------------------ per lelang
@dataclass
class LelangState:
    """What is known about one lelang beyond its current event (JSON-ready)."""

    lelang_id: str
    kode: str
    metode: str | None = None
    #: penyedia id -> name, from peserta_registered (published only with the winner)
    peserta: dict[str, str] = field(default_factory=dict)
    #: penyedia id -> when its last bid was received (published only with the winner)
    diterima: dict[str, str] = field(default_factory=dict)
    #: sampul -> when the Pokja opened it
    dibuka: dict[str, str] = field(default_factory=dict)
    #: hasil_announced jenis -> {"lulus": [...], "tidak_lulus": [...]}
    hasil: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: when the winner was decided (penetapan pemenang): the award date
    ditetapkan_pada: str | None = None
    has_enquiries: bool = False
    #: as published: party id -> roles, award id -> status, contract id -> status
    parties: dict[str, list[str]] = field(default_factory=dict)
    awards: dict[str, str] = field(default_factory=dict)
    contracts: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LelangState:
        names = {f.name for f in fields(cls)}
        return cls(**copy.deepcopy({k: v for k, v in data.items() if k in names}))


def fold(state: LelangState | None, event: Event,
         releases: Sequence[Mapping[str, Any]] = ()) -> LelangState | None:
    """The state after ``event`` and the ``releases`` it gave (a new object; the
    argument is not changed). Events that are not about one lelang return ``state``
    unchanged."""
    p = event.payload
    if event.source != "lelang" or "lelang_id" not in p:
        return state
    new = copy.deepcopy(state) if state is not None else LelangState(
        lelang_id=str(p["lelang_id"]), kode=str(p["kode"]))
    learn = _LEARN.get(event.event_type)
    if learn is not None:
        learn(new, event)
    for release in releases:
        _remember_published(new, release)
    return new


def _learn_announced(s: LelangState, e: Event) -> None:
    s.metode = str(e.payload["metode"])


def _learn_peserta(s: LelangState, e: Event) -> None:
    s.peserta[str(e.payload["penyedia_id"])] = str(e.payload["penyedia_nama"])


def _learn_submitted(s: LelangState, e: Event) -> None:
    s.diterima[str(e.payload["penyedia_id"])] = iso(e.payload["diterima_pada"])


def _learn_opened(s: LelangState, e: Event) -> None:
    s.dibuka[str(e.payload["sampul"])] = iso(e.occurred_at)


def _learn_hasil(s: LelangState, e: Event) -> None:
    s.hasil[str(e.payload["jenis"])] = {
        "lulus": [str(x) for x in e.payload["lulus"]],
        "tidak_lulus": [str(x) for x in e.payload["tidak_lulus"]]}


def _learn_decided(s: LelangState, e: Event) -> None:
    s.ditetapkan_pada = iso(e.occurred_at)


def _learn_answered(s: LelangState, e: Event) -> None:
    s.has_enquiries = True


_LEARN = {
    "lelang_announced": _learn_announced,
    "peserta_registered": _learn_peserta,
    "penawaran_submitted": _learn_submitted,
    "penawaran_opened": _learn_opened,
    "hasil_announced": _learn_hasil,
    "pemenang_decided": _learn_decided,
    "pertanyaan_answered": _learn_answered,
}


def _remember_published(s: LelangState, release: Mapping[str, Any]) -> None:
    for party in release.get("parties", ()):
        s.parties[party["id"]] = list(party.get("roles", ()))
    for award in release.get("awards", ()):
        if "status" in award:
            s.awards[award["id"]] = award["status"]
    for contract in release.get("contracts", ()):
        if "status" in contract:
            s.contracts[contract["id"]] = contract["status"]


# ------------------------------------------------------------------ across lelang
class Directory(Protocol):
    """Read-only cross-lelang facts the mapping looks up."""

    def agency_name(self, agency_id: str) -> str | None:
        """The SKPD's name (registrasi.agency_created)."""
        ...

    def rup_of_paket(self, paket_id: str) -> str | None:
        """The RUP a paket was made from (lelang.paket_created)."""
        ...

    def rup(self, rup_id: str) -> Mapping[str, Any] | None:
        """``nama``, ``sumber_dana``, ``tahun_anggaran`` of a RUP
        (lelang.rup_announced)."""
        ...

    def kode_of(self, lelang_id: str) -> str | None:
        """The kode of a lelang (lelang.lelang_announced), for a retender's link."""
        ...


@dataclass
class InMemoryDirectory:
    """:class:`Directory` from plain dicts, taught by :meth:`learn`."""

    agencies: dict[str, str] = field(default_factory=dict)
    paket_rup: dict[str, str] = field(default_factory=dict)
    rups: dict[str, dict[str, Any]] = field(default_factory=dict)
    kodes: dict[str, str] = field(default_factory=dict)

    def agency_name(self, agency_id: str) -> str | None:
        return self.agencies.get(agency_id)

    def rup_of_paket(self, paket_id: str) -> str | None:
        return self.paket_rup.get(paket_id)

    def rup(self, rup_id: str) -> Mapping[str, Any] | None:
        return self.rups.get(rup_id)

    def kode_of(self, lelang_id: str) -> str | None:
        return self.kodes.get(lelang_id)

    def learn(self, event: Event) -> None:
        """Record the facts ``event`` carries (any other event teaches nothing)."""
        p = event.payload
        if event.key == ("registrasi", "agency_created"):
            self.agencies[str(p["agency_id"])] = str(p["nama"])
        elif event.key == ("lelang", "rup_announced"):
            self.rups[str(p["rup_id"])] = {
                "nama": str(p["nama"]), "sumber_dana": str(p["sumber_dana"]),
                "tahun_anggaran": int(p["tahun_anggaran"])}
        elif event.key == ("lelang", "paket_created") and p.get("rup_id"):
            self.paket_rup[str(p["paket_id"])] = str(p["rup_id"])
        elif event.key == ("lelang", "lelang_announced"):
            self.kodes[str(p["lelang_id"])] = str(p["kode"])
