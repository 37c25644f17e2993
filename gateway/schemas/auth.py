"""Login, password change and the signed-in actor."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.schemas.common import doc
from services.common.auth import Role


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100),
                             metadata=doc("Login name", example="budi.verifikator"))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=1, max=256),
                             metadata=doc("Password"))


class ActorPublicSchema(Schema):
    user_id = fields.String(required=True, metadata=doc("User id"))
    username = fields.String(allow_none=True, metadata=doc("Login name"))
    roles = fields.List(fields.String(validate=validate.OneOf([r.value for r in Role])),
                        required=True, metadata=doc("Roles held (DOMAIN §3.1)"))
    agency_id = fields.String(allow_none=True, metadata=doc(
        "Agency (SKPD/BUMD) the user belongs to, if any"))
    penyedia_id = fields.String(allow_none=True, metadata=doc(
        "Penyedia represented by this user, if it is a penyedia account"))
    must_change_password = fields.Boolean(metadata=doc(
        "True while the user still has an admin-set initial password: every route "
        "but `POST /auth/password`, `POST /auth/logout` and `GET /me` answers 403 "
        "`PASSWORD_CHANGE_REQUIRED`"))


class LoginPublicSchema(Schema):
    token = fields.String(required=True, metadata=doc(
        "Signed JWT; send it as `Authorization: Bearer <token>`"))
    token_type = fields.String(required=True, metadata=doc("Always `Bearer`"))
    expires_at = fields.AwareDateTime(required=True, metadata=doc(
        "When the token stops working (UTC)"))
    must_change_password = fields.Boolean(required=True, metadata=doc(
        "True when the user must set a new password first"))
    actor = fields.Nested(ActorPublicSchema, required=True, metadata=doc(
        "Who the token identifies"))


class PasswordChangeSchema(Schema):
    old_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=1, max=256),
                                 metadata=doc("Current password"))
    new_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=8, max=256),
                                 metadata=doc("New password: at least 8 characters, "
                                              "not a common password"))
