"""Forwarding to LPSE Pusat on real RabbitMQ (a fresh vhost per test) and PostgreSQL:
a real consumer on ``lpse.pusat.outbound`` gets every complaint exactly once; a
message the broker returns (no queue bound) or nacks (the queue refuses it) is not
counted as handed over."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection, Exchange, Queue

from services.reporting.domain.penerusan import PUSAT_KINDS, RetryPolicy
from services.reporting.forwarding import pusat, repository
from services.reporting.forwarding.config import PUSAT, Destination
from services.reporting.forwarding.loop import forward_due
from services.reporting.forwarding.ports import (
    ocds_release_item,
    pengaduan_item,
    snapshot_item,
)
from services.reporting.forwarding.pusat import PusatSender

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
POLICY = RetryPolicy(base_seconds=5, max_seconds=60, max_age_seconds=3600)
DEST = Destination(PUSAT, PUSAT_KINDS, POLICY, batch_size=50)
EVENTS = ["pengaduan_filed", "pengaduan_status_changed", "pengaduan_forwarded",
          "pengaduan_closed", "penyimpangan_reported"]


def complaints(n: int) -> list:
    return [pengaduan_item(str(uuid.uuid4()), EVENTS[i % len(EVENTS)],
                           {"pengaduan_id": f"PGD-{i}", "status": "diajukan"})
            for i in range(n)]


def enqueue(db, items) -> None:
    session = db.session()
    try:
        repository.enqueue(session, items, [DEST], T0)
        session.commit()
    finally:
        session.close()


def backlog(db) -> dict:
    session = db.session()
    try:
        return repository.backlog(session)
    finally:
        session.close()


def consume_all(uri: str) -> list:
    """Every message in lpse.pusat.outbound (acknowledged: taken off the queue)."""
    got = []
    with Connection(uri) as conn:
        queue = pusat.outbound_queue()(conn.channel())
        while (message := queue.get(no_ack=False)) is not None:
            got.append(message)
            message.ack()
    return got


def run(db, sender, rounds: int = 100) -> None:
    now = T0
    for _ in range(rounds):
        tried = forward_due(db.session, [DEST], {PUSAT: sender}, now)
        if not tried[PUSAT].tried and not any(
                s in ("pending", "retrying") for (_, s) in backlog(db)):
            return
        now += timedelta(minutes=2)
    raise AssertionError(backlog(db))


def test_every_complaint_reaches_the_outbound_queue_exactly_once(
        forwarding_db, pusat_amqp_uri, rabbit_manager, rabbit_config):
    items = complaints(120)
    rel = [ocds_release_item({"id": str(uuid.uuid4()), "ocid": "ocds-krgsm1-1",
                              "date": "2026-11-02T02:00:00Z", "tag": ["award"]})
           for _ in range(10)]
    snap = snapshot_item("ereporting-2026-10", {"paket": 3})
    enqueue(forwarding_db, items + rel + [snap])
    enqueue(forwarding_db, items)  # a redelivered event: nothing new
    counted = []
    sender = PusatSender(pusat_amqp_uri)
    try:
        forward_due(forwarding_db.session, [DEST], {PUSAT: sender}, T0,
                    count=lambda d, o: counted.append(o))
        run(forwarding_db, sender)
    finally:
        sender.close()
    assert backlog(forwarding_db) == {(PUSAT, "delivered"): 131}
    assert Counter(counted) == {"delivered": 50}  # the first batch

    messages = consume_all(pusat_amqp_uri)
    ids = Counter(m.properties["message_id"] for m in messages)
    assert set(ids) == {i.item_id for i in items + rel + [snap]}
    assert max(ids.values()) == 1  # exactly once
    by_id = {m.properties["message_id"]: m for m in messages}
    for item in items:
        message = by_id[item.item_id]
        assert message.delivery_info["routing_key"] == item.routing_key
        assert message.delivery_info["exchange"] == "lpse.pusat"
        assert message.properties["delivery_mode"] == 2
        assert message.content_type == "application/json"
        assert json.loads(message.body) == item.body
    assert by_id[snap.item_id].delivery_info["routing_key"] == "ereporting.snapshot"
    assert {by_id[r.item_id].delivery_info["routing_key"] for r in rel} == {
        "ocds.release"}

    # the topology of the contract (deploy/rabbitmq/SHOVEL.md)
    vhost = rabbit_config["vhost"]
    queue = rabbit_manager.get_queue(vhost, "lpse.pusat.outbound")
    assert queue["durable"] and queue["type"] == "quorum"
    exchanges = {e["name"]: e for e in rabbit_manager.get_exchanges(vhost)}
    assert exchanges["lpse.pusat"]["type"] == "topic"
    assert exchanges["lpse.pusat"]["durable"]
    bindings = rabbit_manager.get_queue_bindings(vhost, "lpse.pusat.outbound")
    assert {(b["source"], b["routing_key"]) for b in bindings} >= {("lpse.pusat", "#")}


def test_an_unroutable_message_is_returned_and_retried_not_counted(
        forwarding_db, pusat_amqp_uri):
    # the exchange exists but nothing is bound to it (someone deleted the queue)
    with Connection(pusat_amqp_uri) as conn:
        pusat.exchange()(conn.channel()).declare()
    items = complaints(7)
    enqueue(forwarding_db, items)
    sender = PusatSender(pusat_amqp_uri, declare_topology=False)
    try:
        forward_due(forwarding_db.session, [DEST], {PUSAT: sender}, T0)
    finally:
        sender.close()
    assert backlog(forwarding_db) == {(PUSAT, "retrying"): 7}
    session = forwarding_db.session()
    try:
        rows = repository.deliveries(session, status="retrying")
        assert all("returned by the broker" in r.last_error for r in rows)
    finally:
        session.close()
    # the next sender declares the queue again: they go through
    sender = PusatSender(pusat_amqp_uri)
    try:
        forward_due(forwarding_db.session, [DEST], {PUSAT: sender},
                    T0 + timedelta(hours=1))
    finally:
        sender.close()
    assert backlog(forwarding_db) == {(PUSAT, "delivered"): 7}
    assert len(consume_all(pusat_amqp_uri)) == 7


def test_a_nacked_message_is_retried(forwarding_db, pusat_amqp_uri):
    # a queue that refuses every message (reject-publish at length 0) is the only
    # one bound: the broker nacks
    with Connection(pusat_amqp_uri) as conn:
        channel = conn.channel()
        exchange = pusat.exchange()
        exchange(channel).declare()
        Queue("full", exchange, routing_key="#", durable=True,
              queue_arguments={"x-max-length": 0,
                               "x-overflow": "reject-publish"})(channel).declare()
    enqueue(forwarding_db, complaints(3))
    sender = PusatSender(pusat_amqp_uri, declare_topology=False)
    try:
        forward_due(forwarding_db.session, [DEST], {PUSAT: sender}, T0)
        assert backlog(forwarding_db) == {(PUSAT, "retrying"): 3}
        session = forwarding_db.session()
        try:
            assert {r.last_error for r in repository.deliveries(
                session, status="retrying")} == {"nacked by the broker"}
        finally:
            session.close()
    finally:
        sender.close()


def test_a_broker_that_is_not_there_is_a_temporary_failure(forwarding_db):
    enqueue(forwarding_db, complaints(2))
    sender = PusatSender("amqp://guest:guest@127.0.0.1:9//", connect_timeout=2)
    forward_due(forwarding_db.session, [DEST], {PUSAT: sender}, T0)
    assert backlog(forwarding_db) == {(PUSAT, "retrying"): 2}


def test_the_exchange_is_declared_as_the_contract_says(pusat_amqp_uri):
    exchange = pusat.exchange()
    assert (exchange.name, exchange.type, exchange.durable) == (
        "lpse.pusat", "topic", True)
    assert isinstance(exchange, Exchange)
    queue = pusat.outbound_queue()
    assert queue.queue_arguments == {"x-queue-type": "quorum"}
    assert queue.routing_key == "#" and queue.durable
