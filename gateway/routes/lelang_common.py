"""What the lelang route modules share: public routes with an optional login, and
the error statuses they document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.auth import current_actor_or_anonymous
from gateway.routes._common import BEARER, ApiBlueprint, errors
from services.common.auth import Actor
from services.common.errors import Unauthenticated

#: a state change: not found, wrong state or stage, bad content, unavailable
ACTION_ERRORS = (400, 404, 409, 415, 422, 503)
READ_ERRORS = (404, 503)
#: no token (the public), or a bearer token that must then be valid
OPTIONAL_BEARER = [{}, *BEARER]


def optional_login(blp: ApiBlueprint) -> Callable[[Any], Any]:
    """Document a public route that also takes a login (then it may show more)."""

    def decorator(view: Any) -> Any:
        return blp.doc(security=OPTIONAL_BEARER)(errors(blp, 401, 403)(view))

    return decorator


def public_actor(*, login_required: bool = False) -> Actor:
    """The signed-in actor, or the anonymous public with its address.

    A request that sends an ``Authorization`` header must send a valid token (401).
    """
    actor = current_actor_or_anonymous()
    if login_required and actor.is_anonymous:
        raise Unauthenticated("UNAUTHENTICATED", "authentication required")
    return actor
