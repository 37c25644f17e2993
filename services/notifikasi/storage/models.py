"""notifikasi's tables (SQLAlchemy 2 declarative). No behaviour here.

Row classes end in ``Row``.

* What notifikasi knows from other services' events, to find addressees:
  ``kontak_user`` and ``peran_user`` (registrasi's users, their e-mail and roles),
  ``kontak_penyedia`` (registrasi's penyedia: e-mail and login), ``peserta`` (lelang's
  peserta per lelang), ``pelapor`` (the logged-in complainant of a pengaduan; never
  an anonymous or whistleblowing one: pengaduan's event does not carry them).
* ``notifikasi``: the in-app inbox, one row per user and event (unique), read or not.
* ``pengiriman``: one e-mail per event and address (unique: an event delivered twice
  sends one e-mail), with its delivery state, attempts and next try.
* ``target_penyimpangan``: per addressee of a deviation report (pengaduan's
  ``penerima_id``), the state to tell pengaduan, and whether it has been told.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, infra_tables, make_metadata

ID = String(36)
REF = String(64)
EMAIL = String(320)


class Base(DeclarativeBase):
    metadata = make_metadata()


INFRA = infra_tables(Base.metadata)


class KontakUserRow(Base):
    __tablename__ = "kontak_user"

    user_id: Mapped[str] = mapped_column(REF, primary_key=True)
    username: Mapped[str | None] = mapped_column(String(100))
    nama: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(EMAIL)
    agency_id: Mapped[str | None] = mapped_column(REF)
    aktif: Mapped[bool] = mapped_column(Boolean)
    diperbarui_pada: Mapped[datetime] = mapped_column(UTCDateTime())


class PeranUserRow(Base):
    """One role of a user (``agency_id`` "" for roles without an agency)."""

    __tablename__ = "peran_user"
    __table_args__ = (Index("ix_peran_user_peran", "peran", "agency_id"),)

    user_id: Mapped[str] = mapped_column(REF, primary_key=True)
    peran: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency_id: Mapped[str] = mapped_column(REF, primary_key=True)


class KontakPenyediaRow(Base):
    __tablename__ = "kontak_penyedia"

    penyedia_id: Mapped[str] = mapped_column(REF, primary_key=True)
    nama: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(EMAIL)
    user_id: Mapped[str | None] = mapped_column(REF)
    status: Mapped[str | None] = mapped_column(String(40))
    diperbarui_pada: Mapped[datetime] = mapped_column(UTCDateTime())


class PesertaRow(Base):
    __tablename__ = "peserta"

    lelang_id: Mapped[str] = mapped_column(REF, primary_key=True)
    penyedia_id: Mapped[str] = mapped_column(REF, primary_key=True)


class PelaporRow(Base):
    __tablename__ = "pelapor"

    pengaduan_id: Mapped[str] = mapped_column(REF, primary_key=True)
    user_id: Mapped[str] = mapped_column(REF)


class NotifikasiRow(Base):
    """One notice in a user's in-app inbox."""

    __tablename__ = "notifikasi"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_notifikasi_user", "user_id", "dibuat_pada"),
        Index("ix_notifikasi_unread", "user_id", "dibaca_pada"),
    )

    notifikasi_id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(REF)
    event_id: Mapped[str] = mapped_column(REF)
    jenis: Mapped[str] = mapped_column(String(80))  # <source>.<event_type>
    subjek: Mapped[str] = mapped_column(String(400))
    isi: Mapped[str] = mapped_column(Text)
    lelang_id: Mapped[str | None] = mapped_column(REF)
    pengaduan_id: Mapped[str | None] = mapped_column(REF)
    dibuat_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    dibaca_pada: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PengirimanRow(Base):
    """One e-mail: the rendered message and its delivery state."""

    __tablename__ = "pengiriman"
    __table_args__ = (
        UniqueConstraint("event_id", "alamat"),
        Index("ix_pengiriman_due", "status", "berikutnya_pada"),
        Index("ix_pengiriman_target", "penerima_id"),
    )

    pengiriman_id: Mapped[str] = mapped_column(ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(REF)
    jenis: Mapped[str] = mapped_column(String(80))
    alamat: Mapped[str] = mapped_column(EMAIL)
    user_id: Mapped[str | None] = mapped_column(REF)
    subjek: Mapped[str] = mapped_column(String(400))
    isi_teks: Mapped[str] = mapped_column(Text)
    isi_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    percobaan: Mapped[int] = mapped_column(Integer)
    berikutnya_pada: Mapped[datetime | None] = mapped_column(UTCDateTime())
    galat_terakhir: Mapped[str | None] = mapped_column(Text)
    dibuat_pada: Mapped[datetime] = mapped_column(UTCDateTime())
    terkirim_pada: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the addressee of a deviation report this e-mail is for (Pasal 18)
    penerima_id: Mapped[str | None] = mapped_column(REF)


class TargetPenyimpanganRow(Base):
    __tablename__ = "target_penyimpangan"
    __table_args__ = (Index("ix_target_penyimpangan_open", "dilaporkan", "status"),)

    penerima_id: Mapped[str] = mapped_column(REF, primary_key=True)
    penyimpangan_id: Mapped[str] = mapped_column(REF)
    peran: Mapped[str] = mapped_column(String(40))
    #: menunggu until every e-mail is final; then terkirim or gagal
    status: Mapped[str] = mapped_column(String(20))
    keterangan: Mapped[str | None] = mapped_column(Text)
    #: pengaduan has recorded the final state (record_penyimpangan_delivery)
    dilaporkan: Mapped[bool] = mapped_column(Boolean)
    dibuat_pada: Mapped[datetime] = mapped_column(UTCDateTime())
