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
from services.common.contracts.lelang import Sampul


class IdConverter(BaseConverter):
    """Object ids in paths: 1-64 of letters, digits, '-' and '_' (else 404)."""

    regex = r"[A-Za-z0-9_-]{1,64}"


class SampulConverter(BaseConverter):
    """A bid envelope in a path: ``single``, ``file_1`` or ``file_2`` (else 404)."""

    regex = "|".join(s.value for s in Sampul)

    def to_python(self, value: str) -> Sampul:
        return Sampul(value)

    def to_url(self, value: Any) -> str:
        return str(Sampul(value).value)


def register_routes(app: Flask, api: Any, settings: Settings) -> None:
    from gateway.routes import (
        agency,
        audit,
        auth,
        dokumen,
        health,
        lelang,
        lelang_hasil,
        lelang_paket,
        lelang_penawaran,
        lelang_peserta,
        notifikasi,
        pengaduan,
        penyedia,
        reporting,
        testclock,
        user,
        verifikasi,
    )

    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, lambda converter: {
        "type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"})
    app.url_map.converters["sampul"] = SampulConverter
    api.register_converter(SampulConverter, lambda converter: {
        "type": "string", "enum": [s.value for s in Sampul]})
    api.spec.components.parameter(IDEMPOTENCY_PARAMETER, "header", {
        "name": IDEMPOTENCY_HEADER, **IDEMPOTENCY_PARAMETER_DOC})
    blueprints = [health.blp, auth.blp, agency.blp, user.blp, penyedia.blp,
                  verifikasi.blp, audit.blp, dokumen.blp, lelang_paket.blp, lelang.blp,
                  lelang_peserta.blp, lelang_penawaran.blp, lelang_hasil.blp,
                  pengaduan.blp, notifikasi.blp, reporting.blp]
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
