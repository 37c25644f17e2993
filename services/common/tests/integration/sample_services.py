"""A small producer and consumer built only from ``services.common``, for the tests.

``msgtest_producer`` owns ``catatan`` rows: its idempotent RPC ``create_catatan``
inserts one and writes ``catatan_created`` to its outbox in the same transaction;
its :class:`OutboxRelay` publishes. ``msgtest_consumer`` consumes ``catatan_created``
with ``@consumes`` and records one ``applied_effect`` row per application (no unique
constraint: a double effect shows up as two rows).

:data:`CONTROL` steers failures and slowness; tests in this process set it directly,
subprocesses (``run_sample_service``) read it from ``SAMPLE_*`` environment variables.
The contracts and the subscription are *not* left in the global registries at import
(a contract test walking them must not see test-only contracts): call
:func:`register` / :func:`unregister`.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields
from nameko.extensions import DependencyProvider
from sqlalchemy import (
    Column,
    Integer,
    String,
    Table,
    UniqueConstraint,
    func,
    insert,
    select,
)

from services.common.contracts import subscriptions
from services.common.contracts.base import (
    EVENT_CONTRACTS,
    IDEMPOTENCY_KEY,
    RPC_CONTRACTS,
    EventContract,
    RpcContract,
)
from services.common.db import UnitOfWork, UTCDateTime, infra_tables, make_metadata
from services.common.messaging import (
    ReliableEventHandler,
    Subscription,
    consumes,
    implements,
)
from services.common.outbox import OutboxRelay

PRODUCER = "msgtest_producer"
CONSUMER = "msgtest_consumer"


# --------------------------------------------------------------------------- contracts
class CatatanCreatedPayload(Schema):
    catatan_id = fields.String(required=True)
    nomor = fields.Integer(required=True)
    judul = fields.String(required=True)


class CreateCatatanRequest(Schema):
    idempotency_key = IDEMPOTENCY_KEY
    nomor = fields.Integer(required=True)
    judul = fields.String(required=True)


class CreateCatatanResponse(Schema):
    catatan_id = fields.String(required=True)
    nomor = fields.Integer(required=True)
    judul = fields.String(required=True)


CATATAN_CREATED = EventContract(source=PRODUCER, type="catatan_created", version=1,
                                payload=CatatanCreatedPayload)
CREATE_CATATAN = RpcContract(service=PRODUCER, method="create_catatan",
                             request=CreateCatatanRequest,
                             response=CreateCatatanResponse, idempotent=True)
SUBSCRIPTION = Subscription(CONSUMER, "handle_catatan_created", CATATAN_CREATED)
QUEUE = SUBSCRIPTION.queue

# keep the global registries clean until a test asks for these
EVENT_CONTRACTS.pop((PRODUCER, CATATAN_CREATED.type), None)
RPC_CONTRACTS.pop((PRODUCER, CREATE_CATATAN.method), None)


def register() -> None:
    EVENT_CONTRACTS[(PRODUCER, CATATAN_CREATED.type)] = CATATAN_CREATED
    RPC_CONTRACTS[(PRODUCER, CREATE_CATATAN.method)] = CREATE_CATATAN
    subscriptions.register_subscription(SUBSCRIPTION)


def unregister() -> None:
    EVENT_CONTRACTS.pop((PRODUCER, CATATAN_CREATED.type), None)
    RPC_CONTRACTS.pop((PRODUCER, CREATE_CATATAN.method), None)
    while SUBSCRIPTION in subscriptions.SUBSCRIPTIONS:
        subscriptions.SUBSCRIPTIONS.remove(SUBSCRIPTION)


# --------------------------------------------------------------------------- tables
producer_metadata = make_metadata()
PRODUCER_INFRA = infra_tables(producer_metadata)
catatan = Table(
    "catatan", producer_metadata,
    Column("id", String(36), primary_key=True),
    Column("nomor", Integer, nullable=False),
    Column("judul", String(200), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

consumer_metadata = make_metadata()
CONSUMER_INFRA = infra_tables(consumer_metadata)
applied_effect = Table(
    "applied_effect", consumer_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("nomor", Integer, nullable=False),
    Column("judul", String(200), nullable=False),
    Column("pid", Integer, nullable=False),
)
#: a constraint checked only at COMMIT (the handler's commit itself can fail)
tag = Table(
    "tag", consumer_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tag", String(40), nullable=False),
    UniqueConstraint("tag", deferrable=True, initially="DEFERRED"),
)


# --------------------------------------------------------------------------- control
class HandlerFailure(RuntimeError):
    """The failure the tests inject into the consumer's handler."""


@dataclass
class Control:
    """What the sample services do besides their work (set by tests)."""

    rpc_delay: float = 0.0           # seconds create_catatan sleeps before committing
    fail_times: dict[int, int] = field(default_factory=dict)  # nomor -> failures left
    always_fail: set[int] = field(default_factory=set)
    hang: set[int] = field(default_factory=set)  # nomor: sleep forever (kill -9 me)
    delay: dict[int, float] = field(default_factory=dict)  # nomor -> handler sleep
    tags: dict[int, str] = field(default_factory=dict)  # nomor -> tag row to insert
    delivery_log: str | None = None  # also append deliveries to this file (JSON lines)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        self.rpc_delay = 0.0
        self.fail_times.clear()
        self.always_fail.clear()
        self.hang.clear()
        self.delay.clear()
        self.tags.clear()
        self.delivery_log = None
        self.deliveries.clear()

    def load_env(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.rpc_delay = float(env.get("SAMPLE_RPC_DELAY", "0"))
        self.hang = {int(n) for n in env.get("SAMPLE_HANG", "").split(",") if n}
        self.delivery_log = env.get("SAMPLE_DELIVERY_LOG") or None

    def record(self, kind: str, **data: Any) -> None:
        entry = {"kind": kind, "pid": os.getpid(), "t": time.monotonic(), **data}
        with self.lock:
            self.deliveries.append(entry)
        if self.delivery_log:
            with open(self.delivery_log, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry) + "\n")
                fh.flush()

    def delivered(self, nomor: int | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [d for d in self.deliveries if d["kind"] == "delivered"
                    and (nomor is None or d["nomor"] == nomor)]

    def before_commit(self, nomor: int, event_id: str) -> None:
        if nomor in self.hang:
            self.record("hanging", nomor=nomor, event_id=event_id)
            time.sleep(3600)
        if nomor in self.delay:
            time.sleep(self.delay[nomor])
        if nomor in self.always_fail:
            raise HandlerFailure(f"handler refuses catatan {nomor}")
        left = self.fail_times.get(nomor, 0)
        if left > 0:
            self.fail_times[nomor] = left - 1
            raise HandlerFailure(f"catatan {nomor}: {left} failure(s) left")


CONTROL = Control()


class DeliveryLog(DependencyProvider):
    """Records every delivery of an event to a handler worker, before the handler."""

    def get_dependency(self, worker_ctx: Any) -> None:
        return None

    def worker_setup(self, worker_ctx: Any) -> None:
        if not isinstance(worker_ctx.entrypoint, ReliableEventHandler):
            return
        body = worker_ctx.args[0] if worker_ctx.args else None
        body = body if isinstance(body, dict) else {}
        payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
        CONTROL.record("delivered", event_id=body.get("event_id"),
                       nomor=payload.get("nomor"))


# --------------------------------------------------------------------------- services
class ProducerService:
    """Serves ``create_catatan`` (idempotent); publishes ``catatan_created``."""

    name = PRODUCER
    uow = UnitOfWork(PRODUCER, PRODUCER_INFRA)
    relay = OutboxRelay(PRODUCER, PRODUCER_INFRA)

    @implements(CREATE_CATATAN)
    def create_catatan(self, request: dict[str, Any]) -> dict[str, Any]:
        """Insert a catatan and stage its event; slow when ``CONTROL.rpc_delay``."""
        row = {"catatan_id": str(uuid.uuid4()), "nomor": request["nomor"],
               "judul": request["judul"]}
        now = datetime.now(UTC)
        self.uow.session.execute(insert(catatan).values(
            id=row["catatan_id"], nomor=row["nomor"], judul=row["judul"],
            created_at=now))
        self.uow.outbox.add(CATATAN_CREATED, row, occurred_at=now)
        if CONTROL.rpc_delay:
            CONTROL.record("rpc_started", nomor=request["nomor"])
            time.sleep(CONTROL.rpc_delay)
        self.uow.commit()
        return row


class ConsumerService:
    """Consumes ``catatan_created``: one ``applied_effect`` row per application."""

    name = CONSUMER
    uow = UnitOfWork(CONSUMER, CONSUMER_INFRA)
    delivery_log = DeliveryLog()

    @consumes(CATATAN_CREATED)
    def handle_catatan_created(self, event: Any) -> None:
        """Record the effect; may fail or hang as :data:`CONTROL` says."""
        payload = event.payload
        self.uow.session.execute(insert(applied_effect).values(
            event_id=event.event_id, nomor=payload["nomor"], judul=payload["judul"],
            pid=os.getpid()))
        if payload["nomor"] in CONTROL.tags:
            self.uow.session.execute(insert(tag).values(tag=CONTROL.tags[payload["nomor"]]))
        CONTROL.before_commit(payload["nomor"], event.event_id)


# --------------------------------------------------------------------------- queries
def effects_by_nomor(session: Any) -> dict[int, int]:
    rows = session.execute(
        select(applied_effect.c.nomor, func.count()).group_by(applied_effect.c.nomor))
    return {nomor: count for nomor, count in rows}


def effect_rows(session: Any) -> list[Any]:
    return list(session.execute(select(applied_effect).order_by(applied_effect.c.id)))
