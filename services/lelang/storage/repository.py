"""The lelang repository: explicit translation between rows and the ``Lelang``
aggregate, and plain row access for the records around it.

The aggregate's own fields (status, tahapan, jadwal, riwayat, rule-set, version)
are translated both ways; everything recorded *about* a lelang by the use cases
(peserta, penawaran, evaluation, results) stays in rows. Nothing here commits.
Locks: ``get(..., lock="update")`` takes ``FOR UPDATE`` on PostgreSQL (state
changes of one lelang run one at a time), ``lock="share"`` takes ``FOR SHARE`` (bid
uploads run side by side, but never while the lelang changes state, e.g. opens).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.db import is_postgres
from services.common.errors import Conflict
from services.lelang.domain import (
    NOT_PUBLIC,
    JadwalEntry,
    JenisTransisi,
    KategoriPengadaan,
    Lelang,
    MetodeEvaluasi,
    MetodeLelang,
    StatusLelang,
    TahapanLelang,
    Transition,
)
from services.lelang.storage.models import (
    AmbangBatasRow,
    EvaluasiRow,
    KunciLelangRow,
    LelangLogRow,
    LelangRow,
    PaketRow,
    PenawaranRow,
    PertanyaanRow,
    PesertaRow,
    RupRow,
    SanggahRow,
    TandaTerimaRow,
)

RUNNING = (str(StatusLelang.DIUMUMKAN), str(StatusLelang.BERJALAN))


def flush_or_conflict(session: Session, code: str, message: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(code, message) from exc


def _json_has(column: Any, member: str) -> Any:
    """A JSON list of ids contains ``member`` (ids are uuids: no quoting issues)."""
    return cast(column, String).like(f'%"{member}"%')


# ------------------------------------------------------------------ translation
def jadwal_to_json(jadwal: Iterable[JadwalEntry]) -> list[list[str]]:
    return [[str(e.tahapan), e.mulai.isoformat(), e.selesai.isoformat()]
            for e in jadwal]


def jadwal_from_json(data: list[list[str]]) -> tuple[JadwalEntry, ...]:
    return tuple(JadwalEntry(TahapanLelang(t), datetime.fromisoformat(m),
                             datetime.fromisoformat(s)) for t, m, s in data)


def transition_to_json(t: Transition) -> dict[str, Any]:
    return {"jenis": str(t.jenis), "at": t.at.isoformat(), "status": str(t.status),
            "tahapan": t.tahapan and str(t.tahapan), "alasan": t.alasan,
            "details": t.details}


def transition_from_json(d: dict[str, Any]) -> Transition:
    return Transition(JenisTransisi(d["jenis"]), datetime.fromisoformat(d["at"]),
                      StatusLelang(d["status"]),
                      TahapanLelang(d["tahapan"]) if d.get("tahapan") else None,
                      d.get("alasan"), d.get("details") or {})


def to_domain(row: LelangRow) -> Lelang:
    return Lelang(
        lelang_id=row.lelang_id, paket_id=row.paket_id,
        nilai_hps=Decimal(row.nilai_hps), kategori=KategoriPengadaan(row.kategori),
        metode=MetodeLelang(row.metode),
        metode_evaluasi=MetodeEvaluasi(row.metode_evaluasi),
        jadwal=jadwal_from_json(row.jadwal), status=StatusLelang(row.status),
        tahapan=TahapanLelang(row.tahapan) if row.tahapan else None,
        ruleset_code=row.ruleset_code, diumumkan_pada=row.diumumkan_pada,
        riwayat=[transition_from_json(d) for d in row.riwayat],
        version=row.version,
    )


def copy_to_row(lelang: Lelang, row: LelangRow, now: datetime) -> None:
    row.status = str(lelang.status)
    row.tahapan = lelang.tahapan and str(lelang.tahapan)
    row.jadwal = jadwal_to_json(lelang.jadwal)
    row.riwayat = [transition_to_json(t) for t in lelang.riwayat]
    row.ruleset_code = lelang.ruleset_code
    row.diumumkan_pada = lelang.diumumkan_pada
    row.next_check = lelang.next_check(now)
    row.version = lelang.version
    row.updated_at = now


def set_hasil(row: LelangRow, key: str, value: Any) -> None:
    """Record a stage outcome (a new dict, so the JSON change is seen)."""
    row.hasil = {**(row.hasil or {}), key: value}


class LelangRepository:
    def __init__(self, session: Session):
        self.session = session

    def _lock(self, query: Any, lock: str | None) -> Any:
        if lock and is_postgres(self.session):
            return query.with_for_update(read=(lock == "share"))
        return query

    # -------------------------------------------------------------- RUP, ambang
    def add(self, row: Any, conflict_code: str = "CONFLICT") -> Any:
        self.session.add(row)
        flush_or_conflict(self.session, conflict_code, "already exists")
        return row

    def get_rup(self, rup_id: str) -> RupRow | None:
        return self.session.get(RupRow, rup_id)

    def list_rup(self, f: dict[str, Any]) -> tuple[list[RupRow], int]:
        query = select(RupRow)
        if f.get("agency_id"):
            query = query.where(RupRow.agency_id == f["agency_id"])
        if f.get("tahun_anggaran"):
            query = query.where(RupRow.tahun_anggaran == f["tahun_anggaran"])
        if f.get("kategori"):
            query = query.where(RupRow.kategori == str(f["kategori"]))
        if f.get("q"):
            query = query.where(RupRow.nama.ilike(f"%{f['q']}%"))
        return self._page(query.order_by(RupRow.diumumkan_pada.desc(),
                                         RupRow.rup_id), f)

    def get_ambang(self, agency_id: str, tahun: int) -> AmbangBatasRow | None:
        return self.session.get(AmbangBatasRow, (agency_id, tahun))

    def list_ambang(self, agency_id: str | None) -> list[AmbangBatasRow]:
        query = select(AmbangBatasRow).order_by(AmbangBatasRow.agency_id,
                                                AmbangBatasRow.tahun_anggaran)
        if agency_id:
            query = query.where(AmbangBatasRow.agency_id == agency_id)
        return list(self.session.scalars(query))

    # -------------------------------------------------------------- paket
    def get_paket(self, paket_id: str, lock: str | None = None) -> PaketRow | None:
        query = self._lock(select(PaketRow).where(PaketRow.paket_id == paket_id),
                           lock)
        return self.session.scalars(query).first()

    def list_paket(self, f: dict[str, Any], *, visible_to: str | None,
                   agency_id: str | None) -> tuple[list[PaketRow], int]:
        query = select(PaketRow)
        if visible_to is not None:  # PPK or Pokja: their own packages
            query = query.where(or_(PaketRow.ppk_id == visible_to,
                                    _json_has(PaketRow.pokja_ids, visible_to)))
        if agency_id:
            query = query.where(PaketRow.agency_id == agency_id)
        if f.get("tahun_anggaran"):
            query = query.where(PaketRow.tahun_anggaran == f["tahun_anggaran"])
        if f.get("di_bawah_ambang") is not None:
            query = query.where(PaketRow.di_bawah_ambang == f["di_bawah_ambang"])
        return self._page(query.order_by(PaketRow.created_at.desc(),
                                         PaketRow.paket_id), f)

    # -------------------------------------------------------------- lelang
    def get_row(self, lelang_id: str, lock: str | None = None) -> LelangRow | None:
        query = self._lock(select(LelangRow).where(LelangRow.lelang_id == lelang_id),
                           lock)
        return self.session.scalars(query).first()

    def due(self, now: datetime, limit: int) -> list[LelangRow]:
        """Running lelang whose next stage is due, locked; rows another replica
        holds are skipped (``FOR UPDATE SKIP LOCKED``)."""
        query = (select(LelangRow)
                 .where(LelangRow.status.in_(RUNNING), LelangRow.next_check <= now)
                 .order_by(LelangRow.next_check).limit(limit))
        if is_postgres(self.session):
            query = query.with_for_update(skip_locked=True)
        return list(self.session.scalars(query))

    def list_lelang(self, f: dict[str, Any], *,
                    only_ids: set[str] | None) -> tuple[list[LelangRow], int]:
        query = select(LelangRow)
        if only_ids is not None:
            query = query.where(LelangRow.lelang_id.in_(only_ids or {""}))
        else:
            query = query.where(LelangRow.status.notin_(
                [str(status) for status in NOT_PUBLIC]))
        for name in ("agency_id", "metode", "kategori", "status", "tahapan"):
            if f.get(name):
                query = query.where(getattr(LelangRow, name) == str(f[name]))
        if f.get("tahun_anggaran"):
            query = query.where(LelangRow.tahun_anggaran == f["tahun_anggaran"])
        if f.get("q"):
            like = f"%{f['q']}%"
            query = query.where(or_(LelangRow.nama.ilike(like),
                                    LelangRow.kode.ilike(like)))
        return self._page(query.order_by(LelangRow.diumumkan_pada.desc(),
                                         LelangRow.created_at.desc(),
                                         LelangRow.lelang_id), f)

    def involved_lelang_ids(self, user_id: str | None,
                            penyedia_id: str | None) -> set[str]:
        ids: set[str] = set()
        if user_id:
            ids |= set(self.session.scalars(select(LelangRow.lelang_id).where(or_(
                LelangRow.ppk_id == user_id,
                _json_has(LelangRow.pokja_ids, user_id)))))
        if penyedia_id:
            ids |= set(self.session.scalars(select(PesertaRow.lelang_id).where(
                PesertaRow.penyedia_id == penyedia_id)))
        return ids

    # -------------------------------------------------------------- keys
    def kunci(self, lelang_id: str) -> list[KunciLelangRow]:
        return list(self.session.scalars(
            select(KunciLelangRow).where(KunciLelangRow.lelang_id == lelang_id)
            .order_by(KunciLelangRow.sampul)))

    def get_kunci(self, lelang_id: str, sampul: str) -> KunciLelangRow | None:
        return self.session.get(KunciLelangRow, (lelang_id, sampul))

    # -------------------------------------------------------------- peserta
    def get_peserta(self, lelang_id: str, penyedia_id: str) -> PesertaRow | None:
        return self.session.get(PesertaRow, (lelang_id, penyedia_id))

    def peserta(self, lelang_id: str) -> list[PesertaRow]:
        return list(self.session.scalars(
            select(PesertaRow).where(PesertaRow.lelang_id == lelang_id)
            .order_by(PesertaRow.terdaftar_pada, PesertaRow.penyedia_id)))

    def count_peserta(self, lelang_id: str) -> int:
        return self.session.scalar(select(func.count()).select_from(PesertaRow).where(
            PesertaRow.lelang_id == lelang_id)) or 0

    # -------------------------------------------------------------- aanwijzing
    def pertanyaan(self, lelang_id: str) -> list[PertanyaanRow]:
        return list(self.session.scalars(
            select(PertanyaanRow).where(PertanyaanRow.lelang_id == lelang_id)
            .order_by(PertanyaanRow.ditanya_pada, PertanyaanRow.pertanyaan_id)))

    def get_pertanyaan(self, pertanyaan_id: str) -> PertanyaanRow | None:
        return self.session.get(PertanyaanRow, pertanyaan_id)

    # -------------------------------------------------------------- penawaran
    def get_penawaran(self, lelang_id: str, penyedia_id: str,
                      sampul: str) -> PenawaranRow | None:
        return self.session.scalars(select(PenawaranRow).where(
            PenawaranRow.lelang_id == lelang_id,
            PenawaranRow.penyedia_id == penyedia_id,
            PenawaranRow.sampul == sampul)).first()

    def penawaran(self, lelang_id: str, sampul: str | None = None,
                  penyedia_id: str | None = None) -> list[PenawaranRow]:
        query = select(PenawaranRow).where(PenawaranRow.lelang_id == lelang_id)
        if sampul:
            query = query.where(PenawaranRow.sampul == sampul)
        if penyedia_id:
            query = query.where(PenawaranRow.penyedia_id == penyedia_id)
        return list(self.session.scalars(query.order_by(PenawaranRow.diterima_pada,
                                                        PenawaranRow.penawaran_id)))

    def tanda_terima(self, lelang_id: str, penyedia_id: str) -> list[TandaTerimaRow]:
        return list(self.session.scalars(select(TandaTerimaRow).where(
            TandaTerimaRow.lelang_id == lelang_id,
            TandaTerimaRow.penyedia_id == penyedia_id).order_by(TandaTerimaRow.id)))

    # -------------------------------------------------------------- evaluation
    def evaluasi(self, lelang_id: str) -> list[EvaluasiRow]:
        return list(self.session.scalars(select(EvaluasiRow).where(
            EvaluasiRow.lelang_id == lelang_id).order_by(EvaluasiRow.penyedia_id)))

    def get_evaluasi(self, lelang_id: str, penyedia_id: str) -> EvaluasiRow | None:
        return self.session.get(EvaluasiRow, (lelang_id, penyedia_id))

    # -------------------------------------------------------------- sanggah
    def sanggah(self, lelang_id: str) -> list[SanggahRow]:
        return list(self.session.scalars(select(SanggahRow).where(
            SanggahRow.lelang_id == lelang_id).order_by(SanggahRow.diajukan_pada,
                                                         SanggahRow.sanggah_id)))

    def get_sanggah(self, sanggah_id: str) -> SanggahRow | None:
        return self.session.get(SanggahRow, sanggah_id)

    # -------------------------------------------------------------- log
    def log(self, lelang_id: str | None, at: datetime, actor_user_id: str | None,
            action: str, **details: Any) -> None:
        self.session.add(LelangLogRow(lelang_id=lelang_id, at=at,
                                      actor_user_id=actor_user_id, action=action,
                                      details=details))

    def logs(self, lelang_id: str) -> list[LelangLogRow]:
        return list(self.session.scalars(select(LelangLogRow).where(
            LelangLogRow.lelang_id == lelang_id).order_by(LelangLogRow.id)))

    # -------------------------------------------------------------- figures
    def figures(self, since: datetime) -> dict[str, Any]:
        by_status = dict(self.session.execute(
            select(LelangRow.status, func.count()).group_by(LelangRow.status)).all())
        by_tahapan = dict(self.session.execute(
            select(LelangRow.tahapan, func.count())
            .where(LelangRow.status.in_(RUNNING), LelangRow.tahapan.is_not(None))
            .group_by(LelangRow.tahapan)).all())
        today = self.session.scalar(select(func.count()).select_from(TandaTerimaRow)
                                    .where(TandaTerimaRow.diterima_pada >= since,
                                           TandaTerimaRow.status == "terkirim"))
        peserta = self.session.scalar(select(func.count()).select_from(PesertaRow))
        return {"by_status": {str(s): 0 for s in StatusLelang} | by_status,
                "by_tahapan": by_tahapan, "penawaran_today": today or 0,
                "peserta": peserta or 0}

    # -------------------------------------------------------------- paging
    def _page(self, query: Any, f: dict[str, Any]) -> tuple[list[Any], int]:
        total = self.session.scalar(select(func.count()).select_from(
            query.order_by(None).subquery())) or 0
        page, per_page = f.get("page", 1), f.get("per_page", 20)
        rows = list(self.session.scalars(query.limit(per_page)
                                         .offset((page - 1) * per_page)))
        return rows, total


REPOSITORIES = {"lelang": LelangRepository}
