"""Shapes shared by every resource: the error body, paging, ``{"ok": true}``."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate


def doc(description: str, **extra: Any) -> dict[str, Any]:
    """Field metadata for the OpenAPI document (``example=...`` etc. allowed)."""
    return {"description": description, **extra}


class ErrorSchema(Schema):
    """Every error response of the API."""

    error = fields.String(required=True, metadata=doc(
        "Stable machine-readable code, UPPER_SNAKE English",
        example="VALIDATION_FAILED"))
    message = fields.String(required=True, metadata=doc(
        "Human-readable explanation in Indonesian",
        example="Data yang dikirim tidak valid. Periksa kembali isian Anda."))
    details = fields.Dict(required=True, metadata=doc(
        "Structured details, e.g. `fields` with a list of problems per input field"))


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000),
                          metadata=doc("Page number, from 1"))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100),
                              metadata=doc("Items per page (1-100)"))


class PagePublicSchema(Schema):
    total = fields.Integer(required=True, metadata=doc("Number of items on all pages"))
    page = fields.Integer(required=True, metadata=doc("This page's number"))
    per_page = fields.Integer(required=True, metadata=doc("Items per page"))


class OkSchema(Schema):
    ok = fields.Boolean(required=True, metadata=doc("Always true on success"))


class HealthSchema(Schema):
    status = fields.String(required=True, metadata=doc("`ok` when healthy"))
    checks = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata=doc("Result per dependency (`ok` or the failure)"))


TEN_YEARS = 10 * 365 * 86400


class TestClockSchema(Schema):
    offset_seconds = fields.Float(
        required=True, validate=validate.Range(min=-TEN_YEARS, max=TEN_YEARS),
        allow_nan=False,
        metadata=doc("Seconds added to real time on every process of this deployment"))


class TestClockPublicSchema(Schema):
    offset_seconds = fields.Float(required=True, metadata=doc("Current offset"))
    now = fields.AwareDateTime(required=True, metadata=doc("Server time (UTC) now"))
