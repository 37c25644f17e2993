"""Planning before a lelang (DOMAIN §5): RUP, the e-procurement threshold (ambang
batas, Pasal 22(1)) and paket with their Pokja."""

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
    without_none,
)
from gateway.routes.lelang_common import ACTION_ERRORS, READ_ERRORS
from gateway.schemas.lelang import (
    AmbangBatasCreateSchema,
    AmbangBatasListQuerySchema,
    AmbangBatasPublicSchema,
    PaketCreateSchema,
    PaketListQuerySchema,
    PaketPagePublicSchema,
    PaketPokjaSchema,
    PaketPublicSchema,
    RupCreateSchema,
    RupListQuerySchema,
    RupPagePublicSchema,
    RupPublicSchema,
)
from services.common.contracts.lelang import (
    ASSIGN_POKJA,
    CREATE_PAKET,
    CREATE_RUP,
    GET_PAKET,
    LIST_AMBANG_BATAS,
    LIST_PAKET,
    LIST_RUP,
    SET_AMBANG_BATAS,
)

blp = ApiBlueprint("paket", __name__, url_prefix=API_PREFIX,
                   description="RUP, ambang batas and paket (planning)")


@blp.route("/rup", methods=["GET"])
@blp.arguments(RupListQuerySchema, location="query")
@blp.response(200, RupPagePublicSchema)
@errors(blp, 503)
def list_rup(query: dict[str, Any]) -> Any:
    """List RUP (public)

    The announced procurement plans (Rencana Umum Pengadaan). Filter by
    `agency_id`, `tahun_anggaran`, `kategori` and a search text `q`; paged.
    """
    return call(LIST_RUP, without_none(query))


@blp.route("/rup", methods=["POST"])
@authenticated(blp)
@blp.arguments(RupCreateSchema)
@blp.response(201, RupPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def create_rup(data: dict[str, Any]) -> Any:
    """Announce a RUP

    PA/KPA of an agency announce a procurement plan of their agency; it is public
    at once.
    """
    return call(CREATE_RUP, {"actor": current_actor(), **data}), 201


@blp.route("/ambang-batas", methods=["GET"])
@blp.arguments(AmbangBatasListQuerySchema, location="query")
@blp.response(200, AmbangBatasPublicSchema(many=True))
@errors(blp, 503)
def list_ambang_batas(query: dict[str, Any]) -> Any:
    """List the e-procurement thresholds (public)

    Per agency and budget year: packages above `nilai_minimum` go through
    e-procurement (Perbup 30/2012 Pasal 22(1)). Filter by `agency_id`.
    """
    return call(LIST_AMBANG_BATAS, without_none(query))


@blp.route("/ambang-batas", methods=["POST"])
@authenticated(blp)
@blp.arguments(AmbangBatasCreateSchema)
@blp.response(200, AmbangBatasPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def set_ambang_batas(data: dict[str, Any]) -> Any:
    """Set the e-procurement threshold

    For the actor's agency and a budget year (PA/KPA only); replaces
    an earlier value of that year.
    """
    return call(SET_AMBANG_BATAS, {"actor": current_actor(), **data})


@blp.route("/paket", methods=["POST"])
@authenticated(blp)
@blp.arguments(PaketCreateSchema)
@blp.response(201, PaketPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def create_paket(data: dict[str, Any]) -> Any:
    """Create a paket

    The PPK creates a package, usually from a RUP, with its HPS (at most the
    pagu; a breakdown, when given, must add up to it) and its documents.
    """
    return call(CREATE_PAKET, {"actor": current_actor(), **data}), 201


@blp.route("/paket", methods=["GET"])
@authenticated(blp)
@blp.arguments(PaketListQuerySchema, location="query")
@blp.response(200, PaketPagePublicSchema)
@errors(blp, 503)
def list_paket(query: dict[str, Any]) -> Any:
    """List paket

    The packages this actor may see (its agency's, or those it is PPK or Pokja
    of). Filter by `agency_id`, `tahun_anggaran` and `di_bawah_ambang`; paged.
    """
    return call(LIST_PAKET, {"actor": current_actor(), **without_none(query)})


@blp.route("/paket/<id:paket_id>", methods=["GET"])
@authenticated(blp)
@blp.response(200, PaketPublicSchema)
@errors(blp, *READ_ERRORS)
def get_paket(paket_id: str) -> Any:
    """Get a paket

    The HPS breakdown (`rincian_hps`) only for its PPK and Pokja.
    """
    return call(GET_PAKET, {"actor": current_actor(), "paket_id": paket_id})


@blp.route("/paket/<id:paket_id>/pokja", methods=["POST"])
@authenticated(blp)
@blp.arguments(PaketPokjaSchema)
@blp.response(200, PaketPublicSchema)
@errors(blp, *ACTION_ERRORS)
@idempotent(blp)
def assign_pokja(data: dict[str, Any], paket_id: str) -> Any:
    """Assign the Pokja of a paket

    Its PPK (or the Admin Agency) names the Pokja members: active Pokja users of
    the agency, not the PPK itself. Not once the paket is tendered.
    """
    request = {"actor": current_actor(), "paket_id": paket_id, **data}
    return call(ASSIGN_POKJA, request)
