"""The public LPSE website (Perbup Karangasem 30/2012 Pasal 13, 16, 17), served by
the gateway at the site root; the JSON API stays under ``/api/v1``.

Pages are rendered on the server in Indonesian (times in WITA), work without
JavaScript, and read everything through the same RPC contracts as the API, as the
anonymous public. ``init_app`` wires it into an app built by
``gateway.app.create_app``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from gateway.context import EXTENSION as GATEWAY_EXTENSION
from gateway.errors import InternalError
from gateway.routes._common import API_PREFIX
from gateway.web import labels
from gateway.web.cache import PageCache
from gateway.web.csrf import CsrfGuard
from gateway.web.formats import register_filters
from gateway.web.options import WebOptions, load_web_options
from gateway.web.ratelimit import TokenBucketLimiter
from gateway.web.state import EXTENSION, WebState
from services.common.errors import Unavailable

#: paths that are never pages (machines read them)
MACHINE_PREFIXES = (API_PREFIX, "/healthz", "/readyz", "/metrics")


def init_app(app: Flask, options: WebOptions | None = None) -> None:
    """Register the website on ``app`` (after the API blueprints)."""
    from gateway.web import opendata, views_forms, views_public  # noqa: F401
    from gateway.web.blueprint import bp

    configure(app, options or load_web_options())
    register_filters(app.jinja_env)
    app.jinja_env.globals.update(label=labels.label, label_tables=labels.TABLES)
    app.register_blueprint(bp)
    _html_not_found(app)


def configure(app: Flask, options: WebOptions) -> WebState:
    """(Re)build the website's state with these options (also used by tests)."""
    settings = app.extensions[GATEWAY_EXTENSION].settings
    stale_on = (Unavailable, InternalError)
    state = WebState(
        options=options,
        cache=PageCache(options.cache_seconds, options.cache_max_entries,
                        options.stale_if_error_seconds, stale_on=stale_on),
        ref_cache=PageCache(60.0 if options.cache_seconds > 0 else 0, 100,
                            options.stale_if_error_seconds, stale_on=stale_on),
        limiter=TokenBucketLimiter(options.form_rate, options.form_rate_seconds),
        csrf=CsrfGuard(settings.jwt_secret, options.csrf_max_age),
    )
    app.extensions[EXTENSION] = state
    return state


def wants_page() -> bool:
    """A browser asking for something outside the API gets an HTML page; API
    clients (and anything that does not ask for HTML) keep the JSON error body."""
    if request.path.startswith(MACHINE_PREFIXES):
        return False
    return request.accept_mimetypes.accept_html


def _html_not_found(app: Flask) -> None:
    def handler(error: Any) -> Any:
        from gateway.app import http_error_response
        from gateway.web.blueprint import not_found_page

        if wants_page():
            return not_found_page()
        return http_error_response(error)

    app.register_error_handler(404, handler)
