"""reporting's read-model tables (same metadata as ``models.py``). No behaviour here.

* ``peristiwa``: every consumed event, in the order it was applied (``urutan``), with
  its payload as the contract dumps it. Everything else here is derived from it and
  can be rebuilt by replaying it (``lpse reporting rebuild``): reporting never reads
  another service's database.
* ``fakta``: cross-lelang facts the OCDS mapping looks up (agency names, the RUP of a
  paket, RUP items, lelang kodes).
* ``ocds_state``: per lelang, the state the OCDS mapping folds (``proyeksi``).
* ``rilis``: every OCDS release, once, by its stable id; ``urutan`` orders the public
  feed.
* ``ringkasan``: the e-reporting summaries (``domain/laporan.py``), one per kind and
  key, with the columns reports filter on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.common.db import UTCDateTime
from services.reporting.storage.models import Base

REF = String(64)


class PeristiwaRow(Base):
    __tablename__ = "peristiwa"
    __table_args__ = (Index("ix_peristiwa_lelang", "lelang_id", "urutan"),)

    urutan: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(REF, unique=True)
    source: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(80))
    lelang_id: Mapped[str | None] = mapped_column(REF)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[Any] = mapped_column(JSON)


class FaktaRow(Base):
    __tablename__ = "fakta"

    jenis: Mapped[str] = mapped_column(String(40), primary_key=True)
    kunci: Mapped[str] = mapped_column(REF, primary_key=True)
    nilai: Mapped[Any] = mapped_column(JSON)


class OcdsStateRow(Base):
    __tablename__ = "ocds_state"

    lelang_id: Mapped[str] = mapped_column(REF, primary_key=True)
    state: Mapped[Any] = mapped_column(JSON)


class RilisRow(Base):
    __tablename__ = "rilis"
    __table_args__ = (Index("ix_rilis_ocid", "ocid", "urutan"),)

    urutan: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(String(200), unique=True)
    ocid: Mapped[str] = mapped_column(String(120))
    tags: Mapped[Any] = mapped_column(JSON)
    date: Mapped[str] = mapped_column(String(40))
    body: Mapped[Any] = mapped_column(JSON)
    dibuat_pada: Mapped[datetime] = mapped_column(UTCDateTime())


class RingkasanRow(Base):
    __tablename__ = "ringkasan"
    __table_args__ = (
        Index("ix_ringkasan_tahun", "jenis", "tahun_anggaran", "agency_id"),
    )

    jenis: Mapped[str] = mapped_column(String(20), primary_key=True)
    kunci: Mapped[str] = mapped_column(REF, primary_key=True)
    agency_id: Mapped[str | None] = mapped_column(REF)
    satker_id: Mapped[str | None] = mapped_column(REF)
    tahun_anggaran: Mapped[int | None] = mapped_column(Integer)
    metode: Mapped[str | None] = mapped_column(String(40))
    kategori: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[Any] = mapped_column(JSON)
    diperbarui_pada: Mapped[datetime] = mapped_column(UTCDateTime())
