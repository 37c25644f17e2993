"""LPSE Pusat: publish to the durable topic exchange ``lpse.pusat`` on our own broker.

The contract is deploy/rabbitmq/SHOVEL.md: exchange ``lpse.pusat`` (topic, durable),
routing keys ``ocds.release``, ``pengaduan.<event>``, ``ereporting.snapshot``, bound
with ``#`` to the durable **quorum** queue ``lpse.pusat.outbound`` that a shovel (or
LPSE Pusat's federation) empties towards the centre. The sender declares all three on
each new connection, so a fresh broker works without ``lpse topology``.

Every message is persistent (``delivery_mode`` 2), JSON, with ``message_id`` = the item
id (LPSE Pusat drops duplicates by it) and ``mandatory``. An item counts as handed over
only when the broker has **confirmed** it; a message the broker *returned* (no queue
bound: someone deleted the queue or the binding) or *nacked* (the queue refused it) is
a failure and is retried.

Why confirms are awaited per batch and not per message: kombu's
``transport_options={"confirm_publish": True}`` waits for each message's confirm before
publishing the next, one round trip to a quorum queue each (about 700 messages/s on
loopback, before any database work). Here the channel is put in confirm mode
(``confirm.select``) and a whole batch is published, then the confirms are collected:
the same guarantee per message, thousands per second. Confirms are matched to messages
by the channel's delivery tags (1, 2, ... after ``confirm.select``; an ack or nack with
``multiple`` settles every tag up to it). A basic.return precedes the ack of the same
message, so a returned message is known to be unroutable by the time it is acked.

A broken connection or a confirm that does not come in ``confirm_timeout`` leaves the
unsettled messages as temporary failures, and the connection is dropped, so that a late
confirm can never be taken for one of the next batch's messages.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from kombu import Connection, Exchange, Queue

from services.reporting.forwarding.ports import Failure, Item, Results

log = logging.getLogger(__name__)

EXCHANGE = "lpse.pusat"
QUEUE = "lpse.pusat.outbound"


def exchange() -> Exchange:
    return Exchange(EXCHANGE, type="topic", durable=True)


def outbound_queue() -> Queue:
    return Queue(QUEUE, exchange(), routing_key="#", durable=True,
                 queue_arguments={"x-queue-type": "quorum"})


def declare(channel: Any) -> None:
    """Declare the exchange, the quorum queue and its ``#`` binding."""
    exchange()(channel).declare()
    outbound_queue()(channel).declare()


class _Unconfirmed(Exception):
    """The broker did not confirm every message of a batch in time."""


class _Batch:
    """The confirms of one batch on one channel."""

    def __init__(self, first_tag: int) -> None:
        self.next_tag = first_tag
        self.by_tag: dict[int, str] = {}
        self.returned: dict[str, str] = {}
        self.results: dict[str, Failure | None] = {}

    def published(self, item_id: str) -> None:
        self.by_tag[self.next_tag] = item_id
        self.next_tag += 1

    def settle(self, tag: int, multiple: bool, ok: bool) -> None:
        tags = [t for t in self.by_tag if t <= tag] if multiple else [tag]
        for t in tags:
            item_id = self.by_tag.pop(t, None)
            if item_id is None:
                continue
            if not ok:
                self.results[item_id] = Failure("nacked by the broker")
            elif item_id in self.returned:
                self.results[item_id] = Failure(self.returned[item_id])
            else:
                self.results[item_id] = None

    @property
    def open(self) -> bool:
        return bool(self.by_tag)


class PusatSender:
    """Publishes items to ``lpse.pusat``; one connection and channel, kept open."""

    def __init__(self, amqp_uri: str, *, declare_topology: bool = True,
                 confirm_timeout: float = 30.0, connect_timeout: float = 10.0,
                 exchange_name: str = EXCHANGE) -> None:
        self.amqp_uri = amqp_uri
        self.declare_topology = declare_topology
        self.confirm_timeout = confirm_timeout
        self.connect_timeout = connect_timeout
        self.exchange_name = exchange_name
        self._conn: Connection | None = None
        self._channel: Any = None
        self._tag = 1
        self._batch: _Batch | None = None

    def describe(self) -> str:
        return f"exchange {self.exchange_name} on {Connection(self.amqp_uri).as_uri()}"

    # ------------------------------------------------------------ connection
    def _connect(self) -> Any:
        if self._channel is not None:
            return self._channel
        conn = Connection(self.amqp_uri, connect_timeout=self.connect_timeout)
        try:
            conn.connect()
            channel = conn.channel()
            if self.declare_topology:
                declare(channel)
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
        except Exception:
            with contextlib.suppress(Exception):
                conn.release()
            raise
        self._conn, self._channel, self._tag = conn, channel, 1
        return channel

    def close(self) -> None:
        conn, self._conn, self._channel = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.release()

    # ------------------------------------------------------------ callbacks
    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        if self._batch is not None:
            self._batch.settle(delivery_tag, multiple, ok=True)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        if self._batch is not None:
            self._batch.settle(delivery_tag, multiple, ok=False)

    def _on_return(self, exc: Any, exchange: str, routing_key: str,
                   message: Any) -> None:
        item_id = (getattr(message, "properties", None) or {}).get("message_id")
        if self._batch is not None and item_id:
            self._batch.returned[item_id] = (
                f"returned by the broker: {exc} (exchange {exchange}, "
                f"routing key {routing_key})")

    # ------------------------------------------------------------ sending
    def send(self, items: Sequence[Item]) -> Results:
        fresh = self._channel is None
        results = self._send_once(items)
        if not fresh and all(f is not None and f.reason.startswith("connection")
                             for f in results.values()):
            # a kept-open connection the broker or network dropped while idle:
            # reconnect once before counting an attempt against every item
            results = self._send_once(items)
        return results

    def _send_once(self, items: Sequence[Item]) -> Results:
        try:
            channel = self._connect()
        except Exception as exc:  # noqa: BLE001 - broker down: all temporary
            self.close()
            return {i.item_id: Failure(f"connection: {exc!r}") for i in items}
        batch = self._batch = _Batch(self._tag)
        try:
            for item in items:
                body = json.dumps(item.body, ensure_ascii=False, sort_keys=True,
                                  separators=(",", ":"))
                message = channel.prepare_message(
                    body.encode("utf-8"), content_type="application/json",
                    content_encoding="utf-8",
                    headers={"lpse-kind": str(item.kind)},
                    properties={"delivery_mode": 2, "message_id": item.item_id,
                                "type": str(item.kind),
                                "app_id": "lpse-karangasem-reporting",
                                "timestamp": int(time.time())})
                channel.basic_publish(message, exchange=self.exchange_name,
                                      routing_key=item.routing_key, mandatory=True)
                batch.published(item.item_id)
            self._tag = batch.next_tag
            deadline = time.monotonic() + self.confirm_timeout
            while batch.open:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Unconfirmed("no confirm from the broker in "
                                       f"{self.confirm_timeout:.0f}s")
                assert self._conn is not None
                try:
                    self._conn.drain_events(timeout=min(remaining, 1.0))
                except TimeoutError:
                    continue  # nothing yet: wait on, up to the deadline
        except _Unconfirmed as exc:
            self._abandon(batch, items, f"unconfirmed: {exc}")
        except Exception as exc:  # noqa: BLE001 - connection or channel lost
            self._abandon(batch, items, f"connection: {exc!r}")
        finally:
            self._batch = None
        return batch.results

    def _abandon(self, batch: _Batch, items: Sequence[Item], reason: str) -> None:
        """Items not settled are temporary failures; the channel is dropped."""
        for item in items:
            batch.results.setdefault(item.item_id, Failure(reason))
        self.close()
