"""The notifikasi repository: rows in and out. Nothing here commits.

``next_due`` takes one due e-mail with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
replicas share the queue and no e-mail is sent by two of them at once. Due: pending
whatever its timestamp, retrying once its time has come or when it lies beyond the
``horizon`` (``services.common.clock.retry_horizon``: a clock that stepped back).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from services.common.db import is_postgres
from services.notifikasi.domain.pengiriman import DUE_STATES, StatusPengiriman
from services.notifikasi.storage.models import (
    KontakPenyediaRow,
    KontakUserRow,
    NotifikasiRow,
    PelaporRow,
    PengirimanRow,
    PeranUserRow,
    PesertaRow,
    TargetPenyimpanganRow,
)

PA_KPA_ROLES = ("pa", "kpa")


class NotifikasiRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    # ------------------------------------------------------------ known (Known)
    def peserta_of(self, lelang_id: str) -> list[str]:
        return list(self.session.scalars(select(PesertaRow.penyedia_id).where(
            PesertaRow.lelang_id == lelang_id).order_by(PesertaRow.penyedia_id)))

    def pa_kpa_of(self, agency_id: str) -> list[str]:
        return list(self.session.scalars(
            select(PeranUserRow.user_id).join(
                KontakUserRow, KontakUserRow.user_id == PeranUserRow.user_id).where(
                PeranUserRow.peran.in_(PA_KPA_ROLES),
                PeranUserRow.agency_id == agency_id,
                KontakUserRow.aktif.is_(True)).distinct().order_by(
                PeranUserRow.user_id)))

    def pelapor_of(self, pengaduan_id: str) -> str | None:
        row = self.session.get(PelaporRow, pengaduan_id)
        return row.user_id if row else None

    def users_with_role(self, peran: str) -> list[str]:
        """Active users holding ``peran`` (any agency)."""
        return list(self.session.scalars(
            select(PeranUserRow.user_id).join(
                KontakUserRow, KontakUserRow.user_id == PeranUserRow.user_id).where(
                PeranUserRow.peran == peran, KontakUserRow.aktif.is_(True)).distinct()
            .order_by(PeranUserRow.user_id)))

    def user(self, user_id: str) -> KontakUserRow | None:
        return self.session.get(KontakUserRow, user_id)

    def penyedia(self, penyedia_id: str) -> KontakPenyediaRow | None:
        return self.session.get(KontakPenyediaRow, penyedia_id)

    def add_peserta(self, lelang_id: str, penyedia_id: str) -> None:
        if self.session.get(PesertaRow, (lelang_id, penyedia_id)) is None:
            self.session.add(PesertaRow(lelang_id=lelang_id, penyedia_id=penyedia_id))

    def set_pelapor(self, pengaduan_id: str, user_id: str) -> None:
        if self.session.get(PelaporRow, pengaduan_id) is None:
            self.session.add(PelaporRow(pengaduan_id=pengaduan_id, user_id=user_id))

    def grant(self, user_id: str, peran: str, agency_id: str | None) -> None:
        key = (user_id, peran, agency_id or "")
        if self.session.get(PeranUserRow, key) is None:
            self.session.add(PeranUserRow(user_id=user_id, peran=peran,
                                          agency_id=agency_id or ""))

    def revoke(self, user_id: str, peran: str, agency_id: str | None) -> None:
        self.session.execute(delete(PeranUserRow).where(
            PeranUserRow.user_id == user_id, PeranUserRow.peran == peran,
            PeranUserRow.agency_id == (agency_id or "")))

    # ------------------------------------------------------------ inbox
    def inbox(self, user_id: str, *, unread_only: bool, page: int,
              per_page: int) -> tuple[list[NotifikasiRow], int]:
        stmt = select(NotifikasiRow).where(NotifikasiRow.user_id == user_id)
        if unread_only:
            stmt = stmt.where(NotifikasiRow.dibaca_pada.is_(None))
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = self.session.scalars(stmt.order_by(
            NotifikasiRow.dibuat_pada.desc(), NotifikasiRow.notifikasi_id)
            .offset((page - 1) * per_page).limit(per_page))
        return list(rows), int(total or 0)

    def unread_count(self, user_id: str) -> int:
        return int(self.session.scalar(select(func.count()).where(
            NotifikasiRow.user_id == user_id,
            NotifikasiRow.dibaca_pada.is_(None))) or 0)

    def mark_read(self, user_id: str, ids: list[str] | None, now: datetime) -> int:
        """Mark the user's notices (``ids``, or all when None) read; returns how
        many were unread. Another user's ids are silently not touched."""
        stmt = update(NotifikasiRow).where(
            NotifikasiRow.user_id == user_id, NotifikasiRow.dibaca_pada.is_(None))
        if ids is not None:
            stmt = stmt.where(NotifikasiRow.notifikasi_id.in_(ids))
        return int(self.session.execute(stmt.values(dibaca_pada=now)).rowcount or 0)

    # ------------------------------------------------------------ e-mail
    def next_due(self, now: datetime,
                 horizon: datetime | None = None) -> PengirimanRow | None:
        due = [PengirimanRow.status == str(StatusPengiriman.MENUNGGU),
               PengirimanRow.berikutnya_pada <= now]
        if horizon is not None:
            due.append(PengirimanRow.berikutnya_pada > horizon)
        stmt = select(PengirimanRow).where(
            PengirimanRow.status.in_([str(s) for s in DUE_STATES]),
            PengirimanRow.berikutnya_pada.is_not(None), or_(*due)).order_by(
            PengirimanRow.berikutnya_pada, PengirimanRow.pengiriman_id).limit(1)
        if is_postgres(self.session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self.session.scalars(stmt).first()

    def pengiriman(self, *, status: str | None, page: int,
                   per_page: int) -> tuple[list[PengirimanRow], int]:
        stmt = select(PengirimanRow)
        if status:
            stmt = stmt.where(PengirimanRow.status == status)
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = self.session.scalars(stmt.order_by(
            PengirimanRow.dibuat_pada.desc(), PengirimanRow.pengiriman_id)
            .offset((page - 1) * per_page).limit(per_page))
        return list(rows), int(total or 0)

    def requeue(self, ids: list[str] | None, now: datetime) -> int:
        """Failed e-mails (``ids``, or every failed one) back to pending, with a
        fresh set of attempts."""
        stmt = update(PengirimanRow).where(
            PengirimanRow.status == str(StatusPengiriman.GAGAL))
        if ids is not None:
            stmt = stmt.where(PengirimanRow.pengiriman_id.in_(ids))
        return int(self.session.execute(stmt.values(
            status=str(StatusPengiriman.MENUNGGU), percobaan=0,
            berikutnya_pada=now)).rowcount or 0)

    def counts_by_status(self) -> dict[str, int]:
        rows = self.session.execute(select(PengirimanRow.status, func.count()).group_by(
            PengirimanRow.status))
        return {status: int(n) for status, n in rows}

    def inbox_total(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(
            NotifikasiRow)) or 0)

    # ------------------------------------------------------------ Pasal 18
    def target(self, penerima_id: str) -> TargetPenyimpanganRow | None:
        return self.session.get(TargetPenyimpanganRow, penerima_id)

    def target_statuses(self, penerima_id: str) -> list[str]:
        return list(self.session.scalars(select(PengirimanRow.status).where(
            PengirimanRow.penerima_id == penerima_id)))

    def targets_to_report(self, limit: int) -> list[TargetPenyimpanganRow]:
        return list(self.session.scalars(select(TargetPenyimpanganRow).where(
            TargetPenyimpanganRow.dilaporkan.is_(False),
            TargetPenyimpanganRow.status != str(StatusPengiriman.MENUNGGU)).order_by(
            TargetPenyimpanganRow.dibuat_pada).limit(limit)))


REPOSITORIES = {"notifikasi": NotifikasiRepository}
