"""registrasi's tables (SQLAlchemy 2 declarative). No behaviour here.

Row classes end in ``Row`` so they never clash with the domain classes. Table names
are singular; infrastructure tables (outbox, processed_event, idempotency_record) come
from :func:`services.common.db.infra_tables` and are exported as ``INFRA``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, infra_tables, make_metadata

ID = String(36)


class Base(DeclarativeBase):
    metadata = make_metadata()


INFRA = infra_tables(Base.metadata)


class AgencyRow(Base):
    __tablename__ = "agency"

    agency_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kode: Mapped[str] = mapped_column(String(20), unique=True)
    nama: Mapped[str] = mapped_column(String(200))
    jenis: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SatkerRow(Base):
    __tablename__ = "satker"
    __table_args__ = (
        UniqueConstraint("agency_id", "kode", name="uq_satker_agency_kode"),
    )

    satker_id: Mapped[str] = mapped_column(ID, primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.agency_id"), index=True)
    kode: Mapped[str] = mapped_column(String(30))
    nama: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserAccountRow(Base):
    __tablename__ = "user_account"

    user_id: Mapped[str] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    nama: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str | None] = mapped_column(String(30))
    agency_id: Mapped[str | None] = mapped_column(
        ForeignKey("agency.agency_id"), index=True
    )
    sertifikat_pbj: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    must_change_password: Mapped[bool] = mapped_column(Boolean)
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36))


class UserRoleRow(Base):
    __tablename__ = "user_role"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.user_id"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
    sk_nomor: Mapped[str | None] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PenyediaRow(Base):
    __tablename__ = "penyedia"

    penyedia_id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.user_id"), unique=True
    )
    nama: Mapped[str] = mapped_column(String(200))
    bentuk_usaha: Mapped[str] = mapped_column(String(20))
    npwp: Mapped[str] = mapped_column(String(16), unique=True)
    nib: Mapped[str] = mapped_column(String(13))
    alamat: Mapped[str] = mapped_column(String(500))
    kota: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    telepon: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30), index=True)
    status_alasan: Mapped[str | None] = mapped_column(Text)
    berlaku_sampai: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PenyediaDokumenRow(Base):
    __tablename__ = "penyedia_dokumen"

    penyedia_id: Mapped[str] = mapped_column(
        ForeignKey("penyedia.penyedia_id"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    jenis: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PenyediaStatusHistoryRow(Base):
    __tablename__ = "penyedia_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    penyedia_id: Mapped[str] = mapped_column(
        ForeignKey("penyedia.penyedia_id"), index=True
    )
    status_from: Mapped[str | None] = mapped_column(String(30))
    status_to: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_user_id: Mapped[str | None] = mapped_column(String(36))
    alasan: Mapped[str | None] = mapped_column(Text)
    catatan: Mapped[str | None] = mapped_column(Text)
    permintaan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    dokumen_diperiksa: Mapped[list[str] | None] = mapped_column(JSON)


class SessionRow(Base):
    __tablename__ = "session"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.user_id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(String(64))


class LoginAttemptRow(Base):
    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    success: Mapped[bool] = mapped_column(Boolean)


class AuditLogRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_user_id: Mapped[str | None] = mapped_column(String(36))
    actor_username: Mapped[str | None] = mapped_column(String(100))
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
