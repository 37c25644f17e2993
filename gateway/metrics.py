"""Gateway metrics, collected across gunicorn worker processes.

gunicorn runs several worker processes; each keeps its own counters. With
``PROMETHEUS_MULTIPROC_DIR`` set (``gunicorn.conf.py`` sets and wipes it before any
worker starts), prometheus-client writes every process's values to files there and
``/metrics`` merges them with the multiprocess collector; ``child_exit`` marks a dead
worker's files. Without the variable (tests, ``flask run``) the process's own registry
is served.

Labels stay low-cardinality: the route *template* (``/api/v1/penyedia/<penyedia_id>``),
never the concrete path; ``unmatched`` for requests that matched no route.
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_LATENCY = Histogram(
    "eproc_gateway_request_duration_seconds", "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REQUESTS = Counter(
    "eproc_gateway_requests_total", "HTTP requests by route template and status",
    ["method", "route", "status"],
)
RPC_LATENCY = Histogram(
    "eproc_gateway_rpc_duration_seconds", "RPC latency seen by the gateway",
    ["service", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RPC_CALLS = Counter(
    "eproc_gateway_rpc_calls_total",
    "RPC calls by outcome: ok, error, timeout, connection, unavailable, internal, "
    "retry",
    ["service", "method", "outcome"],
)
RPC_PROXIES = Counter(
    "eproc_gateway_rpc_proxies_total", "RPC proxies created and dropped by the pool",
    ["event"],  # created, dropped
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def registry() -> Any:
    """The registry to expose: the merged multiprocess one when configured."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)
        return merged
    return REGISTRY


def metrics_response() -> Response:
    return Response(generate_latest(registry()), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Time every request and count it by method, route template and status."""

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
        method = request.method if request.method in METHODS else "OTHER"
        if started is not None:
            REQUEST_LATENCY.labels(method, rule).observe(time.perf_counter() - started)
        REQUESTS.labels(method, rule, str(response.status_code)).inc()
        return response
