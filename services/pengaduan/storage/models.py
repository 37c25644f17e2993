"""pengaduan's tables (SQLAlchemy 2 declarative). No behaviour here.

Row classes end in ``Row``. ``pengaduan`` keeps only a salted hash of the
complainant's secret. ``riwayat_pengaduan`` and ``penerusan`` are append-only.
``lelang_pihak`` is pengaduan's own copy of each lelang's parties (from lelang's
``lelang_announced``), for the access rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, infra_tables, make_metadata

ID = String(36)
REF = String(64)


class Base(DeclarativeBase):
    metadata = make_metadata()


INFRA = infra_tables(Base.metadata)


class PengaduanRow(Base):
    __tablename__ = "pengaduan"
    __table_args__ = (
        Index("ix_pengaduan_status", "status", "diajukan_pada"),
        Index("ix_pengaduan_lelang", "lelang_id"),
        Index("ix_pengaduan_pelapor", "pelapor_user_id"),
    )

    pengaduan_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kode_pelacakan: Mapped[str] = mapped_column(String(20), unique=True)
    jenis: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    klasifikasi: Mapped[str | None] = mapped_column(String(40))
    lelang_id: Mapped[str | None] = mapped_column(REF)
    uraian: Mapped[str] = mapped_column(Text)
    anonim: Mapped[bool] = mapped_column(Boolean)
    nama_pelapor: Mapped[str | None] = mapped_column(String(200))
    kontak: Mapped[str | None] = mapped_column(String(200))
    pelapor_user_id: Mapped[str | None] = mapped_column(REF)
    pelapor_penyedia_id: Mapped[str | None] = mapped_column(REF)
    rahasia_salt: Mapped[str] = mapped_column(String(32))
    rahasia_hash: Mapped[str] = mapped_column(String(64))
    dokumen: Mapped[list[Any]] = mapped_column(JSON)
    alasan_tolak: Mapped[str | None] = mapped_column(Text)
    diajukan_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    diubah_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer)


class RiwayatPengaduanRow(Base):
    __tablename__ = "riwayat_pengaduan"
    __table_args__ = (Index("ix_riwayat_pengaduan_pengaduan", "pengaduan_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pengaduan_id: Mapped[str] = mapped_column(ForeignKey("pengaduan.pengaduan_id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    oleh: Mapped[str | None] = mapped_column(REF)
    dari: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    klasifikasi: Mapped[str | None] = mapped_column(String(40))
    alasan: Mapped[str | None] = mapped_column(Text)
    catatan: Mapped[str | None] = mapped_column(Text)
    tanggapan: Mapped[str | None] = mapped_column(Text)


class PenerusanRow(Base):
    """The forwarding log (DOMAIN §10.2): recipient, channel, when."""

    __tablename__ = "penerusan"
    __table_args__ = (Index("ix_penerusan_pengaduan", "pengaduan_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pengaduan_id: Mapped[str] = mapped_column(ForeignKey("pengaduan.pengaduan_id"))
    penerima: Mapped[str] = mapped_column(String(200))
    kanal: Mapped[str] = mapped_column(String(20))
    alamat: Mapped[str | None] = mapped_column(String(320))
    otomatis: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    oleh: Mapped[str | None] = mapped_column(REF)


class LelangPihakRow(Base):
    """A lelang's parties, copied from lelang's events."""

    __tablename__ = "lelang_pihak"
    __table_args__ = (Index("ix_lelang_pihak_agency", "agency_id"),
                      Index("ix_lelang_pihak_ppk", "ppk_id"))

    lelang_id: Mapped[str] = mapped_column(REF, primary_key=True)
    kode: Mapped[str] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[str] = mapped_column(REF)
    ppk_id: Mapped[str | None] = mapped_column(REF)
    pokja_ids: Mapped[list[str]] = mapped_column(JSON)
    diperbarui_pada: Mapped[datetime] = mapped_column(UTCDateTime())


class PenyimpanganRow(Base):
    """A laporan penyimpangan (Pasal 18)."""

    __tablename__ = "penyimpangan"
    __table_args__ = (Index("ix_penyimpangan_lelang", "lelang_id"),)

    penyimpangan_id: Mapped[str] = mapped_column(ID, primary_key=True)
    lelang_id: Mapped[str] = mapped_column(ForeignKey("lelang_pihak.lelang_id"))
    pengaduan_id: Mapped[str | None] = mapped_column(
        ForeignKey("pengaduan.pengaduan_id"))
    uraian: Mapped[str] = mapped_column(Text)
    dokumen: Mapped[list[Any]] = mapped_column(JSON)
    dilaporkan_oleh: Mapped[str] = mapped_column(REF)
    dilaporkan_pada: Mapped[datetime] = mapped_column(UTCDateTime())


class PenerimaPenyimpanganRow(Base):
    """One addressee of a deviation report, with its delivery state."""

    __tablename__ = "penerima_penyimpangan"
    __table_args__ = (Index("ix_penerima_penyimpangan_penyimpangan",
                            "penyimpangan_id"),)

    penerima_id: Mapped[str] = mapped_column(ID, primary_key=True)
    penyimpangan_id: Mapped[str] = mapped_column(
        ForeignKey("penyimpangan.penyimpangan_id"))
    peran: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str | None] = mapped_column(REF)
    agency_id: Mapped[str | None] = mapped_column(REF)
    alamat: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20))
    keterangan: Mapped[str | None] = mapped_column(Text)
    diperbarui_pada: Mapped[datetime] = mapped_column(UTCDateTime())
