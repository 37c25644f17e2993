"""Files through the gateway: storing an upload in the blob store (size and type
checked from the content) and sending a stored document back.

Only references (sha256, size, type, file name) go on to the services.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any

from flask import Response, send_file

from gateway.context import ctx
from services.common.errors import BadRequest

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def clean_filename(name: str) -> str:
    """The file's own name: no directories, no control characters, at most 200."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return base[:200]


def store_upload(part: Any, field: str, default_stem: str) -> dict[str, Any]:
    """Store one PDF/JPEG/PNG upload; its reference (sha256, filename, type, size).
    A file without a usable name is called ``<default_stem>.<ext>``.

    :raises BadRequest: ``UPLOAD_TOO_LARGE``, ``UPLOAD_EMPTY``,
        ``UPLOAD_TYPE_NOT_ALLOWED``, with the form ``field`` and file name.
    """
    filename = clean_filename(part.filename or "")
    try:
        ref = ctx().blobs.put(part.stream, max_bytes=ctx().settings.upload_max_bytes)
    except BadRequest as exc:
        raise type(exc)(exc.code, exc.message, {
            **exc.details, "field": field, "filename": filename}) from exc
    return {"sha256": ref.sha256, "size": ref.size, "content_type": ref.content_type,
            "filename": filename or f"{default_stem}{EXTENSIONS[ref.content_type]}"}


def send_dokumen(ref: dict[str, Any]) -> Response:
    """Send a stored document as an attachment with its own name; never cached."""
    response = send_file(ctx().blobs.open(ref["sha256"]), mimetype=ref["content_type"],
                         as_attachment=True, download_name=ref["filename"],
                         etag=ref["sha256"], conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
