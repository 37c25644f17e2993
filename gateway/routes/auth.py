"""Login, logout, password change and the signed-in actor."""

from __future__ import annotations

from typing import Any

from gateway.auth import bearer_token, client_ip, current_actor
from gateway.context import ctx
from gateway.routes._common import (
    API_PREFIX,
    ApiBlueprint,
    authenticated,
    call,
    errors,
    idempotent,
)
from gateway.schemas.auth import (
    ActorPublicSchema,
    LoginPublicSchema,
    LoginSchema,
    PasswordChangeSchema,
)
from gateway.schemas.common import OkSchema
from services.common.auth import Actor
from services.common.contracts.registrasi import CHANGE_PASSWORD, LOGIN, LOGOUT

blp = ApiBlueprint("auth", __name__, url_prefix=API_PREFIX,
                   description="Sign in and out; the signed-in actor")


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, LoginPublicSchema)
@errors(blp, 400, 401, 403, 415, 429, 503)
def login(data: dict[str, Any]) -> Any:
    """Sign in

    Returns a signed token for `Authorization: Bearer <token>`. Wrong credentials give
    401 `LOGIN_FAILED`; too many failures 429 `LOGIN_RATE_LIMITED`; a penyedia that is
    not (or no longer) verified, or a deactivated user, cannot sign in (403
    `PENYEDIA_NOT_ACTIVE`, `USER_NOT_ACTIVE`).
    """
    return call(LOGIN, {**data, "ip": client_ip()})


@blp.route("/auth/logout", methods=["POST"])
@authenticated(blp, password_change_pending_ok=True)
@blp.response(200, OkSchema)
@errors(blp, 503)
def logout() -> Any:
    """Sign out

    Revokes the session of the token: it stops working at once on this gateway
    process and within `AUTH_CACHE_SECONDS` (default 2 s) on every other.
    """
    result = call(LOGOUT, {"actor": current_actor()})
    token = bearer_token()
    if token:
        ctx().authenticator.forget(token)
    return result


@blp.route("/auth/password", methods=["POST"])
@authenticated(blp, password_change_pending_ok=True)
@blp.arguments(PasswordChangeSchema)
@blp.response(200, OkSchema)
@errors(blp, 400, 415, 503)
@idempotent(blp)
def change_password(data: dict[str, Any]) -> Any:
    """Change one's password

    The new password needs at least 8 characters, must not be a common one nor the
    login name (422 `PASSWORD_TOO_SHORT`, `PASSWORD_TOO_COMMON`, ...); a wrong old
    password is 403 `OLD_PASSWORD_INCORRECT`.
    """
    result = call(CHANGE_PASSWORD, {"actor": current_actor(), **data})
    token = bearer_token()
    if token:
        ctx().authenticator.forget(token)
    return result


@blp.route("/me", methods=["GET"])
@authenticated(blp, password_change_pending_ok=True)
@blp.response(200, ActorPublicSchema)
@errors(blp, 503)
def me() -> Actor:
    """Who am I

    The actor of the token: user id, login name, roles, agency and penyedia.
    """
    return current_actor()
