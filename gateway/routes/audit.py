"""The audit trail of account actions (read-only)."""

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
from gateway.schemas.audit import AuditPagePublicSchema, AuditQuerySchema
from services.common.contracts.registrasi import LIST_AUDIT

blp = ApiBlueprint("audit", __name__, url_prefix=API_PREFIX,
                   description="Audit trail of account actions")


@blp.route("/audit", methods=["GET"])
@authenticated(blp)
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPagePublicSchema)
@errors(blp, 503)
def list_audit(query: dict[str, Any]) -> Any:
    """Read the audit trail

    Admin PPE and Auditor only. Who did what, when and from which address; entries
    are hash-chained and cannot be changed through any API.
    """
    return call(LIST_AUDIT, {"actor": current_actor(), **without_none(query)})
