"""Password policy: at least 8 characters, not a common password, not the username.

The common-passwords list ships with the package (``common_passwords.txt``, one per
line, compared case-insensitively). It was generated for this project from well-known
weak patterns (keyboard walks, repeated and sequential characters, words and names
with years and digits), not copied from a published list.
"""

from __future__ import annotations

import functools
from importlib import resources

from services.common.errors import BadRequest

MIN_LENGTH = 8
MAX_LENGTH = 256


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("services.registrasi").joinpath("common_passwords.txt")
    words = (line.strip().lower() for line in text.read_text("utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def check_password(password: str, *, username: str | None = None) -> None:
    """Refuse a weak password.

    :raises BadRequest: ``PASSWORD_TOO_SHORT``, ``PASSWORD_TOO_LONG``,
        ``PASSWORD_EQUALS_USERNAME`` or ``PASSWORD_TOO_COMMON``.
    """
    if len(password) < MIN_LENGTH:
        raise BadRequest(
            "PASSWORD_TOO_SHORT",
            f"at least {MIN_LENGTH} characters",
            {"min_length": MIN_LENGTH},
        )
    if len(password) > MAX_LENGTH:
        raise BadRequest(
            "PASSWORD_TOO_LONG",
            f"at most {MAX_LENGTH} characters",
            {"max_length": MAX_LENGTH},
        )
    lowered = password.strip().lower()
    if username and lowered == username.strip().lower():
        raise BadRequest(
            "PASSWORD_EQUALS_USERNAME", "the password may not be the username"
        )
    if lowered in common_passwords():
        raise BadRequest("PASSWORD_TOO_COMMON", "this password is too common")
