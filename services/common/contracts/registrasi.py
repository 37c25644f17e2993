"""Everything registrasi serves (RPC) and publishes (events). The only place these
wire shapes exist: the service loads requests and dumps responses with them, the
gateway dumps requests and loads responses with them.

Enums carried on the wire are declared here (``JenisAgency``, ``BentukUsaha``,
``StatusPenyedia``, ``Role`` from ``services.common.auth``).
"""

from __future__ import annotations

import enum

from marshmallow import Schema, fields, validate

from services.common.auth import ActorSchema, Role
from services.common.contracts.base import IDEMPOTENCY_KEY, EventContract, RpcContract

SERVICE = "registrasi"

NPWP_PATTERN = r"^\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}$|^\d{15,16}$"
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,39}$"


class JenisAgency(enum.StrEnum):
    SKPD = "SKPD"
    BUMD = "BUMD"


class BentukUsaha(enum.StrEnum):
    PT = "PT"
    CV = "CV"
    FIRMA = "Firma"
    KOPERASI = "Koperasi"
    PERORANGAN = "Perorangan"
    UD = "UD"


class StatusPenyedia(enum.StrEnum):
    """DOMAIN §4.2: menunggu verifikasi -> terverifikasi / ditolak -> nonaktif /
    daftar hitam."""

    MENUNGGU_VERIFIKASI = "menunggu_verifikasi"
    TERVERIFIKASI = "terverifikasi"
    DITOLAK = "ditolak"
    NONAKTIF = "nonaktif"
    DAFTAR_HITAM = "daftar_hitam"


class StatusUser(enum.StrEnum):
    AKTIF = "aktif"
    NONAKTIF = "nonaktif"


class JenisDokumen(enum.StrEnum):
    AKTA = "akta"
    NPWP = "npwp"
    NIB = "nib"
    SIUP = "siup"
    KTP_DIREKTUR = "ktp_direktur"
    SURAT_KUASA = "surat_kuasa"
    LAINNYA = "lainnya"


ROLE = fields.Enum(Role, by_value=True)
ACTOR = fields.Nested(ActorSchema, required=True)
def id_field(required: bool = True) -> fields.String:
    """An object id in a request (a new field instance per use)."""
    if required:
        return fields.String(required=True, validate=validate.Length(min=1, max=64))
    return fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(min=1, max=64))


# ------------------------------------------------------------------ shared shapes
class DokumenRefSchema(Schema):
    """A document already in the blob store; only its reference travels."""

    jenis = fields.Enum(JenisDokumen, by_value=True, required=True)
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_type = fields.String(required=True, validate=validate.Length(max=100))
    size = fields.Integer(required=True, validate=validate.Range(min=1))
    uploaded_at = fields.AwareDateTime(load_default=None, allow_none=True)


class AgencySchema(Schema):
    agency_id = fields.String(required=True)
    kode = fields.String(required=True)
    nama = fields.String(required=True)
    jenis = fields.Enum(JenisAgency, by_value=True, required=True)
    created_at = fields.AwareDateTime(required=True)


class SatkerSchema(Schema):
    satker_id = fields.String(required=True)
    agency_id = fields.String(required=True)
    kode = fields.String(required=True)
    nama = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class UserSchema(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)
    nama = fields.String(required=True)
    nip = fields.String(allow_none=True, load_default=None)
    roles = fields.List(ROLE, required=True)
    agency_id = fields.String(allow_none=True, load_default=None)
    penyedia_id = fields.String(allow_none=True, load_default=None)
    sertifikat_pbj = fields.String(allow_none=True, load_default=None)
    status = fields.Enum(StatusUser, by_value=True, required=True)
    must_change_password = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)


class PermintaanSchema(Schema):
    """Who asked for a blacklisting (Pasal 12(4)): PA/KPA/PPK/Pokja/Pejabat
    Pengadaan."""

    peran = fields.Enum(Role, by_value=True, required=True,
                        validate=validate.OneOf([Role.PA, Role.KPA, Role.PPK,
                                                 Role.POKJA, Role.PEJABAT_PENGADAAN]))
    nama = fields.String(required=True, validate=validate.Length(min=2, max=200))
    user_id = fields.String(load_default=None, allow_none=True)
    nomor_surat = fields.String(required=True, validate=validate.Length(min=1, max=100))
    tanggal_surat = fields.Date(load_default=None, allow_none=True)


class StatusChangeSchema(Schema):
    status_from = fields.Enum(StatusPenyedia, by_value=True, allow_none=True)
    status_to = fields.Enum(StatusPenyedia, by_value=True, required=True)
    alasan = fields.String(allow_none=True, load_default=None)
    actor_user_id = fields.String(allow_none=True, load_default=None)
    at = fields.AwareDateTime(required=True)
    permintaan = fields.Nested(PermintaanSchema, allow_none=True, load_default=None)


class PenyediaSchema(Schema):
    penyedia_id = fields.String(required=True)
    nama = fields.String(required=True)
    bentuk_usaha = fields.Enum(BentukUsaha, by_value=True, required=True)
    npwp = fields.String(required=True)
    nib = fields.String(required=True)
    alamat = fields.String(required=True)
    kota = fields.String(allow_none=True, load_default=None)
    email = fields.String(required=True)
    telepon = fields.String(required=True)
    username = fields.String(required=True)
    status = fields.Enum(StatusPenyedia, by_value=True, required=True)
    status_alasan = fields.String(allow_none=True, load_default=None)
    dokumen = fields.List(fields.Nested(DokumenRefSchema), load_default=list)
    riwayat = fields.List(fields.Nested(StatusChangeSchema), load_default=list)
    created_at = fields.AwareDateTime(required=True)
    verified_at = fields.AwareDateTime(allow_none=True, load_default=None)
    berlaku_sampai = fields.Date(allow_none=True, load_default=None,
                                 metadata={"description": "end of a blacklisting"})


class DaftarHitamEntrySchema(Schema):
    """Public blacklist row (no contact data)."""

    penyedia_id = fields.String(required=True)
    nama = fields.String(required=True)
    npwp = fields.String(required=True)
    alasan = fields.String(required=True)
    sejak = fields.AwareDateTime(required=True)
    berlaku_sampai = fields.Date(allow_none=True, load_default=None)


class PageSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ActorOnlyRequest(Schema):
    actor = ACTOR


# ------------------------------------------------------------------ agencies
class CreateAgencyRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    kode = fields.String(required=True,
                         validate=validate.Regexp(r"^[A-Z0-9.\-]{2,20}$"))
    nama = fields.String(required=True, validate=validate.Length(min=3, max=200))
    jenis = fields.Enum(JenisAgency, by_value=True, required=True)


class CreateSatkerRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    agency_id = id_field(required=False)  # default: the actor's own agency
    kode = fields.String(required=True,
                         validate=validate.Regexp(r"^[A-Z0-9.\-]{2,30}$"))
    nama = fields.String(required=True, validate=validate.Length(min=3, max=200))


class ListSatkerRequest(Schema):
    agency_id = fields.String(required=True)


class EmptyRequest(Schema):
    pass


class CountSchema(Schema):
    total = fields.Integer(required=True)


CREATE_AGENCY = RpcContract(SERVICE, "create_agency", CreateAgencyRequest, AgencySchema,
                            idempotent=True)
LIST_AGENCIES = RpcContract(SERVICE, "list_agencies", EmptyRequest, AgencySchema,
                            many=True)
CREATE_SATKER = RpcContract(SERVICE, "create_satker", CreateSatkerRequest, SatkerSchema,
                            idempotent=True)
LIST_SATKER = RpcContract(SERVICE, "list_satker", ListSatkerRequest, SatkerSchema,
                          many=True)


# ------------------------------------------------------------------ users and roles
class CreateUserRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    username = fields.String(required=True, validate=validate.Regexp(USERNAME_PATTERN))
    email = fields.Email(required=True)
    nama = fields.String(required=True, validate=validate.Length(min=2, max=200))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=8, max=256))
    roles = fields.List(ROLE, required=True, validate=validate.Length(min=1))
    agency_id = fields.String(load_default=None, allow_none=True)
    nip = fields.String(load_default=None, allow_none=True,
                        validate=validate.Length(max=30))
    sertifikat_pbj = fields.String(load_default=None, allow_none=True,
                                   validate=validate.Length(max=100))
    sk_nomor = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=100))


class UserRoleRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    user_id = id_field()
    role = fields.Enum(Role, by_value=True, required=True)
    sertifikat_pbj = fields.String(load_default=None, allow_none=True)
    sk_nomor = fields.String(load_default=None, allow_none=True)


class UserStatusRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    user_id = id_field()
    alasan = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class GetUserRequest(Schema):
    actor = ACTOR
    user_id = id_field()


class ListUsersRequest(PageSchema):
    actor = ACTOR
    role = fields.Enum(Role, by_value=True, load_default=None, allow_none=True)
    agency_id = fields.String(load_default=None, allow_none=True)


class UserPageSchema(Schema):
    items = fields.List(fields.Nested(UserSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


CREATE_USER = RpcContract(SERVICE, "create_user", CreateUserRequest, UserSchema,
                          idempotent=True)
GRANT_ROLE = RpcContract(SERVICE, "grant_role", UserRoleRequest, UserSchema,
                         idempotent=True)
REVOKE_ROLE = RpcContract(SERVICE, "revoke_role", UserRoleRequest, UserSchema,
                          idempotent=True)
DEACTIVATE_USER = RpcContract(SERVICE, "deactivate_user", UserStatusRequest, UserSchema,
                              idempotent=True)
REACTIVATE_USER = RpcContract(SERVICE, "reactivate_user", UserStatusRequest, UserSchema,
                              idempotent=True)
GET_USER = RpcContract(SERVICE, "get_user", GetUserRequest, UserSchema)


class DescribeUsersRequest(Schema):
    user_ids = fields.List(id_field(), required=True,
                           validate=validate.Length(min=1, max=100))


class UserBriefSchema(Schema):
    """For other services (e.g. lelang checking a Pokja): no contact data."""

    user_id = fields.String(required=True)
    nama = fields.String(required=True)
    roles = fields.List(ROLE, required=True)
    agency_id = fields.String(allow_none=True, load_default=None)
    status = fields.Enum(StatusUser, by_value=True, required=True)


DESCRIBE_USERS = RpcContract(SERVICE, "describe_users", DescribeUsersRequest,
                             UserBriefSchema, many=True)
LIST_USERS = RpcContract(SERVICE, "list_users", ListUsersRequest, UserPageSchema)


# ------------------------------------------------------------------ penyedia
class RegisterPenyediaRequest(Schema):
    actor = ACTOR  # anonymous: only ``ip`` is set
    idempotency_key = IDEMPOTENCY_KEY
    nama = fields.String(required=True, validate=validate.Length(min=3, max=200))
    bentuk_usaha = fields.Enum(BentukUsaha, by_value=True, required=True)
    npwp = fields.String(required=True, validate=validate.Regexp(NPWP_PATTERN))
    nib = fields.String(required=True, validate=validate.Regexp(r"^\d{13}$"))
    alamat = fields.String(required=True, validate=validate.Length(min=5, max=500))
    kota = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=100))
    email = fields.Email(required=True)
    telepon = fields.String(required=True,
                            validate=validate.Regexp(r"^\+?[0-9 ()-]{6,20}$"))
    username = fields.String(required=True, validate=validate.Regexp(USERNAME_PATTERN))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=8, max=256))
    dokumen = fields.List(fields.Nested(DokumenRefSchema), required=True,
                          validate=validate.Length(min=1, max=20))
    setuju_pakta_integritas = fields.Boolean(required=True)


class RegisterPenyediaResponse(Schema):
    penyedia_id = fields.String(required=True)
    status = fields.Enum(StatusPenyedia, by_value=True, required=True)
    created_at = fields.AwareDateTime(required=True)


class ResubmitPenyediaRequest(Schema):
    """A rejected penyedia corrects its data (credentials instead of a session)."""

    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    nama = fields.String(load_default=None, validate=validate.Length(min=3, max=200))
    alamat = fields.String(load_default=None, validate=validate.Length(min=5, max=500))
    kota = fields.String(load_default=None, allow_none=True)
    email = fields.Email(load_default=None)
    telepon = fields.String(load_default=None,
                            validate=validate.Regexp(r"^\+?[0-9 ()-]{6,20}$"))
    nib = fields.String(load_default=None, validate=validate.Regexp(r"^\d{13}$"))
    dokumen = fields.List(fields.Nested(DokumenRefSchema), load_default=list)


class GetPenyediaRequest(Schema):
    actor = ACTOR
    penyedia_id = id_field()


class ListPenyediaRequest(PageSchema):
    actor = ACTOR
    status = fields.Enum(StatusPenyedia, by_value=True, load_default=None,
                         allow_none=True)
    q = fields.String(load_default=None, allow_none=True,
                      validate=validate.Length(max=100))


class PenyediaPageSchema(Schema):
    items = fields.List(fields.Nested(PenyediaSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class VerifyPenyediaRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    penyedia_id = id_field()
    catatan = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=2000))
    dokumen_diperiksa = fields.List(
        fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$")), required=True,
        validate=validate.Length(min=1),
        metadata={"description": "sha256 of every document the verifikator checked"})


class PenyediaReasonRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    penyedia_id = id_field()
    alasan = fields.String(required=True, validate=validate.Length(min=5, max=2000))


class BlacklistPenyediaRequest(PenyediaReasonRequest):
    permintaan = fields.Nested(PermintaanSchema, required=True)
    berlaku_sampai = fields.Date(load_default=None, allow_none=True)


class GetDokumenRequest(Schema):
    actor = ACTOR
    penyedia_id = id_field()
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))


class PenyediaEligibilitySchema(Schema):
    penyedia_id = fields.String(required=True)
    eligible = fields.Boolean(required=True)
    status = fields.Enum(StatusPenyedia, by_value=True, required=True)
    nama = fields.String(required=True)
    # shown on the winner's announcement (DOMAIN §6.1 step 10)
    npwp = fields.String(load_default=None, allow_none=True)
    alamat = fields.String(load_default=None, allow_none=True)
    kota = fields.String(load_default=None, allow_none=True)


class PenyediaIdRequest(Schema):
    penyedia_id = id_field()


REGISTER_PENYEDIA = RpcContract(SERVICE, "register_penyedia", RegisterPenyediaRequest,
                                RegisterPenyediaResponse, idempotent=True)
RESUBMIT_PENYEDIA = RpcContract(SERVICE, "resubmit_penyedia", ResubmitPenyediaRequest,
                                RegisterPenyediaResponse, idempotent=True)
GET_PENYEDIA = RpcContract(SERVICE, "get_penyedia", GetPenyediaRequest, PenyediaSchema)
LIST_PENYEDIA = RpcContract(SERVICE, "list_penyedia", ListPenyediaRequest,
                            PenyediaPageSchema)
VERIFY_PENYEDIA = RpcContract(SERVICE, "verify_penyedia", VerifyPenyediaRequest,
                              PenyediaSchema, idempotent=True)
REJECT_PENYEDIA = RpcContract(SERVICE, "reject_penyedia", PenyediaReasonRequest,
                              PenyediaSchema, idempotent=True)
DEACTIVATE_PENYEDIA = RpcContract(SERVICE, "deactivate_penyedia", PenyediaReasonRequest,
                                  PenyediaSchema, idempotent=True)
BLACKLIST_PENYEDIA = RpcContract(SERVICE, "blacklist_penyedia",
                                 BlacklistPenyediaRequest, PenyediaSchema,
                                 idempotent=True)
REACTIVATE_PENYEDIA = RpcContract(SERVICE, "reactivate_penyedia", PenyediaReasonRequest,
                                  PenyediaSchema, idempotent=True)
LIST_DAFTAR_HITAM = RpcContract(SERVICE, "list_daftar_hitam", EmptyRequest,
                                DaftarHitamEntrySchema, many=True)
GET_DOKUMEN = RpcContract(SERVICE, "get_dokumen", GetDokumenRequest, DokumenRefSchema)
CHECK_PENYEDIA_ELIGIBLE = RpcContract(SERVICE, "check_penyedia_eligible",
                                      PenyediaIdRequest, PenyediaEligibilitySchema)


# ------------------------------------------------------------------ authentication
class LoginRequest(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=1, max=256))
    ip = fields.String(load_default=None, allow_none=True)


class LoginResponse(Schema):
    token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)
    must_change_password = fields.Boolean(required=True)
    actor = fields.Nested(ActorSchema, required=True)


class AuthenticateRequest(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=4096))
    ip = fields.String(load_default=None, allow_none=True)


class ChangePasswordRequest(Schema):
    actor = ACTOR
    idempotency_key = IDEMPOTENCY_KEY
    old_password = fields.String(required=True, load_only=True)
    new_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=8, max=256))


class OkSchema(Schema):
    ok = fields.Boolean(required=True)


class AuditEntrySchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    actor_user_id = fields.String(allow_none=True)
    actor_username = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    action = fields.String(required=True)
    object_type = fields.String(required=True)
    object_id = fields.String(allow_none=True)
    details = fields.Dict(required=True)
    hash = fields.String(required=True)


class ListAuditRequest(PageSchema):
    actor = ACTOR
    object_type = fields.String(load_default=None, allow_none=True)
    object_id = fields.String(load_default=None, allow_none=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class PingResponse(Schema):
    service = fields.String(required=True)
    time = fields.AwareDateTime(required=True)


LOGIN = RpcContract(SERVICE, "login", LoginRequest, LoginResponse)
AUTHENTICATE = RpcContract(SERVICE, "authenticate", AuthenticateRequest, ActorSchema)
LOGOUT = RpcContract(SERVICE, "logout", ActorOnlyRequest, OkSchema)
CHANGE_PASSWORD = RpcContract(SERVICE, "change_password", ChangePasswordRequest,
                              OkSchema, idempotent=True)
LIST_AUDIT = RpcContract(SERVICE, "list_audit", ListAuditRequest, AuditPageSchema)
PING = RpcContract(SERVICE, "ping", EmptyRequest, PingResponse)


# ------------------------------------------------------------------ events
class PenyediaEventPayload(Schema):
    penyedia_id = fields.String(required=True)
    nama = fields.String(required=True)
    npwp = fields.String(required=True)
    email = fields.String(required=True)
    user_id = fields.String(required=True)
    status = fields.Enum(StatusPenyedia, by_value=True, required=True)
    alasan = fields.String(load_default=None, allow_none=True)


class PenyediaBlacklistedPayload(PenyediaEventPayload):
    permintaan = fields.Nested(PermintaanSchema, required=True)
    berlaku_sampai = fields.Date(load_default=None, allow_none=True)


class UserEventPayload(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)
    nama = fields.String(required=True)
    roles = fields.List(ROLE, required=True)
    agency_id = fields.String(load_default=None, allow_none=True)
    alasan = fields.String(load_default=None, allow_none=True)


class RoleEventPayload(Schema):
    user_id = fields.String(required=True)
    role = fields.Enum(Role, by_value=True, required=True)
    agency_id = fields.String(load_default=None, allow_none=True)


class AgencyEventPayload(Schema):
    agency_id = fields.String(required=True)
    kode = fields.String(required=True)
    nama = fields.String(required=True)
    jenis = fields.Enum(JenisAgency, by_value=True, required=True)


class SatkerEventPayload(Schema):
    satker_id = fields.String(required=True)
    agency_id = fields.String(required=True)
    kode = fields.String(required=True)
    nama = fields.String(required=True)


PENYEDIA_REGISTERED = EventContract(SERVICE, "penyedia_registered", 1,
                                    PenyediaEventPayload)
PENYEDIA_VERIFIED = EventContract(SERVICE, "penyedia_verified", 1, PenyediaEventPayload)
PENYEDIA_REJECTED = EventContract(SERVICE, "penyedia_rejected", 1, PenyediaEventPayload)
PENYEDIA_DEACTIVATED = EventContract(SERVICE, "penyedia_deactivated", 1,
                                     PenyediaEventPayload)
PENYEDIA_BLACKLISTED = EventContract(SERVICE, "penyedia_blacklisted", 1,
                                     PenyediaBlacklistedPayload)
PENYEDIA_RESUBMITTED = EventContract(SERVICE, "penyedia_resubmitted", 1,
                                     PenyediaEventPayload)
PENYEDIA_REACTIVATED = EventContract(SERVICE, "penyedia_reactivated", 1,
                                     PenyediaEventPayload)
USER_CREATED = EventContract(SERVICE, "user_created", 1, UserEventPayload)
USER_DEACTIVATED = EventContract(SERVICE, "user_deactivated", 1, UserEventPayload)
USER_REACTIVATED = EventContract(SERVICE, "user_reactivated", 1, UserEventPayload)
ROLE_GRANTED = EventContract(SERVICE, "role_granted", 1, RoleEventPayload)
ROLE_REVOKED = EventContract(SERVICE, "role_revoked", 1, RoleEventPayload)
AGENCY_CREATED = EventContract(SERVICE, "agency_created", 1, AgencyEventPayload)
SATKER_CREATED = EventContract(SERVICE, "satker_created", 1, SatkerEventPayload)
