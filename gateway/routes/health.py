"""Liveness, readiness and metrics (outside ``/api/v1``)."""

from __future__ import annotations

from typing import Any

from flask import Response

from gateway.context import ctx
from gateway.metrics import metrics_response
from gateway.routes._common import ApiBlueprint, errors
from gateway.schemas.common import HealthSchema
from services.common.contracts import (
    lelang,
    notifikasi,
    pengaduan,
    registrasi,
    reporting,
)
from services.common.errors import EprocError, Unavailable

READY_TIMEOUT_SECONDS = 2.0
#: the services the gateway needs, each asked for ``ping``
SERVICES = {"registrasi": registrasi.PING, "lelang": lelang.PING,
            "pengaduan": pengaduan.PING}
#: asked too and reported, but not needed to serve: without them only their own
#: routes answer 503 (a gateway taken out of the load balancer because the inbox is
#: down would take the whole site with it)
OPTIONAL_SERVICES = {"notifikasi": notifikasi.PING, "reporting": reporting.PING}

blp = ApiBlueprint("health", __name__, description="Process health and metrics")


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
def healthz() -> dict[str, Any]:
    """The process is up

    Answers without touching any dependency; for liveness probes.
    """
    return {"status": "ok", "checks": {}}


@blp.route("/readyz", methods=["GET"])
@blp.response(200, HealthSchema)
@errors(blp, 503)
def readyz() -> dict[str, Any]:
    """The gateway can serve requests

    RabbitMQ accepts a connection and every service (registrasi, lelang,
    pengaduan) answers `ping` within 2 seconds; otherwise 503 with
    `details.checks` saying what failed. notifikasi and reporting are asked too and
    reported in `checks`, but do not make the gateway unready. For readiness probes.
    """
    checks: dict[str, str] = {}
    try:
        ctx().rpc.check_broker(READY_TIMEOUT_SECONDS)
        checks["rabbitmq"] = "ok"
    except EprocError as exc:
        checks["rabbitmq"] = str(exc.details.get("reason") or exc.code)
    for name, ping in {**SERVICES, **OPTIONAL_SERVICES}.items():
        if checks["rabbitmq"] != "ok":
            checks[name] = "skipped"
            continue
        try:
            ctx().rpc.call(ping, {}, timeout=READY_TIMEOUT_SECONDS)
            checks[name] = "ok"
        except EprocError as exc:
            checks[name] = str(exc.details.get("reason") or exc.code)
    if any(value != "ok" for name, value in checks.items()
           if name not in OPTIONAL_SERVICES):
        raise Unavailable("SERVICE_UNAVAILABLE", "not ready", {"checks": checks})
    return {"status": "ok", "checks": checks}


@blp.route("/metrics", methods=["GET"])
@blp.response(200, {"type": "string"}, content_type="text/plain",
              description="Prometheus text exposition format")
def prometheus_metrics() -> Response:
    """Prometheus metrics

    Request latency and counts by route template and status, RPC outcomes, RPC pool
    events; merged across the gunicorn worker processes.
    """
    return metrics_response()
