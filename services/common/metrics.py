"""Prometheus metrics shared by every service process.

Names follow ``eproc_<thing>_<unit>`` with a ``service`` label; counters end in
``_total``; labels stay low-cardinality (never an object id). Each service process
serves them on ``METRICS_PORT`` through prometheus-client's own HTTP server, started
by the :class:`Metrics` dependency in ``setup()`` (once per process). The gateway uses
the multiprocess collector instead (``gateway/metrics.py``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, start_http_server

try:
    from nameko.extensions import DependencyProvider
except ImportError:  # pragma: no cover
    DependencyProvider = object  # type: ignore[misc,assignment]

log = logging.getLogger(__name__)

ENTRYPOINT_LATENCY = Histogram(
    "eproc_entrypoint_latency_seconds", "Entrypoint (RPC, event, timer) latency",
    ["service", "entrypoint", "kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ENTRYPOINT_ERRORS = Counter(
    "eproc_entrypoint_errors_total", "Entrypoint errors by stable error code",
    ["service", "entrypoint", "code"],
)
EVENTS_PUBLISHED = Counter(
    "eproc_events_published_total", "Events published by the outbox relay",
    ["service", "event_type"],
)
EVENTS_CONSUMED = Counter(
    "eproc_events_consumed_total", "Events consumed, by outcome",
    ["service", "event_type", "outcome"],  # applied, duplicate, retried, dead_lettered
)
OUTBOX_PENDING = Gauge(
    "eproc_outbox_pending", "Outbox rows not yet published", ["service"],
)
OUTBOX_OLDEST_AGE = Gauge(
    "eproc_outbox_oldest_pending_seconds", "Age of the oldest unpublished outbox row",
    ["service"],
)
DLQ_MESSAGES = Gauge(
    "eproc_dlq_messages", "Messages waiting in this service's dead-letter queues",
    ["service"],
)
IDEMPOTENT_REPLAYS = Counter(
    "eproc_idempotent_replays_total", "RPC calls answered from the idempotency record",
    ["service", "method"],
)

RPC_EXPIRED = Counter(
    "eproc_rpc_expired_total",
    "RPC requests dropped unrun because their caller's deadline had passed",
    ["service", "method"],
)
RPC_REPLIES_LOST = Counter(
    "eproc_rpc_replies_lost_total",
    "RPC replies that could not be published before the caller's deadline",
    ["service"],
)
BROKER_CONNECTION_LOST = Counter(
    "eproc_broker_connection_lost_total",
    "Times a consumer lost its broker connection (it reconnects with backoff)",
    ["service"],
)

_started_ports: set[int] = set()


class Every:
    """``due()`` is true at most every ``seconds`` in this process: for gauges
    computed from the database by a timer that fires more often than that."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._at = 0.0

    def __call__(self) -> bool:
        import time

        now = time.monotonic()
        if now - self._at < self.seconds:
            return False
        self._at = now
        return True


def start_metrics_server(port: int) -> None:
    """Serve the default registry on ``port`` once per process (0 disables)."""
    if port and port not in _started_ports:
        start_http_server(port, addr="0.0.0.0")
        _started_ports.add(port)
        log.info("metrics served",
                 extra={"message_id": "metrics_started", "port": port})


class Metrics(DependencyProvider):  # type: ignore[misc]
    """Times every entrypoint of the service and counts errors by ``code``."""

    def __init__(self) -> None:
        self._started: dict[Any, float] = {}

    def setup(self) -> None:
        from services.common.config import settings_for

        start_metrics_server(settings_for(self.container.config).metrics_port)

    def get_dependency(self, worker_ctx: Any) -> None:
        return None

    def worker_setup(self, worker_ctx: Any) -> None:
        from services.common.logging import call_id_var

        call_id_var.set(worker_ctx.call_id)
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None,
                      exc_info: Any = None) -> None:
        started = self._started.pop(worker_ctx, None)
        service = self.container.service_name
        name = worker_ctx.entrypoint.method_name
        kind = type(worker_ctx.entrypoint).__name__.lower()
        if started is not None:
            elapsed = time.perf_counter() - started
            ENTRYPOINT_LATENCY.labels(service, name, kind).observe(elapsed)
        if exc_info is not None:
            code = getattr(exc_info[1], "code", None) or type(exc_info[1]).__name__
            ENTRYPOINT_ERRORS.labels(service, name, str(code)).inc()
