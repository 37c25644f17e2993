"""Agencies (SKPD, BUMD; Perbup 30/2012 Pasal 6(2)) and their satuan kerja."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.schemas.common import doc
from services.common.contracts.registrasi import JenisAgency

AGENCY_KODE = r"^[A-Z0-9.\-]{2,20}$"
SATKER_KODE = r"^[A-Z0-9.\-]{2,30}$"


class AgencyCreateSchema(Schema):
    kode = fields.String(required=True, validate=validate.Regexp(AGENCY_KODE),
                         metadata=doc("Agency code: 2-20 of A-Z, 0-9, '.', '-'",
                                      example="DISPUPR"))
    nama = fields.String(required=True, validate=validate.Length(min=3, max=200),
                         metadata=doc("Agency name",
                                      example="Dinas Pekerjaan Umum"))
    jenis = fields.Enum(JenisAgency, by_value=True, required=True,
                        metadata=doc("SKPD or BUMD"))


class AgencyPublicSchema(Schema):
    agency_id = fields.String(required=True, metadata=doc("Agency id"))
    kode = fields.String(required=True, metadata=doc("Agency code"))
    nama = fields.String(required=True, metadata=doc("Agency name"))
    jenis = fields.Enum(JenisAgency, by_value=True, required=True,
                        metadata=doc("SKPD or BUMD"))
    created_at = fields.AwareDateTime(required=True, metadata=doc("Created (UTC)"))


class SatkerCreateSchema(Schema):
    kode = fields.String(required=True, validate=validate.Regexp(SATKER_KODE),
                         metadata=doc("Satker code: 2-30 of A-Z, 0-9, '.', '-'",
                                      example="DISPUPR.BM"))
    nama = fields.String(required=True, validate=validate.Length(min=3, max=200),
                         metadata=doc("Satuan kerja name", example="Bidang Bina Marga"))


class SatkerPublicSchema(Schema):
    satker_id = fields.String(required=True, metadata=doc("Satker id"))
    agency_id = fields.String(required=True, metadata=doc("Agency it belongs to"))
    kode = fields.String(required=True, metadata=doc("Satker code"))
    nama = fields.String(required=True, metadata=doc("Satker name"))
    created_at = fields.AwareDateTime(required=True, metadata=doc("Created (UTC)"))
