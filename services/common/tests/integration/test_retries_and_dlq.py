"""Guarantee 2: a handler that raises does not drop the message.

Bounded retries with exponential backoff (``<q>.retry.<n>`` queues), then the
dead-letter queue ``<q>.dlq``, which an operator lists and replays (``lpse dlq``);
a payload that breaks its contract is dead-lettered at once, never retried.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, insert

from services.common import dlq, testing
from services.common.messaging import retry_delay
from services.common.tests.integration import sample_services as s
from services.common.tests.integration.harness import REPO_ROOT, equals, wait_until

pytestmark = pytest.mark.integration

ATTEMPTS = 3
BASE = 0.1  # EVENT_RETRY_BASE_SECONDS: backoff 0.1 s, then 0.2 s
QUIET = 0.3


def start(harness):
    harness.consumer(event_max_attempts=ATTEMPTS, event_retry_base_seconds=BASE)
    harness.producer(event_max_attempts=ATTEMPTS)


def test_handler_failing_twice_is_retried_with_backoff_and_applied_once(harness):
    s.CONTROL.fail_times[1] = ATTEMPTS - 1
    start(harness)
    harness.create_catatan(1)

    wait_until(equals(harness.effects, {1: 1}), what="effect after retries")
    time.sleep(QUIET)
    assert harness.effects() == {1: 1}
    deliveries = s.CONTROL.delivered(1)
    assert len(deliveries) == ATTEMPTS
    assert len({d["event_id"] for d in deliveries}) == 1
    gaps = [b["t"] - a["t"] for a, b in zip(deliveries, deliveries[1:], strict=False)]
    for attempt, gap in enumerate(gaps, start=1):  # the TTL of retry queue <attempt>
        assert gap >= retry_delay(BASE, attempt) * 0.9, gaps
    # the republished body is the original JSON, not JSON-encoded again
    (row,) = harness.effect_rows()
    assert row.judul == "Catatan №1 — ü"
    for queue in (s.QUEUE, s.SUBSCRIPTION.dlq, *(s.SUBSCRIPTION.retry_queue(a)
                                                   for a in range(1, ATTEMPTS))):
        assert harness.depth(queue) == 0, queue


def test_always_failing_handler_is_dead_lettered_then_replayed_once(harness):
    s.CONTROL.always_fail.add(2)
    start(harness)
    harness.create_catatan(2)
    (event_id,) = harness.outbox_event_ids()

    wait_until(equals(lambda: harness.depth(s.SUBSCRIPTION.dlq), 1), what="dlq")
    assert len(s.CONTROL.delivered(2)) == ATTEMPTS
    assert harness.effects() == {}

    (letter,) = dlq.peek(harness.amqp, s.QUEUE, 10)
    assert (letter.event_id, letter.event_type, letter.attempt) == (
        event_id, "catatan_created", ATTEMPTS)
    assert letter.error.startswith("HandlerFailure: handler refuses catatan 2")
    assert harness.depth(s.SUBSCRIPTION.dlq) == 1  # peeking consumed nothing
    assert dlq.dlq_depths(harness.amqp)[s.QUEUE] == 1

    out = run_lpse(harness, "dlq", "list", "--queue", s.QUEUE, "--show", "5")
    assert f"{s.QUEUE}\tdlq: 1 waiting" in out
    assert f"event_id={event_id} type=catatan_created attempt={ATTEMPTS}" in out
    assert "HandlerFailure" in out
    assert harness.depth(s.SUBSCRIPTION.dlq) == 1  # listing consumed nothing

    s.CONTROL.always_fail.clear()  # the operator fixed the handler
    assert dlq.replay(harness.amqp, s.QUEUE) == 1
    wait_until(equals(harness.effects, {2: 1}), what="replayed effect")
    time.sleep(QUIET)
    assert harness.effects() == {2: 1}
    assert len(s.CONTROL.delivered(2)) == ATTEMPTS + 1
    assert harness.depth(s.SUBSCRIPTION.dlq) == 0
    assert harness.depth(s.QUEUE) == 0


def test_handler_whose_commit_fails_is_retried_not_acked(harness):
    with harness.session("consumer") as session:  # the deferred constraint will fail
        session.execute(insert(s.tag).values(tag="taken"))
        session.commit()
    s.CONTROL.tags[5] = "taken"
    start(harness)
    harness.create_catatan(5)

    wait_until(equals(lambda: harness.depth(s.SUBSCRIPTION.dlq), 1), what="dlq")
    assert len(s.CONTROL.delivered(5)) == ATTEMPTS
    assert harness.effects() == {}
    (letter,) = dlq.peek(harness.amqp, s.QUEUE, 10)
    assert letter.error.startswith("IntegrityError"), letter.error

    with harness.session("consumer") as session:
        session.execute(delete(s.tag))
        session.commit()
    assert dlq.replay(harness.amqp, s.QUEUE) == 1
    wait_until(equals(harness.effects, {5: 1}), what="replayed effect")


def test_replay_limit_and_replayed_failures_are_not_looped(harness):
    s.CONTROL.always_fail.update({1, 2, 3})
    start(harness)
    for nomor in (1, 2, 3):
        harness.create_catatan(nomor)
    wait_until(equals(lambda: harness.depth(s.SUBSCRIPTION.dlq), 3), what="3 in dlq")

    assert dlq.replay(harness.amqp, s.SUBSCRIPTION.dlq, limit=1) == 1  # .dlq name ok
    # still failing: it goes through its retries again and is parked again
    wait_until(equals(lambda: len(s.CONTROL.delivered()), 3 * ATTEMPTS + ATTEMPTS),
               what="replayed message retried")
    wait_until(equals(lambda: harness.depth(s.SUBSCRIPTION.dlq), 3),
               what="parked again")
    replayed = [x for x in dlq.peek(harness.amqp, s.QUEUE, 10) if x.replayed]
    assert len(replayed) == 1 and replayed[0].attempt == ATTEMPTS

    s.CONTROL.always_fail.clear()
    assert dlq.replay(harness.amqp, s.QUEUE) == 3
    wait_until(equals(harness.effects, {1: 1, 2: 1, 3: 1}), what="3 effects")
    assert harness.depth(s.SUBSCRIPTION.dlq) == 0


def test_payload_violating_the_contract_is_dead_lettered_at_once(harness):
    start(harness)
    event_id = str(uuid.uuid4())
    harness.publish_raw({
        "event_id": event_id, "event_type": "catatan_created", "version": 1,
        "source": s.PRODUCER, "occurred_at": datetime.now(UTC).isoformat(),
        "payload": {"catatan_id": "x", "nomor": "not a number", "judul": "x"},
    }, routing_key="catatan_created")

    wait_until(equals(lambda: harness.depth(s.SUBSCRIPTION.dlq), 1), what="dlq")
    time.sleep(QUIET)
    assert len(s.CONTROL.delivered()) == 1  # not retried
    assert harness.effects() == {}
    (letter,) = dlq.peek(harness.amqp, s.QUEUE, 10)
    assert letter.event_id == event_id and letter.attempt == 1
    assert letter.error.startswith("ContractViolation: CONTRACT_VIOLATION")


def test_replay_refuses_unknown_queues(harness):
    with pytest.raises(dlq.DlqError, match="does not exist"):
        dlq.replay(harness.amqp, "evt-nobody-nothing--nobody.handle")
    out = run_lpse(harness, "dlq", "replay", "evt-nobody-nothing--nobody.handle",
                   expect_rc=1)
    assert "does not exist" in out


def run_lpse(harness, *args: str, expect_rc: int = 0) -> str:
    """Run the real ``lpse`` entry point against the test's vhost."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LPSE_")}
    env.update(testing.test_env(amqp_uri=harness.amqp_uri), PYTHONWARNINGS="ignore")
    lpse = Path(sys.executable).with_name("lpse")
    done = subprocess.run([str(lpse), *args], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    out = done.stdout + done.stderr
    assert done.returncode == expect_rc, out
    return out
