"""A service survives the broker, and a backlog of stale requests does not hold it.

Real RabbitMQ throughout: the test's own vhost on the shared broker for the deadline
tests, and a private RabbitMQ node (``brokerfaults.PrivateBroker``) for the broker
stopped in the middle of a call - the shared broker is never stopped.
"""

from __future__ import annotations

import time
import uuid

import pytest
from nameko.exceptions import RpcTimeout
from nameko.standalone.rpc import ClusterRpcProxy
from prometheus_client import REGISTRY
from sqlalchemy import select

from services.common.broker import DEADLINE_KEY, DeadlineClusterRpcProxy
from services.common.errors import Unavailable
from services.common.messaging import RpcClient
from services.common.tests.integration import sample_services as s
from services.common.tests.integration.harness import start_with_deadline, wait_until

RPC_QUEUE = f"rpc-{s.PRODUCER}"


def expired_count() -> float:
    return REGISTRY.get_sample_value(
        "eproc_rpc_expired_total",
        {"service": s.PRODUCER, "method": s.CREATE_CATATAN.method}) or 0.0


def replies_lost() -> float:
    return REGISTRY.get_sample_value(
        "eproc_rpc_replies_lost_total", {"service": s.PRODUCER}) or 0.0


def judul_rows(harness, nomor: int) -> int:
    with harness.session("producer") as session:
        return len(session.execute(
            select(s.catatan.c.id).where(s.catatan.c.nomor == nomor)).all())


def test_request_past_its_deadline_is_not_run_but_counted(harness):
    """The header check: a request the broker delivered after its caller's deadline
    (no AMQP expiration here, so only the service can notice) is dropped unrun."""
    harness.producer()
    before = expired_count()
    config = {"AMQP_URI": harness.amqp_uri, "serializer": "json"}
    late = {DEADLINE_KEY: time.time() - 5}
    with ClusterRpcProxy(config, timeout=10, context_data=late) as proxy:
        client = RpcClient(lambda service: proxy[service])
        with pytest.raises(Unavailable) as caught:
            client.call(s.CREATE_CATATAN, harness.request(501))
    assert caught.value.details["reason"] == "expired"
    assert expired_count() == before + 1
    assert judul_rows(harness, 501) == 0
    # a request in time runs (the same path, a deadline ahead)
    with DeadlineClusterRpcProxy(config, timeout=10) as proxy:
        assert RpcClient(lambda service: proxy[service]).call(
            s.CREATE_CATATAN, harness.request(502))["nomor"] == 502
    assert judul_rows(harness, 502) == 1


def test_backlog_of_stale_requests_is_gone_before_the_service_starts(harness):
    """The measured failure: callers gave up while the service was down; a fresh
    service must not work through their requests first. The broker discards them
    (per-message expiration = the caller's timeout)."""
    container = harness.producer()  # declares the durable RPC queue
    container.stop()
    config = {"AMQP_URI": harness.amqp_uri, "serializer": "json"}
    with DeadlineClusterRpcProxy(config, timeout=0.3) as proxy:
        client = RpcClient(lambda service: proxy[service])
        for nomor in range(600, 605):
            with pytest.raises(RpcTimeout):
                client.call(s.CREATE_CATATAN, harness.request(nomor))
    wait_until(lambda: harness.depth(RPC_QUEUE) == 0, timeout=5,
               what="the broker to expire the stale requests")
    harness.producer()
    with DeadlineClusterRpcProxy(config, timeout=10) as proxy:
        assert RpcClient(lambda service: proxy[service]).call(
            s.CREATE_CATATAN, harness.request(610))["nomor"] == 610
    assert sum(judul_rows(harness, n) for n in range(600, 605)) == 0


def dying(container) -> bool:
    """nameko kills a container whose worker or managed thread raised (it may hang
    in the kill while its consumer waits for the broker: being killed counts)."""
    return container._died.ready() or container._being_killed


def test_container_survives_the_broker_stopping_mid_call(harness, private_broker,
                                                         control):
    """The crash of issue 11: the reply publish meets a dead connection. With stock
    nameko the container kills itself here; ours logs, keeps running and serves
    again within seconds of the broker's return."""
    import eventlet

    service_config = harness.config("producer")
    service_config["AMQP_URI"] = private_broker.amqp_uri
    container = harness._container_factory(s.ProducerService, service_config)
    harness.containers.append(container)
    start_with_deadline(container)
    config = {"AMQP_URI": private_broker.amqp_uri, "serializer": "json"}
    control.rpc_delay = 3
    lost_before = replies_lost()

    def slow_call() -> object:
        with DeadlineClusterRpcProxy(config, timeout=6) as proxy:
            try:
                return RpcClient(lambda service: proxy[service]).call(
                    s.CREATE_CATATAN, harness.request(700, key="slow-700"))
            except Exception as exc:  # noqa: BLE001 - the outcome is checked below
                return exc

    call = eventlet.spawn(slow_call)
    # the service took it and sleeps 3 s before committing (waited for, not
    # guessed: a loaded machine may take a while to deliver it)
    wait_until(lambda: any(d["kind"] == "rpc_started" and d["nomor"] == 700
                           for d in control.deliveries), timeout=10,
               what="the service to take the call")
    private_broker.stop_app()  # the worker is still sleeping: its reply will fail
    with eventlet.Timeout(15):
        call.wait()
    # down for longer than the reply's retries: stock nameko gives up after about
    # 4 s and kills the container; ours gives up at the caller's deadline (6 s)
    wait_until(lambda: replies_lost() == lost_before + 1 or dying(container),
               timeout=20, what="the reply to be given up")
    assert not dying(container), "the container died with the broker"
    assert replies_lost() == lost_before + 1  # given up at the deadline, logged
    private_broker.start_app()
    control.rpc_delay = 0
    back = time.monotonic()

    def served() -> bool:
        try:
            with DeadlineClusterRpcProxy(config, timeout=2) as proxy:
                RpcClient(lambda service: proxy[service]).call(
                    s.CREATE_CATATAN, harness.request(701, key=f"k-{uuid.uuid4()}"))
            return True
        except Exception:  # noqa: BLE001 - not yet
            return False

    wait_until(served, timeout=15, interval=0.2, what="the service to serve again")
    assert time.monotonic() - back < 10
    assert not dying(container)
    # committed before the reply failed; the requeued request expired, never ran twice
    assert judul_rows(harness, 700) == 1
