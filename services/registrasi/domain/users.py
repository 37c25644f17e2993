"""Users, roles and agencies: who creates whom, and the separation-of-duties rules.

* Admin PPE creates Admin PPE, Admin Agency, Verifikator, Helpdesk and Auditor accounts;
  Admin Agency creates PA, KPA, PPK, Pokja and Pejabat Pengadaan accounts of its own
  agency; a penyedia account only comes from self-registration (DOMAIN §3.1, §4.3).
* Pasal 14(3): LPSE staff (Admin PPE, Verifikator, Helpdesk) never also hold PPK, Pokja
  or Pejabat Pengadaan, whichever role came first (``ROLE_SEPARATION_VIOLATION``).
* A penyedia account holds no other role (DOMAIN §3.3 rule 3).
* Pokja and Pejabat Pengadaan carry a procurement certificate (Pasal 1(14)).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.common.auth import LPSE_STAFF_ROLES, PROCUREMENT_ROLES, Actor, Role
from services.common.errors import BadRequest, Conflict, Forbidden, InvalidTransition


class StatusUser(enum.StrEnum):
    AKTIF = "aktif"
    NONAKTIF = "nonaktif"


class JenisAgency(enum.StrEnum):
    SKPD = "SKPD"
    BUMD = "BUMD"


#: creator role -> roles it may give
GRANTABLE_BY: dict[Role, frozenset[Role]] = {
    Role.ADMIN_PPE: frozenset(
        {
            Role.ADMIN_PPE,
            Role.ADMIN_AGENCY,
            Role.VERIFIKATOR,
            Role.HELPDESK,
            Role.AUDITOR,
        }
    ),
    Role.ADMIN_AGENCY: frozenset(
        {Role.PA, Role.KPA, Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN}
    ),
}
#: roles that belong to one agency (SKPD/BUMD) and need its id
AGENCY_ROLES = frozenset(
    {Role.ADMIN_AGENCY, Role.PA, Role.KPA, Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN}
)
#: roles that need the Sertifikat Keahlian PBJ number
CERTIFIED_ROLES = frozenset({Role.POKJA, Role.PEJABAT_PENGADAAN})


@dataclass(frozen=True)
class Agency:
    """An SKPD or a BUMD served by the LPSE (Pasal 6(2))."""

    agency_id: str
    kode: str
    nama: str
    jenis: JenisAgency
    created_at: datetime


@dataclass(frozen=True)
class Satker:
    """A satuan kerja of an agency."""

    satker_id: str
    agency_id: str
    kode: str
    nama: str
    created_at: datetime


@dataclass
class User:
    """An SPSE account. ``password_hash`` never leaves the service."""

    user_id: str
    username: str
    email: str
    nama: str
    roles: set[Role]
    status: StatusUser
    password_hash: str
    created_at: datetime
    must_change_password: bool = False
    agency_id: str | None = None
    penyedia_id: str | None = None
    nip: str | None = None
    sertifikat_pbj: str | None = None
    password_changed_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: str | None = None
    role_sk: dict[Role, str | None] = field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        return self.status is StatusUser.AKTIF

    @property
    def is_penyedia(self) -> bool:
        return Role.PENYEDIA in self.roles

    # -------------------------------------------------------------- transitions
    def grant(
        self,
        role: Role,
        *,
        now: datetime,
        sertifikat_pbj: str | None = None,
        sk_nomor: str | None = None,
    ) -> None:
        """Give ``role``, checking every combination rule.

        :raises Conflict: ``ROLE_ALREADY_HELD``, ``ROLE_SEPARATION_VIOLATION``,
            ``PENYEDIA_ROLE_EXCLUSIVE``.
        :raises BadRequest: ``SERTIFIKAT_PBJ_REQUIRED``, ``AGENCY_REQUIRED``.
        """
        if role in self.roles:
            raise Conflict(
                "ROLE_ALREADY_HELD",
                "the user already holds this role",
                {"role": str(role)},
            )
        if sertifikat_pbj:
            self.sertifikat_pbj = sertifikat_pbj
        check_role_set(
            self.roles | {role},
            agency_id=self.agency_id,
            sertifikat_pbj=self.sertifikat_pbj,
            added=role,
        )
        self.roles.add(role)
        self.role_sk[role] = sk_nomor
        self.updated_at = now

    def revoke(self, role: Role, *, now: datetime) -> None:
        """Take ``role`` away; the last role cannot be removed (deactivate instead).

        :raises Conflict: ``ROLE_NOT_HELD``, ``LAST_ROLE``.
        """
        if role not in self.roles:
            raise Conflict(
                "ROLE_NOT_HELD", "the user does not hold this role", {"role": str(role)}
            )
        if len(self.roles) == 1:
            raise Conflict(
                "LAST_ROLE",
                "the last role cannot be revoked; deactivate the user instead",
                {"role": str(role)},
            )
        self.roles.discard(role)
        self.role_sk.pop(role, None)
        self.updated_at = now

    def deactivate(self, *, now: datetime) -> None:
        """Disable the account (it keeps its history).

        :raises InvalidTransition: ``USER_TRANSITION_NOT_ALLOWED``.
        """
        self._set_status(StatusUser.NONAKTIF, now)

    def reactivate(self, *, now: datetime) -> None:
        """Enable a disabled account again."""
        self._set_status(StatusUser.AKTIF, now)

    def change_password_hash(self, new_hash: str, *, now: datetime) -> None:
        self.password_hash = new_hash
        self.password_changed_at = now
        self.must_change_password = False
        self.updated_at = now

    def rehash(self, new_hash: str) -> None:
        """The same password hashed with the current parameters."""
        self.password_hash = new_hash

    def _set_status(self, target: StatusUser, now: datetime) -> None:
        if self.status is target:
            raise InvalidTransition(
                "USER_TRANSITION_NOT_ALLOWED",
                f"the user is already {target}",
                {"status": str(self.status)},
            )
        self.status = target
        self.updated_at = now


# ------------------------------------------------------------------ rules
def check_separation(roles: Iterable[Role], *, added: Role | None = None) -> None:
    """The separation-of-duties rules on one person's roles.

    :raises Conflict: ``ROLE_SEPARATION_VIOLATION`` (Pasal 14(3)),
        ``PENYEDIA_ROLE_EXCLUSIVE`` (DOMAIN §3.3 rule 3).
    """
    roles = frozenset(roles)
    if Role.PENYEDIA in roles and len(roles) > 1:
        raise Conflict(
            "PENYEDIA_ROLE_EXCLUSIVE",
            "a penyedia account holds no other role",
            {"roles": sorted(map(str, roles))},
        )
    staff, procurement = roles & LPSE_STAFF_ROLES, roles & PROCUREMENT_ROLES
    if staff and procurement:
        raise Conflict(
            "ROLE_SEPARATION_VIOLATION",
            "LPSE staff may not also be PPK, Pokja or Pejabat Pengadaan (Pasal 14(3))",
            {
                "lpse_staff_roles": sorted(map(str, staff)),
                "procurement_roles": sorted(map(str, procurement)),
                "requested": str(added) if added else None,
            },
        )


def check_role_set(
    roles: Iterable[Role],
    *,
    agency_id: str | None,
    sertifikat_pbj: str | None,
    added: Role | None = None,
) -> None:
    """Check that one account may hold all of ``roles`` together.

    :raises Conflict: see :func:`check_separation`.
    :raises BadRequest: ``SERTIFIKAT_PBJ_REQUIRED``, ``AGENCY_REQUIRED``,
        ``AGENCY_NOT_ALLOWED``.
    """
    roles = frozenset(roles)
    check_separation(roles, added=added)
    if roles & CERTIFIED_ROLES and not (sertifikat_pbj or "").strip():
        raise BadRequest(
            "SERTIFIKAT_PBJ_REQUIRED",
            "Pokja and Pejabat Pengadaan need a Sertifikat Keahlian PBJ",
            {"roles": sorted(map(str, roles & CERTIFIED_ROLES))},
        )
    if roles & AGENCY_ROLES and not agency_id:
        raise BadRequest(
            "AGENCY_REQUIRED",
            "this role belongs to an agency",
            {"roles": sorted(map(str, roles & AGENCY_ROLES))},
        )
    if agency_id and roles & LPSE_STAFF_ROLES:
        raise BadRequest(
            "AGENCY_NOT_ALLOWED",
            "LPSE staff do not belong to an agency",
            {"roles": sorted(map(str, roles & LPSE_STAFF_ROLES))},
        )


def grantable_roles(actor: Actor) -> frozenset[Role]:
    """Every role ``actor`` may give (the union over its roles)."""
    result: frozenset[Role] = frozenset()
    for role, grantable in GRANTABLE_BY.items():
        if actor.has_role(role):
            result |= grantable
    return result


def check_can_grant(actor: Actor, roles: Iterable[Role], agency_id: str | None) -> None:
    """May ``actor`` give ``roles`` to an account of ``agency_id``?

    :raises Forbidden: ``PENYEDIA_SELF_REGISTRATION_ONLY``, ``ROLE_NOT_GRANTABLE``,
        ``AGENCY_MISMATCH``.
    """
    roles = frozenset(roles)
    if Role.PENYEDIA in roles:
        raise Forbidden(
            "PENYEDIA_SELF_REGISTRATION_ONLY",
            "penyedia accounts only come from self-registration",
        )
    missing = roles - grantable_roles(actor)
    if missing:
        raise Forbidden(
            "ROLE_NOT_GRANTABLE",
            "you may not give these roles",
            {"roles": sorted(map(str, missing))},
        )
    by_admin_ppe = roles <= GRANTABLE_BY[Role.ADMIN_PPE] and actor.has_role(
        Role.ADMIN_PPE
    )
    if roles & AGENCY_ROLES and not by_admin_ppe and agency_id != actor.agency_id:
        raise Forbidden(
            "AGENCY_MISMATCH",
            "only accounts of your own agency",
            {"agency_id": agency_id},
        )


def can_manage(actor: Actor, user: User) -> bool:
    """``actor`` manages ``user`` when it may give every role the user holds."""
    if not user.roles or user.is_penyedia or actor.user_id == user.user_id:
        return False
    try:
        check_can_grant(actor, user.roles, user.agency_id)
    except Forbidden:
        return False
    return True


def check_can_manage(actor: Actor, user: User) -> None:
    """:raises Forbidden: ``USER_NOT_MANAGEABLE`` (also for oneself and penyedia)."""
    if not can_manage(actor, user):
        raise Forbidden(
            "USER_NOT_MANAGEABLE",
            "you may not change this account",
            {"user_id": user.user_id},
        )
