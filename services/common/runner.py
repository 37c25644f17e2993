"""Run one nameko service in this process: patch, configure, check the broker, serve.

Used by ``lpse run-service <name>``. eventlet must be monkey-patched before anything
else is imported, so the CLI calls :func:`patch` first. Settings are validated here
(the process stops with the list of problems), the RabbitMQ connection is checked with
a clear message, and SIGINT/SIGTERM stop the service gracefully (in-flight workers
finish, unacked messages go back to the queue).
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any

log = logging.getLogger(__name__)

RABBIT_HELP = (
    "RabbitMQ is not reachable at {uri}.\n"
    "Start one, e.g. `rabbitmq-server -detached` (Debian package rabbitmq-server) or\n"
    "`docker run -d -p 5672:5672 -p 15672:15672 rabbitmq:3-management`,\n"
    "or point AMQP_URI at a running broker."
)


def skip_librabbitmq_probe() -> None:
    """Record the optional C client ``librabbitmq`` as absent, once.

    kombu probes for it on every ``Connection()``, and nameko's publisher builds one per
    published message; the failing import searched ``sys.path`` every time (about 7% of
    the gateway's CPU per RPC in a py-spy profile). We never use librabbitmq.
    """
    import importlib.util

    absent = importlib.util.find_spec("librabbitmq") is None
    if "librabbitmq" not in sys.modules and absent:
        sys.modules["librabbitmq"] = None  # type: ignore[assignment]


def patch() -> None:
    """Monkey-patch for eventlet and make psycopg2 cooperative. Call first."""
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    import eventlet

    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()
    skip_librabbitmq_probe()


def check_broker(amqp_uri: str, timeout: float = 5.0) -> None:
    """Raise SystemExit with instructions when the broker does not answer."""
    from kombu import Connection

    try:
        with Connection(amqp_uri, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        safe_uri = amqp_uri.split("@")[-1]
        raise SystemExit(RABBIT_HELP.format(uri=safe_uri) + f"\n({exc})") from None


def run_service(name: str, service_cls: Any, *, require: tuple[str, ...] = ()) -> None:
    """Start ``service_cls`` and block until SIGINT/SIGTERM."""
    import eventlet
    from nameko.runners import ServiceRunner

    from services.common.config import ConfigError, load_settings
    from services.common.logging import setup_logging

    # handlers first: a Ctrl-C during start-up must not be lost
    stopping: list[int] = []
    state: dict[str, Any] = {"runner": None}

    def shutdown(signum: int, _frame: Any) -> None:
        # once: a second, concurrent runner.stop() (Ctrl-C sends INT to the process
        # group and the run script then sends TERM) deadlocks inside nameko
        if stopping:
            return
        stopping.append(signum)
        log.info("stopping", extra={"message_id": "service_stopping", "signal": signum})
        if state["runner"] is not None:
            eventlet.spawn_n(state["runner"].stop)

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    try:
        settings = load_settings(require=require, service=name)
    except ConfigError as exc:
        raise SystemExit(f"{name}: {exc}") from None
    setup_logging(settings.log_level, settings.log_format, service=name)
    check_broker(settings.amqp_uri)
    if stopping:
        sys.exit(0)
    runner = ServiceRunner(settings.nameko_config())
    runner.add_service(service_cls)
    runner.start()
    state["runner"] = runner
    log.info("started", extra={"message_id": "service_started", "service": name,
                               "metrics_port": settings.metrics_port})
    if stopping:  # a signal arrived while the containers were starting
        eventlet.spawn_n(runner.stop)
    try:
        runner.wait()
    except KeyboardInterrupt:  # pragma: no cover
        runner.kill()
    sys.exit(0)
