"""Users and their roles (DOMAIN §3)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.schemas.common import PagePublicSchema, PageQuerySchema, doc
from services.common.auth import Role
from services.common.contracts.registrasi import USERNAME_PATTERN, StatusUser

ROLE_HELP = "One of: " + ", ".join(r.value for r in Role)


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Regexp(USERNAME_PATTERN),
                             metadata=doc("Login name: 3-40 of a-z, 0-9, '.', '_', '-'",
                                          example="wayan.ppk"))
    email = fields.Email(required=True, metadata=doc("E-mail address"))
    nama = fields.String(required=True, validate=validate.Length(min=2, max=200),
                         metadata=doc("Full name"))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=8, max=256),
                             metadata=doc("Initial password (the user must change it)"))
    roles = fields.List(fields.Enum(Role, by_value=True), required=True,
                        validate=validate.Length(min=1, max=len(Role)),
                        metadata=doc("Roles to grant. " + ROLE_HELP))
    agency_id = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(min=1, max=64),
                              metadata=doc("Agency of the user (for agency roles)"))
    nip = fields.String(load_default=None, allow_none=True,
                        validate=validate.Length(max=30),
                        metadata=doc("Civil-servant number (NIP)"))
    sertifikat_pbj = fields.String(load_default=None, allow_none=True,
                                   validate=validate.Length(max=100),
                                   metadata=doc("Procurement certificate number "
                                                "(for Pokja, PPK, Pejabat Pengadaan)"))
    sk_nomor = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=100),
                             metadata=doc("Number of the appointment decree (SK)"))


class UserPublicSchema(Schema):
    user_id = fields.String(required=True, metadata=doc("User id"))
    username = fields.String(required=True, metadata=doc("Login name"))
    email = fields.String(required=True, metadata=doc("E-mail address"))
    nama = fields.String(required=True, metadata=doc("Full name"))
    nip = fields.String(allow_none=True, metadata=doc("Civil-servant number"))
    roles = fields.List(fields.Enum(Role, by_value=True), required=True,
                        metadata=doc("Roles held"))
    agency_id = fields.String(allow_none=True, metadata=doc("Agency of the user"))
    penyedia_id = fields.String(allow_none=True, metadata=doc(
        "Penyedia of a penyedia account"))
    sertifikat_pbj = fields.String(allow_none=True, metadata=doc(
        "Procurement certificate number"))
    status = fields.Enum(StatusUser, by_value=True, required=True,
                         metadata=doc("aktif or nonaktif"))
    must_change_password = fields.Boolean(required=True, metadata=doc(
        "True until the user sets a password of their own"))
    created_at = fields.AwareDateTime(required=True, metadata=doc("Created (UTC)"))


class UserPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(UserPublicSchema), required=True,
                        metadata=doc("Users on this page"))


class UserListQuerySchema(PageQuerySchema):
    role = fields.Enum(Role, by_value=True, load_default=None,
                       metadata=doc("Only users holding this role. " + ROLE_HELP))
    agency_id = fields.String(load_default=None,
                              validate=validate.Length(min=1, max=64),
                              metadata=doc("Only users of this agency"))


class RoleGrantSchema(Schema):
    role = fields.Enum(Role, by_value=True, required=True,
                       metadata=doc("Role to grant. " + ROLE_HELP))
    sertifikat_pbj = fields.String(load_default=None, allow_none=True,
                                   validate=validate.Length(max=100),
                                   metadata=doc("Procurement certificate number"))
    sk_nomor = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=100),
                             metadata=doc("Number of the appointment decree (SK)"))


class UserStatusChangeSchema(Schema):
    alasan = fields.String(required=True, validate=validate.Length(min=3, max=1000),
                           metadata=doc("Reason, kept in the audit trail"))
