"""The forwarding loop on SQLite (the zero-set-up default) with a scripted sender:
enqueue is idempotent, outcomes are recorded per item (delivered, retried with
backoff, dead when refused or too old), replay brings dead ones back, and a sender
that raises or forgets an item never marks it delivered. The PostgreSQL paths (``SKIP
LOCKED``, real receivers) are in ``tests/integration/test_forwarding_*``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from services.common.db import create_db_engine
from services.reporting.domain.penerusan import (
    PORTAL_KINDS,
    PUSAT_KINDS,
    RetryPolicy,
)
from services.reporting.forwarding import metrics, repository
from services.reporting.forwarding.config import PORTAL, PUSAT, Destination
from services.reporting.forwarding.loop import drain, forward_due
from services.reporting.forwarding.ports import (
    Failure,
    Item,
    ocds_release_item,
    pengaduan_item,
)
from services.reporting.storage.models import Base

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
POLICY = RetryPolicy(10, 60, 300)
PORTAL_DEST = Destination(PORTAL, PORTAL_KINDS, POLICY, batch_size=4)
PUSAT_DEST = Destination(PUSAT, PUSAT_KINDS, POLICY, batch_size=4)


class Scripted:
    """Answers per item id from ``script`` (default: acknowledged)."""

    def __init__(self, script: dict[str, Failure | None] | None = None,
                 forget: set[str] | None = None, explode: bool = False):
        self.script = script or {}
        self.forget = forget or set()
        self.explode = explode
        self.sent: list[str] = []

    def send(self, items: Sequence[Item]):
        if self.explode:
            raise RuntimeError("bug in a sender")
        self.sent.extend(i.item_id for i in items)
        return {i.item_id: self.script.get(i.item_id) for i in items
                if i.item_id not in self.forget}

    def close(self) -> None:
        pass


@pytest.fixture
def factory(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'reporting.db'}")
    Base.metadata.create_all(engine)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


def release(n: int) -> Item:
    return ocds_release_item({"id": f"r-{n}", "ocid": "ocds-krgsm1-1",
                              "date": "2026-11-02T02:00:00Z", "tag": ["tender"]})


def enqueue(factory, items, destinations=(PORTAL_DEST, PUSAT_DEST)) -> int:
    with factory() as session:
        new = repository.enqueue(session, items, list(destinations), T0)
        session.commit()
        return new


def backlog(factory):
    with factory() as session:
        return repository.backlog(session)


def test_enqueue_twice_writes_once_and_routes_by_kind(factory):
    items = [release(1), release(2), pengaduan_item("ev-1", "pengaduan_filed", {})]
    assert enqueue(factory, items) == 3
    assert enqueue(factory, items) == 0
    assert backlog(factory) == {(PORTAL, "pending"): 2, (PUSAT, "pending"): 3}


def test_outcomes_are_recorded_per_item(factory):
    enqueue(factory, [release(n) for n in range(4)], (PORTAL_DEST,))
    sender = Scripted({"r-1": Failure("HTTP 503", retry_after=30),
                       "r-2": Failure("HTTP 400", permanent=True)})
    counted: list[tuple[str, str]] = []
    result = forward_due(factory, [PORTAL_DEST], {PORTAL: sender}, T0,
                         count=lambda d, o: counted.append((d, o)))
    assert (result[PORTAL].tried, result[PORTAL].delivered, result[PORTAL].retried,
            result[PORTAL].dead) == (4, 2, 1, 1)
    assert sorted(counted) == sorted([(PORTAL, "delivered")] * 2
                                     + [(PORTAL, "retried"), (PORTAL, "dead")])
    with factory() as session:
        rows = {r.item_id: r for r in repository.deliveries(session, limit=10)}
    assert rows["r-0"].status == "delivered" and rows["r-0"].delivered_at == T0
    assert rows["r-0"].next_attempt_at is None and rows["r-0"].attempts == 1
    assert rows["r-1"].status == "retrying" and rows["r-1"].last_error == "HTTP 503"
    assert rows["r-1"].next_attempt_at >= T0 + timedelta(seconds=30)
    assert rows["r-2"].status == "dead" and rows["r-2"].next_attempt_at is None
    # nothing is due until the retry's time has come
    assert forward_due(factory, [PORTAL_DEST], {PORTAL: sender},
                       T0 + timedelta(seconds=5))[PORTAL].tried == 0


def test_a_clock_that_steps_back_strands_nothing(factory):
    """Enqueued, and one tried and failed, by a clock a day ahead which is then put
    right (an NTP correction, a test clock reset): both go at once; a retry the right
    clock scheduled keeps its wait."""
    ahead = T0 + timedelta(days=1)
    with factory() as session:
        repository.enqueue(session, [release(1)], [PORTAL_DEST], ahead)
        session.commit()
    forward_due(factory, [PORTAL_DEST], {PORTAL: Scripted({"r-1": Failure("503")})},
                ahead)
    with factory() as session:
        repository.enqueue(session, [release(2)], [PORTAL_DEST], ahead)
        session.commit()
    up = Scripted()
    forward_due(factory, [PORTAL_DEST], {PORTAL: up}, T0)
    assert sorted(up.sent) == ["r-1", "r-2"]
    enqueue(factory, [release(3)], (PORTAL_DEST,))
    forward_due(factory, [PORTAL_DEST], {PORTAL: Scripted({"r-3": Failure("503")})},
                T0)
    later = Scripted()
    forward_due(factory, [PORTAL_DEST], {PORTAL: later}, T0 + timedelta(seconds=1))
    assert later.sent == []
    assert backlog(factory) == {(PORTAL, "delivered"): 2, (PORTAL, "retrying"): 1}


def test_too_old_is_dead_and_replay_brings_it_back(factory):
    enqueue(factory, [release(1)], (PORTAL_DEST,))
    down = Scripted({"r-1": Failure("HTTP 503")})
    now = T0
    for _ in range(50):
        forward_due(factory, [PORTAL_DEST], {PORTAL: down}, now)
        now += timedelta(seconds=61)
    assert backlog(factory) == {(PORTAL, "dead"): 1}
    with factory() as session:
        assert repository.replay(session, PORTAL, None, now=now) == 1
        session.commit()
    up = Scripted()
    forward_due(factory, [PORTAL_DEST], {PORTAL: up}, now)
    assert up.sent == ["r-1"]
    assert backlog(factory) == {(PORTAL, "delivered"): 1}


def test_a_sender_that_raises_or_forgets_never_marks_delivered(factory):
    enqueue(factory, [release(1), release(2)], (PORTAL_DEST,))
    forward_due(factory, [PORTAL_DEST], {PORTAL: Scripted(explode=True)}, T0)
    assert backlog(factory) == {(PORTAL, "retrying"): 2}
    later = T0 + timedelta(minutes=2)  # due again, not too old yet
    forward_due(factory, [PORTAL_DEST], {PORTAL: Scripted(forget={"r-2"})}, later)
    assert backlog(factory) == {(PORTAL, "delivered"): 1, (PORTAL, "retrying"): 1}


def test_drain_stops_pushing_at_a_destination_that_refuses_a_whole_batch(factory):
    enqueue(factory, [release(n) for n in range(20)], (PORTAL_DEST,))
    down = Scripted({f"r-{n}": Failure("HTTP 503") for n in range(20)})
    result = drain(factory, [PORTAL_DEST], {PORTAL: down}, lambda: T0)
    assert result.tried == 4  # one batch, then it is left alone
    assert backlog(factory) == {(PORTAL, "retrying"): 4, (PORTAL, "pending"): 16}
    up = Scripted()
    result = drain(factory, [PORTAL_DEST], {PORTAL: up},
                   lambda: T0 + timedelta(minutes=5))
    assert result.delivered == 20 and len(up.sent) == 20


def test_backlog_gauge_has_every_state_of_every_destination(factory):
    enqueue(factory, [release(1)], (PORTAL_DEST,))
    with factory() as session:
        counts = metrics.refresh_backlog(session, [PORTAL, PUSAT], now=T0)
    assert counts == {(PORTAL, "pending"): 1}
    assert metrics.BACKLOG.labels(PORTAL, "pending")._value.get() == 1
    assert metrics.BACKLOG.labels(PUSAT, "dead")._value.get() == 0
