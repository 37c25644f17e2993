"""The settable test clock; this blueprint is registered only when LPSE_ENV=test."""

from __future__ import annotations

from typing import Any

from gateway.context import ctx
from gateway.routes._common import API_PREFIX, ApiBlueprint, authenticated, errors
from gateway.schemas.common import TestClockPublicSchema, TestClockSchema
from services.common.auth import Role

blp = ApiBlueprint("test", __name__, url_prefix=f"{API_PREFIX}/_test",
                   description="Test deployments only (LPSE_ENV=test)")


def _state() -> dict[str, Any]:
    clock = ctx().clock
    return {"offset_seconds": clock.offset(), "now": clock.now()}


@blp.route("/clock", methods=["GET"])
@authenticated(blp, Role.ADMIN_PPE)
@blp.response(200, TestClockPublicSchema)
def get_clock() -> dict[str, Any]:
    """Read the test clock

    Admin PPE only. The offset added to real time and the resulting server time.
    """
    return _state()


@blp.route("/clock", methods=["POST"])
@authenticated(blp, Role.ADMIN_PPE)
@blp.arguments(TestClockSchema)
@blp.response(200, TestClockPublicSchema)
@errors(blp, 400, 415)
def set_clock(data: dict[str, Any]) -> dict[str, Any]:
    """Set the test clock

    Admin PPE only. Every process of this deployment (same `VAR_DIR`) runs
    `offset_seconds` ahead of real time from now on, so deadlines can be reached in
    seconds. This route does not exist unless `LPSE_ENV=test`.
    """
    ctx().clock.set_offset(data["offset_seconds"])
    return _state()
