"""Penyedia self-registration (public), resubmission, staff queries, documents.

Registration is ``multipart/form-data``: the company fields plus one or more files in
fields named ``dokumen_<jenis>``. Every file is checked (size, emptiness, type sniffed
from its first bytes) and stored in the content-addressed blob store before the RPC;
only references (sha256, size, type, name) travel to registrasi.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import FileStorage

from gateway.auth import client_ip, current_actor
from gateway.routes._common import (
    API_PREFIX,
    ApiBlueprint,
    authenticated,
    call,
    errors,
    idempotent,
    without_none,
)
from gateway.schemas.penyedia import (
    PenyediaCreateSchema,
    PenyediaListQuerySchema,
    PenyediaPagePublicSchema,
    PenyediaPublicSchema,
    PenyediaRegisteredSchema,
    PenyediaResubmitSchema,
)
from gateway.uploads import SHA256_RE, send_dokumen, store_upload
from services.common.auth import Actor
from services.common.contracts.registrasi import (
    GET_DOKUMEN,
    GET_PENYEDIA,
    LIST_PENYEDIA,
    REGISTER_PENYEDIA,
    RESUBMIT_PENYEDIA,
    JenisDokumen,
)
from services.common.errors import NotFound

blp = ApiBlueprint("penyedia", __name__, url_prefix=API_PREFIX,
                   description="Penyedia registration, queries and documents")



@blp.route("/penyedia", methods=["POST"])
@blp.arguments(PenyediaCreateSchema, location="multipart")
@blp.response(201, PenyediaRegisteredSchema)
@errors(blp, 400, 409, 413, 415, 503)
@idempotent(blp)
def register_penyedia(form: dict[str, Any]) -> Any:
    """Register as a penyedia (public)

    `multipart/form-data` with the company's identity, a login name and password,
    and the registration documents as files in fields `dokumen_<jenis>` (`akta`,
    `npwp`, `nib`, `siup`, `ktp_direktur`, `surat_kuasa`, `lainnya`); repeat a field
    for several files of one kind. Files must be PDF, JPEG or PNG (checked from the
    content), not empty, each at most `UPLOAD_MAX_BYTES`. The new account waits for
    verification.
    """
    dokumen = store_uploads(form.pop("dokumen"))
    request_data = {"actor": Actor.anonymous(client_ip()), **form, "dokumen": dokumen}
    return call(REGISTER_PENYEDIA, request_data), 201


@blp.route("/penyedia/resubmit", methods=["POST"])
@blp.arguments(PenyediaResubmitSchema, location="multipart")
@blp.response(200, PenyediaRegisteredSchema)
@errors(blp, 400, 401, 409, 413, 415, 503)
@idempotent(blp)
def resubmit_penyedia(form: dict[str, Any]) -> Any:
    """Resubmit a rejected registration (public)

    A rejected penyedia proves who it is with its login name and password (it cannot
    sign in yet), corrects fields and may add documents (`dokumen_<jenis>` files, as
    in registration). The registration waits for verification again.
    """
    dokumen = store_uploads(form.pop("dokumen"))
    request_data = {"actor": Actor.anonymous(client_ip()), **form, "dokumen": dokumen}
    return call(RESUBMIT_PENYEDIA, request_data)


@blp.route("/penyedia", methods=["GET"])
@authenticated(blp)
@blp.arguments(PenyediaListQuerySchema, location="query")
@blp.response(200, PenyediaPagePublicSchema)
@errors(blp, 503)
def list_penyedia(query: dict[str, Any]) -> Any:
    """List penyedia

    Staff only (e.g. the Verifikator's queue: `status=menunggu_verifikasi`). Filter by
    `status` and a search text `q`; paged with `page` and `per_page`.
    """
    return call(LIST_PENYEDIA, {"actor": current_actor(), **without_none(query)})


@blp.route("/penyedia/<id:penyedia_id>", methods=["GET"])
@authenticated(blp)
@blp.response(200, PenyediaPublicSchema)
@errors(blp, 404, 503)
def get_penyedia(penyedia_id: str) -> Any:
    """Get a penyedia

    Staff, or the penyedia itself: identity, documents and status history.
    """
    return call(GET_PENYEDIA, {"actor": current_actor(), "penyedia_id": penyedia_id})


@blp.route("/penyedia/<id:penyedia_id>/dokumen/<sha256>", methods=["GET"])
@authenticated(blp)
@blp.response(200, {"type": "string", "format": "binary"},
              content_type="application/octet-stream",
              description="The file, with its own type (PDF, JPEG or PNG)")
@errors(blp, 404, 503)
def get_dokumen(penyedia_id: str, sha256: str) -> Any:
    """Download a registration document

    Allowed when registrasi says this actor may see this penyedia's document; the
    file is sent as an attachment with its original name.
    """
    if not SHA256_RE.match(sha256):
        raise NotFound("DOKUMEN_NOT_FOUND", "document not found")
    ref = call(GET_DOKUMEN, {"actor": current_actor(), "penyedia_id": penyedia_id,
                             "sha256": sha256})
    return send_dokumen(ref)


# --------------------------------------------------------------------------- uploads
def store_uploads(files: list[tuple[JenisDokumen, FileStorage]]
                  ) -> list[dict[str, Any]]:
    """Check and store every file; returns the references for the RPC request."""
    return [{"jenis": jenis, **store_upload(part, f"dokumen_{jenis.value}",
                                            jenis.value)}
            for jenis, part in files]
