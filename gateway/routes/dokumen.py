"""Document upload: the file goes to the blob store first, JSON bodies then refer to
it by the reference this returns (paket and lelang documents, adendum,
kualifikasi, BAHP, kontrak). Also the one way documents are sent back."""

from __future__ import annotations

from typing import Any

from flask import Response, send_file
from marshmallow import Schema

from gateway.context import ctx
from gateway.routes._common import API_PREFIX, ApiBlueprint, authenticated, errors
from gateway.routes.penyedia import EXTENSIONS, clean_filename
from gateway.schemas.common import doc
from gateway.schemas.lelang_fields import DokumenRefSchema
from gateway.schemas.penyedia import FileField
from services.common.errors import BadRequest

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
    filename = clean_filename(part.filename or "")
    try:
        ref = ctx().blobs.put(part.stream, max_bytes=ctx().settings.upload_max_bytes)
    except BadRequest as exc:
        raise type(exc)(exc.code, exc.message, {
            **exc.details, "field": field, "filename": filename}) from exc
    return {"sha256": ref.sha256, "size": ref.size, "content_type": ref.content_type,
            "filename": filename or f"dokumen{EXTENSIONS[ref.content_type]}"}


def send_dokumen(ref: dict[str, Any]) -> Response:
    """Send a stored document as an attachment with its own name; never cached."""
    response = send_file(ctx().blobs.open(ref["sha256"]), mimetype=ref["content_type"],
                         as_attachment=True, download_name=ref["filename"],
                         etag=ref["sha256"], conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
