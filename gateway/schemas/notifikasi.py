"""Notifikasi: a user's in-app inbox, and the e-mail deliveries for LPSE operators.

Shapes mirror ``services.common.contracts.notifikasi`` without ``actor``: the
gateway adds it (everyone sees only their own inbox).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas.common import PagePublicSchema, PageQuerySchema, doc
from gateway.schemas.lelang_fields import id_field
from services.common.contracts.notifikasi import MAX_IDS, StatusPengiriman


def _out(description: str, field: type[fields.Field] = fields.String,
         **kwargs: Any) -> fields.Field:
    return field(allow_none=True, metadata=doc(description), **kwargs)


class NotifikasiPublicSchema(Schema):
    notifikasi_id = fields.String(required=True, metadata=doc("The notice's id"))
    jenis = fields.String(required=True, metadata=doc(
        "What happened: `<service>.<event>`, e.g. `lelang.jadwal_changed`"))
    subjek = fields.String(required=True, metadata=doc("Subject (Indonesian)"))
    isi = fields.String(required=True, metadata=doc("Plain-text message (Indonesian)"))
    lelang_id = _out("The lelang it is about, if any")
    pengaduan_id = _out("The complaint it is about, if any")
    dibuat_pada = fields.AwareDateTime(required=True, metadata=doc("When (UTC)"))
    dibaca = fields.Boolean(required=True, metadata=doc("Read already"))
    dibaca_pada = _out("When it was read", fields.AwareDateTime)


class NotifikasiPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(NotifikasiPublicSchema), required=True,
                        metadata=doc("The notices of this page"))
    belum_dibaca = fields.Integer(required=True, metadata=doc("Unread notices in all"))


class NotifikasiListQuerySchema(PageQuerySchema):
    belum_dibaca = fields.Boolean(load_default=False, metadata=doc(
        "Only the unread ones"))


class UnreadPublicSchema(Schema):
    belum_dibaca = fields.Integer(required=True, metadata=doc("Unread notices"))


class MarkReadCreateSchema(Schema):
    notifikasi_ids = fields.List(
        id_field("A notice's id"), load_default=None,
        validate=validate.Length(min=1, max=MAX_IDS),
        metadata=doc(f"The notices to mark read (1-{MAX_IDS}); or `semua`"))
    semua = fields.Boolean(load_default=False, metadata=doc("Mark all of mine read"))

    @validates_schema
    def _something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("semua") and not data.get("notifikasi_ids"):
            raise ValidationError("give notifikasi_ids or semua=true", "notifikasi_ids")


class MarkReadPublicSchema(Schema):
    ditandai = fields.Integer(required=True, metadata=doc("How many were unread"))
    belum_dibaca = fields.Integer(required=True, metadata=doc("Unread left"))


class PengirimanPublicSchema(Schema):
    pengiriman_id = fields.String(required=True, metadata=doc("The delivery's id"))
    event_id = fields.String(required=True, metadata=doc("The event it came from"))
    jenis = fields.String(required=True, metadata=doc("`<service>.<event>`"))
    alamat = fields.String(required=True, metadata=doc("E-mail address"))
    subjek = fields.String(required=True, metadata=doc("Subject"))
    status = fields.Enum(StatusPengiriman, by_value=True, required=True, metadata=doc(
        "menunggu (pending), dicoba_ulang (retrying), terkirim (sent), gagal (failed)"))
    percobaan = fields.Integer(required=True, metadata=doc("Attempts so far"))
    berikutnya_pada = _out("Next attempt (UTC)", fields.AwareDateTime)
    galat_terakhir = _out("Last error (from the SMTP server)")
    dibuat_pada = fields.AwareDateTime(required=True, metadata=doc("Created (UTC)"))
    terkirim_pada = _out("Accepted by the SMTP server (UTC)", fields.AwareDateTime)


class PengirimanPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(PengirimanPublicSchema), required=True,
                        metadata=doc("The deliveries of this page"))
    per_status = fields.Dict(keys=fields.String(), values=fields.Integer(),
                             required=True, metadata=doc("E-mails per state, in all"))


class PengirimanListQuerySchema(PageQuerySchema):
    status = fields.Enum(StatusPengiriman, by_value=True, load_default=None,
                         metadata=doc("Only this state (e.g. `gagal`)"))


class RetryCreateSchema(Schema):
    pengiriman_ids = fields.List(
        id_field("A delivery's id"), load_default=None,
        validate=validate.Length(min=1, max=MAX_IDS),
        metadata=doc("Failed deliveries to requeue; or `semua_gagal`"))
    semua_gagal = fields.Boolean(load_default=False, metadata=doc(
        "Requeue every failed delivery"))

    @validates_schema
    def _something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("semua_gagal") and not data.get("pengiriman_ids"):
            raise ValidationError("give pengiriman_ids or semua_gagal=true",
                                  "pengiriman_ids")


class RetryPublicSchema(Schema):
    dijadwalkan_ulang = fields.Integer(required=True, metadata=doc("Requeued"))
