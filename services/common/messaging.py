"""Messaging that loses nothing: declared topology, retries, dead letters, idempotency.

Nameko's defaults lose or duplicate messages in five ways; each is closed here:

1. *Event published before its consumer ever started* - every consumer queue is
   declared from the static subscription table (``contracts/subscriptions.py``) by
   :func:`declare_topology`, which the outbox relay runs before it publishes anything
   and ``lpse topology`` runs at deploy time. A ``@consumes`` for an event that is not
   in the table fails when its service starts. The handler consumes from the very
   ``Queue`` declared here, so the two declarations cannot disagree.
2. *Handler that raises* - :class:`ReliableEventHandler` republishes the message to a
   per-attempt retry queue (``<q>.retry.<n>``, message TTL = backoff, dead-lettered
   back into ``<q>``) and after ``EVENT_MAX_ATTEMPTS`` to ``<q>.dlq``; invalid payloads
   go to ``<q>.dlq`` at once, and so does a body kombu cannot decode at all (not JSON,
   a content type nameko does not accept, not UTF-8, bad compression), which kombu's
   default would log and ack - lose. ``lpse dlq list|replay`` lets an operator act on
   them.
3. *kill -9 mid-handler* - the message is acked only after the handler finished, so
   it is redelivered; :func:`consumes` records the ``event_id`` in ``processed_event``
   in the same transaction as the handler's effect and skips it the second time.
4. *Commit and publish diverge* - events go through the outbox (``outbox.py``).
5. *RPC retried after a timeout, or run late* - :func:`implements` on an idempotent
   contract stores ``(method, idempotency_key) -> response`` in the same transaction as
   the effect; a repeat returns the stored response (less the fields a contract
   returns only once, ``extra["not_replayed"]``: a secret is never stored).

Version-specific nameko calls live here, in ``broker.py`` (surviving the broker:
reconnects, bounded retries, RPC deadlines) and in ``testing.py`` only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.events import EventHandler
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.broker import ResilientQueueConsumer, ResilientRpc
from services.common.contracts.base import EnvelopeSchema, EventContract, RpcContract
from services.common.db import is_postgres
from services.common.errors import DOMAIN_ERRORS, Conflict, ContractViolation
from services.common.metrics import EVENTS_CONSUMED, IDEMPOTENT_REPLAYS
from services.common.sqlite import keyed_lock

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-lpse-attempt"
ERROR_HEADER = "x-lpse-last-error"


# --------------------------------------------------------------------------- topology
def events_exchange(source: str) -> Exchange:
    """The topic exchange a service publishes its events on (nameko's naming)."""
    return Exchange(f"{source}.events", type="topic", durable=True, auto_delete=False)


def handler_queue_name(source: str, event_type: str, service: str, method: str) -> str:
    """The queue of one event handler (nameko's SERVICE_POOL naming)."""
    return f"evt-{source}-{event_type}--{service}.{method}"


@dataclass(frozen=True)
class Subscription:
    """``service.method`` consumes events of ``contract``."""

    service: str
    method: str
    contract: EventContract

    @property
    def queue(self) -> str:
        return handler_queue_name(self.contract.source, self.contract.type,
                                  self.service, self.method)

    @property
    def dlq(self) -> str:
        return f"{self.queue}.dlq"

    def retry_queue(self, attempt: int) -> str:
        return f"{self.queue}.retry.{attempt}"


def subscription_queues(sub: Subscription, max_attempts: int) -> list[Queue]:
    """The main queue, its retry queues and its dead-letter queue."""
    queues = [Queue(sub.queue, exchange=events_exchange(sub.contract.source),
                    routing_key=sub.contract.type, durable=True, auto_delete=False)]
    for attempt in range(1, max_attempts):
        queues.append(Queue(
            sub.retry_queue(attempt), durable=True, auto_delete=False,
            queue_arguments={"x-dead-letter-exchange": "",
                             "x-dead-letter-routing-key": sub.queue},
        ))
    queues.append(Queue(sub.dlq, durable=True, auto_delete=False))
    return queues


def declare_topology(connection: Any, subscriptions: Iterable[Subscription],
                     max_attempts: int, sources: Iterable[str] = ()) -> int:
    """Declare exchanges and every consumer's queues; idempotent.

    Returns the number of queues declared.
    """
    count = 0
    with connection.channel() as channel:
        for source in set(sources):
            events_exchange(source)(channel).declare()
        for sub in subscriptions:
            events_exchange(sub.contract.source)(channel).declare()
            for queue in subscription_queues(sub, max_attempts):
                queue(channel).declare()
                count += 1
    return count


def retry_delay(base_seconds: float, attempt: int) -> float:
    """Exponential backoff: base, 2*base, 4*base, ... for attempt 1, 2, 3, ..."""
    return base_seconds * (2 ** (attempt - 1))


# --------------------------------------------------------------------------- envelope
def make_envelope(contract: EventContract, payload: dict[str, Any], *,
                  occurred_at: datetime, actor: dict[str, Any] | None = None,
                  event_id: str | None = None) -> dict[str, Any]:
    """The JSON envelope of one event (payload already dumped by the contract)."""
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": contract.type,
        "version": contract.version,
        "source": contract.source,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(),
        "actor": actor,
        "payload": payload,
    }


@dataclass(frozen=True)
class Event:
    """A received event, loaded and validated."""

    event_id: str
    event_type: str
    version: int
    source: str
    occurred_at: datetime
    actor: dict[str, Any] | None
    payload: dict[str, Any]


def load_event(contract: EventContract, body: Any) -> Event:
    from marshmallow import ValidationError

    try:
        env = EnvelopeSchema().load(body if isinstance(body, dict) else {})
    except ValidationError as exc:
        raise ContractViolation("CONTRACT_VIOLATION", "event envelope invalid",
                                {"fields": exc.messages}) from exc
    payload = contract.load_payload(env["payload"])
    return Event(str(env["event_id"]), env["event_type"], env["version"], env["source"],
                 env["occurred_at"], env.get("actor"), payload)


# --------------------------------------------------------------------------- consumers
class _EventQueueConsumer(ResilientQueueConsumer):
    """The queue consumer of :class:`ReliableEventHandler` s only (one that outlives
    its broker connection, ``broker.py``), with one more change: a message whose body
    kombu cannot decode is handed to the handler of its queue
    (``handle_undecodable``). kombu decodes before any handler runs, and nameko
    leaves such a message to ``ConsumerMixin.on_decode_error``, which logs it and
    *acks* it: the message is lost and no handler ever sees it.

    A shared extension of its own (one more AMQP connection per service that consumes
    events): RPC entrypoints and nested RPC replies share ``ResilientQueueConsumer``.
    """

    def get_consumers(self, consumer_cls: Any, channel: Any) -> Any:
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = getattr(provider, "handle_undecodable",
                                               self.on_decode_error)
        return consumers


class ReliableEventHandler(EventHandler):
    """An event handler that retries with backoff and dead-letters instead of dropping.

    The message is acked only after the worker finished (nameko's behaviour); on an
    error it is first republished (persistent, confirmed) to the next retry queue or
    to the dead-letter queue, then acked. A body that cannot be decoded never reaches
    a worker: it is dead-lettered at once, its bytes untouched.
    """

    queue_consumer = _EventQueueConsumer()

    def __init__(self, source_service: str, event_type: str, **kwargs: Any):
        super().__init__(source_service, event_type, **kwargs)
        self._publisher: Publisher | None = None
        self._settings: Any = None

    def setup(self) -> None:
        from kombu import Connection

        from services.common.config import settings_for

        super().setup()
        self._settings = settings_for(self.container.config)
        self._publisher = Publisher(self.container.config["AMQP_URI"])
        sub = self.subscription
        max_attempts = self._settings.event_max_attempts
        # consume from the very Queue that declare_topology declares (same name,
        # binding, flags and arguments), not from nameko's own copy of it: two
        # declarations that differ in any argument fail with PRECONDITION_FAILED
        self.queue = subscription_queues(sub, max_attempts)[0]
        with Connection(self.container.config["AMQP_URI"]) as conn:
            declare_topology(conn, [sub], max_attempts)

    @property
    def subscription(self) -> Subscription:
        from services.common.contracts.subscriptions import find_subscription

        sub = find_subscription(self.container.service_name, self.method_name,
                                self.source_service, self.event_type)
        if sub is None:
            raise LookupError(
                f"{self.container.service_name}.{self.method_name} consumes "
                f"{self.source_service}.{self.event_type} but is not in the "
                "subscription table (services/common/contracts/subscriptions.py)")
        return sub

    def handle_message_processed(self, message: Any, result: Any = None,
                                 exc_info: Any = None) -> None:
        if exc_info is not None:
            exc = exc_info[1]
            self._settle_failure(message, f"{type(exc).__name__}: {exc}",
                                 permanent=isinstance(exc, ContractViolation))
            return
        self.queue_consumer.ack_message(message)

    def handle_undecodable(self, message: Any, exc: BaseException) -> None:
        """kombu could not decode the body (called in the consumer thread): no retry
        can change that, so the message goes to the dead-letter queue at once."""
        compression = (message.headers or {}).get("compression")
        described = ", ".join(str(x) for x in (
            message.content_type or "no content type",
            message.content_encoding or "no content encoding",
            compression and f"compression {compression}") if x)
        self._settle_failure(
            message, f"{type(exc).__name__}: cannot decode the message body "
                     f"({described}): {exc}", permanent=True)

    def _settle_failure(self, message: Any, error: str, permanent: bool) -> None:
        try:
            self._route_failure(message, error, permanent)
        except Exception:  # could not park it: requeue rather than lose it
            log.exception("could not republish a failed event; requeueing",
                          extra={"message_id": "event_requeued"})
            self.queue_consumer.requeue_message(message)
            return
        self.queue_consumer.ack_message(message)

    def _route_failure(self, message: Any, error: str, permanent: bool) -> None:
        sub = self.subscription
        headers = dict(message.headers or {})
        attempt = int(headers.get(ATTEMPT_HEADER, 1))
        headers[ERROR_HEADER] = error[:500]
        # kombu has decompressed the body (or failed to: then the reason says so);
        # a copy that still claimed compression could not be read again
        headers.pop("compression", None)
        max_attempts = self._settings.event_max_attempts
        if permanent or attempt >= max_attempts:
            target, expiration, outcome = sub.dlq, None, "dead_lettered"
            headers[ATTEMPT_HEADER] = attempt  # shown by `lpse dlq list`
        else:
            target = sub.retry_queue(attempt)
            expiration = retry_delay(self._settings.event_retry_base_seconds, attempt)
            headers[ATTEMPT_HEADER] = attempt + 1
            outcome = "retried"
        log.warning("event not handled", extra={
            "message_id": f"event_{outcome}", "queue": sub.queue, "attempt": attempt,
            "error": headers[ERROR_HEADER]})
        assert self._publisher is not None
        # the body as received, never serialised again (an untyped body as kombu
        # reads it, application/data, in its own encoding - not re-encoded as UTF-8)
        self._publisher.publish(
            message.body, exchange="", routing_key=target, headers=headers,
            expiration=expiration,
            content_type=message.content_type or "application/data",
            content_encoding=message.content_encoding, serializer=None,
            use_confirms=True,
        )
        EVENTS_CONSUMED.labels(self.container.service_name, sub.contract.type,
                               outcome).inc()


def consumes(
        contract: EventContract) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare ``method(self, event: Event)`` as the idempotent handler of ``contract``.

    The handler does its work on ``self.uow`` and must not commit: the wrapper records
    the ``event_id`` in ``processed_event`` and commits once. A repeated ``event_id``
    is skipped. The ``(service, method)`` pair must be in the subscription table.

    The ``event_id`` is claimed *before* the handler runs, in the transaction that
    will hold its effect: a concurrent delivery of the same event waits on the claim
    and is then skipped as a duplicate. Any error after that, including one raised by
    the commit itself (a deferred constraint, say), fails the delivery, so it is
    retried and dead-lettered, never acked as if it had been applied.
    """

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(self: Any, body: Any) -> Any:
            event = load_event(contract, body)
            uow = self.uow
            consumer = f"{self.name}.{fn.__name__}"
            table = uow.infra.processed_event
            seen = uow.session.execute(
                select(table.c.event_id).where(table.c.consumer == consumer,
                                               table.c.event_id == event.event_id)
            ).first()
            if seen:
                EVENTS_CONSUMED.labels(self.name, contract.type, "duplicate").inc()
                return None
            try:
                uow.session.execute(insert(table).values(
                    consumer=consumer, event_id=event.event_id,
                    processed_at=datetime.now(UTC)))
            except IntegrityError:  # a concurrent delivery applied it meanwhile
                uow.rollback()
                EVENTS_CONSUMED.labels(self.name, contract.type, "duplicate").inc()
                return None
            result = fn(self, event)
            uow.commit()
            EVENTS_CONSUMED.labels(self.name, contract.type, "applied").inc()
            return result

        wrapper.__lpse_consumes__ = contract  # type: ignore[attr-defined]
        return ReliableEventHandler.decorator(contract.source, contract.type)(wrapper)

    return decorator


def add_consumers(service_cls: Any, contracts: Iterable[EventContract],
                  handle: Callable[[Any, EventContract, Event], None]) -> None:
    """Give ``service_cls`` one idempotent handler ``on_<type>`` per contract, each
    calling ``handle(self, contract, event)`` (for a service that treats many events
    alike; the subscription table must name them)."""
    for contract in contracts:
        def method(self: Any, event: Event,
                   _contract: EventContract = contract) -> None:
            handle(self, _contract, event)

        method.__name__ = method.__qualname__ = f"on_{contract.type}"
        method.__doc__ = f"{contract.source}.{contract.type}"
        setattr(service_cls, method.__name__, consumes(contract)(method))


# --------------------------------------------------------------------------- RPC server
def request_hash(request: dict[str, Any], secret: frozenset[str] = frozenset()) -> str:
    """SHA-256 of the canonical request, without the key and without secrets
    (``load_only`` fields such as passwords are never stored, not even hashed)."""
    data = {k: v for k, v in request.items()
            if k != "idempotency_key" and k not in secret}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def implements(
        contract: RpcContract) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Expose ``method(self, request: dict)`` as the RPC ``contract``.

    Loads the request through the contract (``ContractViolation`` if invalid), dumps
    the return value through the response schema, and declares every ``EprocError`` as
    expected. For an idempotent contract the use case's commit is deferred so that the
    effect and ``(method, idempotency_key) -> response`` are committed together.
    """

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(self: Any, request: Any = None) -> Any:
            loaded = contract.load_request(request)
            if not contract.idempotent:
                return contract.dump_response(fn(self, loaded))
            return _idempotent_call(self, contract, fn, request, loaded)

        wrapper.__lpse_implements__ = contract  # type: ignore[attr-defined]
        # nameko's @rpc, surviving the broker and dropping expired requests
        return ResilientRpc.decorator(expected_exceptions=DOMAIN_ERRORS)(wrapper)

    return decorator


def use_case_entrypoint(contract: RpcContract,
                        use_case: Callable[..., Any]) -> Callable[..., Any]:
    """The usual entrypoint of a service: load ``contract``'s request, run
    ``use_case(self.uow, request, self.clock.now(), self.deps())``, dump the
    response (a service provides ``uow``, ``clock`` and ``deps()``)."""

    def method(self: Any, request: dict[str, Any]) -> Any:
        return use_case(self.uow, request, self.clock.now(), self.deps())

    method.__name__ = method.__qualname__ = use_case.__name__
    method.__doc__ = (use_case.__doc__ or "").split("\n")[0]
    return implements(contract)(method)


def _idempotent_call(service: Any, contract: RpcContract, fn: Callable[..., Any],
                     raw: dict[str, Any], loaded: dict[str, Any]) -> Any:
    """Run ``fn`` at most once per ``(method, idempotency_key)``.

    The key is claimed (inserted) *before* the use case runs, in the transaction that
    will also hold the effect: a concurrent call with the same key - a caller that
    retried after a timeout while the first call is still running - waits on the
    unique key until the first commits, then returns its stored response. (Claiming
    at the end instead would let the retry run the use case concurrently and fail on
    the effect's own unique constraints.) A use case that raises rolls the claim back
    with everything else, so a failed call can be retried.

    On SQLite the claim is a lock on the key in this process instead, and the record
    is inserted *after* the use case, with its effect: any INSERT takes the database's
    single write lock (``services/common/sqlite.py``), and claiming first would hold
    it - stalling every other writer of the service - while the use case waits on an
    RPC or a password hash. The guarantees stay: a SQLite file is served by one
    process (ARCHITECTURE decision 11), so a concurrent retry waits on the key's lock,
    then finds and returns the stored response; the primary key still refuses a
    second record.
    """
    uow = service.uow
    table = uow.infra.idempotency_record
    key = loaded["idempotency_key"]
    digest = request_hash(raw, contract.secret_fields())
    this_key = (table.c.method == contract.method) & (table.c.key == key)

    def stored() -> dict[str, Any] | None:
        row = uow.session.execute(
            select(table.c.request_hash, table.c.response).where(this_key)).first()
        if row is None:
            return None
        if row.request_hash != digest:
            raise Conflict("IDEMPOTENCY_KEY_REUSED",
                           "this idempotency key was used for a different request",
                           {"idempotency_key": key})
        IDEMPOTENT_REPLAYS.labels(contract.service, contract.method).inc()
        return {"response": row.response}

    def replay_after_conflict(exc: IntegrityError) -> Any:
        uow.rollback()
        previous = stored()
        if previous is None:  # not our key that conflicted
            raise exc
        return previous["response"]

    claim_last = not is_postgres(uow.session)
    with (keyed_lock((contract.service, contract.method, key)) if claim_last
          else contextlib.nullcontext()):
        previous = stored()
        if previous is not None:
            return previous["response"]
        uow.defer_commit()
        record = {"method": contract.method, "key": key, "request_hash": digest,
                  "created_at": datetime.now(UTC)}
        if not claim_last:
            try:
                uow.session.execute(insert(table).values(**record, response=None))
            except IntegrityError as exc:  # the same key committed meanwhile
                return replay_after_conflict(exc)
        result = contract.dump_response(fn(service, loaded))
        kept = _replayable(contract, result)
        claimed = not claim_last and uow.session.execute(
            update(table).where(this_key).values(response=kept)).rowcount
        if not claimed:  # recorded last, or the use case rolled our claim back
            uow.session.execute(insert(table).values(**record, response=kept))
        try:
            uow.complete_deferred()
        except IntegrityError as exc:  # the same key ran concurrently, committed first
            return replay_after_conflict(exc)
        return result


def _replayable(contract: RpcContract, result: Any) -> Any:
    """The response as stored for replays: without the fields the contract returns
    only once (``extra["not_replayed"]``, e.g. a freshly made secret)."""
    omitted = contract.extra.get("not_replayed", ())
    if not omitted or not isinstance(result, dict):
        return result
    return {k: (None if k in omitted else v) for k, v in result.items()}


# --------------------------------------------------------------------------- RPC client
class RpcClient:
    """Typed calls: dump the request and load the response with the same contract.

    ``proxy_for(service)`` returns something with nameko's ``proxy.<method>(...)``
    interface (a standalone ``ClusterRpcProxy`` attribute or an ``RpcProxy``).
    """

    def __init__(self, proxy_for: Callable[[str], Any]):
        self._proxy_for = proxy_for

    def call(self, contract: RpcContract, request: dict[str, Any]) -> Any:
        data = contract.dump_request(request)
        proxy = self._proxy_for(contract.service)
        result = getattr(proxy, contract.method)(data)
        return contract.load_response(result)


__all__ = [
    "ATTEMPT_HEADER", "Event", "ReliableEventHandler", "RpcClient", "Subscription",
    "add_consumers", "consumes", "declare_topology", "events_exchange",
    "handler_queue_name", "implements", "load_event", "make_envelope", "retry_delay",
    "subscription_queues", "use_case_entrypoint",
]
