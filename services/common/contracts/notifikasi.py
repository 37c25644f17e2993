"""Everything notifikasi serves (RPC): the in-app inbox of every user and, for LPSE
operators, the e-mail deliveries. notifikasi publishes no events. The only place
these wire shapes exist.
"""

from __future__ import annotations

import enum

from marshmallow import Schema, fields, validate

from services.common.auth import ActorSchema
from services.common.contracts.base import PageSchema, RpcContract, id_field

SERVICE = "notifikasi"
MAX_IDS = 200

ACTOR = fields.Nested(ActorSchema, required=True)


class StatusPengiriman(enum.StrEnum):
    """One e-mail's delivery state (``services/notifikasi/domain/pengiriman.py``)."""

    MENUNGGU = "menunggu"
    DICOBA_ULANG = "dicoba_ulang"
    TERKIRIM = "terkirim"
    GAGAL = "gagal"


def optional(field_cls: type, *args, **kwargs):  # type: ignore[no-untyped-def]
    return field_cls(*args, load_default=None, allow_none=True, **kwargs)


# ------------------------------------------------------------------ inbox
class NotifikasiSchema(Schema):
    notifikasi_id = fields.String(required=True)
    jenis = fields.String(required=True, metadata={
        "description": "<service>.<event>, e.g. lelang.jadwal_changed"})
    subjek = fields.String(required=True)
    isi = fields.String(required=True, metadata={"description": "plain text"})
    lelang_id = optional(fields.String)
    pengaduan_id = optional(fields.String)
    dibuat_pada = fields.AwareDateTime(required=True)
    dibaca = fields.Boolean(required=True)
    dibaca_pada = optional(fields.AwareDateTime)


class ListNotifikasiRequest(PageSchema):
    actor = ACTOR
    belum_dibaca = fields.Boolean(load_default=False, metadata={
        "description": "only the unread ones"})


class NotifikasiPageSchema(Schema):
    items = fields.List(fields.Nested(NotifikasiSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    belum_dibaca = fields.Integer(required=True)


class ActorOnlyRequest(Schema):
    actor = ACTOR


class UnreadSchema(Schema):
    belum_dibaca = fields.Integer(required=True)


class MarkReadRequest(Schema):
    actor = ACTOR
    notifikasi_ids = fields.List(id_field(), load_default=None, allow_none=True,
                                 validate=validate.Length(min=1, max=MAX_IDS))
    semua = fields.Boolean(load_default=False, metadata={"description": "all of mine"})


class MarkReadResponse(Schema):
    ditandai = fields.Integer(required=True)
    belum_dibaca = fields.Integer(required=True)


LIST_NOTIFIKASI = RpcContract(SERVICE, "list_notifikasi", ListNotifikasiRequest,
                              NotifikasiPageSchema,
                              description="the actor's own inbox, newest first")
COUNT_UNREAD = RpcContract(SERVICE, "count_unread", ActorOnlyRequest, UnreadSchema)
MARK_READ = RpcContract(SERVICE, "mark_read", MarkReadRequest, MarkReadResponse,
                        description="repeatable: marking a read notice changes nothing")


# ------------------------------------------------------------------ operators
class PengirimanSchema(Schema):
    pengiriman_id = fields.String(required=True)
    event_id = fields.String(required=True)
    jenis = fields.String(required=True)
    alamat = fields.String(required=True)
    subjek = fields.String(required=True)
    status = fields.Enum(StatusPengiriman, by_value=True, required=True)
    percobaan = fields.Integer(required=True)
    berikutnya_pada = optional(fields.AwareDateTime)
    galat_terakhir = optional(fields.String)
    dibuat_pada = fields.AwareDateTime(required=True)
    terkirim_pada = optional(fields.AwareDateTime)


class ListPengirimanRequest(PageSchema):
    actor = ACTOR
    status = fields.Enum(StatusPengiriman, by_value=True, load_default=None,
                         allow_none=True)


class PengirimanPageSchema(Schema):
    items = fields.List(fields.Nested(PengirimanSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    per_status = fields.Dict(keys=fields.String(), values=fields.Integer(),
                             required=True)


class RetryPengirimanRequest(Schema):
    actor = ACTOR
    pengiriman_ids = fields.List(id_field(), load_default=None, allow_none=True,
                                 validate=validate.Length(min=1, max=MAX_IDS))
    semua_gagal = fields.Boolean(load_default=False)


class RetryPengirimanResponse(Schema):
    dijadwalkan_ulang = fields.Integer(required=True)


LIST_PENGIRIMAN = RpcContract(SERVICE, "list_pengiriman", ListPengirimanRequest,
                              PengirimanPageSchema,
                              description="Admin PPE and Helpdesk: e-mail deliveries")
RETRY_PENGIRIMAN = RpcContract(SERVICE, "retry_pengiriman", RetryPengirimanRequest,
                               RetryPengirimanResponse,
                               description="Admin PPE requeues failed e-mails")


class PingResponse(Schema):
    service = fields.String(required=True)
    time = fields.AwareDateTime(required=True)


PING = RpcContract(SERVICE, "ping", Schema.from_dict({}, name="NotifikasiPingRequest"),
                   PingResponse)
