"""A message whose body cannot be decoded is dead-lettered, not lost.

kombu decodes a body in nameko's shared ``QueueConsumer``, before any handler runs.
Left to kombu's ``ConsumerMixin.on_decode_error``, a body that is not JSON, has a
content type nameko does not accept (``application/x-python-serialize``, ...), is not
valid UTF-8 or does not decompress is logged and *acked*: lost, and never seen by
``ReliableEventHandler``. Here it must end up in ``<q>.dlq`` with its original bytes,
content type and an error header saying why, without retries; the events after it
are applied exactly once and the service goes on consuming all its queues.

A body that *is* valid JSON but not an object (``[1, 2]``, ``"x"``, ``null``, an
empty body), or untyped text, reaches the handler and breaks the envelope contract:
dead-lettered at once as a ``ContractViolation``, its bytes untouched as well.
"""

from __future__ import annotations

import json
import pickle
import time
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest
from kombu import Connection, Queue
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy

from services.common import dlq
from services.common.messaging import (
    ATTEMPT_HEADER,
    ERROR_HEADER,
    events_exchange,
    make_envelope,
)
from services.common.tests.integration import sample_services as s
from services.common.tests.integration.harness import (
    equals,
    start_with_deadline,
    wait_until,
)

pytestmark = pytest.mark.integration

ATTEMPTS = 3
BASE = 0.1
QUIET = 0.5  # long enough for a retry (BASE) to have come back if there were one


class ConsumerWithRpc(s.ConsumerService):
    """The sample consumer plus an RPC method: a second queue of the same service."""

    @rpc
    def ping(self) -> str:
        return "pong"


def start_consumer(harness, container_factory) -> Any:
    config = harness.config("consumer", event_max_attempts=ATTEMPTS,
                            event_retry_base_seconds=BASE)
    container = container_factory(ConsumerWithRpc, config)
    harness.containers.append(container)
    start_with_deadline(container)
    return container


def publish_bytes(harness, body: bytes, content_type: str | None,
                  content_encoding: str | None,
                  headers: dict[str, Any] | None = None) -> None:
    """Publish ``body`` exactly as given (no serialisation) to the sample's exchange,
    routed like ``catatan_created``, persistent and confirmed."""
    exchange = events_exchange(s.PRODUCER)
    with Connection(harness.amqp_uri,
                    transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        exchange(channel).declare()
        message = channel.prepare_message(
            body, content_type=content_type, content_encoding=content_encoding,
            headers=headers or {}, properties={"delivery_mode": 2})
        channel.basic_publish(message, exchange=exchange.name,
                              routing_key="catatan_created")
        channel.close()


def publish_event(harness, nomor: int) -> str:
    envelope = make_envelope(s.CATATAN_CREATED, {
        "catatan_id": f"c{nomor}", "nomor": nomor, "judul": f"Catatan №{nomor} — ü"},
        occurred_at=datetime.now(UTC))
    harness.publish_raw(envelope, routing_key="catatan_created")
    return envelope["event_id"]


def take_dead_letters(harness) -> list[Any]:
    """Every message of ``<q>.dlq`` with its body as the bytes on the wire, acked."""
    letters = []
    with Connection(harness.amqp_uri) as conn:
        channel = conn.channel()
        channel.auto_decode = False  # py-amqp would turn a text body into ``str``
        queue = Queue(s.SUBSCRIPTION.dlq, no_declare=True, channel=channel)
        while (message := queue.get(no_ack=True)) is not None:
            letters.append(message)
    return letters


def ping(harness) -> str:
    with ClusterRpcProxy({"AMQP_URI": harness.amqp_uri, "serializer": "json"},
                         timeout=5) as proxy:
        return proxy[s.CONSUMER].ping()


def assert_nothing_left(harness) -> None:
    assert harness.depth(s.QUEUE) == 0
    for attempt in range(1, ATTEMPTS):
        assert harness.depth(s.SUBSCRIPTION.retry_queue(attempt)) == 0


POISON: dict[str, tuple[bytes, str | None, str | None, dict[str, Any], str]] = {
    # kind: (body, content type, content encoding, headers, the error in the header)
    "not_json": (b'{"event_id": oops', "application/json", "utf-8", {},
                 "DecodeError: cannot decode the message body (application/json, "
                 "utf-8): Expecting value"),
    "pickle": (pickle.dumps({"event_id": "x", "payload": {"nomor": 1}}),
               "application/x-python-serialize", "binary", {},
               "ContentDisallowed: cannot decode the message body (application/"
               "x-python-serialize, binary): Refusing to deserialize untrusted"),
    "unknown_content_type": (b"<event nomor='1'/>", "application/xml", "utf-8", {},
                             "ContentDisallowed: cannot decode the message body "
                             "(application/xml, utf-8): Refusing to deserialize"),
    "invalid_utf8": (b'{"event_id": "\xff\xfe\xfa"}', "application/json", "utf-8",
                     {}, "DecodeError: cannot decode the message body (application/"
                     "json, utf-8): 'utf-8' codec can't decode byte 0xff"),
    "invalid_utf8_untyped": (b"\xc3\x28 raw", None, None, {},
                             "DecodeError: cannot decode the message body (no content "
                             "type, no content encoding): 'utf-8' codec can't decode"),
    "broken_compression": (b"\xff not zlib data", "application/json", "utf-8",
                           {"compression": "application/x-gzip"},
                           "error: cannot decode the message body (application/json, "
                           "utf-8, compression application/x-gzip): Error -3 while "
                           "decompressing data"),
}


@pytest.mark.parametrize("kind", list(POISON))
def test_undecodable_message_is_dead_lettered_and_consuming_goes_on(
        harness, container_factory, kind):
    body, content_type, content_encoding, headers, error = POISON[kind]
    container = start_consumer(harness, container_factory)

    publish_bytes(harness, body, content_type, content_encoding, headers)
    first = publish_event(harness, 1)

    wait_until(equals(harness.effects, {1: 1}), what="the event after the poison")
    wait_until(equals(lambda: harness.depth(s.SUBSCRIPTION.dlq), 1), what="dlq")
    time.sleep(QUIET)
    assert harness.effects() == {1: 1}
    # the poison never reached a handler worker, and was not retried
    assert [d["event_id"] for d in s.CONTROL.delivered()] == [first]
    assert_nothing_left(harness)

    # what an operator sees: `lpse dlq list --show` copes with it
    (shown,) = dlq.peek(harness.amqp, s.QUEUE, 10)
    assert (shown.attempt, shown.event_id) == (1, None)
    assert shown.error.startswith(error), shown.error

    (letter,) = take_dead_letters(harness)
    assert letter.body == body  # the original bytes, untouched
    if content_type is None:  # sent as kombu reads an untyped body, not as JSON
        assert (letter.content_type, letter.content_encoding) == (
            "application/data", "binary")
    else:
        assert (letter.content_type, letter.content_encoding) == (
            content_type, content_encoding)
    assert letter.headers[ATTEMPT_HEADER] == 1
    assert letter.headers[ERROR_HEADER].startswith(error), letter.headers
    assert "compression" not in letter.headers  # else no one could read it again

    # the service goes on consuming: this queue and its other (RPC) queue
    assert harness.consumers(s.QUEUE) == 1
    assert ping(harness) == "pong"
    publish_event(harness, 2)
    wait_until(equals(harness.effects, {1: 1, 2: 1}), what="a later event")
    assert not container._died.ready()


def test_compressed_event_is_decoded_and_a_retry_stays_decodable(harness,
                                                                 container_factory):
    """A compressed (valid) event whose handler fails once is retried and applied:
    the retry carries the decompressed body, so it must not keep the compression
    header (the second delivery would not decompress and be lost)."""
    s.CONTROL.fail_times[3] = 1
    start_consumer(harness, container_factory)
    envelope = make_envelope(s.CATATAN_CREATED, {
        "catatan_id": "c3", "nomor": 3, "judul": "Catatan №3 — ü"},
        occurred_at=datetime.now(UTC))
    publish_bytes(harness, zlib.compress(json.dumps(envelope).encode()),
                  "application/json", "utf-8", {"compression": "application/x-gzip"})

    wait_until(equals(harness.effects, {3: 1}), what="effect after one retry")
    time.sleep(QUIET)
    assert harness.effects() == {3: 1}
    assert len(s.CONTROL.delivered(3)) == 2
    assert harness.depth(s.SUBSCRIPTION.dlq) == 0
    assert_nothing_left(harness)


NOT_OBJECTS: list[tuple[bytes, str | None, str | None]] = [
    (b"[1, 2]", "application/json", "utf-8"),
    (b'"x"', "application/json", "utf-8"),
    (b"42", "application/json", "utf-8"),
    (b"null", "application/json", "utf-8"),
    (b"", "application/json", "utf-8"),
    (b"plain text", "application/text", "utf-8"),
    (b"untyped text", None, None),  # kombu passes it on as text
    (b"untyped latin-1 \xe9", None, "latin-1"),  # and this one as well
]


def test_valid_json_that_is_not_an_object_is_a_contract_violation(harness,
                                                                  container_factory):
    start_consumer(harness, container_factory)
    for body, content_type, content_encoding in NOT_OBJECTS:
        publish_bytes(harness, body, content_type, content_encoding)
    first = publish_event(harness, 1)

    wait_until(equals(harness.effects, {1: 1}), what="the event after them")
    wait_until(equals(lambda: harness.depth(s.SUBSCRIPTION.dlq), len(NOT_OBJECTS)),
               what="dlq")
    time.sleep(QUIET)
    assert harness.effects() == {1: 1}
    # each reached the handler once (decoding succeeded) and was not retried
    delivered = [d["event_id"] for d in s.CONTROL.delivered()]
    assert sorted(delivered, key=str) == sorted([None] * len(NOT_OBJECTS) + [first],
                                                key=str)
    assert_nothing_left(harness)

    letters = take_dead_letters(harness)
    bodies = [m.body or b"" for m in letters]  # py-amqp gives an empty body as ""
    assert sorted(bodies) == sorted(body for body, _, _ in NOT_OBJECTS)
    for letter in letters:
        assert letter.headers[ATTEMPT_HEADER] == 1
        assert letter.headers[ERROR_HEADER].startswith(
            "ContractViolation: CONTRACT_VIOLATION"), letter.headers[ERROR_HEADER]
    assert ping(harness) == "pong"
