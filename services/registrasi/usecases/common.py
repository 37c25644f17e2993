"""Helpers shared by the use cases: the ports they expect, authorization, audit, views.

Views turn domain objects into the dicts the contract response schemas dump (enums
as the contract's enums), so no wire shape is built anywhere else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.common.auth import Actor, Role
from services.common.contracts import registrasi as contracts
from services.common.errors import ContractViolation, Forbidden, Unauthenticated
from services.registrasi.domain import (
    Agency,
    AuditEntry,
    Dokumen,
    LoginPolicy,
    Penyedia,
    Satker,
    StatusChange,
    User,
)

#: roles that may read penyedia data / their documents
PENYEDIA_READERS = (Role.VERIFIKATOR, Role.ADMIN_PPE, Role.HELPDESK, Role.AUDITOR)
DOKUMEN_READERS = (Role.VERIFIKATOR, Role.ADMIN_PPE, Role.AUDITOR)
#: roles that may read any user account
USER_READERS = (Role.ADMIN_PPE, Role.AUDITOR, Role.HELPDESK)
AUDIT_READERS = (Role.ADMIN_PPE, Role.AUDITOR)


class Hasher(Protocol):
    """Password hashing port; the real one runs argon2id in a thread pool."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...
    def dummy_verify(self, password: str) -> None: ...


class BlobIndex(Protocol):
    """What the use cases need from the blob store: ``(size, content_type)`` or None."""

    def describe(self, sha256: str) -> tuple[int, str | None] | None: ...


@dataclass(frozen=True)
class AuthConfig:
    """Token and throttling parameters (from Settings)."""

    jwt_secret: str
    jwt_ttl_seconds: int
    jwt_audience: str
    jwt_issuer: str
    policy: LoginPolicy

    @classmethod
    def from_settings(cls, settings: Any) -> AuthConfig:
        return cls(
            settings.jwt_secret,
            settings.jwt_ttl_seconds,
            settings.jwt_audience,
            settings.jwt_issuer,
            LoginPolicy(
                settings.login_max_failures_per_account,
                settings.login_max_failures_per_address,
                settings.login_window_seconds,
            ),
        )


def new_id() -> str:
    return str(uuid.uuid4())


def required(request: dict[str, Any], name: str) -> Any:
    """A field the contract declares without ``required=True`` but the use case needs.

    :raises ContractViolation: the field is missing or empty.
    """
    value = request.get(name)
    if not value:
        raise ContractViolation(
            "CONTRACT_VIOLATION",
            f"{name} is required",
            {"fields": {name: ["Missing data for required field."]}},
        )
    return value


# ------------------------------------------------------------------ authorization
def require_user(actor: Actor) -> None:
    """:raises Unauthenticated: ``AUTHENTICATION_REQUIRED`` for the anonymous public."""
    if actor is None or actor.is_anonymous:
        raise Unauthenticated("AUTHENTICATION_REQUIRED", "log in first")


def require_role(actor: Actor, *roles: Role) -> None:
    """:raises Forbidden: ``ROLE_REQUIRED`` when the actor holds none of ``roles``."""
    require_user(actor)
    if not actor.has_role(*roles):
        raise Forbidden(
            "ROLE_REQUIRED",
            "your role may not do this",
            {"allowed_roles": [str(r) for r in roles]},
        )


def require_password_current(actor: Actor) -> None:
    """Writes need a password the user chose: an admin-set initial one must be changed
    first (only ``change_password`` and ``logout`` skip this guard).

    :raises Forbidden: ``PASSWORD_CHANGE_REQUIRED``.
    """
    require_user(actor)
    if actor.must_change_password:
        raise Forbidden(
            "PASSWORD_CHANGE_REQUIRED", "change the initial password first"
        )


def require_writer(actor: Actor, *roles: Role) -> None:
    """:func:`require_role` for a state-changing use case, plus
    :func:`require_password_current`."""
    require_role(actor, *roles)
    require_password_current(actor)


# ------------------------------------------------------------------ audit
def audit(
    uow: Any,
    actor: Actor | None,
    now: datetime,
    action: str,
    object_type: str,
    object_id: str | None,
    **details: Any,
) -> AuditEntry:
    """Append one audit row in the caller's transaction."""
    actor = actor or Actor()
    return uow.audit.append(
        AuditEntry(
            action=action,
            object_type=object_type,
            object_id=object_id,
            at=now,
            actor_user_id=actor.user_id,
            actor_username=actor.username,
            ip=actor.ip,
            details={k: v for k, v in details.items() if v is not None},
        )
    )


# ------------------------------------------------------------------ views
def agency_view(a: Agency) -> dict[str, Any]:
    return {
        "agency_id": a.agency_id,
        "kode": a.kode,
        "nama": a.nama,
        "jenis": contracts.JenisAgency(str(a.jenis)),
        "created_at": a.created_at,
    }


def satker_view(s: Satker) -> dict[str, Any]:
    return {
        "satker_id": s.satker_id,
        "agency_id": s.agency_id,
        "kode": s.kode,
        "nama": s.nama,
        "created_at": s.created_at,
    }


def user_view(u: User) -> dict[str, Any]:
    return {
        "user_id": u.user_id,
        "username": u.username,
        "email": u.email,
        "nama": u.nama,
        "nip": u.nip,
        "roles": sorted(u.roles),
        "agency_id": u.agency_id,
        "penyedia_id": u.penyedia_id,
        "sertifikat_pbj": u.sertifikat_pbj,
        "status": contracts.StatusUser(str(u.status)),
        "must_change_password": u.must_change_password,
        "created_at": u.created_at,
    }


def actor_view(u: User, *, session_id: str | None, ip: str | None) -> Actor:
    return Actor(
        user_id=u.user_id,
        username=u.username,
        roles=tuple(sorted(u.roles)),
        agency_id=u.agency_id,
        penyedia_id=u.penyedia_id,
        session_id=session_id,
        ip=ip,
        must_change_password=u.must_change_password,
    )


def dokumen_view(d: Dokumen) -> dict[str, Any]:
    return {
        "jenis": contracts.JenisDokumen(str(d.jenis)),
        "sha256": d.sha256,
        "filename": d.filename,
        "content_type": d.content_type,
        "size": d.size,
        "uploaded_at": d.uploaded_at,
    }


def permintaan_view(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "peran": Role(str(p.peran)),
        "nama": p.nama,
        "user_id": p.user_id,
        "nomor_surat": p.nomor_surat,
        "tanggal_surat": p.tanggal_surat,
    }


def change_view(c: StatusChange) -> dict[str, Any]:
    status = contracts.StatusPenyedia
    return {
        "status_from": status(str(c.status_from)) if c.status_from else None,
        "status_to": status(str(c.status_to)),
        "alasan": c.alasan,
        "actor_user_id": c.actor_user_id,
        "at": c.at,
        "permintaan": permintaan_view(c.permintaan),
    }


def penyedia_view(p: Penyedia, *, with_dokumen: bool) -> dict[str, Any]:
    return {
        "penyedia_id": p.penyedia_id,
        "nama": p.nama,
        "bentuk_usaha": contracts.BentukUsaha(p.bentuk_usaha),
        "npwp": p.npwp,
        "nib": p.nib,
        "alamat": p.alamat,
        "kota": p.kota,
        "email": p.email,
        "telepon": p.telepon,
        "username": p.username,
        "status": contracts.StatusPenyedia(str(p.status)),
        "status_alasan": p.status_alasan,
        "dokumen": [dokumen_view(d) for d in p.dokumen] if with_dokumen else [],
        "riwayat": [change_view(c) for c in p.riwayat],
        "created_at": p.created_at,
        "verified_at": p.verified_at,
        "berlaku_sampai": p.berlaku_sampai,
    }


def penyedia_event(p: Penyedia, alasan: str | None = None) -> dict[str, Any]:
    return {
        "penyedia_id": p.penyedia_id,
        "nama": p.nama,
        "npwp": p.npwp,
        "email": p.email,
        "user_id": p.user_id,
        "status": p.status,
        "alasan": alasan,
    }


def user_event(u: User, alasan: str | None = None) -> dict[str, Any]:
    return {
        "user_id": u.user_id,
        "username": u.username,
        "email": u.email,
        "nama": u.nama,
        "roles": sorted(u.roles),
        "agency_id": u.agency_id,
        "alasan": alasan,
    }


def audit_view(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at,
        "actor_user_id": e.actor_user_id,
        "actor_username": e.actor_username,
        "ip": e.ip,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "details": e.details,
        "hash": e.hash,
    }


def page_view(items: list[Any], total: int, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": items,
        "total": total,
        "page": request["page"],
        "per_page": request["per_page"],
    }
