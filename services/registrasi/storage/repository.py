"""Repositories: explicit translation between rows and domain objects.

Each repository works on the unit of work's session and never commits. ``REPOSITORIES``
is what the ``UnitOfWork`` dependency exposes (``uow.agency``, ``uow.user``,
``uow.penyedia``, ``uow.login``, ``uow.audit``, ``uow.failure``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import delete, false, func, or_, select, update
from sqlalchemy.orm import Session

from services.common.auth import Role
from services.registrasi.domain import (
    Agency,
    JenisAgency,
    LoginSession,
    Satker,
    StatusUser,
    User,
)
from services.registrasi.storage.audit import AuditRepository
from services.registrasi.storage.models import (
    AgencyRow,
    LoginAttemptRow,
    PenyediaRow,
    SatkerRow,
    SessionRow,
    UserAccountRow,
    UserRoleRow,
)
from services.registrasi.storage.penyedia import PenyediaRepository, flush_or_conflict

T = TypeVar("T")


def _page(query: Any, page: int, per_page: int) -> Any:
    return query.limit(per_page).offset((page - 1) * per_page)


# ------------------------------------------------------------------ agencies
class AgencyRepository:
    def __init__(self, session: Session):
        self.session = session

    def add_agency(self, agency: Agency) -> None:
        self.session.add(
            AgencyRow(
                agency_id=agency.agency_id,
                kode=agency.kode,
                nama=agency.nama,
                jenis=str(agency.jenis),
                created_at=agency.created_at,
            )
        )
        flush_or_conflict(
            self.session, "AGENCY_KODE_TAKEN", "an agency with this kode exists"
        )

    def get_agency(self, agency_id: str) -> Agency | None:
        row = self.session.get(AgencyRow, agency_id)
        return _agency(row) if row else None

    def get_agency_by_kode(self, kode: str) -> Agency | None:
        row = self.session.scalars(
            select(AgencyRow).where(AgencyRow.kode == kode)
        ).first()
        return _agency(row) if row else None

    def list_agencies(self) -> list[Agency]:
        rows = self.session.scalars(select(AgencyRow).order_by(AgencyRow.kode))
        return [_agency(r) for r in rows]

    def add_satker(self, satker: Satker) -> None:
        self.session.add(
            SatkerRow(
                satker_id=satker.satker_id,
                agency_id=satker.agency_id,
                kode=satker.kode,
                nama=satker.nama,
                created_at=satker.created_at,
            )
        )
        flush_or_conflict(
            self.session, "SATKER_KODE_TAKEN", "this agency has a satker with this kode"
        )

    def get_satker_by_kode(self, agency_id: str, kode: str) -> Satker | None:
        row = self.session.scalars(
            select(SatkerRow).where(
                SatkerRow.agency_id == agency_id, SatkerRow.kode == kode
            )
        ).first()
        return _satker(row) if row else None

    def list_satker(self, agency_id: str) -> list[Satker]:
        rows = self.session.scalars(
            select(SatkerRow)
            .where(SatkerRow.agency_id == agency_id)
            .order_by(SatkerRow.kode)
        )
        return [_satker(r) for r in rows]


def _agency(row: AgencyRow) -> Agency:
    return Agency(
        row.agency_id, row.kode, row.nama, JenisAgency(row.jenis), row.created_at
    )


def _satker(row: SatkerRow) -> Satker:
    return Satker(row.satker_id, row.agency_id, row.kode, row.nama, row.created_at)


# ------------------------------------------------------------------ users
USER_COLUMNS = (
    "username",
    "email",
    "nama",
    "nip",
    "agency_id",
    "sertifikat_pbj",
    "must_change_password",
    "password_hash",
    "password_changed_at",
    "created_at",
    "updated_at",
    "created_by",
)


class UserRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, user: User) -> None:
        values = {c: getattr(user, c) for c in USER_COLUMNS}
        self.session.add(
            UserAccountRow(user_id=user.user_id, status=str(user.status), **values)
        )
        flush_or_conflict(self.session, "USERNAME_TAKEN", "this username is taken")
        self._add_roles(user, user.roles)
        self.session.flush()

    def get(self, user_id: str) -> User | None:
        row = self.session.get(UserAccountRow, user_id)
        return self._load([row])[0] if row else None

    def get_by_username(self, username: str) -> User | None:
        row = self.session.scalars(
            select(UserAccountRow).where(
                UserAccountRow.username == username.strip().lower()
            )
        ).first()
        return self._load([row])[0] if row else None

    def username_exists(self, username: str) -> bool:
        return (
            self.session.scalar(
                select(func.count()).where(
                    UserAccountRow.username == username.strip().lower()
                )
            )
            > 0
        )

    def roles_of_person(
        self,
        nip: str | None,
        *,
        exclude_user_id: str | None = None,
    ) -> set[Role]:
        """Roles held by the other active accounts of the same person (same NIP)."""
        if not nip:
            return set()
        query = (
            select(UserRoleRow.role)
            .join(UserAccountRow, UserAccountRow.user_id == UserRoleRow.user_id)
            .where(
                UserAccountRow.nip == nip,
                UserAccountRow.status == str(StatusUser.AKTIF),
            )
        )
        if exclude_user_id:
            query = query.where(UserAccountRow.user_id != exclude_user_id)
        return {Role(r) for r in self.session.scalars(query)}

    def save(self, user: User) -> None:
        values = {c: getattr(user, c) for c in USER_COLUMNS}
        self.session.execute(
            update(UserAccountRow)
            .where(UserAccountRow.user_id == user.user_id)
            .values(status=str(user.status), **values)
        )
        held = set(
            self.session.scalars(
                select(UserRoleRow.role).where(UserRoleRow.user_id == user.user_id)
            )
        )
        wanted = {str(r) for r in user.roles}
        if held - wanted:
            self.session.execute(
                delete(UserRoleRow).where(
                    UserRoleRow.user_id == user.user_id,
                    UserRoleRow.role.in_(held - wanted),
                )
            )
        self._add_roles(user, [r for r in user.roles if str(r) not in held])
        self.session.flush()

    def list(
        self, *, role: str | None, agency_id: str | None, page: int, per_page: int
    ) -> tuple[list[User], int]:
        query = select(UserAccountRow)
        if role:
            query = query.where(
                UserAccountRow.user_id.in_(
                    select(UserRoleRow.user_id).where(UserRoleRow.role == str(role))
                )
            )
        if agency_id:
            query = query.where(UserAccountRow.agency_id == agency_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = list(
            self.session.scalars(
                _page(query.order_by(UserAccountRow.username), page, per_page)
            )
        )
        return self._load(rows), total or 0

    def _add_roles(self, user: User, roles: Iterable[Role]) -> None:
        for role in roles:
            self.session.add(
                UserRoleRow(
                    user_id=user.user_id,
                    role=str(role),
                    sk_nomor=user.role_sk.get(role),
                    granted_at=user.updated_at or user.created_at,
                )
            )

    def _load(self, rows: list[UserAccountRow]) -> list[User]:
        ids = [r.user_id for r in rows]
        roles: dict[str, dict[Role, str | None]] = {i: {} for i in ids}
        for r in self.session.scalars(
            select(UserRoleRow).where(UserRoleRow.user_id.in_(ids))
        ):
            roles[r.user_id][Role(r.role)] = r.sk_nomor
        vendors = [i for i in ids if Role.PENYEDIA in roles[i]]
        penyedia = (
            dict(
                self.session.execute(
                    select(PenyediaRow.user_id, PenyediaRow.penyedia_id).where(
                        PenyediaRow.user_id.in_(vendors)
                    )
                )
                .tuples()
                .all()
            )
            if vendors
            else {}
        )
        return [
            User(
                user_id=r.user_id,
                status=StatusUser(r.status),
                roles=set(roles[r.user_id]),
                role_sk=roles[r.user_id],
                penyedia_id=penyedia.get(r.user_id),
                **{c: getattr(r, c) for c in USER_COLUMNS},
            )
            for r in rows
        ]


# ------------------------------------------------------------------ sessions, attempts
class LoginRepository:
    def __init__(self, session: Session):
        self.session = session

    def add_session(self, s: LoginSession) -> None:
        self.session.add(
            SessionRow(
                id=s.session_id,
                user_id=s.user_id,
                created_at=s.created_at,
                expires_at=s.expires_at,
                revoked_at=s.revoked_at,
                ip=s.ip,
            )
        )
        self.session.flush()

    def get_session(self, session_id: str) -> LoginSession | None:
        row = self.session.get(SessionRow, session_id)
        if row is None:
            return None
        return LoginSession(
            row.id, row.user_id, row.created_at, row.expires_at, row.ip, row.revoked_at
        )

    def revoke_session(self, session_id: str, now: datetime) -> bool:
        result = self.session.execute(
            update(SessionRow)
            .where(SessionRow.id == session_id, SessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(result.rowcount)

    def revoke_user_sessions(self, user_id: str, now: datetime) -> int:
        """End every live session of ``user_id``; returns how many."""
        result = self.session.execute(
            update(SessionRow)
            .where(
                SessionRow.user_id == user_id,
                SessionRow.revoked_at.is_(None),
                SessionRow.expires_at > now,
            )
            .values(revoked_at=now)
        )
        return int(result.rowcount or 0)

    def record_attempt(
        self, *, username: str, ip: str | None, at: datetime, success: bool
    ) -> None:
        self.session.add(
            LoginAttemptRow(username=username[:100], ip=ip, at=at, success=success)
        )

    def count_failures(
        self, *, username: str, ip: str | None, since: datetime
    ) -> tuple[int, int]:
        """Failed attempts since ``since``: ``(this account, this address)``."""
        row = LoginAttemptRow
        by_account = row.username == username
        by_address = row.ip == ip if ip else false()
        account, address = self.session.execute(
            select(
                func.count().filter(by_account), func.count().filter(by_address)
            ).where(row.success.is_(False), row.at > since, or_(by_account, by_address))
        ).one()
        return int(account or 0), int(address or 0)


# ------------------------------------------------------------------ failure records
class FailureRecorder:
    """Keeps the record of a refused attempt although the caller then fails.

    An idempotent RPC's transaction is discarded when its use case raises, and a
    failed password check must still be counted and audited. ``record(fn)`` rolls
    back whatever the caller's transaction did (it is about to fail anyway), then
    writes ``fn``'s rows on the same session and commits them at once. One session
    and one connection: a second one would wait on the caller's write lock (SQLite)
    or need a second pooled connection while this one is held.
    """

    def __init__(self, session: Session):
        self.session = session

    def record(self, fn: Callable[[Any], T]) -> T:
        self.session.rollback()
        result = fn(
            SimpleNamespace(
                login=LoginRepository(self.session), audit=AuditRepository(self.session)
            )
        )
        self.session.commit()
        return result


REPOSITORIES: dict[str, Callable[[Session], Any]] = {
    "agency": AgencyRepository,
    "user": UserRepository,
    "penyedia": PenyediaRepository,
    "login": LoginRepository,
    "audit": AuditRepository,
    "failure": FailureRecorder,
}
