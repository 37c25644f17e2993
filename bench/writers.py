"""Concurrent writers to one service (issue 11, ARCHITECTURE decision 17): numbers to
report, never test assertions. Loopback only.

Two bursts through the real path (HTTP -> gateway -> RPC -> service -> database), on
the SQLite default (a file per service, as ``scripts/run`` without ``DATABASE_URL``)
or on PostgreSQL:

1. **bids** - N verified penyedia, registered for one lelang, upload a sealed bid
   all at once (``POST /api/v1/lelang/{id}/penawaran``; lelang asks registrasi for
   each one's eligibility);
2. **registrations** - N anonymous ``POST /api/v1/penyedia`` at once (argon2id at the
   configured parameters, documents into the blob store), each with its own
   ``Idempotency-Key``.

Each burst starts its N clients on a barrier. Reported per burst: accepted, 4xx,
5xx, transport errors, p50/p99/max latency, and the check afterwards that every
accepted write is in the database exactly once (and nothing unaccepted is). Targets
(issue 11): 0 5xx, p99 under 2 s, every accepted write present once.

    bench/run-concurrent [--database sqlite|postgres|both] [--n 50] [--size 65536]

The set-up (staff, N verified penyedia, the lelang and its peserta) reuses
``bench/deadline.py``'s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import threading
import time
import uuid
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

from bench.deadline import prepare, set_clock  # noqa: E402
from bench.stack import Stack  # noqa: E402
from services.common.pdf import tiny_pdf  # noqa: E402


def fire(n: int, one: Any) -> list[dict[str, Any]]:
    """``one(i)`` in ``n`` threads released together; each returns
    ``{"status", "seconds", "body"}``."""
    barrier = threading.Barrier(n)
    results: list[dict[str, Any]] = [{}] * n

    def run(i: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        try:
            r = one(i)
            status, body = r.status_code, (r.json() if r.headers.get(
                "content-type", "").startswith("application/json") else r.text[:200])
        except requests.RequestException as exc:
            status, body = 0, type(exc).__name__
        results[i] = {"status": status, "seconds": time.perf_counter() - started,
                      "body": body}

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    lat = sorted(r["seconds"] for r in results)
    statuses = [r["status"] for r in results]
    return {
        "sent": len(results),
        "accepted": sum(1 for s in statuses if 200 <= s < 300),
        "http_4xx": sum(1 for s in statuses if 400 <= s < 500),
        "http_5xx": sum(1 for s in statuses if s >= 500),
        "transport_errors": statuses.count(0),
        "p50_s": round(statistics.median(lat), 3),
        "p99_s": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 3),
        "max_s": round(lat[-1], 3),
        "errors_sample": sorted({str(r["body"])[:160] for r in results
                                 if not 200 <= r["status"] < 300})[:5],
    }


def rows(url: str, sql: str, **params: Any) -> list[Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def bids(stack: Stack, setup: dict[str, Any], size: int) -> dict[str, Any]:
    acc, lid = setup["acc"], setup["lelang_id"]
    at = setup["deadline"] - timedelta(hours=1)
    tokens = {u: acc.login(u, at) for u in setup["names"]}
    admin = requests.post(f"{stack.url}/api/v1/auth/login", timeout=30, json={
        "username": "admin", "password": stack.admin_password}).json()["token"]
    set_clock(stack, admin, at)
    names = setup["names"]
    body = os.urandom(size)

    def one(i: int) -> requests.Response:
        content = b"%PDF-1.4\n%" + names[i].encode().ljust(53, b" ") + body
        return requests.post(
            f"{stack.url}/api/v1/lelang/{lid}/penawaran", timeout=60,
            headers={"Authorization": f"Bearer {tokens[names[i]]}",
                     "Idempotency-Key": f"bid-{uuid.uuid4()}"},
            data={"sampul": "single",
                  "harga": f"{random.randint(1, 14) * 10**8}.00"},
            files={"dokumen": ("penawaran.pdf", content, "application/pdf")})

    results = fire(len(names), one)
    out = summary(results)
    receipts = [r["body"]["sha256"] for r in results if r["status"] == 201]
    stored = rows(stack.db_urls["lelang"], "SELECT penyedia_id, sha256 FROM penawaran "
                  "WHERE lelang_id = :l", l=lid)
    stored_shas = [r.sha256 for r in stored]
    out["stored"] = len(stored)
    out["accepted_stored_once"] = all(stored_shas.count(s) == 1 for s in receipts)
    out["stored_without_receipt"] = len(set(stored_shas) - set(receipts))
    return out


def registrations(stack: Stack, n: int) -> dict[str, Any]:
    pdf = tiny_pdf("Akta Bench")
    run = secrets.token_hex(3)

    def one(i: int) -> requests.Response:
        username = f"baru{run}{i:03d}"
        return requests.post(
            f"{stack.url}/api/v1/penyedia", timeout=60,
            headers={"Idempotency-Key": f"reg-{uuid.uuid4()}"},
            data={"nama": f"CV Baru {i:03d}", "bentuk_usaha": "CV",
                  "npwp": f"{random.randrange(10**14, 10**15):015d}",
                  "nib": "9120001234567", "alamat": "Jl. Bench 2, Amlapura",
                  "kota": "Karangasem", "email": f"{username}@bench.example",
                  "telepon": "0363-21000", "username": username,
                  "password": "Bench#Karangasem2012",
                  "setuju_pakta_integritas": "true"},
            files={"dokumen_akta": ("akta.pdf", pdf, "application/pdf")})

    results = fire(n, one)
    out = summary(results)
    accepted = [r["body"]["penyedia_id"] for r in results if r["status"] == 201]
    stored = rows(stack.db_urls["registrasi"],
                  "SELECT p.penyedia_id, u.username FROM penyedia p JOIN user_account "
                  "u ON u.user_id = p.user_id WHERE u.username LIKE :u",
                  u=f"baru{run}%")
    ids = [r.penyedia_id for r in stored]
    out["stored"] = len(stored)
    out["accepted_stored_once"] = all(ids.count(p) == 1 for p in accepted)
    out["stored_without_receipt"] = len(set(ids) - set(accepted))
    return out


def one_database(database: str, n: int, size: int) -> dict[str, Any]:
    stack = Stack(database=database, extra_env={"JWT_TTL_SECONDS": "7200"})
    print(f"[{database}] starting the stack ...", file=sys.stderr)
    stack.start()
    try:
        print(f"[{database}] setting up {n} penyedia and a lelang ...", file=sys.stderr)
        setup = prepare(stack, n)
        print(f"[{database}] {n} concurrent bids ...", file=sys.stderr)
        out = {"database": database, "n": n, "bid_bytes": size,
               "gateway": f"{stack.gateway_workers}x{stack.gateway_threads}",
               "bids": bids(stack, setup, size)}
        print(f"[{database}] {n} concurrent registrations ...", file=sys.stderr)
        out["registrations"] = registrations(stack, n)
    finally:
        stack.stop()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"],
                        default="both")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--size", type=int, default=64 * 1024)
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    out = [one_database(db, args.n, args.size) for db in databases]
    print(json.dumps(out, indent=1))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"concurrent-{stamp}.json").write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
