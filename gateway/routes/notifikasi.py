"""Notifikasi: every user's in-app inbox (the notices notifikasi writes for each step
a user must act on, the same as the e-mails), and for LPSE operators the e-mail
deliveries with their state (Admin PPE and Helpdesk see them; Admin PPE requeues
failed ones)."""

from __future__ import annotations

from typing import Any

from gateway.auth import current_actor
from gateway.routes._common import (
    API_PREFIX,
    ApiBlueprint,
    authenticated,
    call,
    errors,
    without_none,
)
from gateway.schemas.notifikasi import (
    MarkReadCreateSchema,
    MarkReadPublicSchema,
    NotifikasiListQuerySchema,
    NotifikasiPagePublicSchema,
    PengirimanListQuerySchema,
    PengirimanPagePublicSchema,
    RetryCreateSchema,
    RetryPublicSchema,
    UnreadPublicSchema,
)
from services.common.contracts.notifikasi import (
    COUNT_UNREAD,
    LIST_NOTIFIKASI,
    LIST_PENGIRIMAN,
    MARK_READ,
    RETRY_PENGIRIMAN,
)

blp = ApiBlueprint("notifikasi", __name__, url_prefix=API_PREFIX,
                   description="The in-app inbox (notifikasi) and e-mail deliveries")

PRIVATE = {"Cache-Control": "private, no-store"}


@blp.route("/notifikasi", methods=["GET"])
@authenticated(blp)
@blp.arguments(NotifikasiListQuerySchema, location="query")
@blp.response(200, NotifikasiPagePublicSchema)
@errors(blp, 503)
def list_notifikasi(query: dict[str, Any]) -> Any:
    """My inbox, newest first

    The notices of the signed-in user (`belum_dibaca=true`: only the unread), with
    the number unread in all.
    """
    return call(LIST_NOTIFIKASI, {"actor": current_actor(), **query}), 200, PRIVATE


@blp.route("/notifikasi/belum-dibaca", methods=["GET"])
@authenticated(blp)
@blp.response(200, UnreadPublicSchema)
@errors(blp, 503)
def count_unread() -> Any:
    """How many of my notices are unread

    For a badge next to the inbox; cheap enough to ask on every page.
    """
    return call(COUNT_UNREAD, {"actor": current_actor()}), 200, PRIVATE


@blp.route("/notifikasi/dibaca", methods=["POST"])
@authenticated(blp)
@blp.arguments(MarkReadCreateSchema)
@blp.response(200, MarkReadPublicSchema)
@errors(blp, 422, 503)
def mark_read(data: dict[str, Any]) -> Any:
    """Mark notices read

    `notifikasi_ids` (my notices; others' ids change nothing) or `semua=true`.
    Repeatable: marking a read notice again changes nothing.
    """
    return call(MARK_READ, {"actor": current_actor(), **without_none(data)})


@blp.route("/notifikasi/pengiriman", methods=["GET"])
@authenticated(blp, "admin_ppe", "helpdesk")
@blp.arguments(PengirimanListQuerySchema, location="query")
@blp.response(200, PengirimanPagePublicSchema)
@errors(blp, 503)
def list_pengiriman(query: dict[str, Any]) -> Any:
    """E-mail deliveries (Admin PPE, Helpdesk)

    Newest first, optionally of one state (`gagal`: given up after the retries),
    with the number per state.
    """
    return call(LIST_PENGIRIMAN, {"actor": current_actor(), **without_none(query)})


@blp.route("/notifikasi/pengiriman/ulang", methods=["POST"])
@authenticated(blp, "admin_ppe")
@blp.arguments(RetryCreateSchema)
@blp.response(200, RetryPublicSchema)
@errors(blp, 422, 503)
def retry_pengiriman(data: dict[str, Any]) -> Any:
    """Requeue failed e-mails (Admin PPE)

    `pengiriman_ids` or `semua_gagal=true`; each gets a fresh set of attempts.
    """
    return call(RETRY_PENGIRIMAN, {"actor": current_actor(), **without_none(data)})
