"""Restart mid-backlog: the forwarding loop runs as a process of its own
(``python -m services.reporting.forwarding.worker``) over a backlog of 2,000 items, is
killed with SIGKILL midway, as a crash would, and started again. The receiver ends
with every id; the only duplicates are batches acknowledged by the destination whose
commit the kill prevented (at least once), and the receiver drops them by id. How many
there were is printed (``-s``) and recorded as a test property."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kombu import Connection

from services.reporting.domain.penerusan import PORTAL_KINDS, PUSAT_KINDS, RetryPolicy
from services.reporting.forwarding import pusat, repository
from services.reporting.forwarding.config import PORTAL, PUSAT, Destination
from services.reporting.forwarding.ports import ocds_release_item, pengaduan_item

pytestmark = [pytest.mark.integration, pytest.mark.slow]

N = 2000
SECRET = "restart-secret"
POLICY = RetryPolicy(0.05, 0.5, None)
T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[4]


def worker(url: str, env: dict[str, str]) -> subprocess.Popen:
    full = {k: v for k, v in os.environ.items() if not k.startswith("FORWARD_")}
    full.update({"FORWARD_BATCH_SIZE": "50", "FORWARD_PORTAL_BATCH_SIZE": "25",
                 "FORWARD_RETRY_BASE_SECONDS": "0.05",
                 "FORWARD_RETRY_MAX_SECONDS": "0.5", "PYTHONWARNINGS": "ignore"})
    full.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "services.reporting.forwarding.worker",
         "--database-url", url, "--idle-seconds", "0.05"],
        cwd=ROOT, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def delivered(db, destination: str) -> int:
    session = db.session()
    try:
        return repository.backlog(session).get((destination, "delivered"), 0)
    finally:
        session.close()


def wait_for(condition, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError("worker exited: " + proc.stderr.read().decode())
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def kill_and_restart(url: str, env: dict[str, str], midway) -> subprocess.Popen:
    first = worker(url, env)
    try:
        wait_for(midway, first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    return worker(url, env)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def enqueue(db, items, destination: Destination) -> None:
    session = db.session()
    try:
        repository.enqueue(session, items, [destination], T0)
        session.commit()
    finally:
        session.close()


def test_portal_restart_mid_backlog_loses_nothing(forwarding_db, portal_receiver,
                                                  record_property):
    receiver = portal_receiver(SECRET, "--refuse-first", "3")
    ids = [str(uuid.uuid4()) for _ in range(N)]
    enqueue(forwarding_db, [ocds_release_item({
        "id": i, "ocid": "ocds-krgsm1-LL-9", "date": "2026-11-02T02:00:00Z",
        "tag": ["tender"]}) for i in ids],
        Destination(PORTAL, PORTAL_KINDS, POLICY, 50))
    env = {"FORWARD_PUSAT_ENABLED": "false", "FORWARD_PORTAL_URL": receiver.url,
           "FORWARD_PORTAL_SECRET": SECRET}
    second = kill_and_restart(forwarding_db.url, env,
                              lambda: receiver.stats()["unique"] >= N // 3)
    killed_at = receiver.stats()["unique"]
    try:
        wait_for(lambda: delivered(forwarding_db, PORTAL) == N, second)
    finally:
        stop(second)
    stats = receiver.stats(ids=True)
    assert stats["ids"] == sorted(ids)  # every release arrived
    assert stats["bad_signature"] == 0 and stats["malformed"] == 0
    # any duplicate is a whole release the receiver already had (dropped by id)
    assert stats["received"] == N + stats["duplicates"]
    assert set(stats["duplicate_ids"]) <= set(ids)
    print(f"\nportal restart: killed at {killed_at}/{N}, "
          f"duplicates {stats['duplicates']}")
    record_property("portal_duplicates", stats["duplicates"])


def test_pusat_restart_mid_backlog_loses_nothing(forwarding_db, pusat_amqp_uri,
                                                 record_property):
    items = [pengaduan_item(str(uuid.uuid4()), "pengaduan_filed",
                            {"pengaduan_id": f"PGD-{n}"}) for n in range(N)]
    enqueue(forwarding_db, items, Destination(PUSAT, PUSAT_KINDS, POLICY, 50))
    env = {"FORWARD_PUSAT_AMQP_URI": pusat_amqp_uri}
    second = kill_and_restart(forwarding_db.url, env,
                              lambda: delivered(forwarding_db, PUSAT) >= N // 3)
    try:
        wait_for(lambda: delivered(forwarding_db, PUSAT) == N, second)
    finally:
        stop(second)
    counts: Counter[str] = Counter()
    with Connection(pusat_amqp_uri) as conn:
        queue = pusat.outbound_queue()(conn.channel())
        while (message := queue.get(no_ack=True)) is not None:
            counts[message.properties["message_id"]] += 1
    assert set(counts) == {i.item_id for i in items}  # every complaint
    duplicates = sum(counts.values()) - N
    print(f"\npusat restart: duplicates {duplicates}")
    record_property("pusat_duplicates", duplicates)


def test_two_replicas_share_the_backlog_and_send_nothing_twice(forwarding_db,
                                                                portal_receiver):
    receiver = portal_receiver(SECRET)
    ids = [str(uuid.uuid4()) for _ in range(N)]
    enqueue(forwarding_db, [ocds_release_item({
        "id": i, "ocid": "ocds-krgsm1-LL-7", "date": "2026-11-02T02:00:00Z",
        "tag": ["tender"]}) for i in ids],
        Destination(PORTAL, PORTAL_KINDS, POLICY, 50))
    env = {"FORWARD_PUSAT_ENABLED": "false", "FORWARD_PORTAL_URL": receiver.url,
           "FORWARD_PORTAL_SECRET": SECRET}
    replicas = [worker(forwarding_db.url, env) for _ in range(2)]
    try:
        wait_for(lambda: delivered(forwarding_db, PORTAL) == N, replicas[0])
    finally:
        for proc in replicas:
            stop(proc)
    stats = receiver.stats(ids=True)
    assert stats["ids"] == sorted(ids)
    assert stats["duplicates"] == 0  # SKIP LOCKED: no batch in flight twice
