"""The forwarding loop: due deliveries -> sender -> new states, one commit per batch.

:func:`forward_due` runs one round: for each destination it locks a batch of due
deliveries (``FOR UPDATE SKIP LOCKED``), hands their items to that destination's
sender, records each outcome through ``domain.penerusan`` and commits. The locks are
held while sending, so two replicas never have the same delivery in flight.

Delivery is **at least once**: a process killed after the destination acknowledged a
batch but before the commit sends that batch again after the restart (the receiver
drops it by release id / message id). Nothing is lost: a delivery leaves the due set
only in the transaction that records the acknowledgement. A batch is the unit that may
be repeated, so the batch size bounds the duplicates per crash.

The service runs :func:`forward_due` (or :func:`drain`) from a timer; :func:`drain`
repeats it while batches come back full and something was delivered, so a destination
that is down costs one failed batch per call, not its whole backlog's attempts. One
caller per process: a sender keeps one connection and is not thread-safe.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.common.clock import retry_horizon
from services.reporting.domain.penerusan import (
    Delivery,
    ItemKind,
    Outcome,
    Status,
    after_failure,
    after_success,
)
from services.reporting.forwarding import repository
from services.reporting.forwarding.config import Destination
from services.reporting.forwarding.ports import Failure, Item, Sender

log = logging.getLogger(__name__)

#: last_error is for operators; a receiver's whole error page is not
MAX_ERROR = 2000

Count = Callable[[str, str], None]


def _no_count(destination: str, outcome: str) -> None:
    return None


@dataclass(frozen=True)
class BatchResult:
    """What one batch of one destination did."""

    tried: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0


def _outcome(row: Any, failure: Failure | None, destination: Destination,
             now: datetime, rng: random.Random | None) -> Outcome:
    state = Delivery(Status(row.status), row.attempts, row.first_attempt_at)
    if failure is None:
        return after_success(state, now)
    return after_failure(state, now, destination.policy, permanent=failure.permanent,
                         retry_after=failure.retry_after, rng=rng)


def forward_batch(session: Session, destination: Destination, sender: Sender,
                  now: datetime, limit: int, *, count: Count = _no_count,
                  rng: random.Random | None = None) -> BatchResult:
    """One batch of one destination inside ``session`` (committed here)."""
    claimed = repository.claim_due(session, destination.name, now, limit,
                                   retry_horizon(now, destination.policy.max_seconds))
    if not claimed:
        session.rollback()
        return BatchResult()
    items = [Item(row.item_id, ItemKind(row.kind), row.routing_key, row.body)
             for row in claimed]
    try:
        results = sender.send(items)
    except Exception as exc:  # noqa: BLE001 - a sender bug must not stop the loop
        log.exception("sender for %s failed", destination.name)
        results = {item.item_id: Failure(f"sender error: {exc!r}") for item in items}
    missing = Failure("no acknowledgement from the sender")
    tally = {"delivered": 0, "retried": 0, "dead": 0}
    changes: list[tuple[str, dict[str, Any]]] = []
    for row in claimed:
        failure = results.get(row.item_id, missing)
        outcome = _outcome(row, failure, destination, now, rng)
        values: dict[str, Any] = {
            "status": str(outcome.status), "attempts": outcome.attempts,
            "first_attempt_at": outcome.first_attempt_at,
            "next_attempt_at": outcome.next_attempt_at,
            "delivered_at": outcome.delivered_at,
            "last_error": None if failure is None else failure.reason[:MAX_ERROR]}
        changes.append((row.item_id, values))
        if failure is None:
            tally["delivered"] += 1
        elif outcome.status is Status.DEAD:
            tally["dead"] += 1
            log.warning("forwarding %s to %s is dead (%s): %s", row.item_id,
                        destination.name, outcome.reason, failure.reason,
                        extra={"message_id": "forwarding_dead",
                               "destination": destination.name})
        else:
            tally["retried"] += 1
    repository.record(session, destination.name, changes)
    session.commit()
    # counted once recorded: a failed commit repeats the batch, not the counts
    for outcome_name, n in tally.items():
        for _ in range(n):
            count(destination.name, outcome_name)
    return BatchResult(len(claimed), **tally)


def forward_due(session_factory: Callable[[], Session],
                destinations: Sequence[Destination], senders: Mapping[str, Sender],
                now: datetime, batch: int | None = None, *, count: Count = _no_count,
                rng: random.Random | None = None) -> dict[str, BatchResult]:
    """One round: one batch per destination (``batch`` deliveries, default the
    destination's ``batch_size``), each in its own session and commit. Returns what
    each destination's batch did; a full batch with deliveries means more may be
    due."""
    tried: dict[str, BatchResult] = {}
    for destination in destinations:
        sender = senders.get(destination.name)
        if sender is None:
            raise KeyError(f"no sender for destination {destination.name}")
        session = session_factory()
        try:
            tried[destination.name] = forward_batch(
                session, destination, sender, now, batch or destination.batch_size,
                count=count, rng=rng)
        except Exception:
            session.rollback()
            raise
        finally:
            session.close()
    return tried


def drain(session_factory: Callable[[], Session],
          destinations: Sequence[Destination], senders: Mapping[str, Sender],
          clock: Callable[[], datetime], batch: int | None = None, *,
          count: Count = _no_count, max_rounds: int | None = None,
          stop: Callable[[], bool] | None = None) -> BatchResult:
    """Repeat :func:`forward_due` while some destination had a full batch with at
    least one delivery (reading the time from ``clock`` each round); returns the
    totals.

    A destination that failed a whole batch is left alone until the next call: it
    is down, and pushing the rest of its backlog at it would only spend attempts
    (the items not tried keep their state, and their clock does not start)."""
    totals = {"tried": 0, "delivered": 0, "retried": 0, "dead": 0}
    rounds = 0
    active = list(destinations)
    while active and (max_rounds is None or rounds < max_rounds):
        if stop is not None and stop():
            break
        rounds += 1
        results = forward_due(session_factory, active, senders, clock(), batch,
                              count=count)
        for result in results.values():
            for key in totals:
                totals[key] += getattr(result, key)
        active = [d for d in active
                  if results[d.name].tried >= (batch or d.batch_size)
                  and results[d.name].delivered]
    return BatchResult(**totals)


def run_forever(session_factory: Callable[[], Session],
                destinations: Sequence[Destination], senders: Mapping[str, Sender],
                clock: Callable[[], datetime], *, idle_seconds: float = 1.0,
                count: Count = _no_count,
                stop: Callable[[], bool] = lambda: False) -> None:
    """Drain, sleep ``idle_seconds`` when nothing was delivered, again; a database
    error backs off instead of crashing (the standalone worker; the service uses its
    timer)."""
    failures = 0
    while not stop():
        try:
            result = drain(session_factory, destinations, senders, clock,
                           count=count, stop=stop)
            failures = 0
        except Exception:  # noqa: BLE001 - database down: back off, never crash
            failures += 1
            log.exception("forwarding round failed")
            time.sleep(min(30.0, 0.5 * 2 ** min(failures, 6)))
            continue
        if not result.delivered:
            time.sleep(idle_seconds)
