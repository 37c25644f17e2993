"""Users and roles (DOMAIN §3): who creates whom is decided by registrasi."""

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
from gateway.schemas.user import (
    RoleGrantSchema,
    UserCreateSchema,
    UserListQuerySchema,
    UserPagePublicSchema,
    UserPublicSchema,
    UserStatusChangeSchema,
)
from services.common.auth import Role
from services.common.contracts.registrasi import (
    CREATE_USER,
    DEACTIVATE_USER,
    GET_USER,
    GRANT_ROLE,
    LIST_USERS,
    REACTIVATE_USER,
    REVOKE_ROLE,
)
from services.common.errors import BadRequest

blp = ApiBlueprint("user", __name__, url_prefix=API_PREFIX,
                   description="Users and their roles")


@blp.route("/user", methods=["GET"])
@authenticated(blp)
@blp.arguments(UserListQuerySchema, location="query")
@blp.response(200, UserPagePublicSchema)
@errors(blp, 503)
def list_users(query: dict[str, Any]) -> Any:
    """List users

    Filter by `role` and `agency_id`; paged with `page` and `per_page`. Staff only.
    """
    return call(LIST_USERS, {"actor": current_actor(), **without_none(query)})


@blp.route("/user", methods=["POST"])
@authenticated(blp)
@blp.arguments(UserCreateSchema)
@blp.response(201, UserPublicSchema)
@errors(blp, 400, 409, 415, 503)
@idempotent(blp)
def create_user(data: dict[str, Any]) -> Any:
    """Create a user

    Admin PPE creates LPSE staff and Admin Agency users; an Admin Agency creates the
    users of its agency (DOMAIN §3.1). LPSE staff roles never go together with PPK,
    Pokja or Pejabat Pengadaan (409 `ROLE_SEPARATION_VIOLATION`).
    """
    return call(CREATE_USER, {"actor": current_actor(), **data}), 201


@blp.route("/user/<id:user_id>", methods=["GET"])
@authenticated(blp)
@blp.response(200, UserPublicSchema)
@errors(blp, 404, 503)
@idempotent(blp)
def get_user(user_id: str) -> Any:
    """Get a user

    A user's profile, roles and status, when registrasi lets the actor see it.
    """
    return call(GET_USER, {"actor": current_actor(), "user_id": user_id})


@blp.route("/user/<id:user_id>/role", methods=["POST"])
@authenticated(blp)
@blp.arguments(RoleGrantSchema)
@blp.response(200, UserPublicSchema)
@errors(blp, 400, 404, 409, 415, 503)
@idempotent(blp)
def grant_role(data: dict[str, Any], user_id: str) -> Any:
    """Grant a role

    Refused with 409 `ROLE_SEPARATION_VIOLATION` when it would join an LPSE staff
    role with PPK, Pokja or Pejabat Pengadaan (Pasal 14(3)).
    """
    return call(GRANT_ROLE, {"actor": current_actor(), "user_id": user_id, **data})


@blp.route("/user/<id:user_id>/role/<role>", methods=["DELETE"])
@authenticated(blp)
@blp.response(200, UserPublicSchema)
@errors(blp, 404, 409, 422, 503)
@idempotent(blp)
def revoke_role(user_id: str, role: str) -> Any:
    """Revoke a role

    `role` is one of the role codes (e.g. `pokja`).
    """
    try:
        parsed = Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise BadRequest("VALIDATION_FAILED", "unknown role", {
            "location": "path", "fields": {"role": [f"Must be one of: {choices}."]},
        }) from None
    return call(REVOKE_ROLE, {"actor": current_actor(), "user_id": user_id,
                              "role": parsed})


@blp.route("/user/<id:user_id>/deactivate", methods=["POST"])
@authenticated(blp)
@blp.arguments(UserStatusChangeSchema)
@blp.response(200, UserPublicSchema)
@errors(blp, 400, 404, 409, 415, 503)
@idempotent(blp)
def deactivate_user(data: dict[str, Any], user_id: str) -> Any:
    """Deactivate a user

    The user's sessions stop working.
    """
    return call(DEACTIVATE_USER, {"actor": current_actor(), "user_id": user_id, **data})


@blp.route("/user/<id:user_id>/reactivate", methods=["POST"])
@authenticated(blp)
@blp.arguments(UserStatusChangeSchema)
@blp.response(200, UserPublicSchema)
@errors(blp, 400, 404, 409, 415, 503)
@idempotent(blp)
def reactivate_user(data: dict[str, Any], user_id: str) -> Any:
    """Reactivate a user

    The user may sign in again.
    """
    return call(REACTIVATE_USER, {"actor": current_actor(), "user_id": user_id, **data})
