"""Who must hear of an event: THE table, written once.

``TABLE`` maps an event ``(source, event_type)`` to a :class:`Rule`: the audiences
(described symbolically, see :class:`Audience`) and the template id of the message
(``services.notifikasi.domain.pesan``). ``NO_NOTICE`` lists, with the reason, every
event that deliberately tells nobody; a test checks that every event contract is in
exactly one of the two.

:func:`recipients` resolves the audiences of one event into concrete
:class:`Penerima` from the event's payload and from :class:`Known`, the small view
of what notifikasi keeps from earlier events (peserta of a lelang, PA/KPA of an
agency, the logged-in complainant of a pengaduan). It is pure: no I/O.

The payload is the *loaded* payload (``contract.load_payload``); this module imports
no contract (the domain imports no marshmallow), it only reads field names.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Kind = Literal["user", "penyedia", "email", "role"]


@dataclass(frozen=True)
class Penerima:
    """One addressee.

    ``kind`` says what ``value`` is: a ``user`` id, a ``penyedia`` id, an ``email``
    address, or a ``role`` (every user holding it, e.g. ``"verifikator"``).
    ``why`` is the audience it came from (for the log and the message footer).
    """

    kind: Kind
    value: str
    why: str


class Known(Protocol):
    """Read-only view of what notifikasi keeps from events (filled by later steps:
    ``peserta_registered``, ``role_granted``/``user_created``, ``pengaduan_filed``)."""

    def peserta_of(self, lelang_id: str) -> list[str]:
        """penyedia ids registered as peserta of the lelang."""
        ...

    def pa_kpa_of(self, agency_id: str) -> list[str]:
        """user ids of the PA and KPA of the agency."""
        ...

    def pelapor_of(self, pengaduan_id: str) -> str | None:
        """user id of a logged-in, non-anonymous complainant; None otherwise."""
        ...


@dataclass
class InMemoryKnown:
    """:class:`Known` from plain dicts (tests, and the shape a repository fills)."""

    peserta: dict[str, list[str]] = field(default_factory=dict)
    pa_kpa: dict[str, list[str]] = field(default_factory=dict)
    pelapor: dict[str, str] = field(default_factory=dict)

    def peserta_of(self, lelang_id: str) -> list[str]:
        return list(self.peserta.get(lelang_id, []))

    def pa_kpa_of(self, agency_id: str) -> list[str]:
        return list(self.pa_kpa.get(agency_id, []))

    def pelapor_of(self, pengaduan_id: str) -> str | None:
        return self.pelapor.get(pengaduan_id)


class Audience(enum.StrEnum):
    """Who, symbolically; :data:`_RESOLVERS` says how each is found."""

    PENYEDIA = "penyedia"  # payload penyedia_id: registered, bidder, winner, objector
    USER = "user"  # the payload's user_id
    VERIFIKATOR = "verifikator"  # every user with the verifikator role
    PESERTA = "peserta"  # payload peserta_ids if carried, else known.peserta_of
    POKJA = "pokja"  # the payload's pokja_ids
    PPK = "ppk"  # the payload's ppk_id
    PA_KPA = "pa_kpa"  # known.pa_kpa_of(agency_id)
    PELAPOR = "pelapor"  # logged-in complainant; an anonymous one NEVER
    PENERIMA_PENYIMPANGAN = "penerima_penyimpangan"  # payload penerima (user/alamat)
    INSPEKTORAT = "inspektorat"  # payload inspektorat_emails
    TUJUAN_EMAIL = "tujuan_email"  # payload tujuan with kanal "email": its alamat


@dataclass(frozen=True)
class Rule:
    audiences: tuple[Audience, ...]
    template: str


A = Audience


def _rule(source: str, event_type: str, *audiences: Audience) -> tuple[
        tuple[str, str], Rule]:
    """One table row; the template id is ``<source>.<event_type>``."""
    return (source, event_type), Rule(tuple(audiences), f"{source}.{event_type}")


#: event -> who must hear of it -> template id (the template has the same id)
TABLE: Mapping[tuple[str, str], Rule] = dict([
    # -------------------------------------------------------------- registrasi
    _rule("registrasi", "penyedia_registered", A.VERIFIKATOR),
    _rule("registrasi", "penyedia_resubmitted", A.VERIFIKATOR),
    _rule("registrasi", "penyedia_verified", A.PENYEDIA),
    _rule("registrasi", "penyedia_rejected", A.PENYEDIA),
    _rule("registrasi", "penyedia_deactivated", A.PENYEDIA),
    _rule("registrasi", "penyedia_blacklisted", A.PENYEDIA),
    _rule("registrasi", "penyedia_reactivated", A.PENYEDIA),
    _rule("registrasi", "user_created", A.USER),
    _rule("registrasi", "user_deactivated", A.USER),
    _rule("registrasi", "user_reactivated", A.USER),
    _rule("registrasi", "role_granted", A.USER),
    _rule("registrasi", "role_revoked", A.USER),
    # -------------------------------------------------------------- lelang
    # the announcement is public (portal); the PPK is told its paket is now out
    _rule("lelang", "lelang_announced", A.PPK),
    _rule("lelang", "jadwal_changed", A.PESERTA),
    _rule("lelang", "adendum_issued", A.PESERTA),
    _rule("lelang", "pertanyaan_asked", A.POKJA),
    _rule("lelang", "pertanyaan_answered", A.PESERTA),
    _rule("lelang", "penawaran_submitted", A.PENYEDIA),  # its receipt
    _rule("lelang", "penawaran_opened", A.PESERTA),
    _rule("lelang", "hasil_announced", A.PESERTA),
    _rule("lelang", "pemenang_decided", A.PPK),  # internal until announced
    _rule("lelang", "pemenang_announced", A.PESERTA),
    _rule("lelang", "sanggah_filed", A.POKJA),
    _rule("lelang", "sanggah_answered", A.PENYEDIA),  # the objector
    _rule("lelang", "sanggah_banding_recorded", A.POKJA, A.PPK, A.PA_KPA),
    _rule("lelang", "sanggah_banding_decided", A.POKJA, A.PPK, A.PA_KPA),
    _rule("lelang", "lelang_failed", A.PESERTA),
    # penghentian after a pelelangan gagal: the same peserta hear it is final
    _rule("lelang", "lelang_stopped", A.PESERTA),
    _rule("lelang", "sppbj_issued", A.PENYEDIA, A.PPK),  # the winner and the PPK
    _rule("lelang", "kontrak_signed", A.PENYEDIA, A.PPK),
    # -------------------------------------------------------------- pengaduan
    _rule("pengaduan", "pengaduan_status_changed", A.PELAPOR),
    _rule("pengaduan", "pengaduan_closed", A.PELAPOR),
    # the forwarding by e-mail (Pasal 17(2)): LPSE Pusat, Tim Pengarah, a handling body
    _rule("pengaduan", "pengaduan_forwarded", A.TUJUAN_EMAIL),
    # Pasal 18: PA/KPA and PPK, copy to the Inspektorat
    _rule("pengaduan", "penyimpangan_reported", A.PA_KPA, A.PPK,
          A.PENERIMA_PENYIMPANGAN, A.INSPEKTORAT),
])

#: events that deliberately tell nobody, with the reason
NO_NOTICE: Mapping[tuple[str, str], str] = {
    ("registrasi", "agency_created"): "administrative master data; no addressee",
    ("registrasi", "satker_created"): "administrative master data; no addressee",
    ("lelang", "rup_announced"): "public planning data, shown on the portal",
    ("lelang", "paket_created"): "the PPK created it; Pokja assignment has no event",
    ("lelang", "tahapan_started"): "the schedule was already sent; one mail per "
                                   "stage would be noise",
    ("lelang", "peserta_registered"): "the penyedia registered itself, on screen",
    ("pengaduan", "pengaduan_filed"): "the complainant gets the tracking code on "
                                      "screen; the forwarding is its own event",
}


# ------------------------------------------------------------------ resolution
Resolver = Callable[[Mapping[str, Any], Known], Iterable[tuple[Kind, str]]]


def _one(kind: Kind, key: str) -> Resolver:
    def resolve(payload: Mapping[str, Any], known: Known) -> list[tuple[Kind, str]]:
        value = payload.get(key)
        return [(kind, value)] if value else []
    return resolve


def _many(kind: Kind, key: str) -> Resolver:
    def resolve(payload: Mapping[str, Any], known: Known) -> list[tuple[Kind, str]]:
        return [(kind, value) for value in payload.get(key) or [] if value]
    return resolve


def _peserta(payload: Mapping[str, Any], known: Known) -> list[tuple[Kind, str]]:
    ids = payload["peserta_ids"] if "peserta_ids" in payload else known.peserta_of(
        payload["lelang_id"])
    return [("penyedia", penyedia_id) for penyedia_id in ids]


def _pa_kpa(payload: Mapping[str, Any], known: Known) -> list[tuple[Kind, str]]:
    agency_id = payload.get("agency_id")
    return [("user", user_id) for user_id in known.pa_kpa_of(agency_id)] if (
        agency_id) else []


def _pelapor(payload: Mapping[str, Any], known: Known) -> list[tuple[Kind, str]]:
    if payload.get("anonim", True):  # anonymous: follows by tracking code only
        return []
    user_id = known.pelapor_of(payload["pengaduan_id"])
    return [("user", user_id)] if user_id else []


def _penerima_penyimpangan(payload: Mapping[str, Any],
                           known: Known) -> list[tuple[Kind, str]]:
    found: list[tuple[Kind, str]] = []
    for entry in payload.get("penerima") or []:
        if entry.get("user_id"):
            found.append(("user", entry["user_id"]))
        elif entry.get("alamat"):
            found.append(("email", entry["alamat"]))
    return found


def _tujuan_email(payload: Mapping[str, Any], known: Known) -> list[tuple[Kind, str]]:
    return [("email", alamat) for tujuan in payload.get("tujuan") or []
            if str(tujuan.get("kanal")) == "email" for alamat in tujuan.get("alamat")
            or []]


_RESOLVERS: Mapping[Audience, Resolver] = {
    A.PENYEDIA: _one("penyedia", "penyedia_id"),
    A.USER: _one("user", "user_id"),
    A.VERIFIKATOR: lambda payload, known: [("role", "verifikator")],
    A.PESERTA: _peserta,
    A.POKJA: _many("user", "pokja_ids"),
    A.PPK: _one("user", "ppk_id"),
    A.PA_KPA: _pa_kpa,
    A.PELAPOR: _pelapor,
    A.PENERIMA_PENYIMPANGAN: _penerima_penyimpangan,
    A.INSPEKTORAT: _many("email", "inspektorat_emails"),
    A.TUJUAN_EMAIL: _tujuan_email,
}
assert set(_RESOLVERS) == set(Audience), "every audience needs a resolver"


def rule_for(source: str, event_type: str) -> Rule | None:
    """The rule of an event; None for a NO_NOTICE event; KeyError for an unknown one
    (a new event must be put in TABLE or NO_NOTICE on purpose)."""
    key = (source, event_type)
    if key in TABLE:
        return TABLE[key]
    if key in NO_NOTICE:
        return None
    raise KeyError(f"{source}.{event_type} is neither in TABLE nor in NO_NOTICE")


def recipients(source: str, event_type: str, payload: Mapping[str, Any],
               known: Known) -> list[Penerima]:
    """Everybody who must hear of the event, in table order, each once (the first
    audience that names somebody is the ``why``)."""
    rule = rule_for(source, event_type)
    if rule is None:
        return []
    found: dict[tuple[str, str], Penerima] = {}
    for audience in rule.audiences:
        for kind, value in _RESOLVERS[audience](payload, known):
            found.setdefault((kind, value), Penerima(kind, value, audience.value))
    return list(found.values())


# ------------------------------------------------------------------ Pasal 18
@dataclass(frozen=True)
class TargetPenyimpangan:
    """One addressee of a deviation report as pengaduan keeps it (``penerima_id``),
    with the people that addressee resolves to. pengaduan is told, per
    ``penerima_id``, whether the report reached them (``record_penyimpangan_delivery``).
    """

    penerima_id: str
    peran: str
    penerima: tuple[Penerima, ...]


def penyimpangan_targets(payload: Mapping[str, Any],
                         known: Known) -> list[TargetPenyimpangan]:
    """The addressees of ``pengaduan.penyimpangan_reported``, each with its people:
    ``pa_kpa`` is every PA and KPA notifikasi knows for the agency (possibly none:
    then the report cannot reach them and pengaduan is told so), ``ppk`` the PPK's
    user, ``inspektorat`` its address."""
    targets: list[TargetPenyimpangan] = []
    for entry in payload.get("penerima") or []:
        peran = str(entry.get("peran"))
        people: list[Penerima] = []
        if entry.get("user_id"):
            people.append(Penerima("user", entry["user_id"], peran))
        elif entry.get("alamat"):
            people.append(Penerima("email", entry["alamat"], peran))
        elif peran == "pa_kpa":
            agency_id = entry.get("agency_id") or payload.get("agency_id")
            people += [Penerima("user", user_id, peran)
                       for user_id in (known.pa_kpa_of(agency_id) if agency_id else [])]
        targets.append(TargetPenyimpangan(entry["penerima_id"], peran, tuple(people)))
    return targets
