"""Agencies (SKPD, BUMD) and their satuan kerja."""

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
from gateway.schemas.agency import (
    AgencyCreateSchema,
    AgencyPublicSchema,
    SatkerCreateSchema,
    SatkerPublicSchema,
)
from services.common.contracts.registrasi import (
    CREATE_AGENCY,
    CREATE_SATKER,
    LIST_AGENCIES,
    LIST_SATKER,
)

blp = ApiBlueprint("agency", __name__, url_prefix=API_PREFIX,
                   description="Agencies (SKPD, BUMD; Pasal 6(2)) and satuan kerja")


@blp.route("/agency", methods=["GET"])
@blp.response(200, AgencyPublicSchema(many=True))
@errors(blp, 503)
def list_agencies() -> Any:
    """List agencies

    Every SKPD and BUMD of the kabupaten. Public.
    """
    return call(LIST_AGENCIES, {})


@blp.route("/agency", methods=["POST"])
@authenticated(blp)
@blp.arguments(AgencyCreateSchema)
@blp.response(201, AgencyPublicSchema)
@errors(blp, 400, 409, 415, 503)
@idempotent(blp)
def create_agency(data: dict[str, Any]) -> Any:
    """Create an agency

    Admin PPE only.
    """
    return call(CREATE_AGENCY, {"actor": current_actor(), **data}), 201


@blp.route("/agency/<id:agency_id>/satker", methods=["GET"])
@blp.response(200, SatkerPublicSchema(many=True))
@errors(blp, 404, 503)
def list_satker(agency_id: str) -> Any:
    """List an agency's satuan kerja

    Public.
    """
    return call(LIST_SATKER, {"agency_id": agency_id})


@blp.route("/agency/<id:agency_id>/satker", methods=["POST"])
@authenticated(blp)
@blp.arguments(SatkerCreateSchema)
@blp.response(201, SatkerPublicSchema)
@errors(blp, 400, 404, 409, 415, 503)
@idempotent(blp)
def create_satker(data: dict[str, Any], agency_id: str) -> Any:
    """Create a satuan kerja

    Admin PPE, or the Admin Agency of that agency.
    """
    return call(CREATE_SATKER, {"actor": current_actor(), "agency_id": agency_id,
                                **data}), 201
