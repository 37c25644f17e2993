"""The RPC path from the gateway to the services: the ONLY module touching nameko.

Routes see :class:`RpcBackend` - ``call(contract, request)`` returning the loaded
response, raising ``services.common.errors`` types - so the path is replaceable (a
fake in unit tests, another transport later). :class:`NamekoBackend` implements it
with typed calls (``services.common.messaging.RpcClient``) over a :class:`ProxyPool`:

* nameko's standalone ``ClusterRpcProxy`` is not thread-safe (STACK trap 3) and a
  proxy per request is slow and leaves reply queues behind (trap 4), so each process
  keeps a small pool and a thread checks one proxy out per call;
* proxies are created lazily, on first use after the fork (never at import); the pool
  notices a fork by pid and forgets inherited proxies without closing them;
* every call has an explicit timeout (trap 5), ``RPC_TIMEOUT`` unless given, and
  its request carries it as a deadline (``services.common.broker``): the broker
  discards it unread once we gave up, a service drops it if it arrives later;
* a proxy is dropped after a timeout or a connection error, and on check-out when its
  idle socket turned readable (the broker closed it or sent something unexpected);
* ``RpcTimeout`` and connection errors become ``Unavailable`` (503); a call of an
  idempotent contract is retried once, with the same request and so the same
  ``idempotency_key``; other calls are never retried (the first may have run);
* registered ``EprocError`` types come back typed and pass through; a ``RemoteError``
  (an unexpected exception in the service) or a response that breaks its contract
  becomes ``InternalError`` (500), logged.
"""

from __future__ import annotations

import logging
import os
import selectors
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import kombu
import kombu.pools
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService

from gateway.errors import InternalError
from gateway.metrics import RPC_CALLS, RPC_LATENCY, RPC_PROXIES
from services.common.broker import BROKER_ERRORS, DeadlineClusterRpcProxy
from services.common.contracts.base import RpcContract
from services.common.errors import ContractViolation, EprocError, Unavailable
from services.common.messaging import RpcClient
from services.common.runner import skip_librabbitmq_probe

skip_librabbitmq_probe()

log = logging.getLogger(__name__)

#: errors meaning "the connection to the broker is (or was) broken"
#: a lost, reset, refused or timed-out broker connection (the services' own list)
CONNECTION_ERRORS = BROKER_ERRORS


def is_connection_error(exc: BaseException) -> bool:
    """True for broker connection failures (a plain RuntimeError is what nameko's
    polling consumer raises when used after its connection went away)."""
    return isinstance(exc, CONNECTION_ERRORS) or type(exc) is RuntimeError

_POOLS: weakref.WeakSet[ProxyPool] = weakref.WeakSet()


class RpcBackend(Protocol):
    """What routes use to call services."""

    def call(self, contract: RpcContract, request: dict[str, Any], *,
             timeout: float | None = None) -> Any:
        """Dump ``request``, call, load and return the response (or raise)."""

    def check_broker(self, timeout: float) -> None:
        """Raise ``Unavailable`` unless the message broker accepts a connection."""


class _Retryable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- pool
@dataclass
class PooledProxy:
    """One started ``ClusterRpcProxy`` and the cluster object it returned."""

    runner: Any
    cluster: Any
    created_at: float = field(default_factory=time.monotonic)

    @property
    def _consumer(self) -> Any:
        return self.runner._reply_listener.queue_consumer

    def set_timeout(self, seconds: float) -> None:
        # nameko fixes the timeout at construction; it is read on every wait
        self._consumer.timeout = seconds

    def _socket(self) -> Any:
        channel = getattr(getattr(self._consumer, "consumer", None), "channel", None)
        transport = getattr(getattr(channel, "connection", None), "transport", None)
        return getattr(transport, "sock", None)

    def looks_alive(self) -> bool:
        """An idle proxy's socket has nothing to say: readable means closed/broken."""
        if getattr(self._consumer, "stopped", True):
            return False
        sock = self._socket()
        if sock is None:
            return False
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(sock, selectors.EVENT_READ)
                return not selector.select(timeout=0)
        except (OSError, ValueError):
            return False

    def stop(self) -> None:
        """Close the connection (deleting the reply queue); never raises."""
        sock = self._socket()
        try:
            if sock is not None:
                sock.settimeout(1.0)  # a dead peer must not block the close handshake
            queue = getattr(self._consumer, "queue", None)
            if queue is not None and sock is not None:
                queue.delete()
        except Exception:  # noqa: BLE001 - best effort, the broker expires it anyway
            log.debug("could not delete a reply queue", exc_info=True)
        try:
            self.runner.stop()
        except Exception:  # noqa: BLE001
            log.debug("could not stop an RPC proxy cleanly", exc_info=True)
            try:
                if sock is not None:
                    sock.close()
            except OSError:  # pragma: no cover
                pass


class ProxyPool:
    """At most ``max_size`` proxies per process, each used by one thread at a time."""

    def __init__(self, config: dict[str, Any], *, timeout: float, max_size: int = 8,
                 factory: Callable[[], PooledProxy] | None = None):
        self.config = dict(config)
        self.timeout = timeout
        self.max_size = max_size
        self._factory = factory or self._start_proxy
        self.created = 0
        self.dropped = 0
        self._reset_state()
        _POOLS.add(self)

    def _reset_state(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.max_size)
        self._idle: list[PooledProxy] = []

    def _start_proxy(self) -> PooledProxy:
        runner = DeadlineClusterRpcProxy(self.config, timeout=self.timeout)
        return PooledProxy(runner, runner.start())

    def after_fork(self) -> None:
        """Forget (never close: the parent still uses them) inherited proxies."""
        self._reset_state()

    def acquire(self, wait: float | None = None) -> PooledProxy:
        """Check a proxy out; create one when none is idle.

        :raises Unavailable: the pool stayed exhausted, or the broker is unreachable.
        """
        if self._pid != os.getpid():
            self.after_fork()
        if not self._slots.acquire(timeout=self.timeout if wait is None else wait):
            raise Unavailable("SERVICE_UNAVAILABLE", "all RPC proxies are busy",
                              {"reason": "rpc_pool_exhausted"})
        try:
            while True:
                with self._lock:
                    proxy = self._idle.pop() if self._idle else None
                if proxy is None:
                    break
                if proxy.looks_alive():
                    return proxy
                log.info("dropping a broken idle RPC proxy",
                         extra={"message_id": "rpc_proxy_dropped"})
                self._drop(proxy)
            proxy = self._factory()
        except BaseException as exc:
            self._slots.release()
            if is_connection_error(exc):
                raise Unavailable("SERVICE_UNAVAILABLE", "message broker unreachable",
                                  {"reason": "broker_unreachable"}) from exc
            raise
        with self._lock:
            self.created += 1
        RPC_PROXIES.labels("created").inc()
        return proxy

    def release(self, proxy: PooledProxy) -> None:
        """Return a healthy proxy."""
        proxy.set_timeout(self.timeout)
        with self._lock:
            self._idle.append(proxy)
        self._slots.release()

    def discard(self, proxy: PooledProxy) -> None:
        """Drop a proxy that timed out or lost its connection."""
        self._drop(proxy)
        self._slots.release()

    def _drop(self, proxy: PooledProxy) -> None:
        with self._lock:
            self.dropped += 1
        RPC_PROXIES.labels("dropped").inc()
        proxy.stop()

    def close(self) -> None:
        """Stop every idle proxy (process shutdown)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for proxy in idle:
            proxy.stop()

    @property
    def idle_count(self) -> int:
        return len(self._idle)


def close_all() -> None:
    """gunicorn ``worker_exit``: stop this process's idle proxies (their reply queues
    are deleted instead of lingering for nameko's five-minute expiry)."""
    for pool in list(_POOLS):
        pool.close()


def after_fork() -> None:
    """gunicorn ``post_fork``: forget proxies and kombu connections of the parent."""
    for pool in list(_POOLS):
        pool.after_fork()
    kombu.pools.connections.clear()
    kombu.pools.producers.clear()


# --------------------------------------------------------------------------- backend
class _TrackedCluster:
    """``proxy_for`` for ``RpcClient`` that records whether the remote call returned
    (a contract violation before it is the caller's input, after it the service's)."""

    def __init__(self, cluster: Any):
        self.cluster = cluster
        self.returned = False

    def __call__(self, service: str) -> _TrackedService:
        return _TrackedService(self, service)


class _TrackedService:
    def __init__(self, tracker: _TrackedCluster, service: str):
        self._tracker = tracker
        self._service = service

    def __getattr__(self, method: str) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            result = getattr(self._tracker.cluster[self._service], method)(*args)
            self._tracker.returned = True
            return result

        return call


class NamekoBackend:
    """``RpcBackend`` over pooled nameko standalone proxies."""

    def __init__(self, amqp_uri: str, *, timeout: float, pool_size: int = 8,
                 pool: ProxyPool | None = None):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.pool = pool or ProxyPool({"AMQP_URI": amqp_uri, "serializer": "json"},
                                      timeout=timeout, max_size=pool_size)

    @classmethod
    def from_settings(cls, settings: Any, pool_size: int = 8) -> NamekoBackend:
        return cls(settings.amqp_uri, timeout=settings.rpc_timeout, pool_size=pool_size)

    def call(self, contract: RpcContract, request: dict[str, Any], *,
             timeout: float | None = None) -> Any:
        attempts = 2 if contract.idempotent else 1
        labels = (contract.service, contract.method)
        started = time.perf_counter()
        try:
            for attempt in range(1, attempts + 1):
                try:
                    result = self._call_once(contract, request, timeout)
                except _Retryable as exc:
                    RPC_CALLS.labels(*labels, exc.reason).inc()
                    log.warning("RPC failed", extra={
                        "message_id": "rpc_failed", "rpc": contract.key,
                        "reason": exc.reason, "attempt": attempt,
                        "will_retry": attempt < attempts})
                    if attempt < attempts:
                        RPC_CALLS.labels(*labels, "retry").inc()
                        continue
                    raise Unavailable("SERVICE_UNAVAILABLE",
                                      f"{contract.service} did not answer",
                                      {"service": contract.service,
                                       "reason": exc.reason}) from exc
                RPC_CALLS.labels(*labels, "ok").inc()
                return result
        finally:
            RPC_LATENCY.labels(*labels).observe(time.perf_counter() - started)
        raise AssertionError("unreachable")  # pragma: no cover

    def _call_once(self, contract: RpcContract, request: dict[str, Any],
                   timeout: float | None) -> Any:
        labels = (contract.service, contract.method)
        try:
            proxy = self.pool.acquire()
        except Unavailable:
            RPC_CALLS.labels(*labels, "unavailable").inc()
            raise
        healthy = False  # an interrupted call (e.g. a worker abort) drops the proxy
        tracked = _TrackedCluster(proxy.cluster)
        try:
            proxy.set_timeout(timeout or self.timeout)
            result = RpcClient(tracked).call(contract, request)
            healthy = True
            return result
        except RpcTimeout as exc:
            raise _Retryable("timeout") from exc
        except UnknownService as exc:
            healthy = True
            RPC_CALLS.labels(*labels, "unavailable").inc()
            raise Unavailable("SERVICE_UNAVAILABLE", f"{contract.service} not running",
                              {"service": contract.service, "reason": "not_running"},
                              ) from exc
        except ContractViolation as exc:
            healthy = True
            if not tracked.returned:
                RPC_CALLS.labels(*labels, "error").inc()
                raise  # our request broke the contract: the client's input (4xx)
            RPC_CALLS.labels(*labels, "internal").inc()
            log.error("RPC response breaks its contract", extra={
                "message_id": "rpc_bad_response", "rpc": contract.key,
                "details": exc.details})
            raise InternalError("INTERNAL_ERROR", "bad response") from exc
        except EprocError:
            healthy = True
            RPC_CALLS.labels(*labels, "error").inc()
            raise
        except Exception as exc:
            if is_connection_error(exc):
                log.info("RPC connection error", exc_info=True, extra={
                    "message_id": "rpc_connection_error", "rpc": contract.key})
                raise _Retryable("connection") from exc
            # RemoteError: an unexpected exception in the service; nameko's own
            # BadRequest (MethodNotFound, ...): the two sides disagree on the method
            healthy = True
            RPC_CALLS.labels(*labels, "internal").inc()
            log.error("RPC failed", exc_info=not isinstance(exc, RemoteError), extra={
                "message_id": "rpc_remote_error", "rpc": contract.key,
                "error": f"{type(exc).__name__}: {exc}"[:1000]})
            raise InternalError("INTERNAL_ERROR", "remote error") from exc
        finally:
            if healthy:
                self.pool.release(proxy)
            else:
                self.pool.discard(proxy)

    def check_broker(self, timeout: float) -> None:
        try:
            with kombu.Connection(self.amqp_uri, connect_timeout=timeout) as conn:
                conn.ensure_connection(max_retries=0, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            raise Unavailable("SERVICE_UNAVAILABLE", "message broker unreachable",
                              {"reason": type(exc).__name__}) from exc

    def close(self) -> None:
        self.pool.close()
