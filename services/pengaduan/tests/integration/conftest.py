"""Integration tests of pengaduan: its own PostgreSQL database (a fresh one per
test, built by the alembic migrations), RabbitMQ (a fresh vhost per test) and the
blob store on disk. pengaduan calls no other service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common import migrations
from services.pengaduan.tests.driver import PengaduanWorld


@pytest.fixture
def pg_url(pg_database) -> str:
    url = pg_database("pengaduan")
    migrations.upgrade("pengaduan", url)
    return url


@pytest.fixture
def world(pg_url, tmp_path):
    """Parties, a fixed clock (Monday 2 Nov 2026, 10:00 WITA) and a fresh database."""
    w = PengaduanWorld(pg_url, tmp_path / "blobs",
                       datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    yield w
    w.close()
