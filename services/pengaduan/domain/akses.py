"""Who may read a complaint and a deviation report (Pasal 17(1), 18), once.

A complaint is "accessible to the parties concerned":

* the complainant - the logged-in author (by ``user_id``); a complainant without an
  account reads it through the tracking code and secret instead (``track``);
* the LPSE staff handling complaints (Helpdesk, Admin PPE): everything, identity and
  internal notes included (they are the handling body);
* for a complaint about a lelang: that lelang's Pokja, its PPK and the agency's
  PA/KPA - never the identity of an anonymous or a ``kkn`` (whistleblowing)
  complaint, never the internal notes;
* Auditors: every complaint and the internal notes, but the identity only of a
  named complaint that is not ``kkn`` (the whistleblower stays protected);
* nobody else (the caller answers NotFound, so existence does not leak).

A deviation report (Pasal 18) is read by LPSE staff and Auditors, and by the
addressees: the lelang's PPK and the agency's PA/KPA.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import Actor, Role

from .pengaduan import JenisPengaduan

STAFF_ROLES = (Role.HELPDESK, Role.ADMIN_PPE)


@dataclass(frozen=True)
class Pihak:
    """The parties of a lelang, as pengaduan knows them from lelang's events."""

    lelang_id: str
    agency_id: str
    ppk_id: str | None
    pokja_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class FaktaPengaduan:
    """What the rule needs to know about one complaint."""

    jenis: JenisPengaduan
    anonim: bool
    pelapor_user_id: str | None
    pihak: Pihak | None  # None: not about a lelang, or the lelang is not known yet

    @property
    def identity_protected(self) -> bool:
        return self.anonim or self.jenis is JenisPengaduan.KKN


@dataclass(frozen=True)
class Akses:
    can_read: bool = False
    sees_identity: bool = False
    sees_internal: bool = False  # internal notes, who handled it, forwarding log


NONE = Akses()


def is_staff(actor: Actor | None) -> bool:
    return bool(actor and actor.user_id and actor.has_role(*STAFF_ROLES))


def is_auditor(actor: Actor | None) -> bool:
    return bool(actor and actor.user_id and actor.has_role(Role.AUDITOR))


def is_pihak(actor: Actor | None, pihak: Pihak | None) -> bool:
    """The lelang's Pokja, its PPK, or a PA/KPA of its agency."""
    if actor is None or not actor.user_id or pihak is None:
        return False
    if actor.has_role(Role.POKJA) and actor.user_id in pihak.pokja_ids:
        return True
    if actor.has_role(Role.PPK) and pihak.ppk_id and actor.user_id == pihak.ppk_id:
        return True
    return bool(actor.has_role(Role.PA, Role.KPA) and actor.agency_id
                and actor.agency_id == pihak.agency_id)


def akses_pengaduan(actor: Actor | None, fakta: FaktaPengaduan) -> Akses:
    """What ``actor`` may see of a complaint (the most any of its roles gives)."""
    if actor is None or not actor.user_id:
        return NONE  # the public follows a complaint with its code and secret
    if is_staff(actor):
        return Akses(True, True, True)
    if fakta.pelapor_user_id and actor.user_id == fakta.pelapor_user_id:
        return Akses(True, True, False)
    if is_auditor(actor):
        return Akses(True, not fakta.identity_protected, True)
    if is_pihak(actor, fakta.pihak):
        return Akses(True, not fakta.identity_protected, False)
    return NONE


def akses_penyimpangan(actor: Actor | None, pihak: Pihak) -> bool:
    """May ``actor`` read a deviation report about the lelang of ``pihak``?"""
    if is_staff(actor) or is_auditor(actor):
        return True
    if actor is None or not actor.user_id:
        return False
    if actor.has_role(Role.PPK) and pihak.ppk_id and actor.user_id == pihak.ppk_id:
        return True
    return bool(actor.has_role(Role.PA, Role.KPA) and actor.agency_id
                and actor.agency_id == pihak.agency_id)
