"""Guarantees 3 and 4 with real processes killed by SIGKILL.

3. A consumer killed mid-handler gets the message again and applies its effect once
   (the message is acked only after the handler's transaction committed).
4. A commit and its events cannot diverge: (a) a producer killed after committing
   and before its relay ran; (b) a relay that dies after publishing and before
   marking the row sent - the event is published twice and applied once.
"""

from __future__ import annotations

import json
import time

import pytest

from services.common.tests.integration import sample_services as s
from services.common.tests.integration.harness import equals, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUIET = 0.3


def read_log(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_consumer_killed_mid_handler_gets_the_message_again_and_applies_once(
        harness, tmp_path):
    log = tmp_path / "deliveries.jsonl"
    harness.producer()
    first = harness.spawn("consumer", SAMPLE_HANG="2", SAMPLE_DELIVERY_LOG=str(log))
    first.wait_started()
    for nomor in (1, 2, 3, 4):
        harness.create_catatan(nomor)

    # 1, 3 and 4 are committed; 2 has written its effect and hangs before commit
    wait_until(equals(harness.effects, {1: 1, 3: 1, 4: 1}), what="three effects")
    wait_until(lambda: any(e["kind"] == "hanging" for e in read_log(log)),
               what="handler of 2 in flight")
    first.kill9()
    assert harness.effects() == {1: 1, 3: 1, 4: 1}  # the uncommitted effect is gone

    second = harness.spawn("consumer", SAMPLE_DELIVERY_LOG=str(log))
    second.wait_started()
    wait_until(equals(harness.effects, {1: 1, 2: 1, 3: 1, 4: 1}), what="four effects")
    time.sleep(QUIET)
    assert harness.effects() == {1: 1, 2: 1, 3: 1, 4: 1}

    deliveries_of_2 = [e for e in read_log(log)
                       if e["kind"] == "delivered" and e["nomor"] == 2]
    assert [e["pid"] for e in deliveries_of_2] == [first.pid, second.pid]
    (effect_of_2,) = [r for r in harness.effect_rows() if r.nomor == 2]
    assert effect_of_2.pid == second.pid
    assert harness.depth(s.QUEUE) == 0


def test_producer_killed_after_commit_before_publish_event_still_arrives_once(harness):
    nomors = (1, 2, 3, 4, 5)
    harness.consumer()
    producer = harness.spawn("producer", OUTBOX_RELAY_ENABLED="false")
    producer.wait_started()
    responses = [harness.create_catatan(nomor) for nomor in nomors]  # RPC, committed
    assert [r["nomor"] for r in responses] == list(nomors)
    assert harness.outbox_pending() == 5
    producer.kill9()
    assert harness.depth(s.QUEUE) == 0 and s.CONTROL.delivered() == []

    harness.producer()  # with its relay
    wait_until(equals(harness.effects, {n: 1 for n in nomors}), what="five effects")
    wait_until(equals(harness.outbox_pending, 0), what="outbox marked")
    time.sleep(QUIET)
    assert harness.effects() == {n: 1 for n in nomors}
    assert len(s.CONTROL.delivered()) == 5
    assert sorted(r.event_id for r in harness.effect_rows()) == sorted(
        harness.outbox_event_ids())


def test_relay_crash_after_publish_republishes_and_consumer_applies_once(harness):
    nomors = (1, 2, 3, 4)
    harness.consumer()
    event_ids = harness.stage_events(nomors)
    faulty = harness.spawn("producer", LPSE_FAULT="relay_crash_after_publish")
    assert faulty.wait_exit() == 9, faulty.log_text()
    assert harness.outbox_pending() == 4  # published one, marked none
    wait_until(equals(harness.effects, {1: 1}), what="first event applied")

    harness.producer()  # restarted without the fault: republishes all four
    wait_until(equals(harness.effects, {n: 1 for n in nomors}), what="four effects")
    wait_until(equals(harness.outbox_pending, 0), what="outbox marked")
    wait_until(equals(lambda: len(s.CONTROL.delivered()), 5), what="five deliveries")
    time.sleep(QUIET)
    assert harness.effects() == {n: 1 for n in nomors}
    delivered = [d["event_id"] for d in s.CONTROL.delivered()]
    assert delivered.count(event_ids[0]) == 2  # the broker delivered it twice
    assert sorted(delivered) == sorted(event_ids + [event_ids[0]])
