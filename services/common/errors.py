"""Error types shared by every service, each with a stable ``code``.

Every class here is registered in nameko's exception registry on import, so an RPC
caller gets the same type back (with its code and details), not a bare
``RemoteError``. The registered path is ``services.common.errors.<Class>``; it never
depends on a service's internal layout.

The gateway maps each class to an HTTP status in one table (``gateway/errors.py``);
the ``code`` is the stable machine-readable part, the message is for people.
"""

from __future__ import annotations

import json
from typing import Any

try:  # nameko is optional for pure-domain users of this module (e.g. scripts)
    from nameko.exceptions import get_module_path as _module_path
    from nameko.exceptions import registry as _nameko_registry
except ImportError:  # pragma: no cover
    _nameko_registry = None


class EprocError(Exception):
    """Base error: ``code`` (UPPER_SNAKE, stable), ``message``, ``details``.

    The positional args are exactly ``(code, message, details)`` so that nameko's
    serialisation (which re-creates the exception from ``exc.args``) round-trips it.
    ``details`` travels in ``args`` as JSON text: nameko turns every non-string value
    in ``args`` into a string (``3`` -> ``"3"``, ``None`` -> ``"None"``), so the JSON
    keeps numbers, booleans and nulls typed; the constructor accepts either form.
    """

    default_code = "EPROC_ERROR"

    def __init__(
        self,
        code: str | None = None,
        message: str = "",
        details: dict[str, Any] | str | None = None,
    ) -> None:
        code = code or self.default_code
        if isinstance(details, str):  # re-created by nameko from args
            details = json.loads(details)
        details = dict(details or {})
        super().__init__(code, message,
                         json.dumps(details, default=str, ensure_ascii=False))
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code


class BadRequest(EprocError):
    """The request is malformed or fails validation (HTTP 400/422)."""

    default_code = "VALIDATION_FAILED"


class ContractViolation(BadRequest):
    """A payload does not match its declared contract schema."""

    default_code = "CONTRACT_VIOLATION"


class Unauthenticated(EprocError):
    """No valid credentials (HTTP 401)."""

    default_code = "UNAUTHENTICATED"


class Forbidden(EprocError):
    """The actor may not do this to this object (HTTP 403)."""

    default_code = "FORBIDDEN"


class NotFound(EprocError):
    """The object does not exist, or the actor may not know it exists (HTTP 404)."""

    default_code = "NOT_FOUND"


class Conflict(EprocError):
    """The request conflicts with existing state, e.g. a duplicate (HTTP 409)."""

    default_code = "CONFLICT"


class InvalidTransition(Conflict):
    """A state-machine transition that is not allowed from the current state."""

    default_code = "INVALID_TRANSITION"


class RateLimited(EprocError):
    """Too many attempts; retry later (HTTP 429)."""

    default_code = "RATE_LIMITED"


class Unavailable(EprocError):
    """A dependency is down or timed out (HTTP 503)."""

    default_code = "SERVICE_UNAVAILABLE"


#: Every error an entrypoint may raise on purpose; used as ``expected_exceptions``.
DOMAIN_ERRORS: tuple[type[EprocError], ...] = (
    EprocError,
    BadRequest,
    ContractViolation,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    InvalidTransition,
    RateLimited,
    Unavailable,
)


def _register() -> None:
    if _nameko_registry is None:  # pragma: no cover
        return
    for cls in DOMAIN_ERRORS:
        _nameko_registry[_module_path(cls)] = cls


_register()
