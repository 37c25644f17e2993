"""Login rules: throttling, who may log in, and when a session still counts.

The same generic ``LOGIN_FAILED`` answers an unknown user and a wrong password; the
status of an account is only revealed after its password was right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.errors import Forbidden, RateLimited, Unauthenticated

from .penyedia import StatusPenyedia
from .users import User


@dataclass(frozen=True)
class LoginPolicy:
    """Failed logins allowed per account and per address within the window."""

    max_failures_per_account: int = 100
    max_failures_per_address: int = 300
    window_seconds: int = 3600

    def window_start(self, now: datetime) -> datetime:
        return now - timedelta(seconds=self.window_seconds)


@dataclass
class LoginSession:
    """A server-side session behind a token; revoking it ends the token."""

    session_id: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    ip: str | None = None
    revoked_at: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    def check_usable(self, now: datetime) -> None:
        """:raises Unauthenticated: ``SESSION_REVOKED`` or ``SESSION_EXPIRED``."""
        if self.revoked_at is not None:
            raise Unauthenticated("SESSION_REVOKED", "the session has ended")
        if self.expires_at <= now:
            raise Unauthenticated("SESSION_EXPIRED", "the session has expired")

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now


def login_failed() -> Unauthenticated:
    """The one answer for an unknown username and for a wrong password."""
    return Unauthenticated("LOGIN_FAILED", "username or password is wrong")


def check_throttle(
    policy: LoginPolicy, *, account_failures: int, address_failures: int
) -> None:
    """:raises RateLimited: ``LOGIN_RATE_LIMITED`` (scope: account or address)."""
    if account_failures >= policy.max_failures_per_account:
        scope = "account"
    elif address_failures >= policy.max_failures_per_address:
        scope = "address"
    else:
        return
    raise RateLimited(
        "LOGIN_RATE_LIMITED",
        "too many failed logins; try again later",
        {"scope": scope, "window_seconds": policy.window_seconds},
    )


def check_may_log_in(user: User, penyedia_status: StatusPenyedia | None) -> None:
    """After a correct password: may this account start a session?

    :raises Forbidden: ``USER_NOT_ACTIVE``, or ``PENYEDIA_NOT_ACTIVE`` with the status.
    """
    if not user.is_active:
        raise Forbidden(
            "USER_NOT_ACTIVE",
            "this account is not active",
            {"status": str(user.status)},
        )
    if user.is_penyedia and penyedia_status is not StatusPenyedia.TERVERIFIKASI:
        raise Forbidden(
            "PENYEDIA_NOT_ACTIVE",
            "this penyedia may not log in",
            {"status": str(penyedia_status) if penyedia_status else None},
        )


def check_still_allowed(
    user: User | None, penyedia_status: StatusPenyedia | None
) -> None:
    """For an existing session: the account must still be allowed in.

    :raises Unauthenticated: ``ACCOUNT_NOT_ACTIVE``.
    """
    if user is None:
        raise Unauthenticated("ACCOUNT_NOT_ACTIVE", "the account no longer exists")
    try:
        check_may_log_in(user, penyedia_status)
    except Forbidden as exc:
        raise Unauthenticated(
            "ACCOUNT_NOT_ACTIVE",
            "the account is not active",
            {"reason": exc.code, **exc.details},
        ) from exc
