"""Integration tests of lelang.

The rule (as in nameko-examples): use the real thing for the infrastructure the
service owns - its PostgreSQL database (a fresh one per test, built by the alembic
migrations), RabbitMQ (a fresh vhost per test), the blob store on disk, the real
key vault - and replace the other services: registrasi is a fake here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common import migrations
from services.lelang.tests.driver import TenderWorld


@pytest.fixture
def pg_url(pg_database) -> str:
    url = pg_database("lelang")
    migrations.upgrade("lelang", url)
    return url


@pytest.fixture
def world(pg_url, tmp_path):
    """Parties, a fixed clock (Monday 2 Nov 2026, 10:00 WITA) and a fresh database."""
    w = TenderWorld(pg_url, tmp_path / "blobs", datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    yield w
    w.close()
