"""Forwarding throughput (ISSUE 5, target >= 500 releases/s). Numbers to report, never
test assertions. Loopback only.

Everything measured is the real path: ``repository.enqueue`` into a PostgreSQL
database of its own, then ``loop.drain``: due deliveries locked (``FOR UPDATE SKIP
LOCKED``), sent by the real senders, states committed per batch.

* **portal**: N releases POSTed as signed release packages to the loopback receiver
  (``services.reporting.forwarding.receiver``, its own process, checking every HMAC).
* **pusat**: N releases published to ``lpse.pusat`` -> the quorum queue
  ``lpse.pusat.outbound`` on a vhost of its own, persistent, with publisher confirms.
* **both**: N releases to both destinations (what production does with every release).
* **backlog**: the receiver answers 503 for ``--outage`` seconds while the loop runs
  (real clock, ``--retry-base``/``--retry-max`` backoff), with N releases waiting; then
  it is switched on and the time until the last release is delivered is measured. The
  releases that were tried during the outage wait for their next attempt (at most
  ``--retry-max`` seconds), the others go at once.

    .venv/bin/python -m bench.forwarding [--releases 10000] [--batch 200]
        [--per-post 100] [--outage 5] [--retry-base 1] [--retry-max 10]

PostgreSQL from ``TEST_PG_ADMIN_URL`` (default
postgresql+psycopg2://postgres@127.0.0.1:5432/postgres; a database ``bench_fwd_*`` is
created and dropped), RabbitMQ at ``BENCH_AMQP_URI`` (default
amqp://guest:guest@127.0.0.1:5672/) with its management API at ``RABBIT_MGMT_URL``
(default http://127.0.0.1:15672, guest/guest) for the throwaway vhost.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from services.common.db import create_db_engine  # noqa: E402
from services.common.testing import free_port  # noqa: E402
from services.reporting.domain.penerusan import (  # noqa: E402
    PORTAL_KINDS,
    PUSAT_KINDS,
    RetryPolicy,
)
from services.reporting.forwarding import loop, pusat, repository  # noqa: E402
from services.reporting.forwarding.config import PORTAL, PUSAT, Destination  # noqa: E402
from services.reporting.forwarding.portal import PortalSender  # noqa: E402
from services.reporting.forwarding.ports import ocds_release_item  # noqa: E402
from services.reporting.forwarding.pusat import PusatSender  # noqa: E402
from services.reporting.storage.models import Base  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
AMQP_URI = os.environ.get("BENCH_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
MGMT = os.environ.get("RABBIT_MGMT_URL", "http://127.0.0.1:15672")
MGMT_AUTH = ("guest", "guest")
SECRET = "bench-secret"


def utcnow() -> datetime:
    return datetime.now(UTC)



def release(n: int, run: str) -> dict[str, Any]:
    """An OCDS release of a realistic size (about 1.5 kB as JSON)."""
    kode = f"{run}-{n // 10}"
    return {
        "id": str(uuid.uuid4()), "ocid": f"ocds-krgsm1-{kode}",
        "date": "2026-11-02T02:00:00Z", "tag": ["tender"], "initiationType": "tender",
        "language": "id",
        "buyer": {"id": "AG-DPUPR", "name": "Dinas PUPR Kabupaten Karangasem"},
        "parties": [{"id": "AG-DPUPR", "name": "Dinas PUPR Kabupaten Karangasem",
                     "roles": ["buyer"]},
                    {"id": "POKJA-1", "name": "Pokja ULP 1", "roles": [
                        "procuringEntity"]}],
        "tender": {"id": kode, "title": f"Pembangunan jalan lingkungan paket {n}",
                   "description": "Pekerjaan konstruksi jalan lingkungan desa, "
                                  "termasuk drainase dan bahu jalan. " * 3,
                   "status": "active", "procurementMethod": "open",
                   "procurementMethodDetails": "e-Lelang Umum Pascakualifikasi 1 File",
                   "mainProcurementCategory": "works",
                   "value": {"amount": 1_250_000_000 + n, "currency": "IDR"},
                   "tenderPeriod": {"startDate": "2026-11-03T01:00:00Z",
                                    "endDate": "2026-11-17T08:00:00Z"},
                   "procuringEntity": {"id": "POKJA-1", "name": "Pokja ULP 1"}},
        "planning": {"budget": {"amount": {"amount": 1_300_000_000,
                                           "currency": "IDR"},
                                "description": "APBD Kabupaten Karangasem 2026"}},
    }


class Receiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/ocds/releases"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "services.reporting.forwarding.receiver",
             "--port", str(self.port), "--secret", SECRET], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.stats()
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stats(self) -> dict[str, Any]:
        return requests.get(f"http://127.0.0.1:{self.port}/_stats", timeout=10).json()

    def control(self, **change: Any) -> None:
        requests.post(f"http://127.0.0.1:{self.port}/_control", json=change,
                      timeout=10).raise_for_status()

    def reset(self) -> None:
        requests.post(f"http://127.0.0.1:{self.port}/_reset", timeout=10)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.db_name = f"bench_fwd_{uuid.uuid4().hex[:8]}"
        self.vhost = f"bench_fwd_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.db_name}"'))
        admin.dispose()
        self.engine = create_db_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + "/"
                                       + self.db_name)
        Base.metadata.create_all(self.engine)
        self.factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        requests.put(f"{MGMT}/api/vhosts/{self.vhost}", auth=MGMT_AUTH,
                     timeout=10).raise_for_status()
        requests.put(f"{MGMT}/api/permissions/{self.vhost}/guest", auth=MGMT_AUTH,
                     json={"configure": ".*", "write": ".*", "read": ".*"},
                     timeout=10).raise_for_status()
        parts = urlparse(AMQP_URI)
        self.amqp_uri = f"{parts.scheme}://{parts.netloc}/{self.vhost}"
        self.receiver = Receiver()
        policy = RetryPolicy(args.retry_base, args.retry_max, None)
        self.portal = Destination(PORTAL, PORTAL_KINDS, policy, args.batch)
        self.pusat = Destination(PUSAT, PUSAT_KINDS, policy, args.batch)
        self.senders = {
            PORTAL: PortalSender(self.receiver.url, SECRET,
                                 publisher_name="LPSE Kabupaten Karangasem",
                                 package_uri_base="https://lpse.example/ocds",
                                 timeout=15, max_per_request=args.per_post),
            PUSAT: PusatSender(self.amqp_uri)}

    def close(self) -> None:
        for sender in self.senders.values():
            sender.close()
        self.receiver.stop()
        self.engine.dispose()
        requests.delete(f"{MGMT}/api/vhosts/{self.vhost}", auth=MGMT_AUTH, timeout=10)
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'))
        admin.dispose()

    def enqueue(self, run: str, destinations: list[Destination]) -> float:
        """N new releases; returns the enqueue rate (releases/s)."""
        items = [ocds_release_item(release(n, run)) for n in range(self.args.releases)]
        started = time.perf_counter()
        for start in range(0, len(items), 1000):
            session = self.factory()
            try:
                repository.enqueue(session, items[start:start + 1000], destinations,
                                   utcnow())
                session.commit()
            finally:
                session.close()
        return len(items) / (time.perf_counter() - started)

    def delivered(self, destination: str) -> int:
        session = self.factory()
        try:
            return repository.backlog(session).get((destination, "delivered"), 0)
        finally:
            session.close()

    def queue_depth(self) -> int:
        from kombu import Connection

        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            declared = pusat.outbound_queue()(channel).queue_declare(passive=True)
            return declared.message_count

    def drain(self, destinations: list[Destination]) -> float:
        started = time.perf_counter()
        loop.drain(self.factory, destinations, self.senders, utcnow)
        return time.perf_counter() - started

    # ------------------------------------------------------------ scenarios
    def scenario(self, name: str, destinations: list[Destination]) -> dict[str, Any]:
        n = self.args.releases
        before = {d.name: self.delivered(d.name) for d in destinations}
        self.receiver.reset()
        enqueue_rate = self.enqueue(name, destinations)
        seconds = self.drain(destinations)
        delivered = {d.name: self.delivered(d.name) - before[d.name]
                     for d in destinations}
        check = []
        if PORTAL in delivered:
            stats = self.receiver.stats()
            check.append(f"receiver {stats['unique']} unique, "
                         f"{stats['duplicates']} dup, {stats['bad_signature']} bad sig")
        if PUSAT in delivered:
            check.append(f"queue depth {self.queue_depth()}")
        return {"scenario": name, "releases": n, "seconds": seconds,
                "rate": n / seconds, "enqueue_rate": enqueue_rate,
                "delivered": delivered, "check": "; ".join(check)}

    def backlog(self) -> dict[str, Any]:
        n = self.args.releases
        self.receiver.reset()
        self.receiver.control(accepting=False)
        self.enqueue("backlog", [self.portal])
        stop = threading.Event()
        thread = threading.Thread(target=loop.run_forever, kwargs={
            "session_factory": self.factory, "destinations": [self.portal],
            "senders": {PORTAL: self.senders[PORTAL]}, "clock": utcnow,
            "idle_seconds": 0.2, "stop": stop.is_set}, daemon=True)
        base = self.delivered(PORTAL)
        thread.start()
        time.sleep(self.args.outage)
        session = self.factory()
        try:
            counts = repository.backlog(session)
        finally:
            session.close()
        refused = self.receiver.stats()["refused"]
        self.receiver.control(accepting=True)
        on = time.perf_counter()
        while self.delivered(PORTAL) - base < n:
            time.sleep(0.02)
        seconds = time.perf_counter() - on
        stop.set()
        thread.join(30)
        stats = self.receiver.stats()
        return {"seconds": seconds, "retrying": counts.get((PORTAL, "retrying"), 0),
                "pending": counts.get((PORTAL, "pending"), 0), "refused": refused,
                "unique": stats["unique"], "duplicates": stats["duplicates"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200,
                        help="deliveries per round and commit (FORWARD_BATCH_SIZE)")
    parser.add_argument("--per-post", type=int, default=100,
                        help="releases per package (FORWARD_PORTAL_BATCH_SIZE)")
    parser.add_argument("--outage", type=float, default=5.0)
    parser.add_argument("--retry-base", type=float, default=1.0)
    parser.add_argument("--retry-max", type=float, default=10.0)
    args = parser.parse_args(argv)
    bench = Bench(args)
    try:
        print(f"forwarding bench: {args.releases} releases per scenario, batch "
              f"{args.batch}, {args.per_post} releases per POST (loopback)")
        results = [bench.scenario("portal", [bench.portal]),
                   bench.scenario("pusat", [bench.pusat]),
                   bench.scenario("both", [bench.portal, bench.pusat])]
        print(f"{'scenario':<10}{'releases':>9}{'seconds':>9}{'releases/s':>12}"
              f"{'enqueue/s':>11}  check")
        for r in results:
            print(f"{r['scenario']:<10}{r['releases']:>9}{r['seconds']:>9.2f}"
                  f"{r['rate']:>12.0f}{r['enqueue_rate']:>11.0f}  {r['check']}")
        b = bench.backlog()
        print(f"backlog: portal down {args.outage:.0f}s ({b['refused']} packages "
              f"refused; {b['retrying']} releases retrying, {b['pending']} not yet "
              f"tried), then on: {args.releases} releases drained in "
              f"{b['seconds']:.2f}s (retry base {args.retry_base:g}s, max "
              f"{args.retry_max:g}s); receiver {b['unique']} unique, "
              f"{b['duplicates']} duplicates")
        target = min(r["rate"] for r in results)
        print(f"target >= 500 releases/s: slowest scenario {target:.0f} releases/s")
    finally:
        bench.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
