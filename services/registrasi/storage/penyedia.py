"""The Penyedia repository: a penyedia with its documents and status history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.errors import Conflict
from services.registrasi.domain import (
    Dokumen,
    Penyedia,
    Permintaan,
    StatusChange,
    StatusPenyedia,
)
from services.registrasi.storage.models import (
    PenyediaDokumenRow,
    PenyediaRow,
    PenyediaStatusHistoryRow,
    UserAccountRow,
)


def flush_or_conflict(session: Session, code: str, message: str) -> None:
    """Flush, turning a unique-constraint race into a stable ``Conflict``."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(code, message) from exc


PENYEDIA_COLUMNS = (
    "user_id",
    "nama",
    "bentuk_usaha",
    "npwp",
    "nib",
    "alamat",
    "kota",
    "email",
    "telepon",
    "status_alasan",
    "berlaku_sampai",
    "created_at",
    "verified_at",
    "updated_at",
)


class PenyediaRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, penyedia: Penyedia) -> None:
        values = {c: getattr(penyedia, c) for c in PENYEDIA_COLUMNS}
        self.session.add(
            PenyediaRow(
                penyedia_id=penyedia.penyedia_id, status=str(penyedia.status), **values
            )
        )
        flush_or_conflict(
            self.session, "NPWP_ALREADY_REGISTERED", "this NPWP is already registered"
        )
        self._store_children(penyedia, stored_docs=set(), stored_history=0)

    def save(self, penyedia: Penyedia) -> None:
        values = {c: getattr(penyedia, c) for c in PENYEDIA_COLUMNS}
        self.session.execute(
            update(PenyediaRow)
            .where(PenyediaRow.penyedia_id == penyedia.penyedia_id)
            .values(status=str(penyedia.status), **values)
        )
        docs = set(
            self.session.scalars(
                select(PenyediaDokumenRow.sha256).where(
                    PenyediaDokumenRow.penyedia_id == penyedia.penyedia_id
                )
            )
        )
        history = (
            self.session.scalar(
                select(func.count()).where(
                    PenyediaStatusHistoryRow.penyedia_id == penyedia.penyedia_id
                )
            )
            or 0
        )
        self._store_children(penyedia, stored_docs=docs, stored_history=history)

    def get(self, penyedia_id: str) -> Penyedia | None:
        return self._one(PenyediaRow.penyedia_id == penyedia_id)

    def get_by_user(self, user_id: str) -> Penyedia | None:
        return self._one(PenyediaRow.user_id == user_id)

    def get_by_npwp(self, npwp: str) -> Penyedia | None:
        return self._one(PenyediaRow.npwp == npwp)

    def status_of_user(self, user_id: str) -> StatusPenyedia | None:
        status = self.session.scalar(
            select(PenyediaRow.status).where(PenyediaRow.user_id == user_id)
        )
        return StatusPenyedia(status) if status else None

    def status_alasan_of_user(self, user_id: str) -> str | None:
        """Why the penyedia of this login is where it is (rejected, deactivated,
        blacklisted), as the verifikator or Admin PPE wrote it."""
        return self.session.scalar(
            select(PenyediaRow.status_alasan).where(PenyediaRow.user_id == user_id)
        )

    def list(
        self, *, status: str | None, q: str | None, page: int, per_page: int
    ) -> tuple[list[Penyedia], int]:
        query = select(PenyediaRow)
        if status:
            query = query.where(PenyediaRow.status == str(status))
        if q:
            digits = "".join(ch for ch in q if ch.isdigit())
            cond = PenyediaRow.nama.ilike(f"%{q.strip()}%")
            if digits:
                cond = or_(cond, PenyediaRow.npwp.startswith(digits))
            query = query.where(cond)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        query = query.order_by(PenyediaRow.created_at, PenyediaRow.penyedia_id)
        rows = self.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
        return [self._assemble(r) for r in rows], total or 0

    def list_by_status(self, status: StatusPenyedia) -> list[Penyedia]:
        rows = self.session.scalars(
            select(PenyediaRow)
            .where(PenyediaRow.status == str(status))
            .order_by(PenyediaRow.nama)
        )
        return [self._assemble(r) for r in rows]

    # -------------------------------------------------------------- translation
    def _one(self, condition: Any) -> Penyedia | None:
        row = self.session.scalars(select(PenyediaRow).where(condition)).first()
        return self._assemble(row) if row else None

    def _assemble(self, row: PenyediaRow) -> Penyedia:
        username = self.session.scalar(
            select(UserAccountRow.username).where(UserAccountRow.user_id == row.user_id)
        )
        docs = self.session.scalars(
            select(PenyediaDokumenRow)
            .where(PenyediaDokumenRow.penyedia_id == row.penyedia_id)
            .order_by(PenyediaDokumenRow.uploaded_at, PenyediaDokumenRow.sha256)
        )
        history = self.session.scalars(
            select(PenyediaStatusHistoryRow)
            .where(PenyediaStatusHistoryRow.penyedia_id == row.penyedia_id)
            .order_by(PenyediaStatusHistoryRow.id)
        )
        return Penyedia(
            penyedia_id=row.penyedia_id,
            username=username or "",
            status=StatusPenyedia(row.status),
            dokumen=[
                Dokumen(
                    d.jenis, d.sha256, d.filename, d.content_type, d.size, d.uploaded_at
                )
                for d in docs
            ],
            riwayat=[_change(h) for h in history],
            **{c: getattr(row, c) for c in PENYEDIA_COLUMNS},
        )

    def _store_children(
        self, penyedia: Penyedia, *, stored_docs: set[str], stored_history: int
    ) -> None:
        for d in penyedia.dokumen:
            if d.sha256 not in stored_docs:
                self.session.add(
                    PenyediaDokumenRow(
                        penyedia_id=penyedia.penyedia_id,
                        sha256=d.sha256,
                        jenis=str(d.jenis),
                        filename=d.filename,
                        content_type=d.content_type,
                        size=d.size,
                        uploaded_at=d.uploaded_at,
                    )
                )
        for c in penyedia.riwayat[stored_history:]:
            self.session.add(
                PenyediaStatusHistoryRow(
                    penyedia_id=penyedia.penyedia_id,
                    status_from=str(c.status_from) if c.status_from else None,
                    status_to=str(c.status_to),
                    at=c.at,
                    actor_user_id=c.actor_user_id,
                    alasan=c.alasan,
                    catatan=c.catatan,
                    permintaan=c.permintaan.to_dict() if c.permintaan else None,
                    dokumen_diperiksa=list(c.dokumen_diperiksa) or None,
                )
            )
        self.session.flush()


def _change(row: PenyediaStatusHistoryRow) -> StatusChange:
    return StatusChange(
        status_from=StatusPenyedia(row.status_from) if row.status_from else None,
        status_to=StatusPenyedia(row.status_to),
        at=row.at,
        actor_user_id=row.actor_user_id,
        alasan=row.alasan,
        catatan=row.catatan,
        permintaan=Permintaan.from_dict(row.permintaan) if row.permintaan else None,
        dokumen_diperiksa=tuple(row.dokumen_diperiksa or ()),
    )
