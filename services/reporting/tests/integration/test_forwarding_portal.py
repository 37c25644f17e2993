"""Forwarding to the national portal against a real HTTP receiver on loopback (its
own process: it checks the HMAC signature and counts release ids) and a fresh
PostgreSQL database.

The loop runs with a stepped clock (``now`` is an argument), so hours of backoff take
milliseconds; the receiver's behaviour depends on the requests it gets, not on time.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.reporting.domain.penerusan import (
    PORTAL_KINDS,
    PUSAT_KINDS,
    RetryPolicy,
)
from services.reporting.forwarding import cli, repository
from services.reporting.forwarding.config import PORTAL, PUSAT, Destination
from services.reporting.forwarding.loop import forward_due
from services.reporting.forwarding.portal import PortalSender
from services.reporting.forwarding.ports import (
    ocds_release_item,
    pengaduan_item,
    snapshot_item,
)
from services.reporting.storage.models import ForwardingDeliveryRow

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
SECRET = "portal-test-secret"
POLICY = RetryPolicy(base_seconds=5, max_seconds=120, max_age_seconds=1800)
PORTAL_DEST = Destination(PORTAL, PORTAL_KINDS, POLICY, batch_size=100)
PUSAT_DEST = Destination(PUSAT, PUSAT_KINDS, POLICY, batch_size=100)


def releases(n: int, ocid: str = "ocds-krgsm1-LL-1") -> list[dict]:
    return [{"id": str(uuid.uuid4()), "ocid": ocid, "date": "2026-11-02T02:00:00Z",
             "tag": ["tender"], "initiationType": "tender",
             "tender": {"id": "LL-1", "title": f"Paket {i}"}} for i in range(n)]


def enqueue(db, items, destinations=(PORTAL_DEST,), now=T0) -> int:
    session = db.session()
    try:
        new = repository.enqueue(session, items, list(destinations), now)
        session.commit()
        return new
    finally:
        session.close()


def backlog(db) -> dict[tuple[str, str], int]:
    session = db.session()
    try:
        return repository.backlog(session)
    finally:
        session.close()


def sender_for(receiver, secret: str = SECRET, per_request: int = 40) -> PortalSender:
    return PortalSender(receiver.url, secret,
                        publisher_name="LPSE Kabupaten Karangasem",
                        package_uri_base="https://lpse.karangasemkab.go.id/ocds/f",
                        timeout=5, max_per_request=per_request)


def run(db, sender, *, start=T0, step=timedelta(seconds=30), rounds=500,
        destination=PORTAL_DEST, counted=None) -> datetime:
    """Run the loop, stepping the clock, until nothing is due or waiting."""
    now = start
    for _ in range(rounds):
        forward_due(db.session, [destination], {destination.name: sender}, now,
                    count=(lambda d, o: counted.append((d, o))) if counted is not None
                    else (lambda d, o: None))
        waiting = {s: n for (d, s), n in backlog(db).items()
                   if d == destination.name and s in ("pending", "retrying")}
        if not waiting:
            return now
        now += step
    raise AssertionError(f"still waiting after {rounds} rounds: {backlog(db)}")


def test_enqueue_is_idempotent_and_routes_each_kind_to_its_destinations(forwarding_db):
    rel = releases(3)
    items = ([ocds_release_item(r) for r in rel]
             + [pengaduan_item("ev-1", "pengaduan_filed", {"kode": "PGD-1"}),
                snapshot_item("ereporting-2026-10", {"paket": 12})])
    both = (PORTAL_DEST, PUSAT_DEST)
    assert enqueue(forwarding_db, items, both) == 5
    assert enqueue(forwarding_db, items + items, both) == 0  # seen before: nothing new
    assert backlog(forwarding_db) == {(PORTAL, "pending"): 3, (PUSAT, "pending"): 5}
    # a destination configured later gets its deliveries on the next enqueue
    assert enqueue(forwarding_db, items, (PUSAT_DEST,)) == 0
    session = forwarding_db.session()
    try:
        rows = session.query(ForwardingDeliveryRow).all()
        assert sorted((r.destination, r.item_id) for r in rows if r.destination
                      == PORTAL) == sorted((PORTAL, r["id"]) for r in rel)
    finally:
        session.close()


def test_a_receiver_that_refuses_for_a_while_gets_every_release_exactly_once(
        forwarding_db, portal_receiver):
    receiver = portal_receiver(SECRET, "--refuse-first", "4", "--retry-after", "10")
    rel = releases(250)
    enqueue(forwarding_db, [ocds_release_item(r) for r in rel])
    counted: list[tuple[str, str]] = []
    sender = sender_for(receiver)
    try:
        run(forwarding_db, sender, counted=counted)
    finally:
        sender.close()
    stats = receiver.stats(ids=True)
    assert stats["refused"] == 4 and stats["bad_signature"] == 0
    assert stats["ids"] == sorted(r["id"] for r in rel)
    assert stats["duplicates"] == 0 and stats["malformed"] == 0
    assert backlog(forwarding_db) == {(PORTAL, "delivered"): 250}
    assert counted.count((PORTAL, "delivered")) == 250
    assert (PORTAL, "retried") in counted and (PORTAL, "dead") not in counted


def test_a_receiver_that_never_accepts_makes_them_dead_after_max_age_then_replay(
        forwarding_db, portal_receiver, capsys):
    receiver = portal_receiver(SECRET, "--refusing")
    rel = releases(30)
    enqueue(forwarding_db, [ocds_release_item(r) for r in rel])
    sender = sender_for(receiver, per_request=10)
    try:
        end = run(forwarding_db, sender, step=timedelta(minutes=2))
        assert end - T0 >= timedelta(seconds=POLICY.max_age_seconds)
        assert backlog(forwarding_db) == {(PORTAL, "dead"): 30}
        session = forwarding_db.session()
        try:
            dead = repository.deliveries(session, destination=PORTAL, status="dead")
            assert all(r.attempts > 5 and "HTTP 503" in r.last_error for r in dead)
        finally:
            session.close()
        assert receiver.stats()["unique"] == 0

        # the operator's command: list, then replay every dead delivery
        cli.forwarding_command(argparse.Namespace(destination=None, status="dead",
                                                  limit=5), forwarding_db.session)
        listing = capsys.readouterr().out
        assert "portal_nasional" in listing and "HTTP 503" in listing
        receiver.control(accepting=True)
        later = end + timedelta(days=2)
        assert cli.replay_command(argparse.Namespace(
            ids=[], all_dead=True, destination=PORTAL), forwarding_db.session,
            now=later) == 0
        assert "30 dead deliveries for portal_nasional replayed" in (
            capsys.readouterr().out)
        run(forwarding_db, sender, start=later)
    finally:
        sender.close()
    stats = receiver.stats(ids=True)
    assert stats["ids"] == sorted(r["id"] for r in rel) and stats["duplicates"] == 0
    assert backlog(forwarding_db) == {(PORTAL, "delivered"): 30}


def test_replay_by_id_touches_only_those_dead_deliveries(forwarding_db,
                                                          portal_receiver):
    receiver = portal_receiver(SECRET, "--refusing")
    rel = releases(4)
    enqueue(forwarding_db, [ocds_release_item(r) for r in rel])
    sender = sender_for(receiver)
    try:
        end = run(forwarding_db, sender, step=timedelta(minutes=5))
    finally:
        sender.close()
    session = forwarding_db.session()
    try:
        assert repository.replay(session, PORTAL, [rel[0]["id"], "no-such-id"],
                                 now=end) == 1
        assert repository.replay(session, PUSAT, [rel[1]["id"]], now=end) == 0
        session.commit()
    finally:
        session.close()
    assert backlog(forwarding_db) == {(PORTAL, "dead"): 3, (PORTAL, "pending"): 1}


def test_a_malformed_release_is_dead_at_once_and_its_package_neighbours_arrive(
        forwarding_db, portal_receiver):
    receiver = portal_receiver(SECRET)
    rel = releases(20)
    broken = dict(rel[7])
    del broken["ocid"]
    rel[7] = broken
    enqueue(forwarding_db, [ocds_release_item(r) for r in rel])
    sender = sender_for(receiver, per_request=20)
    try:
        run(forwarding_db, sender)
    finally:
        sender.close()
    stats = receiver.stats(ids=True)
    assert stats["ids"] == sorted(r["id"] for i, r in enumerate(rel) if i != 7)
    assert stats["duplicates"] == 0
    assert backlog(forwarding_db) == {(PORTAL, "delivered"): 19, (PORTAL, "dead"): 1}
    session = forwarding_db.session()
    try:
        (dead,) = repository.deliveries(session, status="dead")
        assert dead.item_id == broken["id"] and dead.attempts == 1
        assert "HTTP 400" in dead.last_error
    finally:
        session.close()


def test_a_wrong_secret_is_retried_not_dead(forwarding_db, portal_receiver):
    receiver = portal_receiver(SECRET)
    rel = releases(5)
    enqueue(forwarding_db, [ocds_release_item(r) for r in rel])
    sender = sender_for(receiver, secret="not-the-secret")
    try:
        forward_due(forwarding_db.session, [PORTAL_DEST], {PORTAL: sender}, T0)
    finally:
        sender.close()
    assert receiver.stats()["bad_signature"] == 1
    assert backlog(forwarding_db) == {(PORTAL, "retrying"): 5}


def test_a_receiver_that_is_not_there_is_a_temporary_failure(forwarding_db):
    enqueue(forwarding_db, [ocds_release_item(r) for r in releases(3)])
    sender = PortalSender("http://127.0.0.1:9/ocds", SECRET, publisher_name="P",
                          package_uri_base="https://x", timeout=2)
    forward_due(forwarding_db.session, [PORTAL_DEST], {PORTAL: sender}, T0)
    assert backlog(forwarding_db) == {(PORTAL, "retrying"): 3}
    session = forwarding_db.session()
    try:
        row = repository.deliveries(session, status="retrying")[0]
        assert "ConnectionError" in row.last_error and row.first_attempt_at == T0
    finally:
        session.close()


def test_a_locked_batch_is_skipped_by_another_replica(forwarding_db):
    enqueue(forwarding_db, [ocds_release_item(r) for r in releases(10)])
    first, second = forwarding_db.session(), forwarding_db.session()
    try:
        mine = {r.item_id for r in repository.claim_due(first, PORTAL, T0, 6)}
        theirs = {r.item_id for r in repository.claim_due(second, PORTAL, T0, 10)}
        assert len(mine) == 6 and len(theirs) == 4 and not mine & theirs
    finally:
        first.rollback()
        second.rollback()
        first.close()
        second.close()
