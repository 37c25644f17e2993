"""The declared topology and the queues nameko consumes from agree.

``declare_topology`` (run by every outbox relay and by ``lpse topology``) and the
consumer's own declaration must declare each queue identically, or the second one
fails with PRECONDITION_FAILED. The handler therefore consumes from the very
``Queue`` that ``subscription_queues`` builds.
"""

from __future__ import annotations

import time

import pytest
from kombu import Connection

from services.common import messaging
from services.common.tests.integration import sample_services as s
from services.common.tests.integration.harness import equals, wait_until

pytestmark = pytest.mark.integration

ATTEMPTS = 3


def test_queues_declared_before_the_consumer_are_the_ones_it_consumes(
        harness, rabbit_manager, rabbit_config):
    vhost = rabbit_config["vhost"]
    with Connection(harness.amqp_uri) as conn:
        count = messaging.declare_topology(conn, [s.SUBSCRIPTION], ATTEMPTS,
                                           sources=[s.PRODUCER])
        again = messaging.declare_topology(conn, [s.SUBSCRIPTION], ATTEMPTS)
    assert count == again == 1 + (ATTEMPTS - 1) + 1  # main, retries, dlq

    container = harness.consumer(event_max_attempts=ATTEMPTS)
    (handler,) = [e for e in container.entrypoints
                  if isinstance(e, messaging.ReliableEventHandler)]
    assert handler.queue.name == s.QUEUE

    main = rabbit_manager.get_queue(vhost, s.QUEUE)
    assert main["durable"] and not main["auto_delete"] and main["arguments"] == {}
    assert harness.consumers(s.QUEUE) == 1
    bindings = [b for b in rabbit_manager.get_queue_bindings(vhost, s.QUEUE)
                if b["source"] == f"{s.PRODUCER}.events"]
    assert [b["routing_key"] for b in bindings] == ["catatan_created"]
    for attempt in range(1, ATTEMPTS):
        retry = rabbit_manager.get_queue(vhost, s.SUBSCRIPTION.retry_queue(attempt))
        assert retry["arguments"] == {"x-dead-letter-exchange": "",
                                      "x-dead-letter-routing-key": s.QUEUE}
    assert rabbit_manager.get_queue(vhost, s.SUBSCRIPTION.dlq)["durable"]


def test_queue_arguments_changed_in_one_place_still_agree(harness, monkeypatch):
    original = messaging.subscription_queues

    def lazy_main_queue(sub, max_attempts):
        queues = original(sub, max_attempts)
        main = queues[0]
        queues[0] = main.__class__(main.name, exchange=main.exchange,
                                   routing_key=main.routing_key, durable=True,
                                   auto_delete=False,
                                   queue_arguments={"x-queue-mode": "lazy"})
        return queues

    monkeypatch.setattr(messaging, "subscription_queues", lazy_main_queue)
    harness.producer()  # the relay declares the main queue *with* the argument
    wait_until(lambda: harness.depth(s.QUEUE) is not None, what="declared queue")
    harness.consumer()  # would fail with PRECONDITION_FAILED on a differing copy
    harness.create_catatan(1)
    wait_until(equals(harness.effects, {1: 1}), what="effect")
    time.sleep(0.2)
    assert harness.effects() == {1: 1}
