"""The audit trail of account actions (read-only, hash-chained)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.schemas.common import PagePublicSchema, PageQuerySchema, doc


class AuditQuerySchema(PageQuerySchema):
    object_type = fields.String(load_default=None,
                                validate=validate.Length(min=1, max=50),
                                metadata=doc("Only entries about this kind of object",
                                             example="penyedia"))
    object_id = fields.String(load_default=None,
                              validate=validate.Length(min=1, max=64),
                              metadata=doc("Only entries about this object"))


class AuditEntryPublicSchema(Schema):
    seq = fields.Integer(required=True, metadata=doc("Position in the chain"))
    at = fields.AwareDateTime(required=True, metadata=doc("When (UTC)"))
    actor_user_id = fields.String(allow_none=True, metadata=doc("Who (user id)"))
    actor_username = fields.String(allow_none=True, metadata=doc("Who (login name)"))
    ip = fields.String(allow_none=True, metadata=doc("From which address"))
    action = fields.String(required=True, metadata=doc("What was done",
                                                       example="penyedia_verified"))
    object_type = fields.String(required=True, metadata=doc("Kind of object"))
    object_id = fields.String(allow_none=True, metadata=doc("Object id"))
    details = fields.Dict(required=True, metadata=doc("Action details"))
    hash = fields.String(required=True, metadata=doc(
        "SHA-256 chaining this entry to the previous one"))


class AuditPagePublicSchema(PagePublicSchema):
    items = fields.List(fields.Nested(AuditEntryPublicSchema), required=True,
                        metadata=doc("Entries on this page, oldest first"))
