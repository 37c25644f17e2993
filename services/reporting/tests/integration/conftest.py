"""Integration fixtures of reporting: a fresh PostgreSQL database per test, and for
forwarding a real HTTP receiver (its own process, on loopback) and a fresh RabbitMQ
vhost (nameko's ``rabbit_config``)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from services.common.testing import free_port

ROOT = Path(__file__).resolve().parents[4]



@dataclass
class ForwardingDb:
    """reporting's schema (``Base.metadata.create_all`` until the migration exists)
    on a fresh database, and sessions on it."""

    url: str
    engine: Any = None
    factory: Any = None

    def __post_init__(self) -> None:
        from sqlalchemy.orm import sessionmaker

        from services.common.db import create_db_engine
        from services.reporting.storage.models import Base

        self.engine = create_db_engine(self.url, pool_size=4, max_overflow=4)
        Base.metadata.create_all(self.engine)
        self.factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def session(self) -> Any:
        return self.factory()


@pytest.fixture
def forwarding_db(pg_database) -> Iterator[ForwardingDb]:
    db = ForwardingDb(pg_database("reporting"))
    yield db
    db.engine.dispose()


@dataclass
class Receiver:
    """``python -m services.reporting.forwarding.receiver`` on a free port."""

    secret: str
    args: tuple[str, ...] = ()
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ocds/releases"

    def start(self) -> Receiver:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "services.reporting.forwarding.receiver",
             "--port", str(self.port), "--secret", self.secret, *self.args],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.stats()
                return self
            except requests.ConnectionError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode()) from None
                time.sleep(0.05)
        raise RuntimeError("receiver did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def stats(self, ids: bool = False) -> dict[str, Any]:
        response = requests.get(f"http://127.0.0.1:{self.port}/_stats",
                                params={"ids": "1" if ids else "0"}, timeout=10)
        response.raise_for_status()
        return response.json()

    def control(self, **change: Any) -> dict[str, Any]:
        response = requests.post(f"http://127.0.0.1:{self.port}/_control",
                                 json=change, timeout=10)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def portal_receiver() -> Iterator[Any]:
    """Factory: ``portal_receiver(secret, "--refuse-first", "3")`` -> a started
    :class:`Receiver` (stopped after the test)."""
    started: list[Receiver] = []

    def make(secret: str, *args: str) -> Receiver:
        receiver = Receiver(secret, tuple(args)).start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.stop()


@pytest.fixture
def pusat_amqp_uri(rabbit_config) -> str:
    """An AMQP URI on this test's own vhost."""
    return rabbit_config["AMQP_URI"]
