"""Pengaduan (complaints, Pasal 17) and penyimpangan (deviation reports, Pasal 18).

Shapes mirror ``services.common.contracts.pengaduan`` but never carry ``actor`` or
``idempotency_key``: the gateway adds those. Filing a complaint is
``multipart/form-data`` (the public sends its evidence with the form, as files in
the repeatable field ``bukti``); everything else is JSON, deviation reports taking
evidence as references from ``POST /api/v1/dokumen``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from gateway.schemas.common import PagePublicSchema, PageQuerySchema, doc
from gateway.schemas.lelang_fields import (
    DokumenRefPublicSchema,
    DokumenRefSchema,
    id_field,
    text,
)
from gateway.schemas.penyedia import FileField
from services.common.contracts.pengaduan import (
    MAX_DOKUMEN,
    JenisPengaduan,
    KanalPenerusan,
    KlasifikasiPengaduan,
    PeranPenerima,
    StatusPengaduan,
    StatusPengiriman,
)

MAX_TUJUAN = 20


def _enum(enum: Any, description: str, *, required: bool = False) -> fields.Enum:
    if required:
        return fields.Enum(enum, by_value=True, required=True,
                           metadata=doc(description))
    return fields.Enum(enum, by_value=True, load_default=None, allow_none=True,
                       metadata=doc(description))


def _out(description: str, field: type[fields.Field] = fields.String,
         **kwargs: Any) -> fields.Field:
    """A nullable field of a response."""
    return field(allow_none=True, metadata=doc(description), **kwargs)


# ------------------------------------------------------------------ filing
class PengaduanCreateSchema(Schema):
    """multipart/form-data: the complaint and its evidence files (``bukti``)."""

    jenis = _enum(JenisPengaduan, "What it is about: a lelang, the LPSE's service, "
                  "or KKN (whistleblowing; the identity is protected)", required=True)
    uraian = text(8000, "The complaint, 20-8000 characters", min_len=20)
    lelang_id = id_field("The lelang it is about (required for `jenis=lelang`)",
                         required=False)
    anonim = fields.Boolean(load_default=False, metadata=doc(
        "File anonymously: then without `nama_pelapor` and `kontak`"))
    nama_pelapor = text(200, "Complainant's name (required of the public unless "
                        "anonymous)", required=False, min_len=2)
    kontak = text(200, "Complainant's contact (e-mail or phone)", required=False,
                  min_len=3)
    bukti = fields.List(FileField(), load_default=list, metadata=doc(
        f"Evidence: PDF, JPEG or PNG (checked by content), each at most "
        f"`UPLOAD_MAX_BYTES`; repeat the field, at most {MAX_DOKUMEN} files"))

    @pre_load
    def _blank_is_missing(self, data: Any, **kwargs: Any) -> dict[str, Any]:
        # an HTML form sends an empty string for an input left empty
        return {key: data[key] for key in data if data[key] != ""}

    @post_load
    def _chosen_files(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # a browser sends an empty part with no file name for a file input left empty
        data["bukti"] = [part for part in data["bukti"] if part.filename]
        if len(data["bukti"]) > MAX_DOKUMEN:
            raise ValidationError(f"At most {MAX_DOKUMEN} evidence files.", "bukti")
        return data


class PengaduanReceiptPublicSchema(Schema):
    pengaduan_id = fields.String(required=True, metadata=doc("Complaint id"))
    kode_pelacakan = fields.String(required=True, metadata=doc(
        "Tracking code: with `rahasia` it follows the complaint without an account"))
    rahasia = _out("The secret, shown ONCE (absent when a retry is answered): keep "
                   "it to follow the complaint")
    jenis = _enum(JenisPengaduan, "What it is about", required=True)
    status = _enum(StatusPengaduan, "Status (`diterima`)", required=True)
    diajukan_pada = fields.AwareDateTime(required=True, metadata=doc("Filed (UTC)"))


# ------------------------------------------------------------------ tracking
class PelacakanCreateSchema(Schema):
    """JSON: the tracking code and the secret given at filing."""

    kode_pelacakan = text(40, "Tracking code", min_len=5)
    rahasia = fields.String(required=True, load_only=True,
                            validate=validate.Length(min=1, max=200),
                            metadata=doc("The secret given at filing"))


class ProgresPublicSchema(Schema):
    status = _enum(StatusPengaduan, "Status reached", required=True)
    at = fields.AwareDateTime(required=True, metadata=doc("When (UTC)"))
    tanggapan = _out("The answer to the complainant, if any")
    alasan = _out("Reason (e.g. of a rejection), if any")


class PelacakanPublicSchema(Schema):
    kode_pelacakan = fields.String(required=True, metadata=doc("Tracking code"))
    jenis = _enum(JenisPengaduan, "What it is about", required=True)
    status = _enum(StatusPengaduan, "Current status", required=True)
    lelang_id = _out("The lelang it is about, if any")
    diajukan_pada = fields.AwareDateTime(required=True, metadata=doc("Filed (UTC)"))
    diubah_pada = fields.AwareDateTime(required=True, metadata=doc("Last change"))
    progres = fields.List(fields.Nested(ProgresPublicSchema), required=True,
                          metadata=doc("Every step, oldest first"))


# ------------------------------------------------------------------ staff
class TujuanCreateSchema(Schema):
    penerima = text(200, "Recipient (a handling body)")
    kanal = _enum(KanalPenerusan, "How it is forwarded", required=True)
    alamat = fields.List(fields.String(validate=validate.Length(min=3, max=320)),
                         load_default=list, validate=validate.Length(max=20),
                         metadata=doc("Addresses (e.g. e-mail) on that channel"))


class PengaduanStatusCreateSchema(Schema):
    """JSON: one step of the complaint's lifecycle (DOMAIN §10.2)."""

    status = _enum(StatusPengaduan, "The new status", required=True)
    klasifikasi = _enum(KlasifikasiPengaduan, "Classification (required to "
                        "`diperiksa`)")
    alasan = text(2000, "Reason (required to `ditolak`)", required=False, min_len=3)
    catatan = text(4000, "Internal note (never shown to the complainant)",
                   required=False)
    tanggapan = text(4000, "The answer shown to the complainant", required=False)
    tujuan = fields.List(fields.Nested(TujuanCreateSchema), load_default=list,
                         validate=validate.Length(max=MAX_TUJUAN),
                         metadata=doc("Recipients (required to `diteruskan`)"))


class PengaduanListQuerySchema(PageQuerySchema):
    status = _enum(StatusPengaduan, "Only this status")
    jenis = _enum(JenisPengaduan, "Only this kind")
    lelang_id = id_field("Only about this lelang", required=False)


class PelaporPublicSchema(Schema):
    nama = _out("Name given")
    kontak = _out("Contact given")
    user_id = _out("Account that filed it, if logged in")
    penyedia_id = _out("Penyedia of that account, if any")


class RiwayatPengaduanPublicSchema(Schema):
    dari = _out("Previous status", fields.Enum, enum=StatusPengaduan, by_value=True)
    status = _enum(StatusPengaduan, "Status reached", required=True)
    at = fields.AwareDateTime(required=True, metadata=doc("When (UTC)"))
    klasifikasi = _out("Classification given", fields.Enum,
                       enum=KlasifikasiPengaduan, by_value=True)
    tanggapan = _out("The answer shown to the complainant")
    alasan = _out("Reason")
    catatan = _out("Internal note (LPSE staff and Auditors only)")
    oleh = _out("Who (LPSE staff and Auditors only)")


class PenerusanPublicSchema(Schema):
    penerima = fields.String(required=True, metadata=doc("Recipient"))
    kanal = _enum(KanalPenerusan, "Channel", required=True)
    alamat = _out("Address on that channel")
    otomatis = fields.Boolean(required=True, metadata=doc(
        "The automatic forwarding at filing (Pasal 17(2))"))
    at = fields.AwareDateTime(required=True, metadata=doc("When (UTC)"))


class PengaduanPublicSchema(Schema):
    pengaduan_id = fields.String(required=True, metadata=doc("Complaint id"))
    kode_pelacakan = fields.String(required=True, metadata=doc("Tracking code"))
    jenis = _enum(JenisPengaduan, "What it is about", required=True)
    status = _enum(StatusPengaduan, "Current status", required=True)
    klasifikasi = _out("Classification", fields.Enum, enum=KlasifikasiPengaduan,
                       by_value=True)
    lelang_id = _out("The lelang it is about")
    lelang_kode = _out("Its code")
    lelang_nama = _out("Its name")
    uraian = fields.String(required=True, metadata=doc("The complaint"))
    anonim = fields.Boolean(required=True, metadata=doc("Filed anonymously"))
    identitas_disembunyikan = fields.Boolean(required=True, metadata=doc(
        "The identity exists but this reader may not see it"))
    pelapor = fields.Nested(PelaporPublicSchema, allow_none=True, metadata=doc(
        "The complainant, to those allowed to see it"))
    dokumen = fields.List(fields.Nested(DokumenRefPublicSchema), metadata=doc(
        "Evidence"))
    alasan_tolak = _out("Reason of a rejection")
    diajukan_pada = fields.AwareDateTime(required=True, metadata=doc("Filed (UTC)"))
    diubah_pada = fields.AwareDateTime(required=True, metadata=doc("Last change"))
    riwayat = fields.List(fields.Nested(RiwayatPengaduanPublicSchema), metadata=doc(
        "Every step, oldest first"))
    penerusan = fields.List(fields.Nested(PenerusanPublicSchema), metadata=doc(
        "Forwarding log (LPSE staff and Auditors only)"))
    version = fields.Integer(required=True, metadata=doc("Version, +1 per change"))


class PengaduanSummaryPublicSchema(Schema):
    pengaduan_id = fields.String(required=True, metadata=doc("Complaint id"))
    kode_pelacakan = fields.String(required=True, metadata=doc("Tracking code"))
    jenis = _enum(JenisPengaduan, "What it is about", required=True)
    status = _enum(StatusPengaduan, "Current status", required=True)
    klasifikasi = _out("Classification", fields.Enum, enum=KlasifikasiPengaduan,
                       by_value=True)
    lelang_id = _out("The lelang it is about")
    anonim = fields.Boolean(required=True, metadata=doc("Filed anonymously"))
    identitas_disembunyikan = fields.Boolean(required=True, metadata=doc(
        "The identity exists but this reader may not see it"))
    nama_pelapor = _out("Complainant's name, to those allowed to see it")
    diajukan_pada = fields.AwareDateTime(required=True, metadata=doc("Filed (UTC)"))
    diubah_pada = fields.AwareDateTime(required=True, metadata=doc("Last change"))


class PengaduanPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(PengaduanSummaryPublicSchema), required=True,
                        metadata=doc("Complaints on this page"))


# ------------------------------------------------------------------ penyimpangan
class PenyimpanganCreateSchema(Schema):
    """JSON: a deviation found in a lelang (Pasal 18)."""

    lelang_id = id_field("The lelang where the deviation was found")
    pengaduan_id = id_field("The complaint that revealed it, if any", required=False)
    uraian = text(8000, "The deviation, 20-8000 characters", min_len=20)
    dokumen = fields.List(
        fields.Nested(DokumenRefSchema), load_default=list,
        validate=validate.Length(max=MAX_DOKUMEN),
        metadata=doc(f"Evidence uploaded with `POST /api/v1/dokumen` (at most "
                     f"{MAX_DOKUMEN})"))


class PenyimpanganListQuerySchema(PageQuerySchema):
    lelang_id = id_field("Only about this lelang", required=False)


class PenerimaPublicSchema(Schema):
    penerima_id = fields.String(required=True, metadata=doc("Addressee id"))
    peran = _enum(PeranPenerima, "Role: PA/KPA, PPK or Inspektorat", required=True)
    user_id = _out("User, if any")
    agency_id = _out("Agency, if any")
    alamat = _out("Address (e-mail), if any")
    status = _enum(StatusPengiriman, "Delivery state", required=True)
    keterangan = _out("Delivery note")
    diperbarui_pada = fields.AwareDateTime(required=True, metadata=doc("Updated"))


class PenyimpanganPublicSchema(Schema):
    penyimpangan_id = fields.String(required=True, metadata=doc("Report id"))
    lelang_id = fields.String(required=True, metadata=doc("Lelang"))
    lelang_kode = fields.String(required=True, metadata=doc("Its code"))
    lelang_nama = fields.String(required=True, metadata=doc("Its name"))
    agency_id = fields.String(required=True, metadata=doc("Agency of the lelang"))
    ppk_id = _out("PPK of the lelang")
    pengaduan_id = _out("The complaint that revealed it")
    uraian = fields.String(required=True, metadata=doc("The deviation"))
    dokumen = fields.List(fields.Nested(DokumenRefPublicSchema), metadata=doc(
        "Evidence"))
    dilaporkan_oleh = fields.String(required=True, metadata=doc("Reported by (user)"))
    dilaporkan_pada = fields.AwareDateTime(required=True, metadata=doc("Reported"))
    penerima = fields.List(fields.Nested(PenerimaPublicSchema), required=True,
                           metadata=doc("Addressees and their delivery state"))


class PenyimpanganPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(PenyimpanganPublicSchema), required=True,
                        metadata=doc("Reports on this page"))
