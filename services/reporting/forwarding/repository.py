"""Forwarding rows in and out. Nothing here commits: the caller owns the transaction.

* :func:`enqueue` writes items and their per-destination deliveries idempotently
  (``INSERT .. ON CONFLICT DO NOTHING``): an event redelivered to reporting, or a
  rebuild of the read models that yields the same releases, forwards nothing twice.
* :func:`claim_due` locks due deliveries of one destination with ``FOR UPDATE SKIP
  LOCKED`` on PostgreSQL, so replicas of reporting share the backlog and no delivery is
  in flight in two of them at once. (SQLite, the zero-set-up default, has one writer
  anyway.)
* :func:`replay`, :func:`backlog` and :func:`deliveries` serve the operators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from services.common.db import is_postgres
from services.reporting.domain.penerusan import Delivery as DeliveryState
from services.reporting.domain.penerusan import Status, replayed
from services.reporting.forwarding.config import Destination
from services.reporting.forwarding.ports import Item
from services.reporting.storage.models import ForwardingDeliveryRow, ForwardingItemRow

#: ids per ``IN (...)``
CHUNK = 500
DELIVERY = ForwardingDeliveryRow.__table__


def _insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``, skipping those whose primary key exists (a concurrent enqueue
    of the same item by another replica is not an error)."""
    if not rows:
        return
    if is_postgres(session):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    session.execute(insert(model).on_conflict_do_nothing(), rows)


def _existing(session: Session, column: Any, ids: Sequence[str],
              *where: Any) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        found.update(session.scalars(select(column).where(column.in_(chunk), *where)))
    return found


def enqueue(session: Session, items: Iterable[Item],
            destinations: Sequence[Destination], now: datetime) -> int:
    """Write ``items`` and one pending delivery per destination that takes their kind.

    An item id seen before is not written again, and its body is not changed (a
    receiver relies on one id meaning one content). A destination configured after an
    item was first enqueued gets its delivery when the item is enqueued again.
    Returns the number of new items.
    """
    unique: dict[str, Item] = {}
    for item in items:
        unique.setdefault(item.item_id, item)
    if not unique:
        return 0
    ids = list(unique)
    known = _existing(session, ForwardingItemRow.item_id, ids)
    new_items = [unique[i] for i in ids if i not in known]
    _insert(session, ForwardingItemRow, [
        {"item_id": item.item_id, "kind": str(item.kind),
         "routing_key": item.routing_key, "body": item.body, "created_at": now}
        for item in new_items])
    for destination in destinations:
        wanted = [i for i in ids if destination.takes(unique[i].kind)]
        have = (_existing(session, ForwardingDeliveryRow.item_id, wanted,
                          ForwardingDeliveryRow.destination == destination.name)
                if known else set())
        _insert(session, ForwardingDeliveryRow, [
            {"destination": destination.name, "item_id": i,
             "status": str(Status.PENDING), "attempts": 0, "next_attempt_at": now,
             "first_attempt_at": None, "last_error": None, "delivered_at": None,
             "created_at": now}
            for i in wanted if i not in have])
    return len(new_items)


def claim_due(session: Session, destination: str, now: datetime,
              limit: int, horizon: datetime | None = None) -> list[Row[Any]]:
    """Up to ``limit`` due deliveries of ``destination`` with their items, oldest
    first, locked until the caller's commit (skipping rows another replica holds).

    Due as ``domain.penerusan.is_due`` says: pending ones whatever their timestamp,
    retrying ones once their time has come or when it lies beyond ``horizon``
    (``services.common.clock.retry_horizon`` of the destination's longest wait) -
    set by a clock that has stepped back since.

    Plain rows (``item_id, status, attempts, first_attempt_at, kind, routing_key,
    body``), not ORM objects: this is the hot path of a backlog, and the states are
    written back with :func:`record` in a few statements, not one per row."""
    delivery, item = DELIVERY, ForwardingItemRow.__table__
    due = [delivery.c.status == str(Status.PENDING), delivery.c.next_attempt_at <= now]
    if horizon is not None:
        due.append(delivery.c.next_attempt_at > horizon)
    stmt = (select(delivery.c.item_id, delivery.c.status, delivery.c.attempts,
                   delivery.c.first_attempt_at, item.c.kind, item.c.routing_key,
                   item.c.body)
            .join(item, item.c.item_id == delivery.c.item_id)
            .where(delivery.c.destination == destination,
                   delivery.c.next_attempt_at.is_not(None),
                   delivery.c.status.in_([str(Status.PENDING), str(Status.RETRYING)]),
                   or_(*due))
            .order_by(delivery.c.next_attempt_at, delivery.c.item_id)
            .limit(limit))
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True, of=delivery)
    return list(session.execute(stmt))


def record(session: Session, destination: str,
           changes: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
    """Write new states: ``(item_id, {column: value})`` per delivery. Deliveries with
    the same new values (a batch delivered at once) share one ``UPDATE .. IN``; the
    rest (retries differ by their jittered next attempt) go as one executemany."""
    groups: dict[tuple[tuple[str, Any], ...], list[str]] = defaultdict(list)
    for item_id, values in changes:
        groups[tuple(sorted(values.items()))].append(item_id)
    singles: list[dict[str, Any]] = []
    for key, ids in groups.items():
        values = dict(key)
        if len(ids) == 1:
            singles.append({"b_item_id": ids[0], **values})
            continue
        for start in range(0, len(ids), CHUNK):
            session.execute(update(DELIVERY).where(
                DELIVERY.c.destination == destination,
                DELIVERY.c.item_id.in_(ids[start:start + CHUNK])).values(**values))
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for single in singles:
        by_columns[tuple(sorted(single))].append(single)
    for columns, rows in by_columns.items():
        session.execute(update(DELIVERY).where(
            DELIVERY.c.destination == destination,
            DELIVERY.c.item_id == bindparam("b_item_id")).values(
            {c: bindparam(c) for c in columns if c != "b_item_id"}), rows)


def replay(session: Session, destination: str | None = None,
           ids: Sequence[str] | None = None, *, now: datetime) -> int:
    """Put dead deliveries back to pending, due at ``now`` with fresh attempts: those
    of ``destination`` (or of every destination), restricted to item ``ids`` when
    given. Returns how many were replayed; deliveries that are not dead are left
    alone (replaying a delivered release would only send a duplicate)."""
    outcome = replayed(DeliveryState(Status.DEAD), now)
    stmt = update(ForwardingDeliveryRow).where(
        ForwardingDeliveryRow.status == str(Status.DEAD))
    if destination is not None:
        stmt = stmt.where(ForwardingDeliveryRow.destination == destination)
    if ids is not None:
        if not ids:
            return 0
        stmt = stmt.where(ForwardingDeliveryRow.item_id.in_(list(ids)))
    result = session.execute(stmt.values(
        status=str(outcome.status), attempts=outcome.attempts,
        first_attempt_at=outcome.first_attempt_at,
        next_attempt_at=outcome.next_attempt_at, delivered_at=None)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def backlog(session: Session) -> dict[tuple[str, str], int]:
    """Deliveries per (destination, status), for the gauge and the CLI."""
    rows = session.execute(
        select(ForwardingDeliveryRow.destination, ForwardingDeliveryRow.status,
               func.count())
        .group_by(ForwardingDeliveryRow.destination, ForwardingDeliveryRow.status))
    return {(dest, status): int(n) for dest, status, n in rows}


def oldest_due(session: Session) -> dict[str, datetime]:
    """Per destination, the creation time of its oldest undelivered, not dead item:
    how far behind the destination is."""
    rows = session.execute(
        select(ForwardingDeliveryRow.destination,
               func.min(ForwardingDeliveryRow.created_at))
        .where(ForwardingDeliveryRow.status.in_(
            [str(Status.PENDING), str(Status.RETRYING)]))
        .group_by(ForwardingDeliveryRow.destination))
    return {dest: oldest for dest, oldest in rows if oldest is not None}


def deliveries(session: Session, *, destination: str | None = None,
               status: str | None = None,
               limit: int = 50) -> list[ForwardingDeliveryRow]:
    """Deliveries for the operators, the most recently enqueued first."""
    stmt = select(ForwardingDeliveryRow)
    if destination:
        stmt = stmt.where(ForwardingDeliveryRow.destination == destination)
    if status:
        stmt = stmt.where(ForwardingDeliveryRow.status == status)
    stmt = stmt.order_by(ForwardingDeliveryRow.created_at.desc(),
                         ForwardingDeliveryRow.item_id).limit(limit)
    return list(session.scalars(stmt))
