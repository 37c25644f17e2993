"""lelang's tables (SQLAlchemy 2 declarative). No behaviour here.

Row classes end in ``Row``. Amounts are rupiah in :class:`Money` columns
(``NUMERIC(20, 2)`` on PostgreSQL, exact sen on SQLite: ``services.common.money``).
Bids are stored sealed only: ``penawaran`` holds the SHA-256 of the ciphertext in the
blob store and the sealed price; the plain price and the plain file's reference
appear only once the Pokja has opened that sampul. ``kunci_lelang`` holds each
envelope's private key wrapped by the deployment's master key. ``lelang_log`` is
append-only.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, infra_tables, make_metadata
from services.common.sqltypes import Money

ID = String(36)
MONEY = Money()


class Base(DeclarativeBase):
    metadata = make_metadata()


INFRA = infra_tables(Base.metadata)


class RupRow(Base):
    __tablename__ = "rup"
    __table_args__ = (Index("ix_rup_agency_tahun", "agency_id", "tahun_anggaran"),)

    rup_id: Mapped[str] = mapped_column(ID, primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    satker_id: Mapped[str | None] = mapped_column(String(64))
    tahun_anggaran: Mapped[int] = mapped_column(Integer)
    nama: Mapped[str] = mapped_column(String(300))
    pagu: Mapped[Decimal] = mapped_column(MONEY)
    sumber_dana: Mapped[str] = mapped_column(String(50))
    kategori: Mapped[str] = mapped_column(String(30))
    metode_rencana: Mapped[str | None] = mapped_column(String(40))
    lokasi: Mapped[str | None] = mapped_column(String(300))
    uraian: Mapped[str | None] = mapped_column(Text)
    diumumkan_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    diumumkan_oleh: Mapped[str] = mapped_column(String(64))


class AmbangBatasRow(Base):
    __tablename__ = "ambang_batas"

    agency_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tahun_anggaran: Mapped[int] = mapped_column(Integer, primary_key=True)
    nilai_minimum: Mapped[Decimal] = mapped_column(MONEY)
    ditetapkan_oleh: Mapped[str] = mapped_column(String(64))
    ditetapkan_pada: Mapped[datetime] = mapped_column(UTCDateTime())


class PaketRow(Base):
    __tablename__ = "paket"
    __table_args__ = (Index("ix_paket_agency_tahun", "agency_id", "tahun_anggaran"),)

    paket_id: Mapped[str] = mapped_column(ID, primary_key=True)
    rup_id: Mapped[str | None] = mapped_column(ForeignKey("rup.rup_id"))
    agency_id: Mapped[str] = mapped_column(String(64))
    satker_id: Mapped[str | None] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(300))
    tahun_anggaran: Mapped[int] = mapped_column(Integer)
    sumber_dana: Mapped[str] = mapped_column(String(50))
    pagu: Mapped[Decimal] = mapped_column(MONEY)
    nilai_hps: Mapped[Decimal] = mapped_column(MONEY)
    rincian_hps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    kategori: Mapped[str] = mapped_column(String(30))
    lokasi: Mapped[str] = mapped_column(String(300))
    syarat_kualifikasi: Mapped[list[str]] = mapped_column(JSON)
    dokumen: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    ppk_id: Mapped[str] = mapped_column(String(64), index=True)
    pokja_ids: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    di_bawah_ambang: Mapped[bool] = mapped_column(Boolean)
    ambang_batas: Mapped[Decimal | None] = mapped_column(MONEY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LelangRow(Base):
    __tablename__ = "lelang"
    __table_args__ = (
        Index("ix_lelang_due", "status", "next_check"),
        Index("ix_lelang_agency_tahun", "agency_id", "tahun_anggaran"),
    )

    lelang_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kode: Mapped[str] = mapped_column(String(30), unique=True)
    paket_id: Mapped[str] = mapped_column(ForeignKey("paket.paket_id"), index=True)
    nama: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[str] = mapped_column(String(64))
    satker_id: Mapped[str | None] = mapped_column(String(64))
    tahun_anggaran: Mapped[int] = mapped_column(Integer)
    kategori: Mapped[str] = mapped_column(String(30))
    lokasi: Mapped[str] = mapped_column(String(300))
    pagu: Mapped[Decimal] = mapped_column(MONEY)
    nilai_hps: Mapped[Decimal] = mapped_column(MONEY)
    syarat_kualifikasi: Mapped[list[str]] = mapped_column(JSON)
    ppk_id: Mapped[str] = mapped_column(String(64))
    pokja_ids: Mapped[list[str]] = mapped_column(JSON)
    metode: Mapped[str] = mapped_column(String(40))
    metode_evaluasi: Mapped[str] = mapped_column(String(30))
    alasan_metode: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30))
    tahapan: Mapped[str | None] = mapped_column(String(60))
    jadwal: Mapped[list[list[str]]] = mapped_column(JSON)
    riwayat: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    ruleset_code: Mapped[str | None] = mapped_column(String(40))
    diumumkan_pada: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_check: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer)
    dokumen: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # stage outcomes, recorded by the use cases (see usecases/)
    hasil: Mapped[dict[str, Any]] = mapped_column(JSON)
    retender_dari: Mapped[str | None] = mapped_column(String(36))
    retender_oleh: Mapped[str | None] = mapped_column(String(36))
    gagal_ke: Mapped[int] = mapped_column(Integer)
    alasan_gagal: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class KunciLelangRow(Base):
    __tablename__ = "kunci_lelang"

    lelang_id: Mapped[str] = mapped_column(
        ForeignKey("lelang.lelang_id"), primary_key=True
    )
    sampul: Mapped[str] = mapped_column(String(10), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[str] = mapped_column(String(64))
    wrapped_private_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PesertaRow(Base):
    __tablename__ = "peserta"

    lelang_id: Mapped[str] = mapped_column(
        ForeignKey("lelang.lelang_id"), primary_key=True
    )
    penyedia_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    user_id: Mapped[str | None] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(200))
    npwp: Mapped[str | None] = mapped_column(String(20))
    alamat: Mapped[str | None] = mapped_column(String(500))
    terdaftar_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    kualifikasi_dokumen: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    kualifikasi_keterangan: Mapped[str | None] = mapped_column(Text)
    kualifikasi_dikirim_pada: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lulus_kualifikasi: Mapped[bool | None] = mapped_column(Boolean)
    alasan_kualifikasi: Mapped[str | None] = mapped_column(Text)


class PertanyaanRow(Base):
    __tablename__ = "pertanyaan"

    pertanyaan_id: Mapped[str] = mapped_column(ID, primary_key=True)
    lelang_id: Mapped[str] = mapped_column(ForeignKey("lelang.lelang_id"), index=True)
    penyedia_id: Mapped[str] = mapped_column(String(64))
    tahapan: Mapped[str] = mapped_column(String(60))
    pertanyaan: Mapped[str] = mapped_column(Text)
    ditanya_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    jawaban: Mapped[str | None] = mapped_column(Text)
    dijawab_oleh: Mapped[str | None] = mapped_column(String(64))
    dijawab_pada: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PenawaranRow(Base):
    """The bid that counts, per (lelang, penyedia, sampul); every version's receipt
    is in ``tanda_terima``."""

    __tablename__ = "penawaran"
    __table_args__ = (
        UniqueConstraint("lelang_id", "penyedia_id", "sampul",
                         name="uq_penawaran_lelang_penyedia_sampul"),
    )

    penawaran_id: Mapped[str] = mapped_column(ID, primary_key=True)
    lelang_id: Mapped[str] = mapped_column(ForeignKey("lelang.lelang_id"), index=True)
    penyedia_id: Mapped[str] = mapped_column(String(64))
    sampul: Mapped[str] = mapped_column(String(10))
    versi: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(String(200))
    harga_sealed: Mapped[str | None] = mapped_column(Text)
    diterima_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    dibuka_pada: Mapped[datetime | None] = mapped_column(UTCDateTime())
    harga: Mapped[Decimal | None] = mapped_column(MONEY)
    plain_dokumen: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    gagal_dibuka: Mapped[str | None] = mapped_column(Text)


class TandaTerimaRow(Base):
    """Append-only: every receipt given (uploads, replacements, withdrawals)."""

    __tablename__ = "tanda_terima"
    __table_args__ = (Index("ix_tanda_terima_lelang_penyedia", "lelang_id",
                            "penyedia_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    penawaran_id: Mapped[str] = mapped_column(String(36))
    lelang_id: Mapped[str] = mapped_column(String(36))
    penyedia_id: Mapped[str] = mapped_column(String(64))
    sampul: Mapped[str] = mapped_column(String(10))
    versi: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    diterima_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    tanda_tangan: Mapped[str] = mapped_column(String(64))


class EvaluasiRow(Base):
    __tablename__ = "evaluasi"

    lelang_id: Mapped[str] = mapped_column(
        ForeignKey("lelang.lelang_id"), primary_key=True
    )
    penyedia_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lulus_administrasi: Mapped[bool | None] = mapped_column(Boolean)
    lulus_teknis: Mapped[bool | None] = mapped_column(Boolean)
    skor_teknis: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    harga_terkoreksi: Mapped[Decimal | None] = mapped_column(MONEY)
    lulus_harga: Mapped[bool | None] = mapped_column(Boolean)
    lulus_kualifikasi: Mapped[bool | None] = mapped_column(Boolean)
    alasan: Mapped[str | None] = mapped_column(Text)
    dievaluasi_oleh: Mapped[str] = mapped_column(String(64))
    dievaluasi_pada: Mapped[datetime] = mapped_column(UTCDateTime())


class SanggahRow(Base):
    __tablename__ = "sanggah"

    sanggah_id: Mapped[str] = mapped_column(ID, primary_key=True)
    lelang_id: Mapped[str] = mapped_column(ForeignKey("lelang.lelang_id"), index=True)
    penyedia_id: Mapped[str] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(200))
    jenis: Mapped[str] = mapped_column(String(20))
    isi: Mapped[str] = mapped_column(Text)
    diajukan_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    jawaban: Mapped[str | None] = mapped_column(Text)
    keputusan: Mapped[str | None] = mapped_column(String(20))
    dijawab_oleh: Mapped[str | None] = mapped_column(String(64))
    dijawab_pada: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LelangLogRow(Base):
    """Append-only log of what was done to a lelang, by whom (openings included)."""

    __tablename__ = "lelang_log"
    __table_args__ = (Index("ix_lelang_log_lelang", "lelang_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lelang_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_user_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
