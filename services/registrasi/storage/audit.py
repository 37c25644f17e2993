"""The audit trail in the database: append-only, hash-chained, verified by recomputing.

On PostgreSQL every append first takes a transaction-scoped advisory lock, so appends
from concurrent transactions (and replicas) queue up and the chain stays linear: the
next append reads the tail only after the previous appender committed. On SQLite (one
process per file) the primary key on ``seq`` refuses a fork instead.

Append-only is enforced on PostgreSQL by triggers (migration ``0002``) that refuse
UPDATE, DELETE and TRUNCATE on ``audit_log``; only the table's owner or a superuser can
switch them off (``ALTER TABLE audit_log DISABLE TRIGGER USER``). What gets past them
shows up in :func:`verify_audit`; a removed tail only against a checkpoint
(:meth:`AuditRepository.head`, stored elsewhere by the operator).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.db import is_postgres
from services.registrasi.domain.audit import (
    GENESIS,
    AuditEntry,
    AuditHead,
    ChainReport,
    seal,
    verify_chain,
)
from services.registrasi.storage.models import AuditLogRow

#: pg_advisory_xact_lock key of registrasi's audit chain ("LPSEAUDT" as an int64)
AUDIT_LOCK_KEY = int.from_bytes(b"LPSEAUDT", "big")
FIELDS = (
    "seq",
    "at",
    "actor_user_id",
    "actor_username",
    "ip",
    "action",
    "object_type",
    "object_id",
    "details",
    "prev_hash",
    "hash",
)


class AuditRepository:
    def __init__(self, session: Session):
        self.session = session

    def append(self, entry: AuditEntry) -> AuditEntry:
        """Chain ``entry`` after the current tail and insert it (no commit)."""
        if is_postgres(self.session):
            self.session.execute(select(func.pg_advisory_xact_lock(AUDIT_LOCK_KEY)))
        tail = self.head()
        sealed = seal(entry, seq=tail.seq + 1, prev_hash=tail.hash)
        self.session.add(AuditLogRow(**{f: getattr(sealed, f) for f in FIELDS}))
        self.session.flush()
        return sealed

    def head(self) -> AuditHead:
        """The last row's ``seq`` and ``hash`` (``0 GENESIS`` for an empty trail)."""
        tail = self.session.execute(
            select(AuditLogRow.seq, AuditLogRow.hash)
            .order_by(AuditLogRow.seq.desc())
            .limit(1)
        ).first()
        return AuditHead(tail.seq, tail.hash) if tail else AuditHead(0, GENESIS)

    def list(
        self,
        *,
        object_type: str | None,
        object_id: str | None,
        page: int,
        per_page: int,
    ) -> tuple[list[AuditEntry], int]:
        """Newest first."""
        query = select(AuditLogRow)
        if object_type:
            query = query.where(AuditLogRow.object_type == object_type)
        if object_id:
            query = query.where(AuditLogRow.object_id == object_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.session.scalars(
            query.order_by(AuditLogRow.seq.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return [_entry(r) for r in rows], int(total or 0)

    def iter_all(self, batch: int = 1000) -> Iterator[AuditEntry]:
        """Every entry in ``seq`` order, read in batches."""
        last = 0
        while True:
            rows = list(
                self.session.scalars(
                    select(AuditLogRow)
                    .where(AuditLogRow.seq > last)
                    .order_by(AuditLogRow.seq)
                    .limit(batch)
                )
            )
            if not rows:
                return
            yield from (_entry(r) for r in rows)
            last = rows[-1].seq


def _entry(row: AuditLogRow) -> AuditEntry:
    return AuditEntry(**{f: getattr(row, f) for f in FIELDS})


def verify_audit(
    session: Session, checkpoints: Iterable[AuditHead] = ()
) -> ChainReport:
    """Recompute the whole chain, and check it against ``checkpoints`` (heads taken
    earlier); the report names the first bad ``seq`` (if any)."""
    return verify_chain(AuditRepository(session).iter_all(), checkpoints)
