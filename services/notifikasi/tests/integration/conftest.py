"""Integration tests of notifikasi: its own PostgreSQL database (a fresh one per test,
built by the alembic migrations), a real SMTP server (the mail catcher, in its own
process) and, for the service tests, RabbitMQ (a fresh vhost per test)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common import migrations
from services.notifikasi.tests.driver import NotifikasiWorld, SmtpServer


@pytest.fixture
def pg_url(pg_database) -> str:
    url = pg_database("notifikasi")
    migrations.upgrade("notifikasi", url)
    return url


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / "mail").start()
    yield server
    server.stop()


@pytest.fixture
def world(pg_url, smtp):
    """A fixed clock (Monday 2 Nov 2026, 10:00 WITA), a fresh database, the SMTP
    server of ``smtp``."""
    w = NotifikasiWorld(pg_url, smtp.port, datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    yield w
    w.close()
