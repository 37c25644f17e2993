"""User accounts and roles (DOMAIN §3.1, §4.3; Pasal 14(3))."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.auth import Actor, Role
from services.common.contracts import registrasi as contracts
from services.common.errors import BadRequest, Conflict, Forbidden, NotFound
from services.registrasi.domain import (
    AGENCY_ROLES,
    StatusUser,
    User,
    check_can_grant,
    check_can_manage,
    check_password,
    check_role_set,
    check_separation,
)

from .common import (
    USER_READERS,
    Hasher,
    audit,
    new_id,
    page_view,
    require_role,
    require_user,
    require_writer,
    required,
    user_event,
    user_view,
)

#: the pseudo-actor of operator commands run on the server (``lpse create-admin``)
SYSTEM_ACTOR = Actor(username="lpse-cli")


def create_user(
    uow: Any, request: dict[str, Any], now: datetime, *, hasher: Hasher
) -> dict[str, Any]:
    """Admin PPE creates LPSE staff and Admin Agency accounts; Admin Agency creates the
    PA/KPA/PPK/Pokja/Pejabat Pengadaan accounts of its agency (on the basis of an SK).

    :raises Forbidden: ``ROLE_NOT_GRANTABLE``, ``AGENCY_MISMATCH``,
        ``PENYEDIA_SELF_REGISTRATION_ONLY``.
    :raises Conflict: ``ROLE_SEPARATION_VIOLATION``, ``USERNAME_TAKEN``.
    :raises BadRequest: password policy, ``SERTIFIKAT_PBJ_REQUIRED``,
        ``AGENCY_REQUIRED``.
    """
    actor = request["actor"]
    require_writer(actor, Role.ADMIN_PPE, Role.ADMIN_AGENCY)
    roles = set(request["roles"])
    agency_id = request.get("agency_id")
    if (
        agency_id is None
        and roles & AGENCY_ROLES
        and not actor.has_role(Role.ADMIN_PPE)
    ):
        agency_id = actor.agency_id
    # Pasal 14(3) first: it holds whoever asks, also across the person's other accounts
    check_separation(roles | uow.user.roles_of_person(request.get("nip")))
    check_can_grant(actor, roles, agency_id)
    check_role_set(
        roles, agency_id=agency_id, sertifikat_pbj=request.get("sertifikat_pbj")
    )
    if agency_id and uow.agency.get_agency(agency_id) is None:
        raise NotFound("AGENCY_NOT_FOUND", "agency not found", {"agency_id": agency_id})
    user = _new_user(
        uow,
        request,
        now,
        hasher,
        roles=roles,
        agency_id=agency_id,
        created_by=actor.user_id,
        must_change_password=True,
    )
    audit(
        uow,
        actor,
        now,
        "user_created",
        "user",
        user.user_id,
        username=user.username,
        roles=sorted(map(str, roles)),
        agency_id=agency_id,
        sk_nomor=request.get("sk_nomor"),
    )
    uow.outbox.add(
        contracts.USER_CREATED, user_event(user), occurred_at=now, actor=actor
    )
    uow.commit()
    return user_view(user)


def bootstrap_admin(
    uow: Any, request: dict[str, Any], now: datetime, *, hasher: Hasher
) -> dict[str, Any]:
    """The first Admin PPE, created by an operator on the server (create-admin).

    :raises Conflict: ``USERNAME_TAKEN``. :raises BadRequest: password policy.
    """
    user = _new_user(
        uow,
        request,
        now,
        hasher,
        roles={Role.ADMIN_PPE},
        agency_id=None,
        created_by=None,
        must_change_password=False,
    )
    audit(
        uow,
        SYSTEM_ACTOR,
        now,
        "user_created",
        "user",
        user.user_id,
        username=user.username,
        roles=[str(Role.ADMIN_PPE)],
        via="create-admin",
    )
    uow.outbox.add(contracts.USER_CREATED, user_event(user), occurred_at=now)
    uow.commit()
    return user_view(user)


def _new_user(
    uow: Any,
    request: dict[str, Any],
    now: datetime,
    hasher: Hasher,
    *,
    roles: set[Role],
    agency_id: str | None,
    created_by: str | None,
    must_change_password: bool,
) -> User:
    username = request["username"].strip().lower()
    check_password(request["password"], username=username)
    if uow.user.username_exists(username):
        raise Conflict(
            "USERNAME_TAKEN", "this username is taken", {"username": username}
        )
    user = User(
        user_id=new_id(),
        username=username,
        email=request["email"],
        nama=request["nama"].strip(),
        roles=set(roles),
        status=StatusUser.AKTIF,
        password_hash=hasher.hash(request["password"]),
        created_at=now,
        must_change_password=must_change_password,
        agency_id=agency_id,
        nip=request.get("nip"),
        sertifikat_pbj=request.get("sertifikat_pbj"),
        password_changed_at=now,
        updated_at=now,
        created_by=created_by,
        role_sk={r: request.get("sk_nomor") for r in roles},
    )
    uow.user.add(user)
    return user


def _managed_user(uow: Any, actor: Actor, user_id: str) -> User:
    user = uow.user.get(user_id)
    if user is None:
        raise NotFound("USER_NOT_FOUND", "user not found", {"user_id": user_id})
    if user.user_id == actor.user_id:
        raise Forbidden(
            "USER_NOT_MANAGEABLE",
            "you may not change your own account",
            {"user_id": user_id},
        )
    return user


def grant_role(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Give one more role to an account; its live sessions end.

    :raises Conflict: ``ROLE_SEPARATION_VIOLATION`` whichever role came first,
        ``PENYEDIA_ROLE_EXCLUSIVE``, ``ROLE_ALREADY_HELD``.
    :raises Forbidden: ``ROLE_NOT_GRANTABLE``, ``AGENCY_MISMATCH``.
    """
    actor, role = request["actor"], request["role"]
    require_writer(actor, Role.ADMIN_PPE, Role.ADMIN_AGENCY)
    user = _managed_user(uow, actor, required(request, "user_id"))
    others = uow.user.roles_of_person(user.nip, exclude_user_id=user.user_id)
    check_separation(user.roles | others | {role}, added=role)
    check_can_grant(actor, {role}, user.agency_id)
    user.grant(
        role,
        now=now,
        sertifikat_pbj=request.get("sertifikat_pbj"),
        sk_nomor=request.get("sk_nomor"),
    )
    return _save_role_change(
        uow,
        actor,
        user,
        role,
        now,
        "role_granted",
        contracts.ROLE_GRANTED,
        sk_nomor=request.get("sk_nomor"),
    )


def revoke_role(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Take one role away; its live sessions end.

    :raises Conflict: ``ROLE_NOT_HELD``, ``LAST_ROLE``.
    """
    actor, role = request["actor"], request["role"]
    require_writer(actor, Role.ADMIN_PPE, Role.ADMIN_AGENCY)
    user = _managed_user(uow, actor, required(request, "user_id"))
    check_can_grant(actor, {role}, user.agency_id)
    user.revoke(role, now=now)
    return _save_role_change(
        uow, actor, user, role, now, "role_revoked", contracts.ROLE_REVOKED
    )


def _save_role_change(
    uow: Any,
    actor: Actor,
    user: User,
    role: Role,
    now: datetime,
    action: str,
    contract: Any,
    **details: Any,
) -> dict[str, Any]:
    uow.user.save(user)
    ended = uow.login.revoke_user_sessions(user.user_id, now)
    audit(
        uow,
        actor,
        now,
        action,
        "user",
        user.user_id,
        role=str(role),
        sessions_revoked=ended,
        **details,
    )
    uow.outbox.add(
        contract,
        {"user_id": user.user_id, "role": role, "agency_id": user.agency_id},
        occurred_at=now,
        actor=actor,
    )
    uow.commit()
    return user_view(user)


def deactivate_user(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Disable an account managed by the actor; its live sessions end.

    :raises BadRequest: ``USER_IS_PENYEDIA`` (use the penyedia transitions).
    :raises Forbidden: ``USER_NOT_MANAGEABLE``.
    :raises InvalidTransition: ``USER_TRANSITION_NOT_ALLOWED``.
    """
    return _set_user_status(uow, request, now, deactivate=True)


def reactivate_user(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Enable a disabled account again (same rules as :func:`deactivate_user`)."""
    return _set_user_status(uow, request, now, deactivate=False)


def _set_user_status(
    uow: Any, request: dict[str, Any], now: datetime, *, deactivate: bool
) -> dict[str, Any]:
    actor = request["actor"]
    require_writer(actor, Role.ADMIN_PPE, Role.ADMIN_AGENCY)
    user = _managed_user(uow, actor, required(request, "user_id"))
    if user.is_penyedia:
        raise BadRequest(
            "USER_IS_PENYEDIA", "use the penyedia actions for penyedia accounts"
        )
    check_can_manage(actor, user)
    if deactivate:
        user.deactivate(now=now)
        ended = uow.login.revoke_user_sessions(user.user_id, now)
        action, contract = "user_deactivated", contracts.USER_DEACTIVATED
    else:
        user.reactivate(now=now)
        ended, action, contract = 0, "user_reactivated", contracts.USER_REACTIVATED
    uow.user.save(user)
    audit(
        uow,
        actor,
        now,
        action,
        "user",
        user.user_id,
        alasan=request["alasan"],
        sessions_revoked=ended,
    )
    uow.outbox.add(
        contract, user_event(user, request["alasan"]), occurred_at=now, actor=actor
    )
    uow.commit()
    return user_view(user)


def get_user(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """One account: oneself; any for Admin PPE/Auditor/Helpdesk; own agency for Admin
    Agency.

    :raises NotFound: ``USER_NOT_FOUND`` (also when the actor may not see it).
    """
    actor = request["actor"]
    require_user(actor)
    user = uow.user.get(required(request, "user_id"))
    own_agency = (
        actor.has_role(Role.ADMIN_AGENCY)
        and user is not None
        and user.agency_id == actor.agency_id
    )
    if user is None or not (
        user.user_id == actor.user_id or actor.has_role(*USER_READERS) or own_agency
    ):
        raise NotFound(
            "USER_NOT_FOUND",
            "user not found",
            {"user_id": required(request, "user_id")},
        )
    return user_view(user)


def describe_users(uow: Any, request: dict[str, Any], now: datetime) -> list:
    """For other services: name, roles, agency and status of the given accounts
    (unknown ids are left out)."""
    out = []
    for user_id in dict.fromkeys(request["user_ids"]):
        user = uow.user.get(user_id)
        if user is not None:
            out.append({"user_id": user.user_id, "nama": user.nama,
                        "roles": sorted(user.roles), "agency_id": user.agency_id,
                        "status": contracts.StatusUser(str(user.status))})
    return out


def list_users(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Accounts by role/agency; an Admin Agency sees its own agency only."""
    actor = request["actor"]
    require_role(actor, *USER_READERS, Role.ADMIN_AGENCY)
    agency_id = request.get("agency_id")
    if not actor.has_role(*USER_READERS):
        if agency_id not in (None, actor.agency_id):
            raise Forbidden(
                "AGENCY_MISMATCH",
                "only accounts of your own agency",
                {"agency_id": agency_id},
            )
        agency_id = actor.agency_id
    users, total = uow.user.list(
        role=request.get("role"),
        agency_id=agency_id,
        page=request["page"],
        per_page=request["per_page"],
    )
    return page_view([user_view(u) for u in users], total, request)
