"""Open data, e-reporting, red flags, forwarding. Shapes mirror
``services.common.contracts.reporting`` without ``actor``; OCDS packages pass as the
standard defines them."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

from gateway.schemas.common import PagePublicSchema, PageQuerySchema, doc
from gateway.schemas.lelang_fields import id_field
from services.common.contracts.reporting import FEED_MAX

GROUPS = ["agency_id", "satker_id", "tahun_anggaran", "metode", "kategori"]


class OcdsPackageSchema(Schema):
    """An OCDS 1.1 release or record package (https://standard.open-contracting.org/1.1/)."""

    class Meta:
        unknown = INCLUDE

    uri = fields.String(metadata=doc("This package's address"))
    version = fields.String(metadata=doc("OCDS version: 1.1"))
    publishedDate = fields.String(metadata=doc("When published (ISO 8601)"))
    publisher = fields.Dict(metadata=doc("Who publishes: the LPSE"))
    extensions = fields.List(fields.String(), metadata=doc("Extensions used"))
    releases = fields.List(fields.Dict(), metadata=doc("Releases (release package)"))
    records = fields.List(fields.Dict(), metadata=doc("Records (record package)"))


class FeedQuerySchema(Schema):
    cursor = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62),
                            metadata=doc("`X-Next-Cursor` of the previous page"))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, FEED_MAX),
                           metadata=doc(f"Releases per page (1-{FEED_MAX})"))


class LaporanQuerySchema(Schema):
    tahun_anggaran = fields.Integer(load_default=None, validate=validate.Range(
        2000, 2100), metadata=doc("Budget year"))
    agency_id = id_field("Only this agency", required=False)
    group_by = fields.List(fields.String(validate=validate.OneOf(GROUPS)),
                           load_default=None, validate=validate.Length(min=1, max=3),
                           metadata=doc("Group by (repeatable): " + ", ".join(GROUPS)))


class LaporanCsvQuerySchema(LaporanQuerySchema):
    pass


class LaporanPublicSchema(Schema):
    laporan = fields.Dict(required=True, metadata=doc(
        "The figures: per group and in total; amounts as decimal strings"))


class BenderaQuerySchema(PageQuerySchema):
    lelang_id = id_field("Only this lelang", required=False)
    tahun_anggaran = fields.Integer(load_default=None, validate=validate.Range(
        2000, 2100), metadata=doc("Budget year"))
    hanya_terangkat = fields.Boolean(load_default=True, metadata=doc(
        "Only lelang with a raised flag"))


class BenderaLelangPublicSchema(Schema):
    lelang_id = fields.String(required=True, metadata=doc("The lelang"))
    kode = fields.String(required=True, metadata=doc("Its kode"))
    nama = fields.String(allow_none=True, metadata=doc("Its name"))
    agency_id = fields.String(allow_none=True, metadata=doc("Its agency"))
    bendera = fields.List(fields.Dict(), required=True, metadata=doc(
        "One entry per indicator: kode, judul, status (raised, not_raised, "
        "not_computable), penjelasan, audiens, tingkat, bukti"))
    usulan_laporan = fields.Dict(allow_none=True, metadata=doc(
        "A proposed deviation report (body for POST /penyimpangan)"))


class BenderaPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(BenderaLelangPublicSchema), required=True,
                        metadata=doc("Lelang of this page"))


class PenerusanReportingPublicSchema(Schema):
    tujuan = fields.List(fields.Dict(), required=True, metadata=doc(
        "Per destination: name, kind and deliveries per state"))
