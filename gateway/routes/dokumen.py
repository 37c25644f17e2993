"""Document upload: the file goes to the blob store first, JSON bodies then refer to
it by the reference this returns (paket and lelang documents, adendum,
kualifikasi, BAHP, kontrak). Also the one way documents are sent back."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from gateway.routes._common import API_PREFIX, ApiBlueprint, authenticated, errors
from gateway.schemas.common import doc
from gateway.schemas.lelang_fields import DokumenRefSchema
from gateway.schemas.penyedia import FileField
from gateway.uploads import store_upload

blp = ApiBlueprint("dokumen", __name__, url_prefix=API_PREFIX,
                   description="Document upload for the lelang process")


class DokumenUploadSchema(Schema):
    """multipart/form-data with one file."""

    file = FileField(required=True, metadata=doc(
        "The document: PDF, JPEG or PNG (checked from its content), not empty, at "
        "most `UPLOAD_MAX_BYTES`"))


@blp.route("/dokumen", methods=["POST"])
@authenticated(blp)
@blp.arguments(DokumenUploadSchema, location="multipart")
@blp.response(201, DokumenRefSchema)
@errors(blp, 400, 413, 415)
def upload_dokumen(form: dict[str, Any]) -> Any:
    """Upload a document

    Stores the file (content-addressed: the same bytes give the same `sha256`) and
    answers its reference; send that reference in the JSON bodies that take
    documents (paket, lelang, adendum, kualifikasi, BAHP, kontrak).
    """
    return store_dokumen(form["file"]), 201


def store_dokumen(part: Any, field: str = "file") -> dict[str, Any]:
    """Store one PDF/JPEG/PNG upload; its reference (sha256, filename, type, size)."""
    return store_upload(part, field, "dokumen")
