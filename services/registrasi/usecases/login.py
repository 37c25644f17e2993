"""Authentication: login, token check, logout, password change; the audit trail read."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.common.auth import Actor, issue_token, verify_token
from services.common.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from services.registrasi.domain import (
    LoginPolicy,
    LoginSession,
    check_may_log_in,
    check_password,
    check_still_allowed,
    check_throttle,
    login_failed,
)

from .common import (
    AUDIT_READERS,
    AuthConfig,
    Hasher,
    actor_view,
    audit,
    audit_view,
    new_id,
    page_view,
    require_role,
    require_user,
)


def record_failure(
    uow: Any,
    username: str,
    ip: str | None,
    now: datetime,
    action: str,
    *,
    independent: bool = False,
    **details: Any,
) -> None:
    """Count a failed password check and audit it.

    ``independent``: the caller raises next and its transaction will be discarded
    (idempotent RPCs): drop it now and commit the record on its own.
    """
    object_id = details.pop("user_id", None)

    def write(target: Any) -> None:
        target.login.record_attempt(username=username, ip=ip, at=now, success=False)
        audit(
            target,
            Actor(username=username, ip=ip),
            now,
            action,
            "user",
            object_id,
            **details,
        )

    if independent:
        uow.failure.record(write)
    else:
        write(uow)


def check_login_throttle(
    uow: Any, policy: LoginPolicy, username: str, ip: str | None, now: datetime
) -> None:
    """:raises RateLimited: ``LOGIN_RATE_LIMITED``."""
    account, address = uow.login.count_failures(
        username=username, ip=ip, since=policy.window_start(now)
    )
    check_throttle(policy, account_failures=account, address_failures=address)


def login(
    uow: Any,
    request: dict[str, Any],
    now: datetime,
    *,
    hasher: Hasher,
    config: AuthConfig,
) -> dict[str, Any]:
    """Check the password and open a session; returns a signed token (LoginResponse).

    :raises RateLimited: ``LOGIN_RATE_LIMITED`` (per account or per address).
    :raises Unauthenticated: ``LOGIN_FAILED`` for an unknown user or a wrong password.
    :raises Forbidden: ``USER_NOT_ACTIVE``; ``PENYEDIA_NOT_ACTIVE`` with the status
        and its reason (``alasan``).
    """
    username, ip = request["username"].strip().lower(), request.get("ip")
    try:
        check_login_throttle(uow, config.policy, username, ip, now)
    except RateLimited as exc:
        audit(
            uow,
            Actor(username=username, ip=ip),
            now,
            "login_refused",
            "user",
            None,
            reason=exc.code,
            scope=exc.details.get("scope"),
        )
        uow.commit()
        raise
    user = uow.user.get_by_username(username)
    status = (
        uow.penyedia.status_of_user(user.user_id) if user and user.is_penyedia else None
    )
    uow.rollback()  # no transaction (and no pooled connection) held while hashing
    if user is None:
        hasher.dummy_verify(request["password"])  # similar timing for unknown users
        return _fail(uow, username, ip, now, reason="unknown_user")
    if not hasher.verify(user.password_hash, request["password"]):
        return _fail(
            uow, username, ip, now, reason="wrong_password", user_id=user.user_id
        )
    who = Actor(user_id=user.user_id, username=user.username, ip=ip)
    try:
        check_may_log_in(user, status)
    except Forbidden as exc:
        refusal = exc
        if exc.code == "PENYEDIA_NOT_ACTIVE":
            # the owner (the password was right) learns why: the reason given on
            # rejection, deactivation or blacklisting (None while pending); a new
            # error, as the details travel in its args
            refusal = Forbidden(exc.code, exc.message, {
                **exc.details,
                "alasan": uow.penyedia.status_alasan_of_user(user.user_id)})
        uow.login.record_attempt(username=username, ip=ip, at=now, success=False)
        audit(
            uow,
            who,
            now,
            "login_refused",
            "user",
            user.user_id,
            reason=exc.code,
            status=exc.details.get("status"),
        )
        uow.commit()
        if refusal is exc:
            raise
        raise refusal from exc
    if hasher.needs_rehash(user.password_hash):
        user.rehash(hasher.hash(request["password"]))
        uow.user.save(user)
    session = LoginSession(
        new_id(), user.user_id, now, now + timedelta(seconds=config.jwt_ttl_seconds), ip
    )
    uow.login.add_session(session)
    uow.login.record_attempt(username=username, ip=ip, at=now, success=True)
    token, expires_at = issue_token(
        config.jwt_secret,
        user_id=user.user_id,
        session_id=session.session_id,
        now=now,
        ttl_seconds=config.jwt_ttl_seconds,
        audience=config.jwt_audience,
        issuer=config.jwt_issuer,
    )
    audit(
        uow,
        who,
        now,
        "login_succeeded",
        "user",
        user.user_id,
        session_id=session.session_id,
    )
    uow.commit()
    return {
        "token": token,
        "token_type": "Bearer",
        "expires_at": expires_at,
        "must_change_password": user.must_change_password,
        "actor": actor_view(user, session_id=session.session_id, ip=ip),
    }


def _fail(
    uow: Any, username: str, ip: str | None, now: datetime, **details: Any
) -> Any:
    record_failure(uow, username, ip, now, "login_failed", **details)
    uow.commit()
    raise login_failed()


def authenticate(
    uow: Any, request: dict[str, Any], now: datetime, *, config: AuthConfig
) -> Actor:
    """Token -> the *current* actor (roles, agency, penyedia read from the database).

    :raises Unauthenticated: ``TOKEN_INVALID``, ``TOKEN_EXPIRED``, ``SESSION_INVALID``,
        ``SESSION_REVOKED``, ``SESSION_EXPIRED``, ``ACCOUNT_NOT_ACTIVE``.
    """
    claims = verify_token(
        config.jwt_secret,
        request["token"],
        audience=config.jwt_audience,
        issuer=config.jwt_issuer,
        now=now,
    )
    session = uow.login.get_session(str(claims["sid"]))
    if session is None or session.user_id != claims["sub"]:
        raise Unauthenticated("SESSION_INVALID", "unknown session")
    session.check_usable(now)
    user = uow.user.get(session.user_id)
    status = (
        uow.penyedia.status_of_user(user.user_id) if user and user.is_penyedia else None
    )
    check_still_allowed(user, status)
    return actor_view(user, session_id=session.session_id, ip=request.get("ip"))


def logout(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """End the actor's session: its token stops working at once."""
    actor = request["actor"]
    require_user(actor)
    session = uow.login.get_session(actor.session_id) if actor.session_id else None
    if session is None or session.user_id != actor.user_id:
        raise NotFound("SESSION_NOT_FOUND", "no such session")
    if uow.login.revoke_session(session.session_id, now):
        audit(
            uow,
            actor,
            now,
            "logout",
            "user",
            actor.user_id,
            session_id=session.session_id,
        )
        uow.commit()
    return {"ok": True}


def change_password(
    uow: Any,
    request: dict[str, Any],
    now: datetime,
    *,
    hasher: Hasher,
    config: AuthConfig,
) -> dict[str, Any]:
    """Change one's own password; every session of the account ends (log in again).

    :raises Forbidden: ``OLD_PASSWORD_INCORRECT``. :raises RateLimited: as login.
    :raises BadRequest: password policy, ``PASSWORD_UNCHANGED``.
    """
    actor = request["actor"]
    require_user(actor)
    user = uow.user.get(actor.user_id)
    if user is None:
        raise NotFound("USER_NOT_FOUND", "user not found")
    check_login_throttle(uow, config.policy, user.username, actor.ip, now)
    if not hasher.verify(user.password_hash, request["old_password"]):
        record_failure(
            uow,
            user.username,
            actor.ip,
            now,
            "password_change_failed",
            independent=True,
            user_id=user.user_id,
        )
        raise Forbidden("OLD_PASSWORD_INCORRECT", "the current password is wrong")
    if request["new_password"] == request["old_password"]:
        raise BadRequest("PASSWORD_UNCHANGED", "choose a different password")
    check_password(request["new_password"], username=user.username)
    user.change_password_hash(hasher.hash(request["new_password"]), now=now)
    uow.user.save(user)
    ended = uow.login.revoke_user_sessions(user.user_id, now)
    audit(
        uow,
        actor,
        now,
        "password_changed",
        "user",
        user.user_id,
        sessions_revoked=ended,
    )
    uow.commit()
    return {"ok": True}


def list_audit(uow: Any, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The audit trail, newest first (read-only; Admin PPE and Auditor)."""
    require_role(request["actor"], *AUDIT_READERS)
    entries, total = uow.audit.list(
        object_type=request.get("object_type"),
        object_id=request.get("object_id"),
        page=request["page"],
        per_page=request["per_page"],
    )
    return page_view([audit_view(e) for e in entries], total, request)
