"""The deadline burst: N distinct penyedia upload a 1 MB bid in the last 60 seconds
before the upload deadline (ISSUE 3). Numbers to report, never test assertions.

Everything measured is the real path: HTTP multipart upload -> gateway (gunicorn
gthread) -> authenticate (registrasi RPC) -> public key (cached) -> sealed on
arrival into the blob store -> ``submit_penawaran`` RPC -> lelang (eligibility RPC
to registrasi, row lock, receipt, outbox) -> PostgreSQL. Only the set-up is taken
short: accounts and sessions are made in-process through registrasi's own use cases
with a hasher that skips argon2 (N logins would otherwise take minutes), and the
test clock is moved to 60 s before the deadline.

Reported: sent, accepted (201 with a receipt), 4xx, 5xx, transport errors, lost
(a receipt whose bid is not in the database, or a bid in the database for which no
receipt came back), p50/p90/p99/max latency, and peak RSS per part of the stack.

    bench/run-deadline [--penyedia 1000] [--size 1048576] [--window 55]
                       [--concurrency 64] [--lelang-replicas 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import random
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

from bench.stack import Stack, rss_mib  # noqa: E402
from services.common.auth import Actor  # noqa: E402
from services.common.config import load_settings  # noqa: E402
from services.common.pdf import tiny_pdf  # noqa: E402
from services.lelang.domain import (  # noqa: E402
    WITA,
    Kalender,
    MetodeLelang,
    metode_definition,
    propose_jadwal,
    ruleset_for,
)

PASSWORD = "Bench#Karangasem2012"


class FastHasher:
    """registrasi's Hasher port without argon2 (set-up only; never in a service)."""

    def hash(self, password: str) -> str:
        return "bench$" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "bench$" + password

    def needs_rehash(self, password_hash: str) -> bool:
        return False

    def dummy_verify(self, password: str) -> None:
        return None


class Accounts:
    """Accounts and sessions through registrasi's use cases, on its database."""

    def __init__(self, stack: Stack):
        from services.common.db import Database, UoW
        from services.registrasi.storage.models import INFRA
        from services.registrasi.storage.repository import REPOSITORIES
        from services.registrasi.usecases import AuthConfig

        self.settings = load_settings(stack.env, service="registrasi")
        self.db = Database(self.settings.database_url_for("registrasi"))
        self.uow = lambda: UoW(self.db.sessionmaker, REPOSITORIES, INFRA,
                               "registrasi")
        self.config = AuthConfig.from_settings(self.settings)
        self.hasher = FastHasher()

    def call(self, name: str, contract: Any, raw: dict, now: datetime, **kw) -> Any:
        from services.registrasi import usecases

        if contract.idempotent:
            raw = {"idempotency_key": f"bench-{uuid.uuid4()}", **raw}
        uow = self.uow()
        try:
            return getattr(usecases, name)(uow, contract.load_request(raw), now, **kw)
        finally:
            uow.close()

    def login(self, username: str, now: datetime) -> str:
        from services.common.contracts import registrasi as c

        return self.call("login", c.LOGIN, {"username": username,
                                            "password": PASSWORD, "ip": "127.0.0.1"},
                         now, hasher=self.hasher, config=self.config)["token"]

    def actor(self, token: str, now: datetime) -> dict:
        from services.common.contracts import registrasi as c
        from services.registrasi import usecases

        uow = self.uow()
        try:
            actor = usecases.authenticate(uow, c.AUTHENTICATE.load_request(
                {"token": token}), now, config=self.config)
            return actor.to_dict() if isinstance(actor, Actor) else actor
        finally:
            uow.close()

    def staff(self, admin_token: str, now: datetime) -> dict[str, str]:
        """Agency, Admin Agency, PPK and three Pokja; returns username -> token."""
        from services.common.contracts import registrasi as c

        admin = self.actor(admin_token, now)
        agency = self.call("create_agency", c.CREATE_AGENCY, {
            "actor": admin, "kode": "BENCH", "nama": "Dinas Bench", "jenis": "SKPD"},
            now)["agency_id"]
        self.call("create_user", c.CREATE_USER, {
            "actor": admin, "username": "admin.bench", "email": "a@bench.example",
            "nama": "Admin Agency", "password": PASSWORD, "roles": ["admin_agency"],
            "agency_id": agency}, now, hasher=self.hasher)
        agency_admin = self.actor(self.fresh("admin.bench", now), now)
        tokens = {}
        for username, role in (("ppk.bench", "ppk"), ("pokja1.bench", "pokja"),
                               ("pokja2.bench", "pokja"), ("pokja3.bench", "pokja")):
            self.call("create_user", c.CREATE_USER, {
                "actor": agency_admin, "username": username, "nama": username,
                "email": f"{username}@bench.example", "password": PASSWORD,
                "roles": [role], "agency_id": agency, "sk_nomor": "SK/BENCH",
                "sertifikat_pbj": "SKA-BENCH" if role == "pokja" else None}, now,
                hasher=self.hasher)
            tokens[username] = self.fresh(username, now)
        return tokens

    def fresh(self, username: str, now: datetime) -> str:
        """Log in, change the admin-set password (as a new user must), log in."""
        from services.common.contracts import registrasi as c

        token = self.login(username, now)
        self.call("change_password", c.CHANGE_PASSWORD, {
            "actor": self.actor(token, now), "old_password": PASSWORD,
            "new_password": PASSWORD + "!"}, now, hasher=self.hasher,
            config=self.config)
        self.call("change_password", c.CHANGE_PASSWORD, {
            "actor": self.actor(self._login(username, PASSWORD + "!", now), now),
            "old_password": PASSWORD + "!", "new_password": PASSWORD}, now,
            hasher=self.hasher, config=self.config)
        return self.login(username, now)

    def _login(self, username: str, password: str, now: datetime) -> str:
        from services.common.contracts import registrasi as c

        return self.call("login", c.LOGIN, {"username": username, "password":
                                            password, "ip": "127.0.0.1"}, now,
                         hasher=self.hasher, config=self.config)["token"]

    def penyedia(self, n: int, admin_token: str, now: datetime) -> list[str]:
        """N verified penyedia; returns their usernames."""
        import io

        from services.common.blobstore import BlobStore
        from services.common.contracts import registrasi as c
        from services.registrasi.dependencies import BlobIndex

        store = BlobStore(self.settings.blob_path())
        ref = store.put(io.BytesIO(tiny_pdf("Akta")), max_bytes=10**6)
        admin = self.actor(admin_token, now)
        verif = "verif.bench"
        self.call("create_user", c.CREATE_USER, {
            "actor": admin, "username": verif, "email": "v@bench.example",
            "nama": "Verifikator", "password": PASSWORD, "roles": ["verifikator"]},
            now, hasher=self.hasher)
        verifikator = self.actor(self.fresh(verif, now), now)
        names = []
        for i in range(n):
            username = f"pny{i:05d}"
            made = self.call("register_penyedia", c.REGISTER_PENYEDIA, {
                "actor": {"ip": None}, "nama": f"CV Bench {i:05d}",
                "bentuk_usaha": "CV", "npwp": str(10**14 + i), "nib": str(10**12 + i),
                "alamat": "Jl. Bench No. 1, Amlapura", "kota": "Karangasem",
                "email": f"{username}@bench.example", "telepon": "0363-1",
                "username": username, "password": PASSWORD,
                "dokumen": [{"jenis": "akta", "sha256": ref.sha256,
                             "filename": "akta.pdf", "content_type":
                             ref.content_type, "size": ref.size}],
                "setuju_pakta_integritas": True}, now, hasher=self.hasher,
                blobs=BlobIndex(store))
            self.call("verify_penyedia", c.VERIFY_PENYEDIA, {
                "actor": verifikator, "penyedia_id": made["penyedia_id"],
                "dokumen_diperiksa": [ref.sha256]}, now)
            names.append(username)
        return names


def api(stack: Stack, method: str, path: str, token: str | None = None,
        **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = requests.request(method, f"{stack.url}/api/v1{path}", headers=headers,
                         timeout=60, **kw)
    if r.status_code >= 300:
        raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:500]}")
    return r.json()


def set_clock(stack: Stack, admin_token: str, target: datetime) -> datetime:
    offset = (target - datetime.now(UTC)).total_seconds()
    api(stack, "POST", "/_test/clock", admin_token, json={"offset_seconds": offset})
    time.sleep(1.2)  # every process re-reads the shared clock file
    return target


def prepare(stack: Stack, n: int) -> dict[str, Any]:
    acc = Accounts(stack)
    now = datetime.now(UTC)
    admin_token = requests.post(f"{stack.url}/api/v1/auth/login", timeout=30, json={
        "username": "admin", "password": stack.admin_password}).json()["token"]
    staff = acc.staff(admin_token, now)
    names = acc.penyedia(n, admin_token, now)
    ppk, pokja = staff["ppk.bench"], staff["pokja1.bench"]
    doc = api(stack, "POST", "/dokumen", ppk, files={
        "file": ("kak.pdf", tiny_pdf("KAK"), "application/pdf")})
    pokja_ids = [acc.actor(staff[u], now)["user_id"] for u in
                 ("pokja1.bench", "pokja2.bench", "pokja3.bench")]
    paket = api(stack, "POST", "/paket", ppk, json={
        "nama": "Paket Bench Batas Waktu", "tahun_anggaran": now.astimezone(WITA).year,
        "sumber_dana": "APBD", "pagu": "2000000000.00", "nilai_hps": "1500000000.00",
        "kategori": "barang", "lokasi": "Karangasem", "dokumen": [doc]})
    api(stack, "POST", f"/paket/{paket['paket_id']}/pokja", ppk,
        json={"pokja_ids": pokja_ids})
    metode = MetodeLelang.PASCAKUALIFIKASI_1_FILE
    kalender = Kalender()
    jadwal = propose_jadwal(metode_definition(metode), ruleset_for(now), kalender,
                            now + timedelta(days=2))  # its WITA day
    body = {"paket_id": paket["paket_id"], "metode": str(metode),
            "metode_evaluasi": "sistem_gugur", "dokumen": [doc],
            "jadwal": [{"tahapan": str(e.tahapan), "mulai": e.mulai.isoformat(),
                        "selesai": e.selesai.isoformat()} for e in jadwal]}
    lelang = api(stack, "POST", "/lelang", pokja, json=body)
    lid = lelang["lelang_id"]
    api(stack, "POST", f"/lelang/{lid}/umumkan", pokja)
    stages = {str(e.tahapan): e for e in jadwal}
    # registration: tokens issued at the (moved) server time
    at = set_clock(stack, admin_token,
                   stages["pendaftaran_dan_unduh_dokumen"].mulai + timedelta(hours=1))
    tokens = {u: acc.login(u, at) for u in names}
    with cf.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda u: api(stack, "POST", f"/lelang/{lid}/peserta",
                                    tokens[u]), names))
    deadline = stages["upload_penawaran"].selesai
    return {"acc": acc, "admin": admin_token, "lelang_id": lid, "names": names,
            "deadline": deadline,
            "opening_at": stages["pembukaan_penawaran"].mulai + timedelta(minutes=5)}


def burst(stack: Stack, setup: dict, size: int, window: float,
          concurrency: int) -> dict[str, Any]:
    acc, lid, deadline = setup["acc"], setup["lelang_id"], setup["deadline"]
    start_at = deadline - timedelta(seconds=60)
    tokens = {u: acc.login(u, start_at) for u in setup["names"]}
    admin = requests.post(f"{stack.url}/api/v1/auth/login", timeout=30, json={
        "username": "admin", "password": stack.admin_password}).json()["token"]
    set_clock(stack, admin, start_at)
    t0 = time.monotonic()
    body = os.urandom(size - 64)
    schedule = sorted((random.uniform(0, window), u) for u in setup["names"])
    results: list[tuple[str, int, float, str]] = []
    lock = threading.Lock()

    def upload(item: tuple[float, str]) -> None:
        when, username = item
        delay = when - (time.monotonic() - t0)
        if delay > 0:
            time.sleep(delay)
        content = b"%PDF-1.4\n%" + username.encode().ljust(53, b" ") + body
        started = time.perf_counter()
        try:
            r = requests.post(
                f"{stack.url}/api/v1/lelang/{lid}/penawaran", timeout=60,
                headers={"Authorization": f"Bearer {tokens[username]}"},
                data={"sampul": "single", "harga": f"{random.randint(1, 14) * 10**8}"
                      ".00"}, files={"dokumen": ("penawaran.pdf", content,
                                                 "application/pdf")})
            outcome = (r.status_code, r.json().get("sha256", "") if
                       r.status_code == 201 else r.text[:200])
        except requests.RequestException as exc:
            outcome = (0, type(exc).__name__)
        with lock:
            results.append((username, outcome[0], time.perf_counter() - started,
                            outcome[1]))

    peak: dict[str, float] = {}
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            for part, pids in stack.pids().items():
                peak[part] = max(peak.get(part, 0.0), sum(rss_mib(p) for p in pids))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with cf.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(upload, schedule))
    elapsed = time.monotonic() - t0
    sampling.set()
    sampler.join(2)
    return {"results": results, "elapsed": elapsed, "peak_rss_mib": peak,
            "tokens": tokens}


def opening(stack: Stack, setup: dict) -> dict[str, Any]:
    """The Pokja opens every bid (decrypts prices and files) at the opening time."""
    lid = setup["lelang_id"]
    admin = requests.post(f"{stack.url}/api/v1/auth/login", timeout=30, json={
        "username": "admin", "password": stack.admin_password}).json()["token"]
    at = set_clock(stack, admin, setup["opening_at"])
    token = setup["acc"].login("pokja1.bench", at)
    started = time.perf_counter()
    r = requests.post(f"{stack.url}/api/v1/lelang/{lid}/pembukaan", timeout=600,
                      headers={"Authorization": f"Bearer {token}",
                               "Idempotency-Key": f"open-{lid}"},
                      json={"sampul": "single"})
    first = {"status": r.status_code, "seconds": time.perf_counter() - started}
    if r.status_code == 503:  # the gateway gave up waiting: the retry's answer
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            r = requests.post(f"{stack.url}/api/v1/lelang/{lid}/pembukaan",
                              timeout=600, headers={
                                  "Authorization": f"Bearer {token}",
                                  "Idempotency-Key": f"open-{lid}"},
                              json={"sampul": "single"})
            if r.status_code != 503:
                break
            time.sleep(1)
    body = r.json() if r.status_code == 200 else {}
    if r.status_code != 200:
        print(f"opening: {r.status_code} {r.text[:300]}", file=sys.stderr)
    return {"first_status": first["status"], "first_seconds": first["seconds"],
            "done_seconds": time.perf_counter() - started, "status": r.status_code,
            "dibuka": body.get("dibuka"), "gagal_dibuka": body.get("gagal_dibuka")}


def stored_bids(stack: Stack, lelang_id: str) -> dict[str, str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(stack.db_urls["lelang"])
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT penyedia_id, sha256 FROM penawaran WHERE "
                                 "lelang_id = :l"), {"l": lelang_id}).all()
    engine.dispose()
    return {r.penyedia_id: r.sha256 for r in rows}


def report(run: dict, stored: dict[str, str], args: Any) -> dict[str, Any]:
    results = run["results"]
    ok = [r for r in results if r[1] == 201]
    lat = sorted(r[2] for r in results)
    receipts = {r[3] for r in ok}
    stored_shas = set(stored.values())
    out = {
        "penyedia": args.penyedia, "size_bytes": args.size, "window_s": args.window,
        "concurrency": args.concurrency, "lelang_replicas": args.lelang_replicas,
        "sent": len(results), "accepted": len(ok),
        "http_4xx": sum(1 for r in results if 400 <= r[1] < 500),
        "http_5xx": sum(1 for r in results if r[1] >= 500),
        "transport_errors": sum(1 for r in results if r[1] == 0),
        "lost_receipt_not_stored": len(receipts - stored_shas),
        "stored_without_receipt": len(stored_shas - receipts),
        "p50_s": statistics.median(lat), "p90_s": lat[int(len(lat) * 0.9)],
        "p99_s": lat[min(len(lat) - 1, int(len(lat) * 0.99))], "max_s": lat[-1],
        "elapsed_s": run["elapsed"], "peak_rss_mib": run["peak_rss_mib"],
        "errors_sample": sorted({r[3] for r in results if r[1] != 201})[:5],
    }
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--penyedia", type=int, default=1000)
    parser.add_argument("--size", type=int, default=1024 * 1024)
    parser.add_argument("--window", type=float, default=55.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--lelang-replicas", type=int, default=2)
    parser.add_argument("--gateway-workers", type=int, default=2)
    parser.add_argument("--gateway-threads", type=int, default=8)
    args = parser.parse_args()
    stack = Stack(replicas={"registrasi": 1, "lelang": args.lelang_replicas,
                            "pengaduan": 1, "notifikasi": 1, "reporting": 1},
                  gateway_workers=args.gateway_workers,
                  gateway_threads=args.gateway_threads,
                  extra_env={"JWT_TTL_SECONDS": "7200",
                             "UPLOAD_MAX_BYTES": str(max(args.size * 2, 10 << 20))})
    stack.start()
    try:
        print(f"setting up {args.penyedia} penyedia ...", file=sys.stderr)
        setup = prepare(stack, args.penyedia)
        print("burst ...", file=sys.stderr)
        run = burst(stack, setup, args.size, args.window, args.concurrency)
        time.sleep(2)
        out = report(run, stored_bids(stack, setup["lelang_id"]), args)
        print("opening ...", file=sys.stderr)
        out["opening"] = opening(stack, setup)
    finally:
        stack.stop()
    print(json.dumps(out, indent=1))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"deadline-{stamp}.json").write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
