"""reporting's ingestion: lelang events become OCDS releases, with 1 and with several
concurrent writers (replicas of reporting) on PostgreSQL. Numbers to report, never
test assertions. Loopback only.

The real path: ``usecases.apply_event`` (event log row, OCDS mapping, the release
stored in the feed's order, the e-reporting summaries) and one commit per event, as
the consumer does it. Release writers take turns on PostgreSQL (``EXCLUSIVE`` on
``rilis`` to the commit, so the feed's cursor never passes a release still to
commit); this shows what that costs when several replicas ingest at once.

    .venv/bin/python -m bench.ingest [--events 2000] [--writers 1,4]

PostgreSQL from ``TEST_PG_ADMIN_URL`` (default
postgresql+psycopg2://postgres@127.0.0.1:5432/postgres; a database ``bench_ing_*`` is
created and dropped per run).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
import uuid
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

from sqlalchemy import create_engine, select, text  # noqa: E402

from services.common.contracts import lelang as lelang_contracts  # noqa: E402
from services.common.db import Database, UoW  # noqa: E402
from services.reporting import usecases  # noqa: E402
from services.reporting.domain.ocds import Publisher  # noqa: E402
from services.reporting.domain.proyeksi import Event  # noqa: E402
from services.reporting.storage import read_models  # noqa: E402
from services.reporting.storage.models import INFRA, Base  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
RECORDED = (ROOT / "services" / "reporting" / "tests" / "fixtures" / "outbox"
            / "tender_pascakualifikasi_1_file.json")
DEPS = usecases.Deps(Publisher("ocds-bnch01", uri="https://lpse.example.go.id"),
                     api_uri="https://lpse.example.go.id/api/v1/ocds")


def announcements(n: int) -> list[tuple[Event, dict[str, Any]]]:
    """``n`` announcements of distinct lelang of distinct paket (the recorded one,
    renumbered)."""
    row = next(r for r in json.loads(RECORDED.read_text("utf-8"))
               if r["event_type"] == "lelang_announced")
    contract = lelang_contracts.LELANG_ANNOUNCED
    made = []
    start = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
    for i in range(n):
        wire = {**row["payload"], "lelang_id": str(uuid.uuid4()),
                "paket_id": str(uuid.uuid4()), "kode": f"LL2027-B{i:07d}"}
        made.append((Event("lelang", "lelang_announced", str(uuid.uuid4()),
                           start + timedelta(seconds=i), contract.load_payload(wire)),
                     wire))
    return made


def run(events: int, writers: int) -> tuple[float, int]:
    name = f"bench_ing_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    try:
        Base.metadata.create_all(db.engine)
        work: queue.Queue = queue.Queue()
        for item in announcements(events):
            work.put(item)
        errors: list[BaseException] = []

        def writer() -> None:
            while True:
                try:
                    event, wire = work.get_nowait()
                except queue.Empty:
                    return
                uow = UoW(db.sessionmaker, {}, INFRA, "reporting")
                try:
                    usecases.apply_event(uow, event, wire, event.occurred_at, DEPS)
                    uow.commit()
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)
                    return
                finally:
                    uow.close()

        threads = [threading.Thread(target=writer) for _ in range(writers)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        if errors:
            raise errors[0]
        with db.sessionmaker() as session:
            urutan = list(session.scalars(select(read_models.RilisRow.urutan)))
        assert len(urutan) == len(set(urutan)) == events, "releases lost or doubled"
        return seconds, len(urutan)
    finally:
        db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--writers", default="1,4",
                        help="comma-separated numbers of concurrent writers")
    args = parser.parse_args(argv)
    print(f"ingestion bench: {args.events} lelang announcements per run, one "
          "release each, one commit per event (PostgreSQL on loopback)")
    print(f"{'writers':>7}  {'seconds':>7}  {'events/s':>8}  check")
    for writers in (int(w) for w in args.writers.split(",")):
        seconds, stored = run(args.events, writers)
        print(f"{writers:>7}  {seconds:>7.2f}  {args.events / seconds:>8.0f}  "
              f"{stored} releases, each once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
