"""Guarantee 1 (an event published before its consumer ever started is not lost) and
the outbox relay itself: wake-up on commit, polling, two relays on one database.

Every test asserts exact counts: each event applied exactly once, nothing left over.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from services.common.messaging import make_envelope
from services.common.outbox import OutboxRelay, relay_wakeup
from services.common.tests.integration import sample_services as s
from services.common.tests.integration.harness import equals, wait_until

pytestmark = pytest.mark.integration

QUIET = 0.3  # seconds to watch for late duplicates once the expected state is reached


def all_once(nomors) -> dict[int, int]:
    return {n: 1 for n in nomors}


def test_event_published_before_consumer_ever_started_is_not_lost(harness):
    nomors = range(1, 6)
    harness.producer()  # its relay declares the topology, incl. the consumer's queue
    wait_until(lambda: harness.depth(s.QUEUE) is not None, what="consumer queue")

    for nomor in nomors:
        harness.create_catatan(nomor)
    wait_until(equals(harness.outbox_pending, 0), what="outbox published")
    wait_until(equals(lambda: harness.depth(s.QUEUE), 5), what="5 events queued")
    assert harness.effects() == {}

    harness.consumer()  # first start ever
    wait_until(equals(harness.effects, all_once(nomors)), what="5 effects")
    time.sleep(QUIET)
    assert harness.effects() == all_once(nomors)
    assert len(s.CONTROL.delivered()) == 5
    assert sorted(r.event_id for r in harness.effect_rows()) == sorted(
        harness.outbox_event_ids())
    assert harness.depth(s.QUEUE) == 0


def test_commit_wakes_the_relay_and_other_writers_are_polled(harness):
    harness.consumer()
    # a long poll interval: only the wake-up on commit can publish well before it
    # (10 s leaves room for a loaded machine and still proves the wake-up)
    harness.producer(outbox_poll_seconds=30)
    started = time.monotonic()
    harness.create_catatan(1)
    wait_until(equals(harness.effects, {1: 1}), timeout=10, what="woken relay")
    assert time.monotonic() - started < 10


def test_rows_committed_by_another_process_are_found_by_polling(harness):
    harness.consumer()
    harness.producer(outbox_poll_seconds=0.2)
    time.sleep(0.3)  # the relay has done its first pass and waits
    harness.stage_events([1, 2])  # a commit that does not wake this process's relay
    wait_until(equals(harness.effects, {1: 1, 2: 1}), timeout=5, what="polled relay")


def test_two_relays_on_one_database_publish_every_event_once_applied(harness):
    n = 60
    harness.consumer()
    containers = [harness.producer(outbox_batch_size=5) for _ in range(2)]
    published: dict[int, list[str]] = {0: [], 1: []}
    for index, container in enumerate(containers):
        relay = next(d for d in container.dependencies if isinstance(d, OutboxRelay))
        relay.publisher.publish = _recording(relay.publisher.publish, published[index])

    event_ids = harness.stage_events(range(1, n + 1))
    relay_wakeup(harness.producer_url)()  # wakes both relays of this process at once

    wait_until(equals(harness.effects, all_once(range(1, n + 1))), what="60 effects")
    wait_until(equals(harness.outbox_pending, 0), what="outbox marked")
    time.sleep(QUIET)
    assert harness.effects() == all_once(range(1, n + 1))
    both = published[0] + published[1]
    assert set(both) == set(event_ids)  # every event published
    assert published[0] and published[1], "both relays took part"
    # SKIP LOCKED: a row locked by one relay is never published by the other
    assert len(both) == n
    assert len(s.CONTROL.delivered()) == len(both)


def _recording(publish, sink: list[str]):
    def wrapper(payload, **kwargs):
        publish(payload, **kwargs)
        sink.append(payload["event_id"])

    return wrapper


def test_relay_backs_off_while_its_database_is_down_and_stops_at_once(harness, caplog):
    down = harness.producer_url.rsplit("/", 1)[0] + "/lpse_test_no_such_database"
    container = harness.producer(database_url=down)

    def failures() -> int:
        return sum(1 for r in caplog.records
                   if getattr(r, "message_id", None) == "outbox_relay_failed")

    wait_until(lambda: failures() >= 2, what="two failed relay passes")
    relay = next(d for d in container.dependencies if isinstance(d, OutboxRelay))
    started = time.monotonic()
    relay.stop()  # the relay is in a 2 s backoff now
    assert time.monotonic() - started < 0.5
    assert failures() == 2  # it backed off: no busy loop


def test_concurrent_deliveries_of_one_event_apply_it_once_without_retry(harness):
    harness.consumer()
    s.CONTROL.delay[7] = 0.5  # both deliveries are in the handler at the same time
    envelope = make_envelope(s.CATATAN_CREATED, {
        "catatan_id": "c7", "nomor": 7, "judul": "Catatan №7 — ü"},
        occurred_at=datetime.now(UTC))
    harness.publish_raw(envelope, routing_key="catatan_created")
    harness.publish_raw(envelope, routing_key="catatan_created")

    wait_until(equals(harness.effects, {7: 1}), what="effect")
    wait_until(equals(lambda: len(s.CONTROL.delivered(7)), 2), what="two deliveries")
    time.sleep(QUIET + 0.5)
    assert harness.effects() == {7: 1}
    # the second waited on the first's claim and was skipped: no failure, no retry
    assert len(s.CONTROL.delivered(7)) == 2
    assert harness.depth(s.SUBSCRIPTION.dlq) == 0
