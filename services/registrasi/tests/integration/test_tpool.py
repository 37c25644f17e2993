"""Password hashing never blocks the eventlet hub (STACK trap 11).

20 logins (real argon2id) run in parallel against the real container while a cheap
RPC (``ping``) keeps being answered in under 200 ms.

* argon2id runs much heavier than the floor here (t=6: ~270 ms a hash on this
  machine), so that a single hash on the hub would show: a ping behind it waits the
  whole hash, and the 99th percentile would pass 270 ms. (At t=2, ~120 ms a hash, the
  margin between "on the hub" and "on the thread pool under load" was too thin: a
  loaded run measured 120 ms with the thread pool, 170-250 ms without.)
* The limit is checked on the 99th percentile of the pings, and no ping may take
  500 ms: this 2-core machine also runs PostgreSQL, RabbitMQ and other suites, and the
  OS scheduler alone produces outliers near 100 ms while 20 hashes keep both cores
  busy.
* The 20 login clients run in their own OS process (``login_burst.py``), like the
  gateway in production, so this process's hub carries the service and the pinger
  only; they connect before the burst starts.
* The container runs with ``max_workers=30`` so that the ping is not merely queued
  behind the logins: what is measured is the hub, not the worker pool size. One
  login first opens the service's database pool.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import eventlet
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.registrasi.tests.helpers import PASSWORD

pytestmark = pytest.mark.integration

LOGINS = 20
PING_LIMIT = 0.200
PING_CEILING = 0.500
#: argon2id heavier than the floor (46 MiB, t=6: ~270 ms a hash here), so that one
#: hash on the hub would already break the limit
ARGON2 = {"argon2_memory_kib": 47104, "argon2_time_cost": 6}


@pytest.fixture
def config(service_config, pg_url, tmp_path):
    return service_config(
        "registrasi",
        database_url=pg_url,
        blob_dir=str(tmp_path / "blobs"),
        max_workers=30,
        **ARGON2,
    )


ROOT = Path(__file__).resolve().parents[4]


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, f"login_burst exited with {process.returncode}"
        assert time.monotonic() < deadline, f"timed out waiting for {path.name}"
        eventlet.sleep(0.02)


def test_parallel_logins_do_not_block_a_cheap_rpc(container, config, admin, tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    burst = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "services.registrasi.tests.integration.login_burst",
            config["AMQP_URI"],
            str(LOGINS),
            "admin",
            PASSWORD,
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    try:
        with ServiceRpcProxy("registrasi", config, timeout=10) as pinger:
            credentials = {"username": "admin", "password": PASSWORD}
            pinger_login(config, credentials)  # the service's database pool is open
            wait_for(tmp_path / "ready", burst)
            pinger.ping({})
            (tmp_path / "go").touch()
            latencies = []
            while not (tmp_path / "result.json").exists():
                assert burst.poll() in (None, 0), "login_burst failed"
                started = time.perf_counter()
                pinger.ping({})
                latencies.append(time.perf_counter() - started)
                eventlet.sleep(0.005)
        burst.wait(30)
    finally:
        if burst.poll() is None:
            burst.kill()
    results = json.loads((tmp_path / "result.json").read_text())

    assert [r.get("error") for r in results] == [None] * LOGINS
    assert len({r["token"] for r in results}) == LOGINS
    assert len(latencies) >= 5, "the pings did not overlap the logins"
    ordered = sorted(latencies)
    p99 = ordered[math.ceil(0.99 * len(ordered)) - 1]
    shown = (
        f"p99 {p99 * 1000:.0f} ms, slowest {[round(x * 1000) for x in ordered[-5:]]}"
    )
    assert p99 < PING_LIMIT, shown
    assert ordered[-1] < PING_CEILING, shown


def pinger_login(config: dict, credentials: dict) -> str:
    with ServiceRpcProxy("registrasi", config, timeout=10) as proxy:
        return proxy.login(credentials)["token"]
