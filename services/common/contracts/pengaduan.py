"""Everything pengaduan serves (RPC) and publishes (events): complaints (Pasal 17),
their lifecycle and forwarding, and deviation reports (Pasal 18). The only place
these wire shapes exist.

Enums carried on the wire are declared here; their values are the domain's
(``services/pengaduan/domain``), checked by pengaduan's unit tests. The
complainant's identity (``pelapor``) never travels in an event of an anonymous or a
``kkn`` (whistleblowing) complaint, and no event carries the secret or the internal
notes. ``file_pengaduan`` returns the secret (``rahasia``) once: a replay of the
same idempotency key answers without it (``extra["not_replayed"]``).
"""

from __future__ import annotations

import enum

from marshmallow import Schema, fields, validate

from services.common.auth import ActorSchema
from services.common.contracts.base import (
    IDEMPOTENCY_KEY,
    EventContract,
    PageSchema,
    RpcContract,
    id_field,
    text,
)

SERVICE = "pengaduan"

SHA256 = r"^[0-9a-f]{64}$"
MAX_DOKUMEN = 10


class JenisPengaduan(enum.StrEnum):
    LELANG = "lelang"
    LAYANAN_LPSE = "layanan_lpse"
    KKN = "kkn"


class StatusPengaduan(enum.StrEnum):
    DITERIMA = "diterima"
    DIPERIKSA = "diperiksa"
    DITERUSKAN = "diteruskan"
    DITINDAKLANJUTI = "ditindaklanjuti"
    SELESAI = "selesai"
    DITOLAK = "ditolak"


class KlasifikasiPengaduan(enum.StrEnum):
    LAYANAN = "layanan"
    PENYIMPANGAN_PENGADAAN = "penyimpangan_pengadaan"
    SALAH_SANGGAH = "salah_sanggah"
    DI_LUAR_KEWENANGAN = "di_luar_kewenangan"


class KanalPenerusan(enum.StrEnum):
    SISTEM = "sistem"
    EMAIL = "email"
    SURAT = "surat"


class PeranPenerima(enum.StrEnum):
    PA_KPA = "pa_kpa"
    PPK = "ppk"
    INSPEKTORAT = "inspektorat"


class StatusPengiriman(enum.StrEnum):
    MENUNGGU = "menunggu"
    TERKIRIM = "terkirim"
    GAGAL = "gagal"


#: the fixed recipients of the automatic forwarding (Pasal 17(2))
LPSE_PUSAT = "lpse_pusat"
TIM_PENGARAH = "tim_pengarah"

ACTOR = fields.Nested(ActorSchema, required=True)


def optional(field_cls: type, *args, **kwargs):  # type: ignore[no-untyped-def]
    return field_cls(*args, load_default=None, allow_none=True, **kwargs)


# ------------------------------------------------------------------ shared shapes
def page_of(item: type[Schema]) -> type[Schema]:
    return type(f"{item.__name__.removesuffix('Schema')}PageSchema", (Schema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
    })


class DokumenSchema(Schema):
    """Evidence in the blob store (only its reference travels)."""

    sha256 = fields.String(required=True, validate=validate.Regexp(SHA256))
    filename = text(200)
    content_type = text(100)
    size = fields.Integer(required=True, validate=validate.Range(min=1))


class PelaporSchema(Schema):
    """The complainant's identity: only to those the access rule lets see it."""

    nama = optional(fields.String)
    kontak = optional(fields.String)
    user_id = optional(fields.String)
    penyedia_id = optional(fields.String)


class TujuanSchema(Schema):
    """One recipient of a forwarding."""

    penerima = text(200)
    kanal = fields.Enum(KanalPenerusan, by_value=True, required=True)
    alamat = fields.List(fields.String(validate=validate.Length(min=3, max=320)),
                         load_default=list)


class RiwayatSchema(Schema):
    """One transition; ``catatan`` and ``oleh`` only for LPSE staff and Auditors."""

    dari = fields.Enum(StatusPengaduan, by_value=True, allow_none=True,
                       load_default=None)
    status = fields.Enum(StatusPengaduan, by_value=True, required=True)
    at = fields.AwareDateTime(required=True)
    klasifikasi = fields.Enum(KlasifikasiPengaduan, by_value=True, allow_none=True,
                              load_default=None)
    tanggapan = optional(fields.String, metadata={
        "description": "the answer shown to the complainant"})
    alasan = optional(fields.String)
    catatan = optional(fields.String, metadata={"description": "internal note"})
    oleh = optional(fields.String)


class PenerusanSchema(Schema):
    penerima = fields.String(required=True)
    kanal = fields.Enum(KanalPenerusan, by_value=True, required=True)
    alamat = optional(fields.String)
    otomatis = fields.Boolean(required=True)
    at = fields.AwareDateTime(required=True)


# ------------------------------------------------------------------ pengaduan
class FilePengaduanRequest(Schema):
    actor = fields.Nested(ActorSchema, load_default=None, allow_none=True, metadata={
        "description": "an anonymous actor (no user_id) for the public"})
    idempotency_key = IDEMPOTENCY_KEY
    jenis = fields.Enum(JenisPengaduan, by_value=True, required=True)
    uraian = text(8000, min_len=20)
    lelang_id = id_field(required=False)
    anonim = fields.Boolean(load_default=False)
    nama_pelapor = text(200, required=False, min_len=2)
    kontak = text(200, required=False, min_len=3)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list,
                          validate=validate.Length(max=MAX_DOKUMEN))


class FilePengaduanResponse(Schema):
    pengaduan_id = fields.String(required=True)
    kode_pelacakan = fields.String(required=True)
    rahasia = optional(fields.String, metadata={
        "description": "returned once; keep it to follow the complaint"})
    jenis = fields.Enum(JenisPengaduan, by_value=True, required=True)
    status = fields.Enum(StatusPengaduan, by_value=True, required=True)
    diajukan_pada = fields.AwareDateTime(required=True)


class ChangePengaduanStatusRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    pengaduan_id = id_field()
    status = fields.Enum(StatusPengaduan, by_value=True, required=True)
    klasifikasi = fields.Enum(KlasifikasiPengaduan, by_value=True, load_default=None,
                              allow_none=True, metadata={
                                  "description": "required to diperiksa"})
    alasan = text(2000, required=False, min_len=3)
    catatan = text(4000, required=False)
    tanggapan = text(4000, required=False)
    tujuan = fields.List(fields.Nested(TujuanSchema), load_default=list, metadata={
        "description": "required to diteruskan"})


class PengaduanIdRequest(Schema):
    actor = ACTOR
    pengaduan_id = id_field()


class PengaduanSchema(Schema):
    pengaduan_id = fields.String(required=True)
    kode_pelacakan = fields.String(required=True)
    jenis = fields.Enum(JenisPengaduan, by_value=True, required=True)
    status = fields.Enum(StatusPengaduan, by_value=True, required=True)
    klasifikasi = fields.Enum(KlasifikasiPengaduan, by_value=True, allow_none=True,
                              load_default=None)
    lelang_id = optional(fields.String)
    lelang_kode = optional(fields.String)
    lelang_nama = optional(fields.String)
    uraian = fields.String(required=True)
    anonim = fields.Boolean(required=True)
    identitas_disembunyikan = fields.Boolean(required=True, metadata={
        "description": "the identity exists but this reader may not see it"})
    pelapor = fields.Nested(PelaporSchema, allow_none=True, load_default=None)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)
    alasan_tolak = optional(fields.String)
    diajukan_pada = fields.AwareDateTime(required=True)
    diubah_pada = fields.AwareDateTime(required=True)
    riwayat = fields.List(fields.Nested(RiwayatSchema), load_default=list)
    penerusan = fields.List(fields.Nested(PenerusanSchema), load_default=list,
                            metadata={"description": "LPSE staff and Auditors only"})
    version = fields.Integer(required=True)


class PengaduanSummarySchema(Schema):
    pengaduan_id = fields.String(required=True)
    kode_pelacakan = fields.String(required=True)
    jenis = fields.Enum(JenisPengaduan, by_value=True, required=True)
    status = fields.Enum(StatusPengaduan, by_value=True, required=True)
    klasifikasi = fields.Enum(KlasifikasiPengaduan, by_value=True, allow_none=True,
                              load_default=None)
    lelang_id = optional(fields.String)
    anonim = fields.Boolean(required=True)
    identitas_disembunyikan = fields.Boolean(required=True)
    nama_pelapor = optional(fields.String)
    diajukan_pada = fields.AwareDateTime(required=True)
    diubah_pada = fields.AwareDateTime(required=True)


class ListPengaduanRequest(PageSchema):
    actor = ACTOR
    status = fields.Enum(StatusPengaduan, by_value=True, load_default=None,
                         allow_none=True)
    jenis = fields.Enum(JenisPengaduan, by_value=True, load_default=None,
                        allow_none=True)
    lelang_id = id_field(required=False)


class TrackPengaduanRequest(Schema):
    actor = fields.Nested(ActorSchema, load_default=None, allow_none=True)
    kode_pelacakan = text(40, min_len=5)
    rahasia = fields.String(required=True, load_only=True,
                            validate=validate.Length(min=1, max=200))


class ProgresSchema(Schema):
    """One step as the complainant sees it (no internal note, no staff name)."""

    status = fields.Enum(StatusPengaduan, by_value=True, required=True)
    at = fields.AwareDateTime(required=True)
    tanggapan = optional(fields.String)
    alasan = optional(fields.String)


class TrackPengaduanResponse(Schema):
    kode_pelacakan = fields.String(required=True)
    jenis = fields.Enum(JenisPengaduan, by_value=True, required=True)
    status = fields.Enum(StatusPengaduan, by_value=True, required=True)
    lelang_id = optional(fields.String)
    diajukan_pada = fields.AwareDateTime(required=True)
    diubah_pada = fields.AwareDateTime(required=True)
    progres = fields.List(fields.Nested(ProgresSchema), required=True)


FILE_PENGADUAN = RpcContract(SERVICE, "file_pengaduan", FilePengaduanRequest,
                             FilePengaduanResponse, idempotent=True,
                             extra={"not_replayed": ("rahasia",)},
                             description="anyone files a complaint (Pasal 17)")
CHANGE_PENGADUAN_STATUS = RpcContract(
    SERVICE, "change_pengaduan_status", ChangePengaduanStatusRequest, PengaduanSchema,
    idempotent=True, description="LPSE staff move a complaint through its lifecycle")
GET_PENGADUAN = RpcContract(SERVICE, "get_pengaduan", PengaduanIdRequest,
                            PengaduanSchema)
LIST_PENGADUAN = RpcContract(SERVICE, "list_pengaduan", ListPengaduanRequest,
                             page_of(PengaduanSummarySchema))
TRACK_PENGADUAN = RpcContract(SERVICE, "track_pengaduan", TrackPengaduanRequest,
                              TrackPengaduanResponse,
                              description="the complainant's progress by code+secret")


# ------------------------------------------------------------------ penyimpangan
class PenerimaSchema(Schema):
    """One addressee of a deviation report and its delivery state."""

    penerima_id = fields.String(required=True)
    peran = fields.Enum(PeranPenerima, by_value=True, required=True)
    user_id = optional(fields.String)
    agency_id = optional(fields.String)
    alamat = optional(fields.String)
    status = fields.Enum(StatusPengiriman, by_value=True, required=True)
    keterangan = optional(fields.String)
    diperbarui_pada = fields.AwareDateTime(required=True)


class ReportPenyimpanganRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    lelang_id = id_field()
    pengaduan_id = id_field(required=False)
    uraian = text(8000, min_len=20)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list,
                          validate=validate.Length(max=MAX_DOKUMEN))


class PenyimpanganSchema(Schema):
    penyimpangan_id = fields.String(required=True)
    lelang_id = fields.String(required=True)
    lelang_kode = fields.String(required=True)
    lelang_nama = fields.String(required=True)
    agency_id = fields.String(required=True)
    ppk_id = optional(fields.String)
    pengaduan_id = optional(fields.String)
    uraian = fields.String(required=True)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)
    dilaporkan_oleh = fields.String(required=True)
    dilaporkan_pada = fields.AwareDateTime(required=True)
    penerima = fields.List(fields.Nested(PenerimaSchema), required=True)


class PenyimpanganIdRequest(Schema):
    actor = ACTOR
    penyimpangan_id = id_field()


class ListPenyimpanganRequest(PageSchema):
    actor = ACTOR
    lelang_id = id_field(required=False)


class RecordPenyimpanganDeliveryRequest(Schema):
    actor = fields.Nested(ActorSchema, load_default=None, allow_none=True, metadata={
        "description": "none when notifikasi calls (service to service)"})
    idempotency_key = IDEMPOTENCY_KEY
    penyimpangan_id = id_field()
    penerima_id = id_field()
    status = fields.Enum(StatusPengiriman, by_value=True, required=True,
                         validate=validate.OneOf([StatusPengiriman.TERKIRIM,
                                                  StatusPengiriman.GAGAL]))
    keterangan = text(1000, required=False)


REPORT_PENYIMPANGAN = RpcContract(
    SERVICE, "report_penyimpangan", ReportPenyimpanganRequest, PenyimpanganSchema,
    idempotent=True, description="LPSE staff report a deviation (Pasal 18)")
GET_PENYIMPANGAN = RpcContract(SERVICE, "get_penyimpangan", PenyimpanganIdRequest,
                               PenyimpanganSchema)
LIST_PENYIMPANGAN = RpcContract(SERVICE, "list_penyimpangan", ListPenyimpanganRequest,
                                page_of(PenyimpanganSchema))
RECORD_PENYIMPANGAN_DELIVERY = RpcContract(
    SERVICE, "record_penyimpangan_delivery", RecordPenyimpanganDeliveryRequest,
    PenyimpanganSchema, idempotent=True,
    description="notifikasi records the delivery to one addressee")


class PingResponse(Schema):
    service = fields.String(required=True)
    time = fields.AwareDateTime(required=True)


PING = RpcContract(SERVICE, "ping", Schema.from_dict({}, name="PengaduanPingRequest"),
                   PingResponse)


# ------------------------------------------------------------------ events
class PengaduanRefPayload(Schema):
    """What every complaint event carries (never the identity of a protected one)."""

    pengaduan_id = fields.String(required=True)
    kode_pelacakan = fields.String(required=True)
    jenis = fields.Enum(JenisPengaduan, by_value=True, required=True)
    status = fields.Enum(StatusPengaduan, by_value=True, required=True)
    lelang_id = optional(fields.String)
    agency_id = optional(fields.String)
    anonim = fields.Boolean(required=True)


class PengaduanFiledPayload(PengaduanRefPayload):
    uraian = fields.String(required=True)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)
    diajukan_pada = fields.AwareDateTime(required=True)
    pelapor = fields.Nested(PelaporSchema, allow_none=True, load_default=None,
                            metadata={"description": "none if anonim or kkn"})
    tujuan = fields.List(fields.Nested(TujuanSchema), required=True, metadata={
        "description": "where it is forwarded automatically (Pasal 17(2))"})


class PengaduanStatusChangedPayload(PengaduanRefPayload):
    dari = fields.Enum(StatusPengaduan, by_value=True, required=True)
    klasifikasi = fields.Enum(KlasifikasiPengaduan, by_value=True, allow_none=True,
                              load_default=None)
    tanggapan = optional(fields.String)
    alasan = optional(fields.String)
    at = fields.AwareDateTime(required=True)


class PengaduanForwardedPayload(PengaduanRefPayload):
    uraian = fields.String(required=True)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)
    pelapor = fields.Nested(PelaporSchema, allow_none=True, load_default=None,
                            metadata={"description": "none if anonim or kkn"})
    tujuan = fields.List(fields.Nested(TujuanSchema), required=True)
    otomatis = fields.Boolean(required=True, metadata={
        "description": "the automatic forwarding at filing (Pasal 17(2))"})
    at = fields.AwareDateTime(required=True)


class PengaduanClosedPayload(PengaduanRefPayload):
    alasan = optional(fields.String)
    at = fields.AwareDateTime(required=True)


class PenyimpanganReportedPayload(Schema):
    penyimpangan_id = fields.String(required=True)
    lelang_id = fields.String(required=True)
    lelang_kode = fields.String(required=True)
    lelang_nama = fields.String(required=True)
    agency_id = fields.String(required=True)
    ppk_id = optional(fields.String)
    pengaduan_id = optional(fields.String)
    uraian = fields.String(required=True)
    dokumen = fields.List(fields.Nested(DokumenSchema), load_default=list)
    penerima = fields.List(fields.Nested(PenerimaSchema), required=True)
    inspektorat_emails = fields.List(fields.String(), required=True)
    dilaporkan_pada = fields.AwareDateTime(required=True)


def _event(type_: str, payload: type[Schema], description: str) -> EventContract:
    return EventContract(SERVICE, type_, 1, payload, description)


PENGADUAN_FILED = _event("pengaduan_filed", PengaduanFiledPayload,
                         "a complaint was received")
PENGADUAN_STATUS_CHANGED = _event("pengaduan_status_changed",
                                  PengaduanStatusChangedPayload,
                                  "a complaint moved in its lifecycle")
PENGADUAN_FORWARDED = _event("pengaduan_forwarded", PengaduanForwardedPayload,
                             "to LPSE Pusat and the Tim Pengarah, or a handling body")
PENGADUAN_CLOSED = _event("pengaduan_closed", PengaduanClosedPayload,
                          "selesai or ditolak")
PENYIMPANGAN_REPORTED = _event("penyimpangan_reported", PenyimpanganReportedPayload,
                               "to PA/KPA and PPK, copy to the Inspektorat (Pasal 18)")
