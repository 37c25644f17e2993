"""Dead-letter queues for operators: ``lpse dlq list`` and ``lpse dlq replay``.

Every subscription (``contracts/subscriptions.py``) has a dead-letter queue
``<queue>.dlq`` where :class:`~services.common.messaging.ReliableEventHandler` parks
an event whose handler failed ``EVENT_MAX_ATTEMPTS`` times, or whose payload broke its
contract. Nothing here needs the management API: depths come from a passive
``queue.declare``, and messages are read with ``basic.get``.

* ``lpse dlq list [--show N] [--queue Q ...]`` - per subscription: the queue and how
  many messages wait in its dead-letter queue; with ``--show`` the first N of them
  (event id, type, last error, attempt). Listing never consumes: the messages read
  are rejected with ``requeue`` and keep their place.
* ``lpse dlq replay <queue> | --all [--limit N]`` - moves messages from ``<q>.dlq``
  back to ``<q>`` through the default exchange: persistent, ``mandatory``, with
  publisher confirms, attempt header reset; each dead letter is acked only after
  its republish was confirmed, so a crash in the middle duplicates at worst (the
  consumer drops duplicates by ``event_id``), never loses.

:func:`dlq_depths` is what the metrics use.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # nameko (and eventlet's warning) load only when a command runs
    from services.common.messaging import Subscription

DLQ_SUFFIX = ".dlq"
REPLAYED_HEADER = "x-lpse-replayed"


class DlqError(RuntimeError):
    """An operator request that cannot be carried out (unknown queue, broker error)."""


def dlq_name(queue: str) -> str:
    """``<q>.dlq`` for a handler queue (a name already ending in ``.dlq`` is kept)."""
    return queue if queue.endswith(DLQ_SUFFIX) else queue + DLQ_SUFFIX


def main_queue_name(queue: str) -> str:
    """The handler queue a dead-letter queue belongs to."""
    return queue[: -len(DLQ_SUFFIX)] if queue.endswith(DLQ_SUFFIX) else queue


# --------------------------------------------------------------------------- broker
def queue_depth(connection: Any, name: str) -> int | None:
    """Messages ready in queue ``name`` (passive declare); ``None`` if it is missing.

    :param connection: a :class:`kombu.Connection`.
    """
    from amqp.exceptions import NotFound

    channel = connection.channel()
    try:
        return int(channel.queue_declare(queue=name, passive=True).message_count)
    except NotFound:  # the broker closed this channel; the connection lives on
        return None
    finally:
        _close_quietly(channel)


def dlq_depths(connection: Any,
               subscriptions: Iterable[Subscription] | None = None) -> dict[str, int]:
    """``{handler queue: messages waiting in its dead-letter queue}``.

    A dead-letter queue that was never declared counts as 0 (nothing was parked).

    :param subscriptions: default: every row of the subscription table.
    """
    if subscriptions is None:
        from services.common.contracts.subscriptions import SUBSCRIPTIONS

        subscriptions = list(SUBSCRIPTIONS)
    return {sub.queue: queue_depth(connection, sub.dlq) or 0 for sub in subscriptions}


@dataclass(frozen=True)
class DeadLetter:
    """What an operator needs to know about one parked message."""

    event_id: str | None
    event_type: str | None
    error: str | None
    attempt: int | None
    replayed: int


def describe(message: Any) -> DeadLetter:
    """A :class:`DeadLetter` from a kombu message; tolerates a body that is not JSON."""
    from services.common.messaging import ATTEMPT_HEADER, ERROR_HEADER

    headers = dict(message.headers or {})
    try:
        body = json.loads(message.body)
    except (TypeError, ValueError):
        body = None
    body = body if isinstance(body, dict) else {}
    attempt = headers.get(ATTEMPT_HEADER)
    return DeadLetter(
        event_id=body.get("event_id"), event_type=body.get("event_type"),
        error=_text(headers.get(ERROR_HEADER)),
        attempt=int(attempt) if attempt is not None else None,
        replayed=int(headers.get(REPLAYED_HEADER, 0)),
    )


def peek(connection: Any, queue: str, limit: int) -> list[DeadLetter]:
    """The first ``limit`` messages of ``<queue>.dlq``, left in the queue.

    Messages are fetched unacked and all rejected with ``requeue`` at the end, so
    they keep their position (closing the channel would requeue them as well).

    :raises DlqError: the dead-letter queue does not exist.
    """
    from kombu import Queue

    name = dlq_name(queue)
    if queue_depth(connection, name) is None:
        raise DlqError(f"queue {name} does not exist")
    channel = connection.channel()
    held: list[Any] = []
    try:
        bound = Queue(name, no_declare=True, channel=channel)
        for _ in range(max(limit, 0)):
            message = bound.get(no_ack=False, accept=["json"])
            if message is None:
                break
            held.append(message)
        return [describe(m) for m in held]
    finally:
        for message in held:
            message.reject(requeue=True)
        _close_quietly(channel)


def replay(connection: Any, queue: str, limit: int | None = None) -> int:
    """Move up to ``limit`` messages from ``<queue>.dlq`` back to ``<queue>``.

    At most the number of messages present when the replay starts are moved, so a
    message that fails again and is parked again is not replayed in a loop.
    Returns how many were moved.

    :raises DlqError: a queue is missing, or a republish was not confirmed (the
        message that failed stays in the dead-letter queue).
    """
    from kombu import Producer, Queue

    source, target = dlq_name(queue), main_queue_name(queue)
    available = queue_depth(connection, source)
    if available is None:
        raise DlqError(f"queue {source} does not exist")
    if queue_depth(connection, target) is None:
        raise DlqError(f"queue {target} does not exist; run `lpse topology` first")
    budget = available if limit is None else min(limit, available)
    confirmed = connection.clone(transport_options={
        **(connection.transport_options or {}), "confirm_publish": True})
    moved = 0
    with confirmed:
        channel = confirmed.channel()
        try:
            producer = Producer(channel)
            bound = Queue(source, no_declare=True, channel=channel)
            while moved < budget:
                message = bound.get(no_ack=False, accept=["json"])
                if message is None:
                    break
                try:
                    _republish(producer, message, target)
                except Exception as exc:
                    message.reject(requeue=True)
                    raise DlqError(f"republish to {target} failed: {exc}") from exc
                message.ack()
                moved += 1
        finally:
            _close_quietly(channel)
    return moved


def _republish(producer: Any, message: Any, target: str) -> None:
    from services.common.messaging import ATTEMPT_HEADER

    headers = {k: v for k, v in dict(message.headers or {}).items()
               if k not in (ATTEMPT_HEADER, "x-death")}
    headers[REPLAYED_HEADER] = int(headers.get(REPLAYED_HEADER, 0)) + 1
    # raw body with its own content type: never serialise twice
    producer.publish(
        message.body, exchange="", routing_key=target, headers=headers,
        content_type=message.content_type or "application/json",
        content_encoding=message.content_encoding or "utf-8",
        delivery_mode=2, mandatory=True, retry=False,
    )


def _close_quietly(channel: Any) -> None:
    try:
        channel.close()
    except Exception:  # noqa: BLE001 - already closed by the broker
        pass


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# --------------------------------------------------------------------------- CLI
def _subscription_queues(extra: list[str] | None) -> list[str]:
    from services.common.contracts.subscriptions import SUBSCRIPTIONS

    names = [sub.queue for sub in SUBSCRIPTIONS]
    for name in extra or ():
        if main_queue_name(name) not in names:
            names.append(main_queue_name(name))
    return names


def _connect(settings: Any) -> Any:
    from kombu import Connection

    from services.common.runner import check_broker

    check_broker(settings.amqp_uri)
    return Connection(settings.amqp_uri, connect_timeout=10)


def cmd_list(args: argparse.Namespace) -> int:
    """``lpse dlq list``: depth of every dead-letter queue, optionally the first N."""
    from services.common.config import load_settings

    queues = _subscription_queues(args.queue)
    if not queues:
        print("no subscriptions in the table "
              "(services/common/contracts/subscriptions.py)")
        return 0
    missing = 0
    with _connect(load_settings()) as conn:
        for queue in queues:
            depth = queue_depth(conn, dlq_name(queue))
            if depth is None:
                missing += 1
                print(f"{queue}\tdlq: NOT DECLARED (run `lpse topology`)")
                continue
            print(f"{queue}\tdlq: {depth} waiting")
            if args.show and depth:
                for letter in peek(conn, queue, args.show):
                    print(f"  event_id={letter.event_id} type={letter.event_type} "
                          f"attempt={letter.attempt} replayed={letter.replayed} "
                          f"error={letter.error!r}")
    return 1 if missing else 0


def cmd_replay(args: argparse.Namespace) -> int:
    """``lpse dlq replay``: move dead letters back to their handler queue."""
    from services.common.config import load_settings

    if args.all == bool(args.queue):
        print("give either a queue or --all", file=sys.stderr)
        return 2
    queues = _subscription_queues(None) if args.all else [args.queue]
    failed = 0
    with _connect(load_settings()) as conn:
        for queue in queues:
            try:
                moved = replay(conn, queue, args.limit)
            except DlqError as exc:
                failed += 1
                print(f"{queue}\tERROR: {exc}", file=sys.stderr)
                continue
            print(f"{queue}\treplayed {moved}")
    return 1 if failed else 0


def add_commands(subparsers: Any) -> None:
    """Register ``dlq list`` and ``dlq replay`` on the ``lpse`` command line."""
    dlq = subparsers.add_parser("dlq", help="inspect / replay dead-lettered events")
    sub = dlq.add_subparsers(dest="dlq_command", required=True)
    p = sub.add_parser("list", help="messages waiting in every dead-letter queue")
    p.add_argument("--show", type=int, default=0, metavar="N",
                   help="also show the first N messages (they stay in the queue)")
    p.add_argument("--queue", action="append", metavar="Q",
                   help="also list this handler queue (repeatable)")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("replay", help="move dead letters back to their queue")
    p.add_argument("queue", nargs="?", help="handler queue (with or without .dlq)")
    p.add_argument("--all", action="store_true", help="every subscription's queue")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="move at most N messages per queue")
    p.set_defaults(func=cmd_replay)
