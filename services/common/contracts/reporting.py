"""Everything reporting serves (RPC): the public OCDS 1.1 API (release packages by
ocid, compiled records, a feed of releases since a cursor), e-reporting, red flags
for LPSE staff and Auditors, and the forwarding state for Admin PPE. reporting
publishes no events. The only place these wire shapes exist.

OCDS documents travel as they are (``fields.Dict``): their shape is the OCDS
standard's, checked by reporting's tests with libcoveocds, not re-declared here.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.common.auth import ActorSchema
from services.common.contracts.base import PageSchema, RpcContract, id_field

SERVICE = "reporting"
FEED_MAX = 1000
OCID = r"^ocds-[a-z0-9]{6}-[A-Za-z0-9._-]{1,100}$"

OPTIONAL_ACTOR = fields.Nested(ActorSchema, load_default=None, allow_none=True)
ACTOR = fields.Nested(ActorSchema, required=True)


# ------------------------------------------------------------------ OCDS
class OcidRequest(Schema):
    ocid = fields.String(required=True, validate=validate.Regexp(OCID))


class PackageSchema(Schema):
    package = fields.Dict(required=True, metadata={
        "description": "an OCDS 1.1 release or record package"})


class FeedRequest(Schema):
    cursor = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={
        "description": "the next_cursor of the previous page (0: from the start)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, FEED_MAX))


class FeedSchema(Schema):
    package = fields.Dict(required=True)
    next_cursor = fields.Integer(required=True)
    count = fields.Integer(required=True)


GET_RELEASE_PACKAGE = RpcContract(SERVICE, "get_release_package", OcidRequest,
                                  PackageSchema,
                                  description="every release of one ocid")
GET_RECORD_PACKAGE = RpcContract(SERVICE, "get_record_package", OcidRequest,
                                 PackageSchema,
                                 description="the compiled record of one ocid")
LIST_RELEASES = RpcContract(SERVICE, "list_releases", FeedRequest, FeedSchema,
                            description="the releases since a cursor, oldest first")


# ------------------------------------------------------------------ e-reporting
class LaporanRequest(Schema):
    tahun_anggaran = fields.Integer(load_default=None, allow_none=True,
                                    validate=validate.Range(2000, 2100))
    agency_id = id_field(required=False)
    group_by = fields.List(fields.String(validate=validate.OneOf(
        ["agency_id", "satker_id", "tahun_anggaran", "metode", "kategori"])),
        load_default=lambda: ["agency_id"], validate=validate.Length(min=1, max=3))


class LaporanSchema(Schema):
    laporan = fields.Dict(required=True, metadata={
        "description": "the e-reporting figures, amounts as strings"})


GET_LAPORAN = RpcContract(SERVICE, "get_laporan", LaporanRequest, LaporanSchema,
                          description="e-reporting (public aggregates, Pasal 20(1)c)")

TABEL_CSV = ("lelang", "paket", "pengaduan", "penyedia", "lelang_gagal",
             "durasi_tahapan")


class LaporanCsvRequest(LaporanRequest):
    tabel = fields.String(required=True, validate=validate.OneOf(TABEL_CSV))


class LaporanCsvSchema(Schema):
    tabel = fields.String(required=True)
    csv = fields.String(required=True, metadata={"description": "UTF-8, comma, CRLF"})


GET_LAPORAN_CSV = RpcContract(SERVICE, "get_laporan_csv", LaporanCsvRequest,
                              LaporanCsvSchema,
                              description="one table of e-reporting as CSV")


# ------------------------------------------------------------------ red flags
class ListBenderaRequest(PageSchema):
    actor = ACTOR
    lelang_id = id_field(required=False)
    tahun_anggaran = fields.Integer(load_default=None, allow_none=True,
                                    validate=validate.Range(2000, 2100))
    hanya_terangkat = fields.Boolean(load_default=True, metadata={
        "description": "only lelang with at least one raised flag"})


class BenderaLelangSchema(Schema):
    lelang_id = fields.String(required=True)
    kode = fields.String(required=True)
    nama = fields.String(allow_none=True)
    agency_id = fields.String(allow_none=True)
    bendera = fields.List(fields.Dict(), required=True)
    usulan_laporan = fields.Dict(allow_none=True, metadata={
        "description": "a proposed deviation report for pengaduan's "
                       "report_penyimpangan, when a flag is raised"})


class BenderaPageSchema(Schema):
    items = fields.List(fields.Nested(BenderaLelangSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


LIST_BENDERA = RpcContract(SERVICE, "list_bendera", ListBenderaRequest,
                           BenderaPageSchema,
                           description="red flags per lelang (LPSE staff, Auditors)")


# ------------------------------------------------------------------ forwarding
class ActorRequest(Schema):
    actor = ACTOR


class PenerusanSchema(Schema):
    tujuan = fields.List(fields.Dict(), required=True, metadata={
        "description": "per destination: its kind and its deliveries per state"})


GET_PENERUSAN = RpcContract(SERVICE, "get_penerusan", ActorRequest, PenerusanSchema,
                            description="Admin PPE: forwarding backlog per destination")


class PingResponse(Schema):
    service = fields.String(required=True)
    time = fields.AwareDateTime(required=True)


PING = RpcContract(SERVICE, "ping", Schema.from_dict({}, name="ReportingPingRequest"),
                   PingResponse)
