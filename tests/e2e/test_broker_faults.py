"""The platform survives its broker, under steady load through the gateway.

Issue 11: a reply publish meeting a reset connection killed a whole service. Here
four clients keep creating agencies (an idempotent write, ``Idempotency-Key``, a
client that retries a 503 with the same key as a real one would) while the broker
(a) closes every connection of the test's own vhost (``rabbitmqctl
close_all_connections --vhost``; never global), and (b) stops and starts - a
private RabbitMQ node started for the test on its own ports, never the shared one.

Asserted: no service process exits; every answer is 201 or a clean 503 (never a 500,
never later than its timeout); every accepted write is there exactly once and none
twice; traffic succeeds again within seconds of the broker's return.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests

from services.common.brokerfaults import (
    close_vhost_connections,
)
from tests.e2e.conftest import auth, create_vhost, delete_vhost, running_stack

RPC_TIMEOUT = 3.0
#: the gateway retries an idempotent call once: two timeouts, plus slack
ANSWER_WITHIN = 2 * RPC_TIMEOUT + 4
CLIENTS = 4
SERVICES = ("registrasi",)
ENV = {"RPC_TIMEOUT": str(RPC_TIMEOUT), "GATEWAY_WORKERS": "1",
       "GATEWAY_THREADS": "8", "AUTH_CACHE_SECONDS": "5"}


@dataclass
class Load:
    """Clients creating agencies until stopped; what each request got."""

    stack: object
    token: str
    statuses: Counter = field(default_factory=Counter)
    accepted: list[str] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)
    slow: list[float] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    successes: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> None:
        while not self.stop.is_set():
            kode = f"F{uuid.uuid4().hex[:10].upper()}"
            key = str(uuid.uuid4())
            with self.lock:
                self.attempted.append(kode)
            for _ in range(5):  # a real client retries a 503 with the same key
                status = self.post(kode, key)
                if status != 503:
                    break
                time.sleep(0.3)

    def post(self, kode: str, key: str) -> int:
        started = time.monotonic()
        try:
            r = requests.post(
                self.stack.api("/agency"), timeout=ANSWER_WITHIN + 5,
                headers={**auth(self.token), "Idempotency-Key": key},
                json={"kode": kode, "nama": f"Dinas Uji {kode}", "jenis": "SKPD"})
            status = r.status_code
        except requests.RequestException as exc:
            status = 0
            with self.lock:
                self.bad.append(f"{kode}: {type(exc).__name__}")
        elapsed = time.monotonic() - started
        with self.lock:
            self.statuses[status] += 1
            if elapsed > ANSWER_WITHIN:
                self.slow.append(round(elapsed, 2))
            if status == 201:
                self.accepted.append(kode)
                self.successes.append(time.monotonic())
            elif status != 503:
                self.bad.append(f"{kode}: {status} {r.text[:200]}")
        return status

    def __enter__(self) -> Load:
        self.threads = [threading.Thread(target=self.client, daemon=True)
                        for _ in range(CLIENTS)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(4 * ANSWER_WITHIN)

    def successes_after(self, moment: float) -> int:
        with self.lock:
            return sum(1 for t in self.successes if t > moment)


def first_success_after(load: Load, moment: float, within: float) -> float:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if load.successes_after(moment):
            return time.monotonic() - moment
        time.sleep(0.1)
    raise AssertionError(f"no request succeeded within {within}s of the broker's "
                         f"return; statuses so far {dict(load.statuses)}")


def check(stack, load: Load) -> None:
    dead = {name: proc.returncode for name, proc in stack.procs.items()
            if proc.poll() is not None}
    assert not dead, f"processes exited: {dead} (logs in {stack.logs})"
    assert not load.bad, load.bad[:10]
    assert not load.slow, f"answers later than {ANSWER_WITHIN}s: {load.slow}"
    assert set(load.statuses) <= {201, 503}, dict(load.statuses)
    r = requests.get(stack.api("/agency"), timeout=15)
    assert r.status_code == 200, r.text
    present = Counter(a["kode"] for a in r.json())
    assert all(present[k] == 1 for k in load.accepted), \
        [k for k in load.accepted if present[k] != 1]
    assert all(present[k] <= 1 for k in load.attempted)
    assert len(load.accepted) >= 10, dict(load.statuses)


def steady(load: Load, seconds: float) -> None:
    before = load.successes_after(0)
    time.sleep(seconds)
    assert load.successes_after(0) > before, dict(load.statuses)


def test_vhost_connections_closed_under_load(tmp_path):
    vhost = create_vhost()
    try:
        uri = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
        with running_stack(tmp_path, uri, SERVICES, **ENV) as stack:
            token = stack.login(stack.admin_username, stack.admin_password)
            with Load(stack, token) as load:
                steady(load, 2)
                for _ in range(2):
                    close_vhost_connections(vhost, "test")
                    back = time.monotonic()
                    took = first_success_after(load, back, 10)
                    steady(load, 1.5)
            check(stack, load)
            print(f"connections closed: served again after {took:.2f}s; "
                  f"{dict(load.statuses)}")
            assert took < 10
    finally:
        delete_vhost(vhost)


def test_broker_stopped_and_started_under_load(tmp_path, private_broker):
    with running_stack(tmp_path / "stack", private_broker.amqp_uri, SERVICES,
                       **ENV) as stack:
        token = stack.login(stack.admin_username, stack.admin_password)
        with Load(stack, token) as load:
            steady(load, 2)
            private_broker.stop_app()
            time.sleep(4)  # down: requests get 503, processes must stay up
            private_broker.start_app()
            back = time.monotonic()
            took = first_success_after(load, back, 10)
            steady(load, 2)
        check(stack, load)
        print(f"broker restarted: served again after {took:.2f}s; "
              f"{dict(load.statuses)}")
        assert load.statuses[503] > 0  # the outage was seen, and answered cleanly
        assert took < 10
