"""Field helpers shared by the lelang shapes: ids, texts, years, times, rupiah.

Every input is bounded so that bad input is a 422 here and never reaches a service:
ids look like path ids, texts have lengths, times carry an offset and lie between
2000 and 2100, and amounts are decimal STRINGS (never JSON floats) with at most two
decimals, documented as ``type: string, format: decimal``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from gateway.schemas.common import doc
from services.common.contracts.lelang import SHA256
from services.common.money import RUPIAH_MAX

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
TAHAPAN_PATTERN = r"^[a-z0-9_]{1,60}$"
BASE64_PATTERN = r"^[A-Za-z0-9+/]+={0,2}$"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
DOKUMEN_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_DOKUMEN = 20
MAX_JADWAL = 40
MAX_HASIL = 500


def id_field(description: str, *, required: bool = True) -> fields.String:
    """An object id: 1-64 of letters, digits, '-' and '_' (like the path ids)."""
    if required:
        return fields.String(required=True, validate=validate.Regexp(ID_PATTERN),
                             metadata=doc(description))
    return fields.String(load_default=None, allow_none=True,
                         validate=validate.Regexp(ID_PATTERN),
                         metadata=doc(description))


def text(max_len: int, description: str, *, required: bool = True,
         min_len: int = 1) -> fields.String:
    length = validate.Length(min=min_len, max=max_len)
    if required:
        return fields.String(required=True, validate=length, metadata=doc(description))
    return fields.String(load_default=None, allow_none=True, validate=length,
                         metadata=doc(description))


def tahun(description: str = "Budget year (tahun anggaran)", *,
          required: bool = True) -> fields.Integer:
    years = validate.Range(EARLIEST_YEAR, LATEST_YEAR)
    if required:
        return fields.Integer(required=True, validate=years, metadata=doc(description))
    return fields.Integer(load_default=None, allow_none=True, validate=years,
                          metadata=doc(description))


def _in_years(value: date) -> None:
    # the year as written: converting year 1 or 9999 to UTC could overflow
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(f"Must lie between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def aware_datetime(description: str) -> fields.AwareDateTime:
    """ISO 8601 with an offset, e.g. ``2013-03-04T08:00:00+08:00``."""
    return fields.AwareDateTime(required=True, validate=_in_years, metadata=doc(
        f"{description}; ISO 8601 with offset", example="2013-03-04T08:00:00+08:00"))


def day(description: str, *, required: bool = True) -> fields.Date:
    if required:
        return fields.Date(required=True, validate=_in_years, metadata=doc(description))
    return fields.Date(load_default=None, allow_none=True, validate=_in_years,
                       metadata=doc(description))


class DecimalString(fields.Decimal):
    """A decimal number sent and returned as a JSON string, e.g. ``"1250000000.00"``:
    digits, optionally a point and at most ``places`` decimals, within a range.
    Loads as a :class:`~decimal.Decimal` quantized to ``places``."""

    default_error_messages = {
        "decimal_string": "Not a decimal string with at most {places} decimals.",
        "decimal_range": "Must be {relation} {minimum} and at most {maximum}.",
    }

    def __init__(self, *, places: int = 2, minimum: Decimal = Decimal(0),
                 above_minimum: bool = False, maximum: Decimal = RUPIAH_MAX,
                 **kwargs: Any) -> None:
        pattern = re.compile(rf"^\d{{1,16}}(\.\d{{1,{places}}})?$")
        metadata = {"type": "string", "format": "decimal",
                    "pattern": pattern.pattern, **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, metadata=metadata, **kwargs)
        # set after the base class, whose own ``places`` would round on dump
        self.pattern, self.decimals = pattern, places
        self.minimum, self.maximum, self.above_minimum = minimum, maximum, above_minimum

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise self.make_error("decimal_string", places=self.decimals)
        number = Decimal(value)
        too_small = number <= self.minimum if self.above_minimum else (
            number < self.minimum)
        if too_small or number > self.maximum:
            raise self.make_error(
                "decimal_range", minimum=self.minimum, maximum=self.maximum,
                relation="more than" if self.above_minimum else "at least")
        return number.quantize(Decimal(1).scaleb(-self.decimals))


def rupiah(description: str, *, required: bool = True,
           positive: bool = False) -> DecimalString:
    """Rupiah as a decimal string with at most 2 decimals."""
    if required:
        return DecimalString(required=True, above_minimum=positive,
                             metadata=doc(f"{description} (rupiah, decimal string)",
                                          example="1250000000.00"))
    return DecimalString(load_default=None, allow_none=True, above_minimum=positive,
                         metadata=doc(f"{description} (rupiah, decimal string)"))


def rupiah_out(description: str, *, nullable: bool = False) -> DecimalString:
    """A rupiah amount in a response."""
    if nullable:
        return DecimalString(allow_none=True, metadata=doc(f"{description} (rupiah)"))
    return DecimalString(required=True, metadata=doc(f"{description} (rupiah)"))


# ------------------------------------------------------------------ documents
class DokumenRefSchema(Schema):
    """A document uploaded with ``POST /api/v1/dokumen``: send back what it answered."""

    sha256 = fields.String(required=True, validate=validate.Regexp(SHA256),
                           metadata=doc("SHA-256 of the file (lower-case hex)"))
    filename = text(200, "Original file name")
    content_type = fields.String(required=True, validate=validate.OneOf(DOKUMEN_TYPES),
                                 metadata=doc("Type found in the file: PDF, JPEG, PNG"))
    size = fields.Integer(required=True, validate=validate.Range(1, 2**40),
                          metadata=doc("Size in bytes"))


class DokumenRefPublicSchema(Schema):
    sha256 = fields.String(required=True, metadata=doc("SHA-256 of the file"))
    filename = fields.String(required=True, metadata=doc("Original file name"))
    content_type = fields.String(required=True, metadata=doc("Type of the file"))
    size = fields.Integer(required=True, metadata=doc("Size in bytes"))
    uploaded_at = fields.AwareDateTime(allow_none=True,
                                       metadata=doc("Uploaded (UTC), if known"))
    versi = fields.Integer(allow_none=True,
                           metadata=doc("Version of the documents (adendum number)"))


def dokumen_list(description: str, *, min_len: int = 0) -> fields.List:
    length = validate.Length(min=min_len, max=MAX_DOKUMEN)
    if min_len:
        return fields.List(fields.Nested(DokumenRefSchema), required=True,
                           validate=length, metadata=doc(description))
    return fields.List(fields.Nested(DokumenRefSchema), load_default=list,
                       validate=length, metadata=doc(description))


# ------------------------------------------------------------------ jadwal
class JadwalEntryCreateSchema(Schema):
    tahapan = fields.String(required=True, validate=validate.Regexp(TAHAPAN_PATTERN),
                            metadata=doc("Stage (tahapan), e.g. `pengumuman`",
                                         example="pengumuman"))
    mulai = aware_datetime("Start of the stage")
    selesai = aware_datetime("End of the stage")


class JadwalEntryPublicSchema(Schema):
    tahapan = fields.String(required=True, metadata=doc("Stage (tahapan)"))
    mulai = fields.AwareDateTime(required=True, metadata=doc("Start (UTC)"))
    selesai = fields.AwareDateTime(required=True, metadata=doc("End (UTC)"))


def jadwal_list(description: str, *, required: bool) -> fields.List:
    nested = fields.Nested(JadwalEntryCreateSchema)
    length = validate.Length(min=1 if required else 0, max=MAX_JADWAL)
    if required:
        return fields.List(nested, required=True, validate=length,
                           metadata=doc(description))
    return fields.List(nested, load_default=list, validate=length,
                       metadata=doc(description))
