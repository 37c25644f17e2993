"""The course of a lelang: peserta, aanwijzing, adendum, kualifikasi, sealed
penawaran and their opening, evaluation, pemenang, sanggah, SPPBJ and kontrak."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas.common import doc
from gateway.schemas.lelang_fields import (
    BASE64_PATTERN,
    MAX_HASIL,
    DecimalString,
    DokumenRefPublicSchema,
    DokumenRefSchema,
    day,
    dokumen_list,
    id_field,
    jadwal_list,
    rupiah,
    rupiah_out,
    text,
)
from gateway.schemas.penyedia import FileField
from services.common.contracts.lelang import (
    JenisSanggah,
    KeputusanSanggah,
    Sampul,
    StatusPenawaran,
)


def _sampul(description: str, *, required: bool = True) -> fields.Enum:
    if required:
        return fields.Enum(Sampul, by_value=True, required=True,
                           metadata=doc(description))
    return fields.Enum(Sampul, by_value=True, load_default=None, allow_none=True,
                       metadata=doc(description))


def _hasil(item: type[Schema], description: str) -> fields.List:
    return fields.List(fields.Nested(item), required=True,
                       validate=validate.Length(min=1, max=MAX_HASIL),
                       metadata=doc(description))


# ------------------------------------------------------------------ peserta
class PesertaPublicSchema(Schema):
    lelang_id = fields.String(required=True, metadata=doc("Lelang id"))
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia id"))
    nama = fields.String(required=True, metadata=doc("Company name"))
    npwp = fields.String(allow_none=True, metadata=doc("Tax number"))
    terdaftar_pada = fields.AwareDateTime(required=True, metadata=doc("Registered"))
    lulus_kualifikasi = fields.Boolean(allow_none=True, metadata=doc(
        "Qualification result (prakualifikasi), once evaluated"))
    alasan_kualifikasi = fields.String(allow_none=True,
                                       metadata=doc("Reason of the result"))
    kualifikasi_dikirim_pada = fields.AwareDateTime(
        allow_none=True, metadata=doc("Qualification documents sent"))


class AdendumCreateSchema(Schema):
    keterangan = text(2000, "What the adendum changes", min_len=3)
    dokumen = dokumen_list("The new documents (uploaded with POST /dokumen)",
                           min_len=1)


# ------------------------------------------------------------------ aanwijzing
class PertanyaanCreateSchema(Schema):
    pertanyaan = text(4000, "The question", min_len=3)


class JawabanCreateSchema(Schema):
    jawaban = text(4000, "The answer, visible to every peserta")


class PertanyaanPublicSchema(Schema):
    pertanyaan_id = fields.String(required=True, metadata=doc("Question id"))
    lelang_id = fields.String(required=True, metadata=doc("Lelang id"))
    tahapan = fields.String(required=True, metadata=doc("Stage it was asked in"))
    pertanyaan = fields.String(required=True, metadata=doc("The question"))
    ditanya_pada = fields.AwareDateTime(required=True, metadata=doc("Asked"))
    penyedia_id = fields.String(allow_none=True, metadata=doc(
        "Who asked: shown to the Pokja only"))
    milik_saya = fields.Boolean(required=True, metadata=doc("Asked by me"))
    jawaban = fields.String(allow_none=True, metadata=doc("The answer"))
    dijawab_pada = fields.AwareDateTime(allow_none=True, metadata=doc("Answered"))


# ------------------------------------------------------------------ kualifikasi
class KualifikasiCreateSchema(Schema):
    dokumen = dokumen_list("Qualification documents (uploaded with POST /dokumen)",
                           min_len=1)
    keterangan = text(4000, "Remarks", required=False)


class KualifikasiItemSchema(Schema):
    penyedia_id = id_field("Peserta evaluated")
    lulus = fields.Boolean(required=True, metadata=doc("Qualified"))
    alasan = text(2000, "Reason (required in practice when not qualified)",
                  required=False)


class KualifikasiEvaluationSchema(Schema):
    hasil = _hasil(KualifikasiItemSchema, "One result per peserta")


# ------------------------------------------------------------------ penawaran
class PenawaranCreateSchema(Schema):
    """multipart/form-data: one sealed (or to be sealed) file and, for a priced
    sampul, the price."""

    sampul = _sampul("Envelope: `single` (1 file), `file_1` or `file_2` (2 file)")
    dokumen = FileField(required=True, metadata=doc(
        "The bid file: either already sealed by the client (LPSESEAL1, for the "
        "lelang's public key of this sampul) or plain, then sealed on arrival"))
    harga = DecimalString(load_default=None, allow_none=True, above_minimum=True,
                          metadata=doc("Bid price in rupiah (single and file_2), "
                                       "sealed by the gateway on arrival",
                                       example="1250000000.00"))
    harga_sealed = fields.String(
        load_default=None, allow_none=True,
        validate=[validate.Length(min=1, max=4096), validate.Regexp(BASE64_PATTERN)],
        metadata=doc('Instead of `harga`: base64 of the LPSESEAL1-sealed JSON '
                     '`{"harga": "1250000000.00"}`'))

    @validates_schema
    def _file_chosen(self, data: dict[str, Any], **kwargs: Any) -> None:
        part = data.get("dokumen")
        if part is not None and not part.filename:  # an empty file input
            raise ValidationError("A file is required.", "dokumen")


class PenawaranOpenSchema(Schema):
    sampul = _sampul("Envelope to open")


class PenawaranListQuerySchema(Schema):
    sampul = _sampul("Only this envelope (every opened one if not given)",
                     required=False)


class TandaTerimaPublicSchema(Schema):
    penawaran_id = fields.String(required=True, metadata=doc("Bid id"))
    lelang_id = fields.String(required=True, metadata=doc("Lelang id"))
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia id"))
    sampul = fields.Enum(Sampul, by_value=True, required=True,
                         metadata=doc("Envelope"))
    sha256 = fields.String(required=True, metadata=doc("SHA-256 of the sealed file"))
    size = fields.Integer(required=True, metadata=doc("Size of the sealed file"))
    versi = fields.Integer(required=True, metadata=doc("Upload number (1, 2, ...)"))
    diterima_pada = fields.AwareDateTime(required=True, metadata=doc("Received"))
    status = fields.Enum(StatusPenawaran, by_value=True, required=True,
                         metadata=doc("Status of the bid"))
    tanda_tangan = fields.String(required=True, metadata=doc(
        "HMAC-SHA256 by the server over the fields above"))


class PenawaranPublicSchema(Schema):
    penawaran_id = fields.String(required=True, metadata=doc("Bid id"))
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia id"))
    nama = fields.String(required=True, metadata=doc("Company name"))
    sampul = fields.Enum(Sampul, by_value=True, required=True,
                         metadata=doc("Envelope"))
    status = fields.Enum(StatusPenawaran, by_value=True, required=True,
                         metadata=doc("Status of the bid"))
    sha256 = fields.String(required=True, metadata=doc("SHA-256 of the sealed file"))
    size = fields.Integer(required=True, metadata=doc("Size of the sealed file"))
    diterima_pada = fields.AwareDateTime(required=True, metadata=doc("Received"))
    harga = rupiah_out("Bid price, once opened", nullable=True)
    dokumen = fields.Nested(DokumenRefPublicSchema, allow_none=True, metadata=doc(
        "The opened file; download at .../penawaran/dokumen/{sha256}"))
    dibuka_pada = fields.AwareDateTime(allow_none=True, metadata=doc("Opened"))
    gagal_dibuka = fields.String(allow_none=True,
                                 metadata=doc("Why it could not be opened"))


class PembukaanPublicSchema(Schema):
    sampul = fields.Enum(Sampul, by_value=True, required=True,
                         metadata=doc("Envelope opened"))
    dibuka = fields.Integer(required=True, metadata=doc("Bids opened"))
    gagal_dibuka = fields.Integer(required=True,
                                  metadata=doc("Bids that could not be opened"))
    tidak_dibuka = fields.Integer(required=True, metadata=doc(
        "File II of bidders who failed File I (never opened)"))
    penawaran = fields.List(fields.Nested(PenawaranPublicSchema), required=True,
                            metadata=doc("The bids"))


# ------------------------------------------------------------------ evaluation
class EvaluasiItemSchema(Schema):
    penyedia_id = id_field("Bidder evaluated")
    lulus_administrasi = fields.Boolean(load_default=None, allow_none=True,
                                        metadata=doc("Passed the administrative check"))
    lulus_teknis = fields.Boolean(load_default=None, allow_none=True,
                                  metadata=doc("Passed the technical check"))
    skor_teknis = DecimalString(load_default=None, allow_none=True,
                                maximum=Decimal(100),
                                metadata=doc("Technical score 0-100 (decimal string)"))
    harga_terkoreksi = rupiah("Corrected price", required=False)
    lulus_harga = fields.Boolean(load_default=None, allow_none=True,
                                 metadata=doc("Passed the price check"))
    lulus_kualifikasi = fields.Boolean(load_default=None, allow_none=True,
                                       metadata=doc("Passed the qualification"))
    alasan = text(2000, "Reason of a failure", required=False)


class EvaluasiCreateSchema(Schema):
    hasil = _hasil(EvaluasiItemSchema, "Results of the stage now running, per bidder")


class BahpCreateSchema(Schema):
    dokumen = fields.Nested(DokumenRefSchema, required=True, metadata=doc(
        "The signed BAHP (uploaded with POST /dokumen)"))


class PemenangCreateSchema(Schema):
    pemenang = id_field("Winner (penyedia id): the best ranked")
    cadangan_1 = id_field("First reserve", required=False)
    cadangan_2 = id_field("Second reserve", required=False)


# ------------------------------------------------------------------ sanggah
class SanggahCreateSchema(Schema):
    isi = text(8000, "The objection", min_len=10)


class SanggahAnswerSchema(Schema):
    jawaban = text(8000, "The Pokja's answer", min_len=3)
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, required=True,
                            metadata=doc("Whether the objection is valid"))


class SanggahPublicSchema(Schema):
    sanggah_id = fields.String(required=True, metadata=doc("Sanggah id"))
    lelang_id = fields.String(required=True, metadata=doc("Lelang id"))
    penyedia_id = fields.String(required=True, metadata=doc("Who objected"))
    nama = fields.String(required=True, metadata=doc("Company name"))
    jenis = fields.Enum(JenisSanggah, by_value=True, required=True,
                        metadata=doc("Against what"))
    isi = fields.String(required=True, metadata=doc("The objection"))
    diajukan_pada = fields.AwareDateTime(required=True, metadata=doc("Filed"))
    jawaban = fields.String(allow_none=True, metadata=doc("The answer"))
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, allow_none=True,
                            metadata=doc("Decision"))
    dijawab_pada = fields.AwareDateTime(allow_none=True, metadata=doc("Answered"))


class SanggahBandingCreateSchema(Schema):
    penyedia_id = id_field("Who appealed (its sanggah was answered)")
    diajukan_pada = day("Day the appeal was filed")
    jaminan_nomor = text(100, "Number of the appeal guarantee")
    jaminan_nilai = rupiah("Value of the appeal guarantee")


class SanggahBandingDecisionSchema(Schema):
    keputusan = fields.Enum(KeputusanSanggah, by_value=True, required=True,
                            metadata=doc("The Bupati's decision"))
    keputusan_nomor = text(100, "Number of the decision")
    alasan = text(2000, "Reason", min_len=3)
    jadwal = jadwal_list("New schedule for the remaining stages, if the lelang goes "
                         "on", required=False)


# ------------------------------------------------------------------ SPPBJ, kontrak
class SppbjCreateSchema(Schema):
    nomor = text(100, "SPPBJ number")
    tanggal = day("SPPBJ date")


class KontrakCreateSchema(Schema):
    nomor = text(100, "Contract number")
    tanggal = day("Contract date")
    nilai = rupiah("Contract value, at most the winning price", positive=True)
    dokumen = fields.Nested(DokumenRefSchema, load_default=None, allow_none=True,
                            metadata=doc("The signed contract (POST /dokumen)"))
