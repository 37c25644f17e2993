"""The pengaduan repository: rows in and out, and their translation into the facts
the domain's access rule needs (``fakta``, ``pihak``). Nothing here commits.
``get(..., lock=True)`` takes ``FOR UPDATE`` on PostgreSQL (the transitions of one
complaint run one at a time).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, false, func, or_, select
from sqlalchemy.orm import Session

from services.common.auth import Actor, Role
from services.common.db import is_postgres
from services.pengaduan.domain import FaktaPengaduan, JenisPengaduan, Pihak
from services.pengaduan.storage.models import (
    LelangPihakRow,
    PenerimaPenyimpanganRow,
    PenerusanRow,
    PengaduanRow,
    PenyimpanganRow,
    RiwayatPengaduanRow,
)


def _json_has(column: Any, member: str) -> Any:
    """A JSON list of ids contains ``member`` (ids are uuids: no quoting issues)."""
    return cast(column, String).like(f'%"{member}"%')


def to_pihak(row: LelangPihakRow | None) -> Pihak | None:
    if row is None:
        return None
    return Pihak(row.lelang_id, row.agency_id, row.ppk_id, tuple(row.pokja_ids or ()))


def to_fakta(row: PengaduanRow, pihak: LelangPihakRow | None) -> FaktaPengaduan:
    return FaktaPengaduan(JenisPengaduan(row.jenis), bool(row.anonim),
                          row.pelapor_user_id, to_pihak(pihak))


class PengaduanRepository:
    def __init__(self, session: Session):
        self.session = session

    def _locked(self, stmt: Any, lock: bool) -> Any:
        return stmt.with_for_update() if lock and is_postgres(self.session) else stmt

    # -------------------------------------------------------------- pengaduan
    def add(self, row: Any) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    def get(self, pengaduan_id: str, lock: bool = False) -> PengaduanRow | None:
        stmt = select(PengaduanRow).where(PengaduanRow.pengaduan_id == pengaduan_id)
        return self.session.scalars(self._locked(stmt, lock)).first()

    def by_kode(self, kode: str) -> PengaduanRow | None:
        return self.session.scalars(select(PengaduanRow).where(
            PengaduanRow.kode_pelacakan == kode)).first()

    def riwayat(self, pengaduan_id: str) -> list[RiwayatPengaduanRow]:
        return list(self.session.scalars(select(RiwayatPengaduanRow).where(
            RiwayatPengaduanRow.pengaduan_id == pengaduan_id).order_by(
            RiwayatPengaduanRow.id)))

    def penerusan(self, pengaduan_id: str) -> list[PenerusanRow]:
        return list(self.session.scalars(select(PenerusanRow).where(
            PenerusanRow.pengaduan_id == pengaduan_id).order_by(PenerusanRow.id)))

    def list(self, *, status: str | None, jenis: str | None, lelang_id: str | None,
             visible_to: tuple[str, list[str]] | None, page: int,
             per_page: int) -> tuple[list[PengaduanRow], int]:
        """Newest first. ``visible_to=(user_id, lelang_ids)`` keeps the complaints
        that user filed or that are about one of those lelang (the access rule
        then decides, per row, what is shown)."""
        stmt = select(PengaduanRow)
        if status:
            stmt = stmt.where(PengaduanRow.status == status)
        if jenis:
            stmt = stmt.where(PengaduanRow.jenis == jenis)
        if lelang_id:
            stmt = stmt.where(PengaduanRow.lelang_id == lelang_id)
        if visible_to is not None:
            user_id, lelang_ids = visible_to
            stmt = stmt.where(or_(
                PengaduanRow.pelapor_user_id == user_id,
                PengaduanRow.lelang_id.in_(lelang_ids) if lelang_ids else false()))
        total = self.session.scalar(select(func.count()).select_from(
            stmt.subquery()))
        rows = self.session.scalars(stmt.order_by(
            PengaduanRow.diajukan_pada.desc(), PengaduanRow.pengaduan_id).offset(
            (page - 1) * per_page).limit(per_page))
        return list(rows), int(total or 0)

    # -------------------------------------------------------------- lelang_pihak
    def pihak(self, lelang_id: str | None) -> LelangPihakRow | None:
        if not lelang_id:
            return None
        return self.session.get(LelangPihakRow, lelang_id)

    def pihak_of(self, lelang_ids: list[str]) -> dict[str, LelangPihakRow]:
        if not lelang_ids:
            return {}
        rows = self.session.scalars(select(LelangPihakRow).where(
            LelangPihakRow.lelang_id.in_(lelang_ids)))
        return {r.lelang_id: r for r in rows}

    def lelang_ids_of(self, actor: Actor) -> list[str]:
        """The lelang where ``actor`` is Pokja, PPK or PA/KPA of the agency."""
        terms = []
        if actor.has_role(Role.POKJA) and actor.user_id:
            terms.append(_json_has(LelangPihakRow.pokja_ids, actor.user_id))
        if actor.has_role(Role.PPK) and actor.user_id:
            terms.append(LelangPihakRow.ppk_id == actor.user_id)
        if actor.has_role(Role.PA, Role.KPA) and actor.agency_id:
            terms.append(LelangPihakRow.agency_id == actor.agency_id)
        if not terms:
            return []
        return list(self.session.scalars(select(LelangPihakRow.lelang_id).where(
            or_(*terms))))

    def upsert_pihak(self, values: dict[str, Any]) -> LelangPihakRow:
        row = self.session.get(LelangPihakRow, values["lelang_id"],
                               with_for_update=True)
        if row is None:
            row = LelangPihakRow(**values)
            self.session.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
        self.session.flush()
        return row

    # -------------------------------------------------------------- penyimpangan
    def get_penyimpangan(self, penyimpangan_id: str,
                         lock: bool = False) -> PenyimpanganRow | None:
        stmt = select(PenyimpanganRow).where(
            PenyimpanganRow.penyimpangan_id == penyimpangan_id)
        return self.session.scalars(self._locked(stmt, lock)).first()

    def penerima(self, penyimpangan_id: str) -> list[PenerimaPenyimpanganRow]:
        return list(self.session.scalars(select(PenerimaPenyimpanganRow).where(
            PenerimaPenyimpanganRow.penyimpangan_id == penyimpangan_id).order_by(
            PenerimaPenyimpanganRow.peran, PenerimaPenyimpanganRow.alamat,
            PenerimaPenyimpanganRow.penerima_id)))

    def list_penyimpangan(self, *, lelang_ids: list[str] | None,
                          lelang_id: str | None, page: int,
                          per_page: int) -> tuple[list[PenyimpanganRow], int]:
        """Newest first; ``lelang_ids`` (None: all) limits to those lelang."""
        stmt = select(PenyimpanganRow)
        if lelang_id:
            stmt = stmt.where(PenyimpanganRow.lelang_id == lelang_id)
        if lelang_ids is not None:
            stmt = stmt.where(PenyimpanganRow.lelang_id.in_(lelang_ids)
                              if lelang_ids else false())
        total = self.session.scalar(select(func.count()).select_from(
            stmt.subquery()))
        rows = self.session.scalars(stmt.order_by(
            PenyimpanganRow.dilaporkan_pada.desc(),
            PenyimpanganRow.penyimpangan_id).offset((page - 1) * per_page).limit(
            per_page))
        return list(rows), int(total or 0)


REPOSITORIES = {"pengaduan": PengaduanRepository}
