"""pytest plugin shared by every service's tests (loaded from the root conftest).

* ``make_settings(**overrides)`` - validated test Settings (``LPSE_ENV=test``).
* ``pg_database`` - a factory giving a fresh, dedicated PostgreSQL database per call,
  dropped after the test. Never points at a database that matters (STACK trap 6).
* ``service_config`` - nameko config for ``container_factory`` on the per-test vhost of
  nameko's ``rabbit_config`` fixture, carrying the LPSE settings.
* ``frozen_now`` - a fixed aware ``now`` for domain tests; ``RecordingOutbox`` - a fake
  outbox that keeps what was added.
* ``free_port()``, ``publish_event(amqp_uri, contract, envelope)`` (as a relay would:
  persistent, with confirms) and ``wait_for(predicate)`` for tests that drive real
  processes.
* Under ``scripts/test --at MOMENT`` (libfaketime): the run's header names the moved
  clock in UTC and WITA, and the run stops at once if the clock did not move.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from services.common.config import Settings, load_settings

PG_ADMIN_URL = os.environ.get(
    "TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
TEST_JWT_SECRET = secrets.token_hex(32)


def test_env(**overrides: Any) -> dict[str, str]:
    env = {
        "LPSE_ENV": "test",
        "JWT_SECRET": TEST_JWT_SECRET,
        "LOG_FORMAT": "text",
        "EVENT_RETRY_BASE_SECONDS": "0.05",
        "OUTBOX_POLL_SECONDS": "0.1",
    }
    env.update({k.upper(): str(v) for k, v in overrides.items() if v is not None})
    return env


def make_settings(service: str | None = None, **overrides: Any) -> Settings:
    return load_settings(test_env(**overrides), service=service)


def create_database(name: str) -> str:
    """Create a fresh PostgreSQL database; returns its URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    from services.common.db import Database

    Database.dispose_all()
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def pytest_sessionstart(session) -> None:
    """Under ``scripts/test --at``: say where the clock is, and stop at once if
    libfaketime did not move it (a run at the real time would prove nothing)."""
    at = os.environ.get("LPSE_TEST_AT")
    if not at:
        return
    from services.common.clock import WITA

    now = datetime.now(UTC)
    # the moment runs on from the start of scripts/test; an hour covers any set-up
    drift = abs((now - datetime.fromisoformat(at)).total_seconds())
    if drift > 3600:
        pytest.exit(f"scripts/test --at {at}: this process's clock says "
                    f"{now.isoformat()} - libfaketime did not move it", returncode=3)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"clock moved (scripts/test --at {at}): {now.isoformat(timespec='seconds')}"
            f" = {now.astimezone(WITA).strftime('%A %Y-%m-%d %H:%M:%S')} WITA")


@pytest.fixture
def pg_database():
    """Factory: ``pg_database("registrasi")`` -> URL of a new empty database."""
    created: list[str] = []

    def make(label: str = "db") -> str:
        name = f"lpse_test_{label}_{uuid.uuid4().hex[:8]}"
        created.append(name)
        return create_database(name)

    yield make
    for name in created:
        drop_database(name)


@pytest.fixture
def service_config(rabbit_config, tmp_path):
    """Factory: nameko config for a container on this test's own vhost."""

    def make(service: str, database_url: str | None = None, **overrides: Any) -> dict:
        overrides.setdefault("var_dir", str(tmp_path / "var"))
        settings = make_settings(service, amqp_uri=rabbit_config["AMQP_URI"],
                                 database_url=database_url, **overrides)
        config = settings.nameko_config()
        config.update(rabbit_config)
        return config

    return make


class HubTicker:
    """A greenthread that sleeps ``interval`` seconds at a time and records in
    ``longest`` the longest gap between its wake-ups: how long the eventlet hub was
    kept from running it (a blocking call stops every greenthread alike)."""

    def __init__(self, interval: float = 0.005) -> None:
        import eventlet

        self.interval = interval
        self.longest = 0.0
        self._running = True
        self._thread = eventlet.spawn(self._run)

    def _run(self) -> None:
        import eventlet

        last = time.monotonic()
        while self._running:
            eventlet.sleep(self.interval)
            now = time.monotonic()
            self.longest = max(self.longest, now - last)
            last = now

    def stop(self) -> float:
        self._running = False
        self._thread.wait()
        return self.longest


@pytest.fixture
def private_broker(tmp_path):
    """A RabbitMQ node of the test's own, on free ports, that the test may stop and
    start (the shared broker is never stopped); skipped with the reason where no
    node can start here."""
    from services.common.brokerfaults import BrokerNotAvailable, PrivateBroker

    broker = PrivateBroker(tmp_path / "rabbit")
    try:
        broker.start()
    except (BrokerNotAvailable, OSError, TimeoutError) as exc:
        pytest.skip(f"a private RabbitMQ node cannot start here: {exc}")
    try:
        yield broker
    finally:
        broker.close()


@pytest.fixture
def frozen_now() -> datetime:
    return datetime(2012, 9, 3, 2, 0, tzinfo=UTC)  # Monday 10:00 WITA


def table_names(url: str) -> set[str]:
    """The tables of the database at ``url``."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def migrations_round_trip(service: str, url: str, metadata: Any) -> None:
    """Upgrade, ``alembic check`` (models == migrations), downgrade to base and up
    again: a service's migrations test on PostgreSQL and on SQLite."""
    from services.common import migrations

    migrations.upgrade(service, url)
    assert set(metadata.tables) <= table_names(url)
    migrations.check(service, url)  # raises if autogenerate finds a difference
    migrations.downgrade(service, url, "base")
    assert table_names(url) <= {"alembic_version"}
    migrations.upgrade(service, url)
    migrations.check(service, url)


class RecordingOutbox:
    """Fake outbox for use-case tests: validates payloads like the real one."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, dict[str, Any]]] = []

    def add(self, contract: Any, payload: dict[str, Any], *, occurred_at: datetime,
            actor: Any = None) -> str:
        data = contract.dump_payload(payload)
        self.events.append((contract, data))
        return str(uuid.uuid4())

    def types(self) -> list[str]:
        return [c.type for c, _ in self.events]


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def publish_event(amqp_uri: str, contract: Any, envelope: dict[str, Any]) -> None:
    """Publish an event envelope on its source's exchange as the outbox relay does
    (persistent, JSON, with publisher confirms)."""
    from kombu import Connection, Producer

    from services.common.messaging import events_exchange

    exchange = events_exchange(contract.source)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        Producer(conn.channel()).publish(
            json.dumps(envelope), exchange=exchange, routing_key=contract.type,
            content_type="application/json", content_encoding="utf-8",
            delivery_mode=2, declare=[exchange])


def wait_for(predicate: Any, timeout: float = 20.0, every: float = 0.1) -> Any:
    """Poll ``predicate`` until it returns something truthy (returned), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s")
