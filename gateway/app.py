"""The gateway's Flask application factory.

``create_app(settings=None, rpc=None)`` loads and validates the settings (``JWT_SECRET``
required) unless given, builds the RPC backend (lazily connecting nameko proxies)
unless given, and registers the API blueprints, the error handlers, CORS and metrics.
Nothing here runs at import time.
"""

from __future__ import annotations

import logging
from typing import Any

import flask_smorest
from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from gateway import docs, metrics, web
from gateway.auth import Authenticator
from gateway.context import EXTENSION, GatewayContext
from gateway.errors import ErrorBody, describe, describe_http
from gateway.jsonbody import BoundedJSONProvider
from gateway.options import GatewayOptions, load_options
from gateway.routes import register_routes
from gateway.routes._common import API_PREFIX
from gateway.rpc import NamekoBackend, RpcBackend
from gateway.schemas.common import ErrorSchema
from services.common.blobstore import BlobStore
from services.common.clock import clock_for
from services.common.config import ConfigError, Settings, load_settings
from services.common.errors import EprocError

log = logging.getLogger(__name__)

#: room for the form fields and multipart framing around the largest allowed file
UPLOAD_HEADROOM_BYTES = 1024 * 1024
API_DESCRIPTION = (
    "HTTP API of the LPSE Kabupaten Karangasem e-procurement platform (SPSE). "
    "Errors always have the body "
    "`{\"error\": CODE, \"message\": text, \"details\": {}}` with a stable "
    "English code and an Indonesian message. State-changing calls accept an "
    "`Idempotency-Key` header (8-200 characters): repeating a request with the "
    "same key returns the first result instead of applying it twice."
)


class GatewayApi(flask_smorest.Api):
    """flask-smorest's Api with the platform's error body."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return http_error_response(error)


def create_app(settings: Settings | None = None, rpc: RpcBackend | None = None, *,
               options: GatewayOptions | None = None) -> Flask:
    """Build the gateway app. ``rpc`` replaces the nameko backend (tests)."""
    settings = settings or load_settings(require=("JWT_SECRET",))
    if not settings.jwt_secret:
        raise ConfigError({"JWT_SECRET": "missing (required)"})
    options = options or load_options()
    rpc = rpc or NamekoBackend.from_settings(settings, pool_size=options.rpc_pool_size)
    clock = clock_for(settings)

    app = Flask(__name__)
    app.json = BoundedJSONProvider(app)
    app.config.update(
        API_TITLE="LPSE Karangasem API",
        API_VERSION="1.0.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": API_DESCRIPTION},
            "components": {"securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Token from POST /api/v1/auth/login"}}},
        },
        MAX_CONTENT_LENGTH=settings.upload_max_bytes + UPLOAD_HEADROOM_BYTES,
    )
    app.extensions[EXTENSION] = GatewayContext(
        settings=settings, options=options, rpc=rpc, clock=clock,
        authenticator=Authenticator(settings, rpc, clock=clock,
                                    cache_seconds=options.auth_cache_seconds),
        blobs=BlobStore(settings.blob_path()),
    )
    api = GatewayApi(app)
    register_routes(app, api, settings)
    docs.init_app(app, api)
    metrics.init_app(app)
    _init_cors(app, options)
    _init_error_handlers(app)
    web.init_app(app)  # the public website at the site root
    app.after_request(_security_headers)
    return app


# --------------------------------------------------------------------------- errors
def error_response(body: ErrorBody) -> Response:
    response = jsonify(body.json())
    response.status_code = body.status
    response.headers.update(body.headers)
    return response


def http_error_response(error: HTTPException) -> Response:
    """Flask/werkzeug/webargs errors in the platform's error body."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    details: dict[str, Any] = {}
    headers: dict[str, str] = {}
    messages = data.get("messages")
    if isinstance(messages, dict) and messages:
        if len(messages) == 1:
            location, fields = next(iter(messages.items()))
            details = {"location": location, "fields": fields}
        else:
            details = {"fields": messages}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        details["allowed"] = sorted(error.valid_methods)
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if status == 413:
        details["max_bytes"] = current_app.config.get("MAX_CONTENT_LENGTH")
    if status >= 500:
        original = getattr(error, "original_exception", None)
        log.error("unhandled error", exc_info=original or error,
                  extra={"message_id": "http_internal_error", "path": request.path})
    return error_response(describe_http(status, details=details, headers=headers))


def _init_error_handlers(app: Flask) -> None:
    @app.errorhandler(EprocError)
    def _platform_error(exc: EprocError) -> Response:
        body = describe(exc)
        if body.status >= 500 and body.status != 503:
            log.error("platform error", exc_info=exc, extra={
                "message_id": "platform_error", "code": exc.code, "path": request.path})
        return error_response(body)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return http_error_response(exc)
        return http_error_response(InternalServerError(original_exception=exc))


# --------------------------------------------------------------------------- CORS
CORS_ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key"
CORS_EXPOSE_HEADERS = "Idempotency-Key, Content-Disposition, Retry-After"
CORS_METHODS = "GET, POST, PUT, DELETE, OPTIONS"


def _init_cors(app: Flask, options: GatewayOptions) -> None:
    """CORS for the configured origins; credentials are bearer tokens, not cookies."""

    def allowed_origin() -> str | None:
        origin = request.headers.get("Origin")
        if not origin or not options.cors_origins:
            return None
        if options.cors_any_origin or origin.rstrip("/") in options.cors_origins:
            return origin
        return None

    @app.before_request
    def _preflight() -> Response | None:
        preflight = "Access-Control-Request-Method" in request.headers
        if request.method != "OPTIONS" or not preflight:
            return None
        origin = allowed_origin()
        if origin is None:
            return None
        response = app.response_class(status=204)
        response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
        response.headers["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    @app.after_request
    def _cors_headers(response: Response) -> Response:
        origin = allowed_origin()
        if options.cors_origins:
            response.vary.add("Origin")
        if origin is not None:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
        return response


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith(API_PREFIX):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
