"""Integration tests of registrasi.

The rule (as in nameko-examples): use the real thing for the infrastructure the service
owns - its PostgreSQL database (a fresh database per test, built by the alembic
migrations) and RabbitMQ (a fresh vhost per test, from nameko's ``rabbit_config``) -
and replace the other services. registrasi calls no other service, so nothing is
replaced: the service runs in a real nameko container, is called over AMQP by a
standalone RPC proxy, and its events are observed on the real ``registrasi.events``
exchange. Passwords are hashed with real argon2id at the configured parameters.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kombu import Connection, Queue

from services.common import migrations
from services.common.auth import Actor
from services.common.messaging import RpcClient, events_exchange
from services.registrasi.hashing import Argon2Hasher
from services.registrasi.service import RegistrasiService
from services.registrasi.tests.helpers import PASSWORD, direct_uow


@pytest.fixture
def pg_url(pg_database) -> str:
    """A fresh registrasi database at the head migration."""
    url = pg_database("registrasi")
    migrations.upgrade("registrasi", url)
    return url


@pytest.fixture
def config(service_config, pg_url, tmp_path) -> dict[str, Any]:
    return service_config(
        "registrasi",
        database_url=pg_url,
        blob_dir=str(tmp_path / "blobs"),
        max_workers=30,
    )


@pytest.fixture
def events(config) -> Iterator[Callable[..., list[dict]]]:
    """A queue bound to ``registrasi.events`` (every routing key), declared before the
    service starts; ``events(n)`` waits for ``n`` envelopes and returns them."""
    received: list[dict] = []
    conn = Connection(config["AMQP_URI"])
    queue = Queue(
        "test-registrasi-events",
        exchange=events_exchange("registrasi"),
        routing_key="#",
        durable=False,
        auto_delete=False,
    )
    simple = conn.SimpleQueue(queue)

    def wait(count: int, timeout: float = 15.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(received) < count and time.monotonic() < deadline:
            try:
                message = simple.get(timeout=0.2)
            except simple.Empty:
                continue
            received.append(message.payload)
            message.ack()
        return list(received)

    yield wait
    simple.close()
    conn.release()


@pytest.fixture
def container(container_factory, config, events):
    container = container_factory(RegistrasiService, config)
    container.start()
    return container


@pytest.fixture
def rpc(config, container) -> Iterator[Any]:
    """A standalone proxy to registrasi (one per test, one greenthread)."""
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("registrasi", config, timeout=20) as proxy:
        yield proxy


@pytest.fixture
def client(rpc) -> RpcClient:
    """Typed calls: requests dumped and responses loaded by the contracts."""
    return RpcClient(lambda service: rpc)


@pytest.fixture
def admin(pg_url, config) -> Actor:
    """The first Admin PPE (created as ``lpse create-admin`` does) as an actor."""
    from services.common.config import settings_for
    from services.registrasi.usecases import bootstrap_admin
    from services.registrasi.usecases.common import actor_view

    hasher = Argon2Hasher.from_settings(settings_for(config))
    with direct_uow(pg_url) as uow:
        view = bootstrap_admin(
            uow,
            {
                "username": "admin",
                "email": "admin@lpse.id",
                "nama": "Admin PPE",
                "password": PASSWORD,
            },
            _now(),
            hasher=hasher,
        )
        user = uow.user.get(view["user_id"])
    return actor_view(user, session_id=None, ip="10.0.0.1")


def _now():
    from services.common.clock import utcnow

    return utcnow()
