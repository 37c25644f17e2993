"""What every route module uses: the blueprint class, RPC calls, idempotency keys,
documented error responses.

A route only parses (HTTP schema), calls one RPC (contract), and returns what the
response schema dumps (STYLE §1.1).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import flask_smorest
from flask import g, request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import UnsupportedMediaType

from gateway import jsonbody
from gateway.auth import require_actor
from gateway.context import ctx
from services.common.contracts.base import RpcContract
from services.common.errors import BadRequest

API_PREFIX = "/api/v1"
IDEMPOTENCY_HEADER = "Idempotency-Key"
BEARER = [{"bearerAuth": []}]
IDEMPOTENCY_PARAMETER = "IdempotencyKey"
IDEMPOTENCY_PARAMETER_DOC = {
    "description": "Optional key (8-200 printable ASCII characters) making a "
                   "retry safe: a repeated request with the same key returns the "
                   "first result instead of applying it twice; a different request "
                   "with a used key gets 422 `IDEMPOTENCY_KEY_REUSED`. Without it the "
                   "gateway makes one per HTTP request. The key used is echoed in "
                   "the response header.",
    "required": False,
    "schema": {"type": "string", "minLength": 8, "maxLength": 200},
}


def _has_body(req: Any) -> bool:
    chunked = "chunked" in req.headers.get("Transfer-Encoding", "").lower()
    return bool(req.content_length) or chunked


class GatewayParser(FlaskParser):
    """webargs parser: 415 for a body of the wrong type, JSON read within bounds
    (:mod:`gateway.jsonbody`), and a ``multipart`` location that reads form fields
    and files together (one schema documents both)."""

    __location_map__ = dict(multipart="load_multipart", **FlaskParser.__location_map__)

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            if _has_body(req):
                raise UnsupportedMediaType("expected application/json")
            return core.missing
        return jsonbody.loads(req.get_data(cache=True))

    def load_multipart(self, req: Any, schema: Any) -> Any:
        if req.mimetype != "multipart/form-data":
            raise UnsupportedMediaType("expected multipart/form-data")
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = GatewayParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


def errors(blp: ApiBlueprint, *statuses: int) -> Callable[[Any], Any]:
    """Document the error responses a route may give (all share the error schema)."""

    def decorator(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorator


def idempotent(blp: ApiBlueprint) -> Callable[[Any], Any]:
    """Document the optional ``Idempotency-Key`` request header."""
    return blp.doc(parameters=[IDEMPOTENCY_PARAMETER])


def authenticated(blp: ApiBlueprint, *roles: str,
                  password_change_pending_ok: bool = False) -> Callable[[Any], Any]:
    """``require_actor`` plus its documentation (bearer security, 401 and 403).

    Only the routes a user needs to get rid of an admin-set initial password pass
    ``password_change_pending_ok``; every other gives such a user 403
    ``PASSWORD_CHANGE_REQUIRED``.
    """

    def decorator(view: Any) -> Any:
        documented = blp.doc(security=BEARER)(errors(blp, 401, 403)(view))
        return require_actor(
            *roles, password_change_pending_ok=password_change_pending_ok)(documented)

    return decorator


def idempotency_key() -> str:
    """The request's idempotency key: the ``Idempotency-Key`` header (8-200 printable
    ASCII characters) or a new uuid4, the same for every RPC of this HTTP request."""
    key = g.get("idempotency_key")
    if key is not None:
        return key
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        key = str(uuid.uuid4())
    else:
        key = raw.strip()
        if not 8 <= len(key) <= 200 or not (key.isascii() and key.isprintable()):
            raise BadRequest("IDEMPOTENCY_KEY_INVALID", "bad Idempotency-Key header",
                             {"header": IDEMPOTENCY_HEADER, "min_length": 8,
                              "max_length": 200})
    g.idempotency_key = key
    return key


def call(contract: RpcContract, request_data: dict[str, Any]) -> Any:
    """Call a service; idempotent contracts get this request's idempotency key."""
    if contract.idempotent:
        request_data = {**request_data, "idempotency_key": idempotency_key()}
    return ctx().rpc.call(contract, request_data)


def without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
