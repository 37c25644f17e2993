"""Verification and status changes of penyedia (DOMAIN §4.2); the public blacklist."""

from __future__ import annotations

from typing import Any

from gateway.auth import current_actor
from gateway.routes._common import (
    API_PREFIX,
    ApiBlueprint,
    authenticated,
    call,
    errors,
    idempotent,
)
from gateway.schemas.penyedia import (
    DaftarHitamPublicSchema,
    PenyediaBlacklistSchema,
    PenyediaPublicSchema,
    PenyediaReasonSchema,
    PenyediaVerifySchema,
)
from services.common.contracts.registrasi import (
    BLACKLIST_PENYEDIA,
    DEACTIVATE_PENYEDIA,
    LIST_DAFTAR_HITAM,
    REACTIVATE_PENYEDIA,
    REJECT_PENYEDIA,
    VERIFY_PENYEDIA,
)

blp = ApiBlueprint("verifikasi", __name__, url_prefix=API_PREFIX,
                   description="Verification, deactivation, blacklisting of penyedia")

ACTION_ERRORS = (400, 404, 409, 415, 503)


def _change(contract: Any, data: dict[str, Any], penyedia_id: str) -> Any:
    request = {"actor": current_actor(), "penyedia_id": penyedia_id, **data}
    return call(contract, request)


@blp.route("/penyedia/<id:penyedia_id>/verify", methods=["POST"])
@authenticated(blp)
@blp.arguments(PenyediaVerifySchema)
@blp.response(200, PenyediaPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def verify_penyedia(data: dict[str, Any], penyedia_id: str) -> Any:
    """Verify a registration

    Verifikator only, after checking the documents (list their `sha256` in
    `dokumen_diperiksa`). The penyedia can sign in from now on.
    """
    return _change(VERIFY_PENYEDIA, data, penyedia_id)


@blp.route("/penyedia/<id:penyedia_id>/reject", methods=["POST"])
@authenticated(blp)
@blp.arguments(PenyediaReasonSchema)
@blp.response(200, PenyediaPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def reject_penyedia(data: dict[str, Any], penyedia_id: str) -> Any:
    """Reject a registration

    Verifikator only, with a reason the penyedia sees; it may resubmit.
    """
    return _change(REJECT_PENYEDIA, data, penyedia_id)


@blp.route("/penyedia/<id:penyedia_id>/deactivate", methods=["POST"])
@authenticated(blp)
@blp.arguments(PenyediaReasonSchema)
@blp.response(200, PenyediaPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def deactivate_penyedia(data: dict[str, Any], penyedia_id: str) -> Any:
    """Deactivate a penyedia

    Its sessions stop working.
    """
    return _change(DEACTIVATE_PENYEDIA, data, penyedia_id)


@blp.route("/penyedia/<id:penyedia_id>/blacklist", methods=["POST"])
@authenticated(blp)
@blp.arguments(PenyediaBlacklistSchema)
@blp.response(200, PenyediaPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def blacklist_penyedia(data: dict[str, Any], penyedia_id: str) -> Any:
    """Put a penyedia on the blacklist

    Only on the written request of a PA, KPA, PPK, Pokja or Pejabat Pengadaan
    (`permintaan`, Pasal 12(4)), with a reason. Its sessions stop working and it
    appears on the public blacklist.
    """
    return _change(BLACKLIST_PENYEDIA, data, penyedia_id)


@blp.route("/penyedia/<id:penyedia_id>/reactivate", methods=["POST"])
@authenticated(blp)
@blp.arguments(PenyediaReasonSchema)
@blp.response(200, PenyediaPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def reactivate_penyedia(data: dict[str, Any], penyedia_id: str) -> Any:
    """Reactivate a penyedia

    From deactivated or blacklisted, with a reason.
    """
    return _change(REACTIVATE_PENYEDIA, data, penyedia_id)


@blp.route("/daftar-hitam", methods=["GET"])
@blp.response(200, DaftarHitamPublicSchema(many=True))
@errors(blp, 503)
def list_daftar_hitam() -> Any:
    """The public blacklist

    Penyedia currently blacklisted: name, NPWP, reason and period. Public.
    """
    return call(LIST_DAFTAR_HITAM, {})
