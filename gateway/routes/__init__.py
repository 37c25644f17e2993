"""Blueprints, one per area; ``register_routes`` wires them into an app."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g
from werkzeug.routing import BaseConverter

from gateway.routes._common import (
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_PARAMETER,
    IDEMPOTENCY_PARAMETER_DOC,
)
from services.common.config import Settings


class IdConverter(BaseConverter):
    """Object ids in paths: 1-64 of letters, digits, '-' and '_' (else 404)."""

    regex = r"[A-Za-z0-9_-]{1,64}"


def register_routes(app: Flask, api: Any, settings: Settings) -> None:
    from gateway.routes import (
        agency,
        audit,
        auth,
        health,
        penyedia,
        testclock,
        user,
        verifikasi,
    )

    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, lambda converter: {
        "type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"})
    api.spec.components.parameter(IDEMPOTENCY_PARAMETER, "header", {
        "name": IDEMPOTENCY_HEADER, **IDEMPOTENCY_PARAMETER_DOC})
    blueprints = [health.blp, auth.blp, agency.blp, user.blp, penyedia.blp,
                  verifikasi.blp, audit.blp]
    if settings.is_test:  # the test clock does not exist outside LPSE_ENV=test
        blueprints.append(testclock.blp)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.after_request(_echo_idempotency_key)


def _echo_idempotency_key(response: Response) -> Response:
    """Tell the client which key was used, so it can repeat the request safely."""
    key = g.get("idempotency_key")
    if key is not None:
        response.headers[IDEMPOTENCY_HEADER] = key
    return response
