"""Services that survive the broker: reconnects, bounded retries, RPC deadlines.

Stock nameko 2.14.1 lets a broker hiccup (a reset socket, a refused connection, a
``handshake_timeout`` on a loaded machine) kill the whole service container, because
any exception leaving a worker or a managed thread makes the container ``kill()``
itself (``ServiceContainer._handle_thread_exited``) and ``lpse run-service`` then
exits. Each path is closed here:

1. *The RPC reply* - ``RpcConsumer.handle_result`` publishes the reply through
   ``Responder`` with a ``Publisher`` that gives up after three retries and raises
   kombu's ``OperationalError`` into the worker thread (the crash measured in issue
   11). :class:`ResilientRpcConsumer` publishes it with :class:`BoundedPublisher`,
   which retries with backoff until the caller's deadline, then logs, counts
   (``eproc_rpc_replies_lost_total``) and moves on.
2. *The ack after a lost connection* - ``QueueConsumer.ack_message`` ignores only
   ``amqp.ConnectionError``; the ``OSError`` of a reset socket escapes the same way.
   :class:`ResilientQueueConsumer` never raises from ack or requeue: an unacked
   message goes back to its queue when the channel closes.
3. *The consumer thread* - kombu's ``ConsumerMixin.run`` reconnects on the
   transport's own error types only; ``Connection.default_channel`` (three retries)
   raises ``OperationalError``, which is not one of them, so the consumer thread
   ends and the container with it. Reconnect waits also grow to 30 s.
   :class:`ResilientQueueConsumer` keeps consuming through any error (logged,
   counted in ``eproc_broker_connection_lost_total``, backoff up to 2 s), so a
   service serves again within about two seconds of the broker's return. RPC,
   nested RPC replies and event handlers all use it.
4. *Nested RPC* (``RpcProxy``) - a failed publish surfaces at the gateway as a
   ``RemoteError`` (500) and a reply that never comes blocks the worker forever.
   :class:`ResilientRpcProxy` waits at most until its deadline and raises
   ``Unavailable`` (503); a broker error in any worker is answered as
   ``Unavailable`` too.

A backlog of stale requests does not keep a service down: every request sent through
:class:`DeadlineClusterRpcProxy` (the gateway) or :class:`ResilientRpcProxy` carries
its caller's deadline twice - as the AMQP ``expiration`` (the broker discards it
unread once the caller gave up) and as the ``lpse_deadline`` context header (epoch
seconds; propagated to nested calls by nameko's context data). :class:`ResilientRpc`
drops a request that reaches it after the deadline without running it, logs it
(``rpc_expired``), counts it (``eproc_rpc_expired_total{service,method}``) and
answers ``Unavailable`` (a nested caller still waiting is not left hanging). A
request without a deadline (an older client, the CLI) runs as before; idempotency
keys keep a retried write safe either way.

Timers and the outbox relay already survive: nameko catches a timer worker's
exception, and the relay's loop backs off (``outbox.py``). Version-specific nameko
calls live here, in ``messaging.py`` and ``testing.py`` only.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from typing import Any

from amqp.exceptions import AMQPError
from kombu.exceptions import KombuError
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    DEFAULT_TRANSPORT_OPTIONS,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.messaging import HeaderDecoder, QueueConsumer, QueueConsumerStopped
from nameko.rpc import (
    MethodProxy,
    ReplyListener,
    Responder,
    Rpc,
    RpcConsumer,
    RpcProxy,
    ServiceProxy,
    get_rpc_exchange,
)
from nameko.standalone.rpc import ClusterProxy, ClusterRpcProxy
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from services.common.errors import EprocError, Unavailable
from services.common.metrics import (
    BROKER_CONNECTION_LOST,
    RPC_EXPIRED,
    RPC_REPLIES_LOST,
)

log = logging.getLogger(__name__)

#: nameko context-data key of a request's deadline (header ``nameko.lpse_deadline``)
DEADLINE_KEY = "lpse_deadline"
#: wall clocks of caller and service may differ this much before a request counts
#: as expired by its header (the broker's ``expiration`` is relative: no skew there)
CLOCK_SKEW_SECONDS = 1.0
#: how long a reply to a request *without* a deadline is retried
REPLY_RETRY_SECONDS = 30.0
#: backoff between publish attempts and between consumer reconnects
BACKOFF_START, BACKOFF_MAX = 0.2, 2.0

#: one attempt inside kombu: a single quick reconnect, the caller's loop does the rest
_QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                "interval_max": 0.2}
_QUICK_TRANSPORT = {**DEFAULT_TRANSPORT_OPTIONS, **_QUICK_RETRY}

BROKER_ERRORS: tuple[type[BaseException], ...] = (OSError, AMQPError, KombuError)


def is_broker_error(exc: BaseException) -> bool:
    """True for a lost, reset, refused or timed-out AMQP connection (or channel)."""
    return isinstance(exc, BROKER_ERRORS) and not isinstance(exc, EprocError)


def backoff(attempt: int, start: float = BACKOFF_START,
            cap: float = BACKOFF_MAX) -> float:
    """start, 2*start, 4*start ... at most ``cap``, each ±20% (replicas spread)."""
    return min(cap, start * 2 ** max(attempt - 1, 0)) * random.uniform(0.8, 1.2)


def deadline_of(context_data: Mapping[str, Any] | None) -> float | None:
    """The request's deadline (epoch seconds) from its context data, if any."""
    raw = (context_data or {}).get(DEADLINE_KEY)
    try:
        return float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _unavailable(message: str, **details: Any) -> tuple[Any, BaseException, Any]:
    exc = Unavailable("SERVICE_UNAVAILABLE", message, details)
    return (type(exc), exc, None)


def is_database_unavailable(exc: BaseException) -> bool:
    """True for a database that cannot serve now: refused or dropped connections,
    ``too many clients``, a full connection pool, a deadlock or a busy SQLite file
    (SQLAlchemy's ``OperationalError`` / ``DisconnectionError`` / pool
    ``TimeoutError``): a retry may succeed, nothing is wrong with the request."""
    return isinstance(exc, (OperationalError, DisconnectionError, PoolTimeout))


def transient_as_unavailable(exc_info: Any) -> Any:
    """The error a caller gets for a worker's failure: a broker or database outage
    is ``Unavailable`` (HTTP 503, retry later) rather than an internal error (500);
    anything else is passed on as it is (nameko has logged it with its traceback)."""
    if exc_info is None:
        return None
    exc = exc_info[1]
    if is_broker_error(exc):  # a nested call or publish met the broker down
        return _unavailable("message broker unavailable", reason="broker")
    if is_database_unavailable(exc):
        return _unavailable("database unavailable", reason="database")
    return exc_info


# --------------------------------------------------------------------------- publish
class BoundedPublisher(Publisher):
    """nameko's ``Publisher`` retrying broker errors with backoff until ``deadline``
    (epoch seconds; ``None``: one quick attempt, as kombu's retry policy allows).

    Each attempt reconnects once at most, quickly; the loop here waits between
    attempts, so a publish never blocks past its deadline by more than one attempt.
    """

    retry_policy = _QUICK_RETRY

    def __init__(self, amqp_uri: str, *, deadline: float | None = None,
                 **kwargs: Any):
        super().__init__(amqp_uri, **kwargs)
        self.deadline = deadline
        # nameko writes confirm_publish into this dict: one per publisher
        self.transport_options = dict(_QUICK_TRANSPORT)

    def publish(self, payload: Any, **kwargs: Any) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                super().publish(payload, **dict(kwargs))
                return
            except UndeliverableMessage:
                raise
            except Exception as exc:
                wait = backoff(attempt)
                if (not is_broker_error(exc) or self.deadline is None
                        or time.time() + wait >= self.deadline):
                    raise
                log.warning("publish failed, retrying", extra={
                    "message_id": "broker_publish_retry", "attempt": attempt,
                    "error": f"{type(exc).__name__}: {exc}"[:300]})
                time.sleep(wait)


# --------------------------------------------------------------------------- consume
class ResilientQueueConsumer(QueueConsumer):
    """nameko's ``QueueConsumer`` that outlives its connection (see module doc 2-3)."""

    _failures = 0

    def run(self, *args: Any, **kwargs: Any) -> None:
        while not self.should_stop:
            try:
                super().run(*args, **kwargs)
            except QueueConsumerStopped:
                raise
            except Exception as exc:  # noqa: BLE001 - never let the container die
                self._failures += 1
                BROKER_CONNECTION_LOST.labels(self.container.service_name).inc()
                log.warning("broker connection lost, reconnecting", extra={
                    "message_id": "broker_connection_lost",
                    "attempt": self._failures,
                    "error": f"{type(exc).__name__}: {exc}"[:300]})
                pause = time.monotonic() + backoff(self._failures)
                while not self.should_stop and time.monotonic() < pause:
                    time.sleep(0.05)

    @contextmanager
    def establish_connection(self) -> Any:
        # kombu's own, with reconnect waits of 0.2 s growing to 2 s (not 2 s to 30 s)
        with self.create_connection() as conn:
            conn.ensure_connection(self.on_connection_error, self.connect_max_retries,
                                   interval_start=0.2, interval_step=0.5,
                                   interval_max=BACKOFF_MAX,
                                   callback=self._abort_if_stopping)
            yield conn

    def _abort_if_stopping(self) -> None:
        """Called by kombu between connection attempts: a stop or kill must not
        wait for the broker to come back."""
        if self.should_stop:
            raise QueueConsumerStopped()

    def on_consume_ready(self, connection: Any, channel: Any, consumers: Any,
                         **kwargs: Any) -> None:
        if self._failures:
            log.info("consuming again", extra={
                "message_id": "broker_reconnected", "after_attempts": self._failures})
            self._failures = 0
        super().on_consume_ready(connection, channel, consumers, **kwargs)

    def ack_message(self, message: Any) -> None:
        self._settle(super().ack_message, message, "ack")

    def requeue_message(self, message: Any) -> None:
        self._settle(super().requeue_message, message, "requeue")

    def _settle(self, settle: Callable[[Any], None], message: Any, what: str) -> None:
        try:
            settle(message)
        except Exception as exc:  # noqa: BLE001 - the broker redelivers an unacked one
            log.warning("could not %s a message; the broker will redeliver it", what,
                        exc_info=not is_broker_error(exc), extra={
                            "message_id": "broker_settle_failed",
                            "error": f"{type(exc).__name__}: {exc}"[:300]})


# --------------------------------------------------------------------------- RPC server
class ResilientResponder(Responder):
    """nameko's ``Responder`` publishing through :class:`BoundedPublisher`."""

    def __init__(self, *args: Any, deadline: float, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.publisher_cls = functools.partial(BoundedPublisher, deadline=deadline)


class ResilientRpcConsumer(HeaderDecoder, RpcConsumer):
    """Replies until the caller's deadline and never raises (module doc 1-2)."""

    queue_consumer = ResilientQueueConsumer()

    def handle_result(self, message: Any, result: Any, exc_info: Any) -> Any:
        exc_info = transient_as_unavailable(exc_info)
        config = self.container.config
        deadline = deadline_of(self.unpack_message_headers(message))
        if deadline is None:
            deadline = time.time() + REPLY_RETRY_SECONDS
        responder = ResilientResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
            deadline=deadline + CLOCK_SKEW_SECONDS)
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except Exception as exc:  # noqa: BLE001 - a lost reply must not kill us
            RPC_REPLIES_LOST.labels(self.container.service_name).inc()
            log.error("RPC reply not delivered", exc_info=not is_broker_error(exc),
                      extra={"message_id": "rpc_reply_lost",
                             "routing_key": message.delivery_info.get("routing_key"),
                             "error": f"{type(exc).__name__}: {exc}"[:300]})
        self.queue_consumer.ack_message(message)
        return result, exc_info


class ResilientRpc(Rpc):
    """nameko's ``@rpc`` entrypoint that drops requests past their deadline."""

    rpc_consumer = ResilientRpcConsumer()

    def handle_message(self, body: Any, message: Any) -> None:
        deadline = deadline_of(self.unpack_message_headers(message))
        late = time.time() - deadline if deadline is not None else 0.0
        if late <= CLOCK_SKEW_SECONDS:
            super().handle_message(body, message)
            return
        service = self.container.service_name
        RPC_EXPIRED.labels(service, self.method_name).inc()
        log.warning("RPC request expired before it ran: dropped", extra={
            "message_id": "rpc_expired", "rpc": f"{service}.{self.method_name}",
            "late_seconds": round(late, 3)})
        self.rpc_consumer.handle_result(message, None, _unavailable(
            "the caller's deadline passed before the request ran",
            service=service, reason="expired"))


# --------------------------------------------------------------------------- RPC client
class DeadlineMethodProxy(MethodProxy):
    """nameko's ``MethodProxy`` whose request carries its deadline (``expiration``
    and the ``lpse_deadline`` header), published with :class:`BoundedPublisher`.

    ``wait=True`` (inside a service) also waits for the reply at most until the
    deadline and raises ``Unavailable``; a standalone proxy waits by its own socket
    timeout instead.
    """

    publisher_cls = BoundedPublisher

    def __init__(self, *args: Any, timeout: float, wait: bool = False,
                 **options: Any):
        super().__init__(*args, **options)
        self.timeout = timeout
        self.wait = wait
        self.deadline = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        reply = self._call(*args, **kwargs)
        if self.wait:
            body = reply.reply_event.wait(timeout=max(self.deadline - time.time(), 0))
            if body is None:
                self._forget(reply.reply_event)
                raise Unavailable("SERVICE_UNAVAILABLE",
                                  f"{self.service_name} did not answer in time",
                                  {"service": self.service_name, "reason": "timeout"})
            reply.resp_body = body
        return reply.result()

    def _call(self, *args: Any, **kwargs: Any) -> Any:
        deadline = time.time() + self.timeout
        inherited = deadline_of(self.worker_ctx.context_data)
        self.deadline = min(deadline, inherited) if inherited else deadline
        self.publisher.deadline = self.deadline
        self.publisher.expiration = max(self.deadline - time.time(), 0.001)
        return super()._call(*args, **kwargs)

    def get_message_headers(self, worker_ctx: Any) -> dict[str, Any]:
        headers = super().get_message_headers(worker_ctx)
        headers[self._get_header_name(DEADLINE_KEY)] = round(self.deadline, 3)
        return headers

    def _forget(self, event: Any) -> None:
        events = self.reply_listener._reply_events
        for correlation_id, waiting in list(events.items()):
            if waiting is event:
                events.pop(correlation_id, None)


class DeadlineServiceProxy(ServiceProxy):
    """``proxy.<method>(...)`` with a deadline ``timeout()`` seconds from the call."""

    def __init__(self, worker_ctx: Any, service_name: str, reply_listener: Any, *,
                 timeout: Callable[[], float], wait: bool = False):
        super().__init__(worker_ctx, service_name, reply_listener)
        self._timeout = timeout
        self._wait = wait

    def __getattr__(self, name: str) -> DeadlineMethodProxy:
        if name.startswith("_"):
            raise AttributeError(name)
        return DeadlineMethodProxy(self.worker_ctx, self.service_name, name,
                                   self.reply_listener, timeout=self._timeout(),
                                   wait=self._wait)


class _DeadlineClusterProxy(ClusterProxy):
    def __init__(self, worker_ctx: Any, reply_listener: Any, default_timeout: float):
        super().__init__(worker_ctx, reply_listener)
        self._default_timeout = default_timeout

    def _current_timeout(self) -> float:
        # the standalone consumer's read timeout is the call's timeout (the
        # gateway sets it per call)
        return self._reply_listener.queue_consumer.timeout or self._default_timeout

    def __getattr__(self, name: str) -> DeadlineServiceProxy:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._proxies:
            self._proxies[name] = DeadlineServiceProxy(
                self._worker_ctx, name, self._reply_listener,
                timeout=self._current_timeout)
        return self._proxies[name]


class DeadlineClusterRpcProxy(ClusterRpcProxy):
    """nameko's standalone ``ClusterRpcProxy`` whose requests carry their deadline:
    the proxy's timeout (``queue_consumer.timeout`` at the moment of the call)."""

    def __init__(self, config: dict[str, Any], *, timeout: float, **kwargs: Any):
        super().__init__(config, timeout=timeout, **kwargs)
        self._proxy = _DeadlineClusterProxy(self._worker_ctx, self._reply_listener,
                                            timeout)


class ResilientReplyListener(ReplyListener):
    """nameko's ``ReplyListener`` on the :class:`ResilientQueueConsumer`."""

    queue_consumer = ResilientQueueConsumer()


class ResilientRpcProxy(RpcProxy):
    """nameko's ``RpcProxy`` for calls between services: deadline-carrying requests
    (``RPC_TIMEOUT``, or less when the incoming request's deadline is nearer), a
    bounded wait for the reply, and a reply listener that outlives its connection."""

    rpc_reply_listener = ResilientReplyListener()

    def setup(self) -> None:
        from services.common.config import settings_for

        self.timeout = settings_for(self.container.config).rpc_timeout

    def get_dependency(self, worker_ctx: Any) -> DeadlineServiceProxy:
        return DeadlineServiceProxy(worker_ctx, self.target_service,
                                    self.rpc_reply_listener,
                                    timeout=lambda: self.timeout, wait=True)


__all__ = [
    "BROKER_ERRORS", "BoundedPublisher", "DEADLINE_KEY", "DeadlineClusterRpcProxy",
    "DeadlineMethodProxy", "ResilientQueueConsumer", "ResilientRpc",
    "ResilientRpcConsumer", "ResilientRpcProxy", "backoff", "deadline_of",
    "is_broker_error",
]
