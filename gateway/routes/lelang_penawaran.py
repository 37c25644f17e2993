"""Sealed bids (penawaran): upload, withdrawal, receipts, the opening, opened files.

A bid is stored only as ciphertext (format LPSESEAL1, ``services.common.sealing``)
for the lelang's public key of its sampul:

* a file that already starts with ``LPSESEAL1`` was sealed by the client; it must be
  for this sampul's key and is stored unchanged;
* any other file is sealed while it is written to the blob store. Its multipart
  part is parsed into memory (:func:`in_memory_uploads`), so the plain bytes never
  touch the disk;
* a plain ``harga`` is sealed into ``harga_sealed`` (JSON ``{"harga": "..."}``).

The public keys come from GET_LELANG and are cached per app: a lelang's keys never
change once it is announced.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import io
import json
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from werkzeug.datastructures import FileStorage

from gateway.auth import current_actor
from gateway.context import ctx
from gateway.errors import InternalError
from gateway.routes._common import (
    API_PREFIX,
    ApiBlueprint,
    authenticated,
    call,
    errors,
    idempotency_key,
    idempotent,
    without_none,
)
from gateway.routes.lelang import change
from gateway.routes.lelang_common import ACTION_ERRORS, READ_ERRORS
from gateway.schemas.lelang_proses import (
    PembukaanPublicSchema,
    PenawaranCreateSchema,
    PenawaranListQuerySchema,
    PenawaranOpenSchema,
    PenawaranPublicSchema,
    TandaTerimaPublicSchema,
)
from gateway.uploads import SHA256_RE, clean_filename, send_dokumen
from services.common import sealing
from services.common.auth import Actor
from services.common.blobstore import BlobRef
from services.common.contracts.lelang import (
    GET_LELANG,
    LIST_PENAWARAN,
    LIST_TANDA_TERIMA,
    OPEN_PENAWARAN,
    SUBMIT_PENAWARAN,
    WITHDRAW_PENAWARAN,
    Sampul,
    StatusLelang,
)
from services.common.errors import BadRequest, Conflict, NotFound

blp = ApiBlueprint("penawaran", __name__, url_prefix=API_PREFIX,
                   description="Sealed bids: upload, receipts, opening")

PRICED = (Sampul.SINGLE, Sampul.FILE_2)
KEY_CACHE = "lpse.lelang_public_keys"
MAX_CACHED_KEYS = 10_000
TAG_SIZE = sealing.RECORD_SIZE - sealing.CHUNK_SIZE


# --------------------------------------------------------------------------- routes
def in_memory_uploads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Parse this request's multipart files into memory, never a temporary file.

    werkzeug spools a part above 500 KiB to disk; a plain bid must not be written
    anywhere before it is sealed. The request size is bounded by
    ``MAX_CONTENT_LENGTH`` (``UPLOAD_MAX_BYTES`` plus headroom).
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        request._get_file_stream = _memory_stream  # type: ignore[method-assign]
        return view(*args, **kwargs)

    return wrapper


def _memory_stream(*args: Any, **kwargs: Any) -> io.BytesIO:
    return io.BytesIO()


@blp.route("/lelang/<id:lelang_id>/penawaran", methods=["POST"])
@authenticated(blp)
@in_memory_uploads
@blp.arguments(PenawaranCreateSchema, location="multipart")
@blp.response(201, TandaTerimaPublicSchema)
@errors(blp, *ACTION_ERRORS, 413)
@idempotent(blp)
def submit_penawaran(form: dict[str, Any], lelang_id: str) -> Any:
    """Submit a sealed bid

    `multipart/form-data`: `sampul`, the file `dokumen` and, for `single` and
    `file_2`, the price as `harga` (decimal string, sealed here) or `harga_sealed`
    (sealed by the client). A file already sealed by the client (LPSESEAL1, for
    this sampul's key in `kunci_publik` of the lelang) is stored unchanged; any
    other file is sealed on arrival, so only ciphertext is ever stored. A new
    upload replaces the bid of that sampul until the deadline. Answers the signed
    receipt (tanda terima).
    """
    return call(SUBMIT_PENAWARAN, penawaran_request(form, lelang_id)), 201


@blp.route("/lelang/<id:lelang_id>/penawaran/<sampul:sampul>/tarik", methods=["POST"])
@authenticated(blp)
@blp.response(200, TandaTerimaPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def withdraw_penawaran(lelang_id: str, sampul: Sampul) -> Any:
    """Withdraw a bid

    Before the deadline the bidder withdraws its bid of one sampul; the receipt
    shows it withdrawn.
    """
    return change(WITHDRAW_PENAWARAN, lelang_id, {"sampul": sampul})


@blp.route("/lelang/<id:lelang_id>/tanda-terima", methods=["GET"])
@authenticated(blp)
@blp.response(200, TandaTerimaPublicSchema(many=True))
@errors(blp, *READ_ERRORS)
def list_tanda_terima(lelang_id: str) -> Any:
    """List my receipts

    Every receipt of the bidder for this lelang (uploads and withdrawals).
    """
    return call(LIST_TANDA_TERIMA, {"actor": current_actor(), "lelang_id": lelang_id})


@blp.route("/lelang/<id:lelang_id>/pembukaan", methods=["POST"])
@authenticated(blp)
@blp.arguments(PenawaranOpenSchema)
@blp.response(200, PembukaanPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def open_penawaran(data: dict[str, Any], lelang_id: str) -> Any:
    """Open the bids of a sampul

    The Pokja opens one sampul at its opening stage: every bid is decrypted
    (File II only of bidders who passed File I) and its price revealed.
    """
    return change(OPEN_PENAWARAN, lelang_id, data)


@blp.route("/lelang/<id:lelang_id>/penawaran", methods=["GET"])
@authenticated(blp)
@blp.arguments(PenawaranListQuerySchema, location="query")
@blp.response(200, PenawaranPublicSchema(many=True))
@errors(blp, *READ_ERRORS)
def list_penawaran(query: dict[str, Any], lelang_id: str) -> Any:
    """List the opened bids

    For the Pokja (and PPK, PA/KPA, Auditors) once a sampul is opened; `sampul`
    picks one (without it every sampul must be open).
    """
    request_data = {"actor": current_actor(), "lelang_id": lelang_id}
    return call(LIST_PENAWARAN, {**request_data, **without_none(query)})


@blp.route("/lelang/<id:lelang_id>/penawaran/dokumen/<sha256>", methods=["GET"])
@authenticated(blp)
@blp.arguments(PenawaranListQuerySchema, location="query")
@blp.response(200, {"type": "string", "format": "binary"},
              content_type="application/octet-stream",
              description="The opened file, with its own type")
@errors(blp, *READ_ERRORS)
def get_penawaran_dokumen(query: dict[str, Any], lelang_id: str, sha256: str) -> Any:
    """Download an opened bid file

    Only a file that the list of opened bids shows this actor (`dokumen.sha256`);
    pass `sampul` while another sampul is still sealed. Sent as an attachment,
    never cached.
    """
    if not SHA256_RE.match(sha256):
        raise NotFound("DOKUMEN_NOT_FOUND", "document not found")
    items = call(LIST_PENAWARAN, {"actor": current_actor(), "lelang_id": lelang_id,
                                  **without_none(query)})
    dokumen = next((p["dokumen"] for p in items
                    if p.get("dokumen") and p["dokumen"]["sha256"] == sha256), None)
    if dokumen is None:
        raise NotFound("DOKUMEN_NOT_FOUND", "no opened bid file with this sha256")
    return send_dokumen(dokumen)


# --------------------------------------------------------------------------- sealing
def penawaran_request(form: dict[str, Any], lelang_id: str) -> dict[str, Any]:
    """Check the price fields, seal and store the file and the price; the
    SUBMIT_PENAWARAN request."""
    sampul: Sampul = form["sampul"]
    check_price(sampul, form.get("harga"), form.get("harga_sealed"))
    key = public_key(lelang_id, sampul)
    part: FileStorage = form["dokumen"]
    seeds = retry_seeds(lelang_id, sampul, part, form.get("harga"))
    ref = store_penawaran(part, key, seeds["file"])
    return {"actor": current_actor(), "lelang_id": lelang_id, "sampul": sampul,
            "sha256": ref.sha256, "size": ref.size,
            "filename": clean_filename(part.filename or "") or None,
            "harga_sealed": seal_price(key, form.get("harga"), seeds["harga"])
            or form.get("harga_sealed")}


def retry_seeds(lelang_id: str, sampul: Sampul, part: FileStorage,
                harga: Any) -> dict[str, bytes]:
    """Seeds that make a retry (same Idempotency-Key, same file and price, same
    bidder) seal to the same bytes, so the service answers it with the first
    receipt instead of ``IDEMPOTENCY_KEY_REUSED``.

    They are HMACs under a key derived from ``JWT_SECRET`` over the plain file's
    SHA-256 and the price: nobody without the secret *and* the exact bid file can
    recompute them, and a different file or price gives different seeds (never the
    same AES-GCM key for two plaintexts). Without an Idempotency-Key header every
    request has a fresh key, so the sealing is as random as ever.
    """
    stream = part.stream
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    secret = hmac.new((ctx().settings.jwt_secret or "").encode(),
                      b"lpse-seal-seed-v1", hashlib.sha256).digest()
    actor = current_actor()
    base = hmac.new(secret, "\x00".join([
        lelang_id, sampul.value, actor.user_id or "", idempotency_key(),
        digest.hexdigest(), "" if harga is None else str(harga)]).encode(),
        hashlib.sha256).digest()
    return {name: hmac.new(base, name.encode(), hashlib.sha256).digest()
            for name in ("file", "harga")}


def check_price(sampul: Sampul, harga: Any, harga_sealed: str | None) -> None:
    """Exactly one of ``harga`` and ``harga_sealed`` for a priced sampul, none for
    File I; checked before anything is stored."""
    given = [name for name, value in (("harga", harga), ("harga_sealed", harga_sealed))
             if value is not None]
    if len(given) == 2:
        raise BadRequest("HARGA_AMBIGUOUS", "send harga or harga_sealed, not both",
                         {"fields": given})
    if sampul in PRICED and not given:
        raise BadRequest("HARGA_REQUIRED", "the bid price is required",
                         {"sampul": sampul.value})
    if sampul not in PRICED and given:
        raise BadRequest("HARGA_NOT_ALLOWED", "File I carries no price",
                         {"sampul": sampul.value, "fields": given})


def public_key(lelang_id: str, sampul: Sampul) -> bytes:
    """The raw X25519 public key of a lelang's sampul (cached: it never changes)."""
    cache: dict[tuple[str, str], bytes] = current_app.extensions.setdefault(
        KEY_CACHE, {})
    key = cache.get((lelang_id, sampul.value))
    if key is None:
        lelang = call(GET_LELANG, {"actor": Actor.anonymous(), "lelang_id": lelang_id})
        key = _key_of(lelang, sampul)
        if len(cache) >= MAX_CACHED_KEYS:
            cache.clear()
        cache[(lelang_id, sampul.value)] = key
    return key


def _key_of(lelang: dict[str, Any], sampul: Sampul) -> bytes:
    published = {Sampul(k["sampul"]): k["public_key"] for k in lelang["kunci_publik"]}
    if sampul in published:
        try:
            return sealing.public_key_from_b64(published[sampul])
        except sealing.SealError as exc:
            raise InternalError("INTERNAL_ERROR", f"bad public key: {exc}") from exc
    if not published or lelang["status"] is StatusLelang.DRAFT:
        raise Conflict("LELANG_NOT_ANNOUNCED", "the lelang is not announced yet",
                       {"lelang_id": lelang["lelang_id"]})
    raise BadRequest("SAMPUL_NOT_IN_METODE", "this method has no such sampul",
                     {"sampul": sampul.value, "metode": str(lelang["metode"])})


def store_penawaran(part: FileStorage, key: bytes,
                    seed: bytes | None = None) -> BlobRef:
    """Store a client-sealed file as it is, or seal a plain one while storing it."""
    stream, limit = part.stream, ctx().settings.upload_max_bytes
    head = stream.read(sealing.HEADER_SIZE)
    stream.seek(0)
    try:
        if head.startswith(sealing.MAGIC):
            check_sealed_for(head, key)
            return ctx().blobs.put(stream, max_bytes=sealed_size(limit),
                                   allowed=(sealing.SEALED_CONTENT_TYPE,))
        return ctx().blobs.put_sealed(stream, key, max_bytes=limit,
                                      ephemeral_seed=seed)[0]
    except BadRequest as exc:
        raise type(exc)(exc.code, exc.message, {
            **exc.details, "field": "dokumen",
            "filename": clean_filename(part.filename or "")}) from exc


def check_sealed_for(head: bytes, key: bytes) -> None:
    try:
        header = sealing.read_header(head)
    except sealing.SealError:
        raise BadRequest("PENAWARAN_NOT_SEALED", "the file is not sealed (LPSESEAL1)",
                         {"what": "file"}) from None
    expected = sealing.key_id(key)
    if header.key_id != expected:
        raise BadRequest("PENAWARAN_KEY_MISMATCH", "the file was sealed for another "
                         "key", {"what": "file", "expected_key_id": expected,
                                 "key_id": header.key_id})


def sealed_size(plain_max: int) -> int:
    """The largest sealed file holding at most ``plain_max`` plaintext bytes."""
    chunks = max(1, -(-plain_max // sealing.CHUNK_SIZE))
    return sealing.HEADER_SIZE + plain_max + chunks * TAG_SIZE


def seal_price(key: bytes, harga: Any, seed: bytes | None = None) -> str | None:
    """``base64(LPSESEAL1({"harga": "..."}))``, or None without a price."""
    if harga is None:
        return None
    plain = json.dumps({"harga": str(harga)}).encode("utf-8")
    sealed = sealing.seal_bytes(key, plain, ephemeral_seed=seed)
    return base64.b64encode(sealed).decode("ascii")
