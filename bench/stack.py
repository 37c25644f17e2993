"""The platform as the benchmarks run it: all five services and the gateway as real
processes, on a dedicated RabbitMQ vhost and one PostgreSQL database per service,
with notifikasi's mail going to a mail catcher (a real SMTP server), on loopback
only (``Stack(database="sqlite")``: a SQLite file per service instead).
``Stack.start()``; ``stack.stop()`` removes everything."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.common.testing import create_database, drop_database  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    BIN,
    create_vhost,
    delete_vhost,
    free_port,
    stop,
    wait_http,
)

SERVICES = ("registrasi", "lelang", "pengaduan", "notifikasi", "reporting")


@dataclass
class Stack:
    replicas: dict[str, int] = field(default_factory=lambda: {
        "registrasi": 1, "lelang": 1, "pengaduan": 1, "notifikasi": 1,
        "reporting": 1})
    gateway_workers: int = 2
    gateway_threads: int = 8
    extra_env: dict[str, str] = field(default_factory=dict)
    #: load the demo accounts and lelang (as scripts/run does) before the services
    demo: bool = False
    #: which services run (all by default; a subset to compare their cost)
    services: tuple[str, ...] = SERVICES
    #: "postgres" (one database per service) or "sqlite" (one file per service under
    #: the stack's var/, as scripts/run does without DATABASE_URL)
    database: str = "postgres"

    def start(self) -> Stack:
        self.tmp = Path(tempfile.mkdtemp(prefix="lpse-bench-"))
        self.vhost = create_vhost()
        suffix = uuid.uuid4().hex[:8]
        if self.database == "sqlite":
            (self.tmp / "var").mkdir()
            self.db_names: dict[str, str] = {}
            self.db_urls = {s: f"sqlite:///{self.tmp / 'var' / s}.db"
                            for s in self.services}
        else:
            self.db_names = {s: f"lpse_test_bench_{suffix}_{s}"
                             for s in self.services}
            self.db_urls = {s: create_database(n) for s, n in self.db_names.items()}
        self.admin_password = "Adm-" + secrets.token_urlsafe(12)
        smtp_port = free_port()
        self.env = {
            **os.environ, "LPSE_ENV": "test", "JWT_SECRET": secrets.token_hex(32),
            "LELANG_MASTER_KEY": secrets.token_hex(32),
            "AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}",
            **{f"{s.upper()}_DATABASE_URL": url for s, url in self.db_urls.items()},
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
            "VAR_DIR": str(self.tmp / "var"), "BLOB_DIR": str(self.tmp / "blobs"),
            "PYTHONWARNINGS": "ignore::DeprecationWarning", "LOG_LEVEL": "WARNING",
            "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000", **self.extra_env,
        }
        for args in (["topology"], *(["migrate", s] for s in self.services)):
            self.lpse(*args)
        self.lpse("create-admin", "--username", "admin", "--email",
                  "admin@example.org", "--nama", "Admin PPE",
                  LPSE_ADMIN_PASSWORD=self.admin_password)
        if self.demo:
            ids = str(self.tmp / "demo-ids.json")
            self.lpse("demo-data", "--ids-file", ids,
                      LPSE_DEMO_PASSWORD="Demo-" + secrets.token_urlsafe(9))
            self.lpse("demo-lelang", "--ids-file", ids)
        self.procs: dict[str, list[subprocess.Popen]] = {}
        if "notifikasi" in self.services:
            self.procs["mail-catcher"] = [self._popen(
                ["lpse", "mail-catcher", "--port", str(smtp_port), "--dir",
                 str(self.tmp / "mail")])]
        for name in self.services:
            self.procs[name] = [self._popen(["lpse", "run-service", name],
                                            METRICS_PORT="0")
                                for _ in range(self.replicas.get(name, 1))]
        port = free_port()
        self.procs["gateway"] = [self._popen(
            ["gunicorn", "-c", "gateway/gunicorn.conf.py", "gateway.wsgi:app"],
            GATEWAY_BIND=f"127.0.0.1:{port}",
            GATEWAY_WORKERS=str(self.gateway_workers),
            GATEWAY_THREADS=str(self.gateway_threads),
            PROMETHEUS_MULTIPROC_DIR=str(self.tmp / "prom"))]
        self.url = f"http://127.0.0.1:{port}"
        wait_http(f"{self.url}/readyz", 120, self.all_procs())
        return self

    def _popen(self, cmd: list[str], **env: str) -> subprocess.Popen:
        return subprocess.Popen([str(BIN / cmd[0]), *cmd[1:]], cwd=ROOT,
                                env={**self.env, **env}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def lpse(self, *args: str, **env: str) -> None:
        subprocess.run([str(BIN / "lpse"), *args], env={**self.env, **env},
                       check=True, cwd=ROOT, capture_output=True)

    def all_procs(self) -> list[subprocess.Popen]:
        return [p for procs in self.procs.values() for p in procs]

    def pids(self) -> dict[str, list[int]]:
        """Every process of each part, gunicorn's workers included."""
        out: dict[str, list[int]] = {}
        for name, procs in self.procs.items():
            pids = [p.pid for p in procs]
            for pid in list(pids):
                try:
                    kids = Path(f"/proc/{pid}/task/{pid}/children").read_text()
                except OSError:
                    continue
                pids += [int(k) for k in kids.split()]
            out[name] = pids
        return out

    def stop(self) -> None:
        for p in self.all_procs():
            stop(p)
        for name in self.db_names.values():
            drop_database(name)
        delete_vhost(self.vhost)
        shutil.rmtree(self.tmp, ignore_errors=True)


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
