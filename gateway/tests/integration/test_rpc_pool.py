"""The gateway's RPC pool against the real RabbitMQ (a fresh vhost per test).

The service is a tiny nameko service defined here; nothing else is replaced.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from requests import HTTPError

from gateway.rpc import NamekoBackend
from gateway.tests.integration.pool_service import (
    ECHO,
    SERVICE,
    SLOW_IDEMPOTENT,
    PoolTestService,
)
from services.common.errors import Unavailable

pytestmark = pytest.mark.integration


@pytest.fixture
def service(rabbit_config, container_factory):
    PoolTestService.received = []
    config = {
        "AMQP_URI": rabbit_config["AMQP_URI"],
        "serializer": "json",
        "max_workers": 32,
    }
    container = container_factory(PoolTestService, config)
    container.start()
    return container


@pytest.fixture
def backend(rabbit_config, service):
    made: list[NamekoBackend] = []

    def make(timeout: float = 5.0, pool_size: int = 4) -> NamekoBackend:
        made.append(
            NamekoBackend(
                rabbit_config["AMQP_URI"], timeout=timeout, pool_size=pool_size
            )
        )
        return made[-1]

    yield make
    for item in made:
        item.close()


def reply_queues(rabbit_manager, rabbit_config) -> list[str]:
    return [
        q["name"]
        for q in rabbit_manager.get_queues(rabbit_config["vhost"])
        if q["name"].startswith("rpc.reply-standalone_rpc_proxy")
    ]


def test_os_threads_without_monkey_patching(service, rabbit_config):
    """As in gunicorn's gthread workers: real threads, no eventlet."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gateway.tests.integration.threaded_client",
            rabbit_config["AMQP_URI"],
        ],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "failures": [],
        "calls": 16 * 25,
        "wrong_answers": 0,
        "monkey_patched": False,
        "proxies_at_most": 4,
    }


def test_sixteen_threads_share_the_pool_and_get_their_own_answers(backend):
    rpc_backend = backend(pool_size=4)
    failures: list[BaseException] = []
    answers: dict[int, int] = {}

    def work(worker: int) -> None:
        try:
            for i in range(25):
                value = worker * 1000 + i
                answers[value] = rpc_backend.call(ECHO, {"value": value})["value"]
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(answers) == 16 * 25
    assert all(key == value for key, value in answers.items())
    assert rpc_backend.pool.created <= 4 and rpc_backend.pool.dropped == 0


def test_a_timeout_is_unavailable_and_drops_the_proxy(
    backend, rabbit_manager, rabbit_config
):
    rpc_backend = backend(timeout=0.5)
    assert rpc_backend.call(ECHO, {"value": 1}) == {"value": 1}
    started = time.monotonic()
    with pytest.raises(Unavailable) as info:
        rpc_backend.call(ECHO, {"value": 2, "seconds": 2})
    assert 0.4 < time.monotonic() - started < 1.5
    assert info.value.code == "SERVICE_UNAVAILABLE"
    assert info.value.details == {"service": SERVICE, "reason": "timeout"}
    assert rpc_backend.pool.dropped == 1
    assert reply_queues(rabbit_manager, rabbit_config) == []  # deleted with the proxy
    assert rpc_backend.call(ECHO, {"value": 3}) == {"value": 3}  # a fresh proxy works


def test_an_idempotent_call_is_retried_once_with_the_same_key(backend):
    rpc_backend = backend(timeout=0.5)
    with pytest.raises(Unavailable):
        rpc_backend.call(
            SLOW_IDEMPOTENT,
            {"value": 7, "seconds": 2, "idempotency_key": "pool-test-key-1"},
        )
    time.sleep(0.2)
    keys = [
        r.get("idempotency_key") for r in PoolTestService.received if r["value"] == 7
    ]
    assert keys == ["pool-test-key-1", "pool-test-key-1"]


def close_at_the_broker(rabbit_manager, sock: Any) -> None:
    """Make the broker drop the connection of ``sock`` (as an operator or a broker
    restart would). ``rabbitmqctl`` acts at once; the management API only knows a
    connection after its next statistics round (~5 s), so it is the retried fallback."""
    local, remote = sock.getsockname()[:2], sock.getpeername()[:2]
    name = f"{local[0]}:{local[1]} -> {remote[0]}:{remote[1]}"
    if shutil.which("rabbitmqctl"):
        listed = subprocess.run(
            ["rabbitmqctl", "-q", "list_connections", "pid", "name"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        pids = [
            line.split("\t")[0]
            for line in listed.stdout.splitlines()
            if line.endswith("\t" + name)
        ]
        if (
            pids
            and subprocess.run(
                ["rabbitmqctl", "-q", "close_connection", pids[0], "gateway pool test"],
                capture_output=True,
                timeout=30,
                check=False,
            ).returncode
            == 0
        ):
            return
    deadline = time.monotonic() + 15
    while True:
        try:
            rabbit_manager.delete_connection(name)
            return
        except HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_a_proxy_broken_by_a_connection_loss_is_replaced(backend, rabbit_manager):
    rpc_backend = backend()
    assert rpc_backend.call(ECHO, {"value": 1}) == {"value": 1}
    (proxy,) = rpc_backend.pool._idle
    close_at_the_broker(rabbit_manager, proxy._socket())
    deadline = time.monotonic() + 5
    while proxy.looks_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not proxy.looks_alive()

    assert rpc_backend.call(ECHO, {"value": 2}) == {"value": 2}
    assert (rpc_backend.pool.created, rpc_backend.pool.dropped) == (2, 1)
    assert proxy not in rpc_backend.pool._idle


def test_readiness_checks(backend, rabbit_config):
    rpc_backend = backend()
    rpc_backend.check_broker(timeout=2)
    with pytest.raises(Unavailable):
        NamekoBackend("amqp://guest:guest@127.0.0.1:1/", timeout=1).check_broker(1)
