"""Authentication primitives: the ``Actor`` passed to every RPC, and JWT issue/verify.

The gateway authenticates (verifies the token, then asks registrasi whether the session
is still alive) and passes an explicit ``actor`` in every RPC request that needs one;
the services authorize. Tokens are HS256 JWTs with ``exp``, ``aud``, ``iss``, ``iat``
and a session id ``sid``; verification accepts only the algorithms in
:data:`ALLOWED_ALGORITHMS`.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from marshmallow import Schema, fields, post_load

from services.common.errors import Unauthenticated

ALLOWED_ALGORITHMS = ("HS256",)


class Role(enum.StrEnum):
    """SPSE roles (DOMAIN.md §3.1)."""

    ADMIN_PPE = "admin_ppe"
    ADMIN_AGENCY = "admin_agency"
    VERIFIKATOR = "verifikator"
    HELPDESK = "helpdesk"
    AUDITOR = "auditor"
    PA = "pa"
    KPA = "kpa"
    PPK = "ppk"
    POKJA = "pokja"
    PEJABAT_PENGADAAN = "pejabat_pengadaan"
    PENYEDIA = "penyedia"


#: LPSE staff (Pasal 8-13); never also PPK, Pokja or Pejabat Pengadaan (Pasal 14(3))
LPSE_STAFF_ROLES = frozenset({Role.ADMIN_PPE, Role.VERIFIKATOR, Role.HELPDESK})
PROCUREMENT_ROLES = frozenset({Role.PPK, Role.POKJA, Role.PEJABAT_PENGADAAN})


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``user_id`` is None for the anonymous public."""

    user_id: str | None = None
    username: str | None = None
    roles: tuple[str, ...] = ()
    agency_id: str | None = None
    penyedia_id: str | None = None
    session_id: str | None = None
    ip: str | None = None
    #: an admin-set (or demo) initial password: only changing it, logging out and
    #: reading ``/me`` are allowed until it is changed (``PASSWORD_CHANGE_REQUIRED``)
    must_change_password: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def has_role(self, *roles: str) -> bool:
        return any(str(r) in self.roles for r in roles)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["roles"] = list(self.roles)
        data.pop("extra")
        return data

    @classmethod
    def anonymous(cls, ip: str | None = None) -> Actor:
        return cls(ip=ip)


class ActorSchema(Schema):
    user_id = fields.String(load_default=None, allow_none=True)
    username = fields.String(load_default=None, allow_none=True)
    roles = fields.List(fields.String(), load_default=list)
    agency_id = fields.String(load_default=None, allow_none=True)
    penyedia_id = fields.String(load_default=None, allow_none=True)
    session_id = fields.String(load_default=None, allow_none=True)
    ip = fields.String(load_default=None, allow_none=True)
    must_change_password = fields.Boolean(load_default=False)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Actor:
        data["roles"] = tuple(data.get("roles") or ())
        return Actor(**data)


def issue_token(secret: str, *, user_id: str, session_id: str, now: datetime,
                ttl_seconds: int, audience: str, issuer: str) -> tuple[str, datetime]:
    """A signed JWT for a session; returns ``(token, expires_at)``."""
    expires = now + timedelta(seconds=ttl_seconds)
    claims = {
        "sub": user_id, "sid": session_id, "jti": uuid.uuid4().hex,
        "iat": int(now.timestamp()), "nbf": int(now.timestamp()) - 5,
        "exp": int(expires.timestamp()), "aud": audience, "iss": issuer,
    }
    return jwt.encode(claims, secret, algorithm=ALLOWED_ALGORITHMS[0]), expires


#: the latest NumericDate accepted (9999-12-31T23:59:59Z): beyond it a datetime
#: cannot hold the time, and no token of ours lives that long
MAX_NUMERIC_DATE = 253_402_300_799
#: claims that must be NumericDates when present (RFC 7519 §2: a JSON number)
TIME_CLAIMS = ("exp", "iat", "nbf")
#: claims that must be non-empty strings (PyJWT checks ``sub`` and ``jti`` are
#: strings, ``aud`` and ``iss`` too; ``sid`` is ours)
TEXT_CLAIMS = ("sub", "sid")


def verify_token(secret: str, token: str, *, audience: str, issuer: str,
                 now: datetime | None = None) -> dict[str, Any]:
    """Verify signature, algorithm, ``exp``, ``aud`` and ``iss``; return the claims.

    A correctly signed token whose claims have the wrong types (``exp`` as text,
    ``nbf`` as a list, ``sid`` as a number, a NaN or boolean time) is invalid like a
    forged one: the checks below run before any claim is used.

    :raises Unauthenticated: ``TOKEN_INVALID`` or ``TOKEN_EXPIRED``.
    """
    # the times are checked below, after their types, against ``now`` when given (a
    # test clock may run ahead of real time), else against the real time
    options: dict[str, Any] = {"require": ["exp", "sub", "sid", "aud", "iss"],
                               "verify_exp": False, "verify_nbf": False,
                               "verify_iat": False}
    try:
        claims = jwt.decode(token, secret, algorithms=list(ALLOWED_ALGORITHMS),
                            audience=audience, issuer=issuer, options=options)
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("TOKEN_EXPIRED", "token expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("TOKEN_INVALID", "token invalid") from exc
    _check_claim_types(claims)
    moment = (now or datetime.now(UTC)).timestamp()
    if claims["exp"] <= moment:
        raise Unauthenticated("TOKEN_EXPIRED", "token expired")
    if max(claims.get("nbf", 0), claims.get("iat", 0) - 5) > moment:
        raise Unauthenticated("TOKEN_INVALID", "token not valid yet")
    return claims


def _check_claim_types(claims: dict[str, Any]) -> None:
    for name in TIME_CLAIMS:
        if name in claims and not _numeric_date(claims[name]):
            raise Unauthenticated("TOKEN_INVALID", "token invalid",
                                  {"claim": name})
    for name in TEXT_CLAIMS:
        value = claims.get(name)
        if not isinstance(value, str) or not value:
            raise Unauthenticated("TOKEN_INVALID", "token invalid",
                                  {"claim": name})


def _numeric_date(value: Any) -> bool:
    """A JSON number (not a boolean, not NaN) between 1970 and the year 9999."""
    if type(value) not in (int, float):
        return False
    return 0 <= value <= MAX_NUMERIC_DATE  # False for NaN
