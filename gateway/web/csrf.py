"""CSRF protection for the website's forms: a signed double-submit token.

Why not Flask-WTF's ``CSRFProtect``: it keeps its secret in Flask's session cookie
and guards every POST of the app, while the JSON API under ``/api/v1`` must stay
as it is (bearer tokens, no cookies, so it is not exposed to CSRF at all). Here
only the website's own form views call :meth:`CsrfGuard.check`.

How it works: a form page sets a random cookie (``lpse_csrf``: HttpOnly,
SameSite=Lax, Secure over HTTPS) and embeds in a hidden field that cookie's value
signed with a key derived from the deployment secret and stamped with the time. A
submission is accepted only when the field's signature is valid, younger than
``WEB_CSRF_MAX_AGE``, and names the cookie the browser sent. Another site can
make a browser send the cookie but can neither read it nor forge the signature;
even a cookie planted by a sibling subdomain is useless without a signed field for
it. As defence in depth a request whose ``Origin`` is another host, or that the
browser marks ``Sec-Fetch-Site: cross-site``, is refused outright.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from urllib.parse import urlsplit

from flask import Response, after_this_request, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "lpse_csrf"
FIELD = "csrf_token"
_COOKIE_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class CsrfError(Exception):
    """The submission is not from a form this site showed to this browser."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def derive_key(secret: str) -> bytes:
    """A key for this purpose only, never the JWT secret itself."""
    return hmac.new(secret.encode(), b"lpse-web-csrf-v1", hashlib.sha256).digest()


class CsrfGuard:
    def __init__(self, secret: str, max_age: int):
        self.max_age = max_age
        self._serializer = URLSafeTimedSerializer(derive_key(secret),
                                                  salt="lpse-web-form")

    def _cookie(self) -> str | None:
        value = request.cookies.get(COOKIE, "")
        return value if _COOKIE_RE.match(value) else None

    def token(self) -> str:
        """The hidden-field value for a form on this page (sets the cookie if the
        browser has none yet)."""
        cookie = g.get("csrf_cookie") or self._cookie()
        if cookie is None:
            cookie = secrets.token_urlsafe(32)

            @after_this_request
            def _set_cookie(response: Response) -> Response:
                response.set_cookie(COOKIE, cookie, httponly=True, samesite="Lax",
                                    secure=request.is_secure, path="/")
                return response

        g.csrf_cookie = cookie
        return self._serializer.dumps(cookie)

    def check(self) -> None:
        """:raises CsrfError: for a cross-site, forged, expired or mismatched
        submission."""
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            raise CsrfError("cross_site")
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            raise CsrfError("origin")
        cookie = self._cookie()
        if cookie is None:
            raise CsrfError("no_cookie")
        try:
            signed = self._serializer.loads(request.form.get(FIELD, ""),
                                            max_age=self.max_age)
        except BadSignature as exc:
            raise CsrfError("bad_token") from exc
        if not isinstance(signed, str) or not hmac.compare_digest(signed, cookie):
            raise CsrfError("mismatch")
