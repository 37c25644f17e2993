"""End-to-end fixtures: really running processes, driven over HTTP.

Real infrastructure only: a dedicated RabbitMQ vhost (management API), a dedicated
PostgreSQL database per service, every service (registrasi, lelang, pengaduan)
started with ``lpse run-service`` and the gateway under gunicorn, exactly as in
production but on loopback ports. ``stack.restart(name, sig)`` stops a service
(``SIGKILL`` for a crash) and starts it again.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from services.common.testing import (  # noqa: F401  (free_port: used from here too)
    TEST_JWT_SECRET,
    create_database,
    drop_database,
    free_port,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MGMT = os.environ.get("RABBIT_MGMT_URL", "http://127.0.0.1:15672")
MGMT_AUTH = ("guest", "guest")
#: every service the stack runs, each with its own database
SERVICES = ("registrasi", "lelang", "pengaduan", "notifikasi", "reporting")



def create_vhost() -> str:
    vhost = f"nameko_test_e2e_{uuid.uuid4().hex[:10]}"
    requests.put(
        f"{MGMT}/api/vhosts/{vhost}", auth=MGMT_AUTH, timeout=10
    ).raise_for_status()
    requests.put(
        f"{MGMT}/api/permissions/{vhost}/guest",
        auth=MGMT_AUTH,
        timeout=10,
        json={"configure": ".*", "write": ".*", "read": ".*"},
    ).raise_for_status()
    return vhost


def delete_vhost(vhost: str) -> None:
    requests.delete(f"{MGMT}/api/vhosts/{vhost}", auth=MGMT_AUTH, timeout=10)


def wait_http(
    url: str, timeout: float = 60, procs: list[subprocess.Popen] = ()
) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited early: {proc.args}")
        try:
            r = requests.get(url, timeout=2)
            if r.status_code == 200:
                return
            last = r.status_code
        except requests.RequestException as exc:
            last = exc
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready: {last}")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    return proc.returncode


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    admin_username: str
    admin_password: str
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: Path | None = None
    #: where the stack's mail catcher (a real SMTP server) keeps what arrived
    mail_dir: Path | None = None
    #: the stand-in national portal reporting forwards releases to (real HTTP)
    portal_url: str | None = None

    def portal(self, method: str = "GET", path: str = "/_stats", **kw: Any) -> Any:
        """The portal receiver's control API (``/_stats?ids=1``, ``/_control``)."""
        base = self.portal_url.rsplit("/ocds", 1)[0]
        r = requests.request(method, base + path, timeout=10, **kw)
        r.raise_for_status()
        return r.json()

    def mails(self) -> list[Any]:
        """Every e-mail the stack sent so far (parsed), oldest first."""
        from services.notifikasi.mailcatcher import read_messages

        return read_messages(self.mail_dir)

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"

    def login(self, username: str, password: str) -> str:
        r = requests.post(
            self.api("/auth/login"),
            json={"username": username, "password": password},
            timeout=15,
        )
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def start_service(self, name: str) -> None:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - kept with proc
        self.procs[name] = subprocess.Popen(
            [str(BIN / "lpse"), "run-service", name],
            cwd=ROOT,
            env={**self.env, "METRICS_PORT": str(free_port())},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def restart(self, name: str, sig: int = signal.SIGTERM) -> None:
        """Stop a service (SIGKILL: a crash) and start it again; waits for ping."""
        stop(self.procs[name], sig)
        self.start_service(name)
        wait_http(f"{self.url}/readyz", 90, list(self.procs.values()))

    def lpse(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "lpse"), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    vhost = create_vhost()
    try:
        with running_stack(tmp_path_factory.mktemp("e2e"),
                           f"amqp://guest:guest@127.0.0.1:5672/{vhost}") as s:
            yield s
    finally:
        delete_vhost(vhost)


@contextmanager
def running_stack(tmp: Path, amqp_uri: str, services: tuple[str, ...] = SERVICES,
                  **env_overrides: str) -> Iterator[Stack]:
    """Databases, the given services and the gateway on ``amqp_uri`` (any broker:
    the shared one's test vhost, or a private node a test stops and starts); ready
    when ``/readyz`` answers, or with fewer services, when registrasi answers."""
    tmp.mkdir(parents=True, exist_ok=True)
    suffix = uuid.uuid4().hex[:8]
    db_names = {s: f"lpse_test_e2e_{suffix}_{s}" for s in services}
    db_urls = {svc: create_database(name) for svc, name in db_names.items()}
    admin_password = "Adm-" + secrets.token_urlsafe(12)
    smtp_port = free_port()
    portal_port = free_port()
    portal_secret = secrets.token_hex(16)
    env = {
        **os.environ,
        "LPSE_ENV": "test",
        "JWT_SECRET": TEST_JWT_SECRET,
        "AMQP_URI": amqp_uri,
        # one database per service (ARCHITECTURE #11)
        **{f"{svc.upper()}_DATABASE_URL": url for svc, url in db_urls.items()},
        # a real SMTP server on loopback (the mail catcher); retries come quickly
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "NOTIFIKASI_RETRY_BASE_SECONDS": "1",
        "INSPEKTORAT_EMAILS": "inspektorat@karangasemkab.go.id",
        # reporting forwards to a real HTTP receiver on loopback (the portal)
        "FORWARD_PORTAL_URL": f"http://127.0.0.1:{portal_port}/ocds/releases",
        "FORWARD_PORTAL_SECRET": portal_secret,
        "FORWARD_RETRY_BASE_SECONDS": "0.5",
        "FORWARD_RETRY_MAX_SECONDS": "2",
        "VAR_DIR": str(tmp / "var"),
        "BLOB_DIR": str(tmp / "var" / "blobs"),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
        "LOG_FORMAT": "json",
        "AUTH_CACHE_SECONDS": "1",
        "RPC_TIMEOUT": "10",
        # the OpenAPI fuzz test sends hundreds of failing logins from 127.0.0.1; the
        # per-address throttle itself is tested in registrasi's own tests
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
        "LELANG_MASTER_KEY": secrets.token_hex(32),
        # the lelang journeys move the test clock by days: sessions of a day keep
        # the number of re-logins small
        "JWT_TTL_SECONDS": "86400",
        **env_overrides,
    }
    port = free_port()
    stack = Stack(
        url=f"http://127.0.0.1:{port}",
        env=env,
        admin_username="admin",
        admin_password=admin_password,
        logs=tmp,
        mail_dir=tmp / "mail",
        portal_url=f"http://127.0.0.1:{portal_port}/ocds/releases",
    )
    portal_log = open(tmp / "portal.log", "wb")  # noqa: SIM115 - kept with proc
    stack.procs["portal"] = subprocess.Popen(
        [sys.executable, "-m", "services.reporting.forwarding.receiver", "--port",
         str(portal_port), "--secret", portal_secret], cwd=ROOT, env=env,
        stdout=portal_log, stderr=subprocess.STDOUT)
    portal_log.close()
    mail_log = open(tmp / "mail-catcher.log", "wb")  # noqa: SIM115 - kept with proc
    stack.procs["mail-catcher"] = subprocess.Popen(
        [str(BIN / "lpse"), "mail-catcher", "--port", str(smtp_port), "--dir",
         str(stack.mail_dir)], cwd=ROOT, env=env, stdout=mail_log,
        stderr=subprocess.STDOUT)
    mail_log.close()
    for args in (["topology"], *(["migrate", svc] for svc in services)):
        out = stack.lpse(*args)
        assert out.returncode == 0, out.stderr
    out = stack.lpse(
        "create-admin",
        "--username",
        "admin",
        "--email",
        "admin@example.org",
        "--nama",
        "Admin PPE",
        LPSE_ADMIN_PASSWORD=admin_password,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    for name in services:
        stack.start_service(name)
    gw_log = open(tmp / "gateway.log", "wb")
    multiproc = tmp / "prom"
    stack.procs["gateway"] = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gateway/gunicorn.conf.py", "gateway.wsgi:app"],
        cwd=ROOT,
        stdout=gw_log,
        stderr=subprocess.STDOUT,
        env={
            **env,
            "GATEWAY_BIND": f"127.0.0.1:{port}",
            "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
        },
    )
    ready = "/readyz" if set(services) >= set(SERVICES[:3]) else "/api/v1/agency"
    try:
        wait_http(f"{stack.url}{ready}", 90, list(stack.procs.values()))
        yield stack
    finally:
        for proc in stack.procs.values():
            stop(proc)
        gw_log.close()
        for name in db_names.values():
            drop_database(name)
