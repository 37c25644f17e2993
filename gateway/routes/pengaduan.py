"""Complaints (pengaduan, Perbup 30/2012 Pasal 17) and deviation reports
(penyimpangan, Pasal 18).

Anyone files a complaint, anonymously if they wish: ``multipart/form-data`` with the
evidence as files in the repeatable field ``bukti``. Every file is checked (size,
emptiness, type sniffed from its content) and stored in the blob store before the
RPC; only references travel to pengaduan. The answer carries the tracking code and
the secret, once; the complainant follows the complaint with both (``POST
/pengaduan/lacak``, so the secret is never in a URL). Who may read or handle what
is pengaduan's access rule (LPSE staff handle; the lelang's parties and Auditors
read; the whistleblower's identity stays protected).
"""

from __future__ import annotations

from typing import Any

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
from gateway.routes.dokumen import store_dokumen
from gateway.routes.lelang_common import (
    ACTION_ERRORS,
    READ_ERRORS,
    optional_login,
    public_actor,
)
from gateway.schemas.pengaduan import (
    PelacakanCreateSchema,
    PelacakanPublicSchema,
    PengaduanCreateSchema,
    PengaduanListQuerySchema,
    PengaduanPagePublicSchema,
    PengaduanPublicSchema,
    PengaduanReceiptPublicSchema,
    PengaduanStatusCreateSchema,
    PenyimpanganCreateSchema,
    PenyimpanganListQuerySchema,
    PenyimpanganPagePublicSchema,
    PenyimpanganPublicSchema,
)
from services.common.auth import Actor
from services.common.contracts.pengaduan import (
    CHANGE_PENGADUAN_STATUS,
    FILE_PENGADUAN,
    GET_PENGADUAN,
    GET_PENYIMPANGAN,
    LIST_PENGADUAN,
    LIST_PENYIMPANGAN,
    REPORT_PENYIMPANGAN,
    TRACK_PENGADUAN,
)

blp = ApiBlueprint("pengaduan", __name__, url_prefix=API_PREFIX,
                   description="Complaints (pengaduan) and deviation reports "
                               "(penyimpangan)")

#: the answer holds the secret (or the progress it unlocks): never kept by a cache
NO_STORE = {"Cache-Control": "no-store"}


# ------------------------------------------------------------------ pengaduan
@blp.route("/pengaduan", methods=["POST"])
@optional_login(blp)
@blp.arguments(PengaduanCreateSchema, location="multipart")
@blp.response(201, PengaduanReceiptPublicSchema)
@errors(blp, 400, 413, 415, 422, 503)
@idempotent(blp)
def file_pengaduan(form: dict[str, Any]) -> Any:
    """File a complaint (public)

    `multipart/form-data`: `jenis` (`lelang` needs `lelang_id`; `kkn` protects the
    identity), `uraian`, optionally `anonim=true` (then no `nama_pelapor` or
    `kontak`), otherwise the name (required of the public) and a contact, and
    evidence files in the repeatable field `bukti` (PDF, JPEG or PNG by content,
    each at most `UPLOAD_MAX_BYTES`, at most 10). With a login the complaint is also
    the account's. Answers the tracking code and the secret (`rahasia`), shown
    ONCE: a retry with the same `Idempotency-Key` answers without it.
    """
    actor = public_actor()
    dokumen = [store_dokumen(part, "bukti") for part in form.pop("bukti")]
    request_data = {"actor": actor, **without_none(form), "dokumen": dokumen}
    return call(FILE_PENGADUAN, request_data), 201, NO_STORE


@blp.route("/pengaduan/lacak", methods=["POST"])
@blp.arguments(PelacakanCreateSchema)
@blp.response(200, PelacakanPublicSchema)
@errors(blp, 404, 415, 422, 503)
def track_pengaduan(data: dict[str, Any]) -> Any:
    """Follow a complaint (public)

    JSON `{kode_pelacakan, rahasia}` as given at filing (a POST, so the secret is
    in no URL or access log): the status and every step with the answers given,
    without internal notes or names. A wrong code or secret is 404. Never cached.
    """
    request_data = {"actor": Actor.anonymous(client_ip()), **data}
    return call(TRACK_PENGADUAN, request_data), 200, NO_STORE


@blp.route("/pengaduan", methods=["GET"])
@authenticated(blp)
@blp.arguments(PengaduanListQuerySchema, location="query")
@blp.response(200, PengaduanPagePublicSchema)
@errors(blp, 503)
def list_pengaduan(query: dict[str, Any]) -> Any:
    """List complaints

    LPSE staff and Auditors see every complaint; others the ones they filed and
    those about their lelang. Filter by `status`, `jenis` and `lelang_id`; paged
    with `page` and `per_page`.
    """
    return call(LIST_PENGADUAN, {"actor": current_actor(), **without_none(query)})


@blp.route("/pengaduan/<id:pengaduan_id>", methods=["GET"])
@authenticated(blp)
@blp.response(200, PengaduanPublicSchema)
@errors(blp, *READ_ERRORS)
def get_pengaduan(pengaduan_id: str) -> Any:
    """Get a complaint

    As the access rule lets this actor see it: the identity of an anonymous or a
    `kkn` complaint only to LPSE staff, internal notes and the forwarding log only
    to LPSE staff and Auditors. A complaint the actor may not read is 404.
    """
    return call(GET_PENGADUAN, {"actor": current_actor(),
                                "pengaduan_id": pengaduan_id})


@blp.route("/pengaduan/<id:pengaduan_id>/status", methods=["POST"])
@authenticated(blp)
@blp.arguments(PengaduanStatusCreateSchema)
@blp.response(200, PengaduanPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def change_pengaduan_status(data: dict[str, Any], pengaduan_id: str) -> Any:
    """Move a complaint one step

    LPSE staff (Helpdesk, Admin PPE): `diperiksa` with a `klasifikasi`,
    `diteruskan` with the `tujuan`, `ditindaklanjuti`, `selesai`, or `ditolak`
    with an `alasan`; optionally an internal `catatan` and a `tanggapan` for the
    complainant. A closed complaint does not move (409).
    """
    request_data = {"actor": current_actor(), "pengaduan_id": pengaduan_id,
                    **without_none(data)}
    return call(CHANGE_PENGADUAN_STATUS, request_data)


# ------------------------------------------------------------------ penyimpangan
@blp.route("/penyimpangan", methods=["POST"])
@authenticated(blp)
@blp.arguments(PenyimpanganCreateSchema)
@blp.response(201, PenyimpanganPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def report_penyimpangan(data: dict[str, Any]) -> Any:
    """Report a deviation in a lelang

    LPSE staff report what they found (Pasal 18), optionally from a complaint, with
    evidence uploaded first with `POST /api/v1/dokumen`. It goes to the agency's
    PA/KPA and the lelang's PPK, with a copy to the Inspektorat.
    """
    request_data = {"actor": current_actor(), **without_none(data)}
    return call(REPORT_PENYIMPANGAN, request_data), 201


@blp.route("/penyimpangan", methods=["GET"])
@authenticated(blp)
@blp.arguments(PenyimpanganListQuerySchema, location="query")
@blp.response(200, PenyimpanganPagePublicSchema)
@errors(blp, 503)
def list_penyimpangan(query: dict[str, Any]) -> Any:
    """List deviation reports

    LPSE staff and Auditors see every report; a PPK and a PA/KPA those addressed to
    them. Filter by `lelang_id`; paged with `page` and `per_page`.
    """
    return call(LIST_PENYIMPANGAN, {"actor": current_actor(), **without_none(query)})


@blp.route("/penyimpangan/<id:penyimpangan_id>", methods=["GET"])
@authenticated(blp)
@blp.response(200, PenyimpanganPublicSchema)
@errors(blp, *READ_ERRORS)
def get_penyimpangan(penyimpangan_id: str) -> Any:
    """Get a deviation report

    With the delivery state per addressee. For LPSE staff, Auditors and the
    addressees; any other actor gets 404.
    """
    return call(GET_PENYIMPANGAN, {"actor": current_actor(),
                                   "penyimpangan_id": penyimpangan_id})
