"""Penyedia: self-registration (multipart), verification, status changes, blacklist.

Registration documents are sent as files in fields named ``dokumen_<jenis>`` (e.g.
``dokumen_akta``, ``dokumen_npwp``); a field may be repeated for several files of one
kind. The field name says what a file is, so no second list has to be kept in step.
"""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)
from werkzeug.datastructures import FileStorage

from gateway.schemas.common import PagePublicSchema, PageQuerySchema, doc
from services.common.auth import Role
from services.common.contracts.registrasi import (
    NPWP_PATTERN,
    USERNAME_PATTERN,
    BentukUsaha,
    JenisDokumen,
    StatusPenyedia,
)

MAX_DOKUMEN = 20
USERNAME_HELP = "Login name: 3-40 of a-z, 0-9, '.', '_', '-'"
DOKUMEN_PREFIX = "dokumen_"
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$")
TELEPON = validate.Regexp(r"^\+?[0-9 ()-]{6,20}$")
NIB = validate.Regexp(r"^\d{13}$")


class FileField(Upload):
    """A multipart file part (not a plain form value)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, FileStorage):
            raise ValidationError("Not a file.")
        return value


def _dokumen_fields() -> dict[str, fields.Field]:
    return {
        f"{DOKUMEN_PREFIX}{jenis.value}": fields.List(
            FileField(), load_default=list,
            metadata=doc(f"Scan(s) of the {jenis.value} document: PDF, JPEG or PNG, "
                         "checked by content; repeat the field for several files"))
        for jenis in JenisDokumen
    }


_DokumenFiles = Schema.from_dict(_dokumen_fields(), name="DokumenFiles")


class _DokumenUpload(_DokumenFiles):  # type: ignore[misc,valid-type]
    """Collects the ``dokumen_<jenis>`` files into ``dokumen: [(jenis, file)]``."""

    min_dokumen = 0

    @validates_schema
    def _count(self, data: dict[str, Any], **kwargs: Any) -> None:
        count = len(_chosen_files(data))
        if count < self.min_dokumen:
            raise ValidationError("At least one document file is required.", "dokumen")
        if count > MAX_DOKUMEN:
            raise ValidationError(f"At most {MAX_DOKUMEN} document files.", "dokumen")

    @post_load
    def _collect(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["dokumen"] = _chosen_files(data)
        for jenis in JenisDokumen:
            data.pop(f"{DOKUMEN_PREFIX}{jenis.value}", None)
        return data


def _chosen_files(data: dict[str, Any]) -> list[tuple[JenisDokumen, FileStorage]]:
    # a browser sends an empty part with no file name for a file input left empty
    return [(jenis, part) for jenis in JenisDokumen
            for part in data.get(f"{DOKUMEN_PREFIX}{jenis.value}", [])
            if part.filename]


class PenyediaCreateSchema(_DokumenUpload):
    """multipart/form-data: company identity, login, and the registration documents."""

    min_dokumen = 1

    nama = fields.String(required=True, validate=validate.Length(min=3, max=200),
                         metadata=doc("Company name", example="CV Karya Bali"))
    bentuk_usaha = fields.Enum(BentukUsaha, by_value=True, required=True,
                               metadata=doc("Legal form"))
    npwp = fields.String(required=True, validate=validate.Regexp(NPWP_PATTERN),
                         metadata=doc("Tax number: 99.999.999.9-999.999 or 15-16 "
                                      "digits",
                                      example="01.234.567.8-901.000"))
    nib = fields.String(required=True, validate=NIB,
                        metadata=doc("Business id number (NIB), 13 digits"))
    alamat = fields.String(required=True, validate=validate.Length(min=5, max=500),
                           metadata=doc("Address"))
    kota = fields.String(validate=validate.Length(max=100), metadata=doc("City"))
    email = fields.Email(required=True, metadata=doc("E-mail address"))
    telepon = fields.String(required=True, validate=TELEPON, metadata=doc("Phone"))
    username = fields.String(required=True, validate=validate.Regexp(USERNAME_PATTERN),
                             metadata=doc(USERNAME_HELP))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=8, max=256),
                             metadata=doc("Password: 8+ characters, not a common one"))
    setuju_pakta_integritas = fields.Boolean(
        required=True, metadata=doc("Agreement to the integrity pact (must be true)"))


class PenyediaResubmitSchema(_DokumenUpload):
    """multipart/form-data: a rejected penyedia corrects its data and documents."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=100),
                             metadata=doc("Login name chosen at registration"))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=1, max=256),
                             metadata=doc("Password chosen at registration"))
    nama = fields.String(validate=validate.Length(min=3, max=200),
                         metadata=doc("Corrected company name"))
    alamat = fields.String(validate=validate.Length(min=5, max=500),
                           metadata=doc("Corrected address"))
    kota = fields.String(validate=validate.Length(max=100),
                         metadata=doc("Corrected city"))
    email = fields.Email(metadata=doc("Corrected e-mail address"))
    telepon = fields.String(validate=TELEPON, metadata=doc("Corrected phone"))
    nib = fields.String(validate=NIB, metadata=doc("Corrected NIB"))


class PenyediaRegisteredSchema(Schema):
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia id"))
    status = fields.Enum(StatusPenyedia, by_value=True, required=True,
                         metadata=doc("Status: menunggu_verifikasi after registering"))
    created_at = fields.AwareDateTime(required=True, metadata=doc("Registered (UTC)"))


class DokumenPublicSchema(Schema):
    jenis = fields.Enum(JenisDokumen, by_value=True, required=True,
                        metadata=doc("Kind of document"))
    sha256 = fields.String(required=True, metadata=doc(
        "SHA-256 of the file; download at /api/v1/penyedia/{id}/dokumen/{sha256}"))
    filename = fields.String(required=True, metadata=doc("Original file name"))
    content_type = fields.String(required=True, metadata=doc("Type found in the file"))
    size = fields.Integer(required=True, metadata=doc("Size in bytes"))
    uploaded_at = fields.AwareDateTime(allow_none=True, metadata=doc("Uploaded (UTC)"))


PEMINTA_ROLES = [Role.PA, Role.KPA, Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN]


class PermintaanSchema(Schema):
    """Who asked for a blacklisting (Pasal 12(4))."""

    peran = fields.Enum(Role, by_value=True, required=True,
                        validate=validate.OneOf(PEMINTA_ROLES),
                        metadata=doc("Role of the requester: pa, kpa, ppk, pokja or "
                                     "pejabat_pengadaan"))
    nama = fields.String(required=True, validate=validate.Length(min=2, max=200),
                         metadata=doc("Name of the requester"))
    user_id = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=64),
                            metadata=doc("Requester's user id, if known"))
    nomor_surat = fields.String(required=True, validate=validate.Length(min=1, max=100),
                                metadata=doc("Number of the request letter"))
    tanggal_surat = fields.Date(load_default=None, allow_none=True,
                                metadata=doc("Date of the request letter"))


class StatusChangePublicSchema(Schema):
    status_from = fields.Enum(StatusPenyedia, by_value=True, allow_none=True,
                              metadata=doc("Previous status"))
    status_to = fields.Enum(StatusPenyedia, by_value=True, required=True,
                            metadata=doc("New status"))
    alasan = fields.String(allow_none=True, metadata=doc("Reason given"))
    actor_user_id = fields.String(allow_none=True, metadata=doc("Who changed it"))
    at = fields.AwareDateTime(required=True, metadata=doc("When (UTC)"))
    permintaan = fields.Nested(PermintaanSchema, allow_none=True,
                               metadata=doc("Blacklisting request it came from"))


class PenyediaPublicSchema(Schema):
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia id"))
    nama = fields.String(required=True, metadata=doc("Company name"))
    bentuk_usaha = fields.Enum(BentukUsaha, by_value=True, required=True,
                               metadata=doc("Legal form"))
    npwp = fields.String(required=True, metadata=doc("Tax number"))
    nib = fields.String(required=True, metadata=doc("Business id number"))
    alamat = fields.String(required=True, metadata=doc("Address"))
    kota = fields.String(allow_none=True, metadata=doc("City"))
    email = fields.String(required=True, metadata=doc("E-mail address"))
    telepon = fields.String(required=True, metadata=doc("Phone"))
    username = fields.String(required=True, metadata=doc("Login name"))
    status = fields.Enum(StatusPenyedia, by_value=True, required=True,
                         metadata=doc("Verification status (DOMAIN §4.2)"))
    status_alasan = fields.String(allow_none=True, metadata=doc(
        "Reason of the last rejection, deactivation or blacklisting"))
    dokumen = fields.List(fields.Nested(DokumenPublicSchema), required=True,
                          metadata=doc("Registration documents"))
    riwayat = fields.List(fields.Nested(StatusChangePublicSchema), required=True,
                          metadata=doc("Status history, oldest first"))
    created_at = fields.AwareDateTime(required=True, metadata=doc("Registered (UTC)"))
    verified_at = fields.AwareDateTime(allow_none=True, metadata=doc("Verified (UTC)"))
    berlaku_sampai = fields.Date(allow_none=True,
                                 metadata=doc("Last day of a blacklisting, if set"))


class PenyediaPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(PenyediaPublicSchema), required=True,
                        metadata=doc("Penyedia on this page"))


class PenyediaListQuerySchema(PageQuerySchema):
    status = fields.Enum(StatusPenyedia, by_value=True, load_default=None,
                         metadata=doc("Only penyedia with this status"))
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=100),
                      metadata=doc("Search in name, NPWP and login name"))


class PenyediaVerifySchema(Schema):
    catatan = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=2000),
                            metadata=doc("Verifikator's note"))
    dokumen_diperiksa = fields.List(
        fields.String(validate=SHA256), required=True,
        validate=validate.Length(min=1, max=MAX_DOKUMEN),
        metadata=doc("SHA-256 of every document the verifikator checked"))


class PenyediaReasonSchema(Schema):
    alasan = fields.String(required=True, validate=validate.Length(min=5, max=2000),
                           metadata=doc("Reason, shown to the penyedia and audited"))


class PenyediaBlacklistSchema(PenyediaReasonSchema):
    permintaan = fields.Nested(PermintaanSchema, required=True,
                               metadata=doc("The PA/KPA/PPK/Pokja request it follows"))
    berlaku_sampai = fields.Date(load_default=None, allow_none=True,
                                 metadata=doc("Last day of the blacklisting, if any"))


class DaftarHitamPublicSchema(Schema):
    penyedia_id = fields.String(required=True, metadata=doc("Penyedia id"))
    nama = fields.String(required=True, metadata=doc("Company name"))
    npwp = fields.String(required=True, metadata=doc("Tax number"))
    alasan = fields.String(required=True, metadata=doc("Reason of the blacklisting"))
    sejak = fields.AwareDateTime(required=True, metadata=doc("Blacklisted since (UTC)"))
    berlaku_sampai = fields.Date(allow_none=True, metadata=doc("Until (inclusive)"))
