"""Messaging helpers without a broker: backoff, queue names, envelopes, request
hashes, and what ``lpse dlq`` shows of a parked message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields

from services.common import dlq
from services.common.contracts.base import EVENT_CONTRACTS, EventContract
from services.common.errors import ContractViolation
from services.common.messaging import (
    ATTEMPT_HEADER,
    ERROR_HEADER,
    Subscription,
    load_event,
    make_envelope,
    request_hash,
    retry_delay,
    subscription_queues,
)


class PingPayload(Schema):
    n = fields.Integer(required=True)


PING = EventContract(source="unitmsg", type="ping_sent", version=2, payload=PingPayload)
EVENT_CONTRACTS.pop(("unitmsg", "ping_sent"), None)  # test-only: keep registry clean
SUB = Subscription("pong", "handle_ping", PING)


@pytest.mark.parametrize(("base", "attempt", "delay"), [
    (1.0, 1, 1.0), (1.0, 2, 2.0), (1.0, 3, 4.0), (0.05, 4, 0.4), (2.5, 5, 40.0)])
def test_retry_delay_doubles_per_attempt(base, attempt, delay):
    assert retry_delay(base, attempt) == pytest.approx(delay)


def test_subscription_queue_names_follow_nameko():
    assert SUB.queue == "evt-unitmsg-ping_sent--pong.handle_ping"
    assert SUB.dlq == SUB.queue + ".dlq"
    assert SUB.retry_queue(2) == SUB.queue + ".retry.2"
    assert dlq.dlq_name(SUB.queue) == dlq.dlq_name(SUB.dlq) == SUB.dlq
    assert dlq.main_queue_name(SUB.dlq) == dlq.main_queue_name(SUB.queue) == SUB.queue


def test_subscription_queues_retry_then_dead_letter():
    main, *retries, dead = subscription_queues(SUB, max_attempts=4)
    assert (main.name, main.routing_key, main.exchange.name) == (
        SUB.queue, "ping_sent", "unitmsg.events")
    assert main.durable and not main.auto_delete and not main.queue_arguments
    assert [q.name for q in retries] == [SUB.retry_queue(a) for a in (1, 2, 3)]
    for queue in retries:  # expired messages go back to the main queue
        assert queue.queue_arguments == {"x-dead-letter-exchange": "",
                                         "x-dead-letter-routing-key": SUB.queue}
    assert dead.name == SUB.dlq and dead.durable
    assert len(subscription_queues(SUB, max_attempts=1)) == 2  # no retries at all


def test_envelope_round_trip():
    wita = timezone(timedelta(hours=8))
    occurred = datetime(2012, 9, 3, 10, tzinfo=wita)
    envelope = make_envelope(PING, {"n": 1}, occurred_at=occurred,
                             actor={"user_id": "u"})
    wire = json.loads(json.dumps(envelope))  # plain JSON all the way
    assert wire["occurred_at"] == "2012-09-03T02:00:00+00:00"
    event = load_event(PING, wire)
    assert (event.event_id, event.event_type, event.version, event.source) == (
        envelope["event_id"], "ping_sent", 2, "unitmsg")
    assert event.payload == {"n": 1} and event.actor == {"user_id": "u"}
    assert event.occurred_at == occurred


@pytest.mark.parametrize("body", [
    "a string", None, {"event_type": "ping_sent"},
    {"event_id": "not-a-uuid", "event_type": "x", "version": 1, "source": "s",
     "occurred_at": "2012-09-03T02:00:00+00:00", "payload": {"n": 1}}])
def test_broken_envelopes_are_contract_violations(body):
    with pytest.raises(ContractViolation):
        load_event(PING, body)


def test_payload_violation_is_a_contract_violation():
    envelope = make_envelope(PING, {"n": "x"}, occurred_at=datetime.now(UTC))
    with pytest.raises(ContractViolation) as error:
        load_event(PING, envelope)
    assert "n" in error.value.details["fields"]


def test_request_hash_ignores_the_key_and_key_order():
    a = request_hash({"idempotency_key": "k1", "nomor": 1, "judul": "x"})
    b = request_hash({"judul": "x", "nomor": 1, "idempotency_key": "k2"})
    assert a == b
    assert a != request_hash({"idempotency_key": "k1", "nomor": 2, "judul": "x"})


def test_describe_a_dead_letter():
    body = json.dumps({"event_id": "e1", "event_type": "ping_sent"}).encode()
    message = SimpleNamespace(body=body, headers={
        ATTEMPT_HEADER: 3, ERROR_HEADER: b"ValueError: boom", dlq.REPLAYED_HEADER: 1})
    assert dlq.describe(message) == dlq.DeadLetter("e1", "ping_sent",
                                                   "ValueError: boom", 3, 1)
    garbage = SimpleNamespace(body=b"\x00not json", headers=None)
    assert dlq.describe(garbage) == dlq.DeadLetter(None, None, None, None, 0)
