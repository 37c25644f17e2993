"""Transactional outbox: events are rows written with the state change, then relayed.

* :class:`OutboxWriter` (``uow.outbox.add(contract, payload)``) validates the payload
  through its contract and inserts the envelope in the *same transaction*; an invalid
  payload raises ``ContractViolation`` and nothing is written.
* :class:`OutboxRelay` is a DependencyProvider that runs one background loop per
  service process: it declares the topology, claims pending rows
  (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so replicas never publish the same row
  concurrently), publishes each one persistent with publisher confirms, and marks it
  published. A crash between publish and mark republishes the row on restart; the
  ``event_id`` lets consumers drop the duplicate. A commit that wrote outbox rows wakes
  the loop at once; otherwise it polls every ``OUTBOX_POLL_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import Table

from services.common.contracts.base import EventContract
from services.common.db import Database, InfraTables, is_postgres
from services.common.messaging import declare_topology, events_exchange, make_envelope
from services.common.metrics import (
    DLQ_MESSAGES,
    EVENTS_PUBLISHED,
    OUTBOX_OLDEST_AGE,
    OUTBOX_PENDING,
)

try:
    from nameko.extensions import DependencyProvider
except ImportError:  # pragma: no cover
    DependencyProvider = object  # type: ignore[misc,assignment]

log = logging.getLogger(__name__)

#: how often the relay refreshes the dead-letter gauge
DLQ_GAUGE_SECONDS = 30.0
#: longest wait between relay attempts while the broker or the database is down
RELAY_BACKOFF_MAX = 5.0

_wakeups: dict[str, threading.Event] = {}
_wakeups_lock = threading.Lock()


def _wakeup_event(url: str) -> threading.Event:
    with _wakeups_lock:
        return _wakeups.setdefault(url, threading.Event())


def relay_wakeup(url: str):
    """A callable that wakes this process's relay for database ``url``."""
    event = _wakeup_event(url)
    return event.set


class OutboxWriter:
    """Adds events to the outbox inside the caller's transaction."""

    def __init__(self, session: Session, table: Table, source: str):
        self.session = session
        self.table = table
        self.source = source

    def add(self, contract: EventContract, payload: dict[str, Any], *,
            occurred_at: datetime, actor: Any = None) -> str:
        """Validate ``payload`` against ``contract`` and stage it; returns the event id.

        :raises ContractViolation: the payload does not match the contract.
        """
        if contract.source != self.source:
            raise ValueError(f"{self.source} cannot publish {contract.key}")
        data = contract.dump_payload(payload)
        actor_data = actor.to_dict() if hasattr(actor, "to_dict") else actor
        envelope = make_envelope(contract, data, occurred_at=occurred_at,
                                 actor=actor_data)
        self.session.execute(insert(self.table).values(
            event_id=envelope["event_id"], source=contract.source,
            event_type=contract.type, version=contract.version,
            occurred_at=occurred_at, envelope=envelope, attempts=0,
        ))
        self.session.info["outbox_written"] = True
        return envelope["event_id"]


class OutboxRelay(DependencyProvider):  # type: ignore[misc]
    """Publishes a service's outbox in a background loop (see module docstring)."""

    def __init__(self, service: str, infra: InfraTables):
        self.service = service
        self.infra = infra
        self._stop = threading.Event()
        self._gt: Any = None

    def setup(self) -> None:
        from services.common.broker import BoundedPublisher
        from services.common.config import settings_for

        self.settings = settings_for(self.container.config)
        self.database = Database.shared(self.settings.database_url_for(self.service))
        self.wakeup = _wakeup_event(self.database.url)
        # one quick reconnect per publish: the loop below backs off, not kombu's
        # policy (2 s growing, three times, per event) while the broker is down
        self.publisher = BoundedPublisher(self.container.config["AMQP_URI"])

    def start(self) -> None:
        if self.settings.outbox_relay_enabled:
            self._stop.clear()
            self._gt = self.container.spawn_managed_thread(self._run)

    def stop(self) -> None:
        self._stop.set()
        self.wakeup.set()
        if self._gt is not None:
            self._gt.wait()
            self._gt = None

    def kill(self) -> None:
        self._stop.set()
        self.wakeup.set()
        if self._gt is not None:
            self._gt.kill()
            self._gt = None

    def get_dependency(self, worker_ctx: Any) -> OutboxRelay:
        return self

    # ------------------------------------------------------------------ the loop
    def declare(self) -> None:
        from kombu import Connection

        from services.common.contracts.subscriptions import SUBSCRIPTIONS, all_sources

        with Connection(self.container.config["AMQP_URI"]) as conn:
            declare_topology(conn, SUBSCRIPTIONS, self.settings.event_max_attempts,
                             sources=all_sources() | {self.service})

    def _run(self) -> None:
        declared = False
        failures = 0
        next_gauges = 0.0
        while not self._stop.is_set():
            try:
                if not declared:
                    self.declare()
                    declared = True
                published = self.relay_once()
                failures = 0
                if time.monotonic() >= next_gauges:
                    self.update_dlq_gauge()
                    next_gauges = time.monotonic() + DLQ_GAUGE_SECONDS
            except Exception:  # broker or database down: back off, never crash
                failures += 1
                log.exception("outbox relay failed", extra={
                    "message_id": "outbox_relay_failed", "service": self.service})
                # wait on the stop flag, not sleep: stop() must not wait out a backoff;
                # at most RELAY_BACKOFF_MAX, so events flow again soon after the broker
                self._stop.wait(min(RELAY_BACKOFF_MAX, 0.5 * 2 ** min(failures, 6)))
                continue
            if published < self.settings.outbox_batch_size:
                self.wakeup.wait(self.settings.outbox_poll_seconds)
                self.wakeup.clear()

    def update_dlq_gauge(self) -> None:
        """Messages parked in the dead-letter queues of this service's handlers."""
        from kombu import Connection

        from services.common.contracts.subscriptions import SUBSCRIPTIONS
        from services.common.dlq import dlq_depths

        mine = [sub for sub in SUBSCRIPTIONS if sub.service == self.service]
        if not mine:
            DLQ_MESSAGES.labels(self.service).set(0)
            return
        with Connection(self.container.config["AMQP_URI"]) as conn:
            DLQ_MESSAGES.labels(self.service).set(sum(dlq_depths(conn, mine).values()))

    def relay_once(self) -> int:
        """Publish one batch of pending rows; returns how many were published."""
        table = self.infra.outbox
        session = self.database.sessionmaker()
        try:
            query = (select(table.c.id, table.c.event_type, table.c.envelope)
                     .where(table.c.published_at.is_(None))
                     .order_by(table.c.id).limit(self.settings.outbox_batch_size))
            if is_postgres(session):
                query = query.with_for_update(skip_locked=True)
            rows = session.execute(query).all()
            exchange = events_exchange(self.service)
            done: list[int] = []
            for row in rows:
                self.publisher.publish(row.envelope, exchange=exchange,
                                       routing_key=row.event_type, declare=[exchange])
                done.append(row.id)
                EVENTS_PUBLISHED.labels(self.service, row.event_type).inc()
                self._fault("relay_crash_after_publish")
            if done:
                session.execute(update(table).where(table.c.id.in_(done))
                                .values(published_at=datetime.now(UTC),
                                        attempts=table.c.attempts + 1))
            session.commit()
            self._update_gauges(session)
            return len(done)
        finally:
            session.close()

    def _update_gauges(self, session: Session) -> None:
        table = self.infra.outbox
        count, oldest = session.execute(
            select(func.count(), func.min(table.c.occurred_at))
            .where(table.c.published_at.is_(None))).one()
        OUTBOX_PENDING.labels(self.service).set(count)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0
        OUTBOX_OLDEST_AGE.labels(self.service).set(max(age, 0))

    def _fault(self, name: str) -> None:
        """Test-only fault injection (``LPSE_FAULT`` is refused unless
        ``LPSE_ENV=test``)."""
        if self.settings.lpse_fault == name:
            log.error("fault injected",
                      extra={"message_id": "fault_injected", "fault": name})
            os._exit(9)


def pending_count(session: Session, infra: InfraTables) -> int:
    table = infra.outbox
    return session.execute(
        select(func.count()).where(table.c.published_at.is_(None))).scalar_one()
