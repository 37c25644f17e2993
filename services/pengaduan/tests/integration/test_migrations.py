"""Alembic for pengaduan: upgrade, ``alembic check`` (models == migrations), downgrade
to base and up again, on PostgreSQL and on SQLite (the zero-set-up store)."""

from __future__ import annotations

import pytest

from services.common.testing import migrations_round_trip
from services.pengaduan.storage.models import Base

pytestmark = pytest.mark.integration


def test_postgresql(pg_database):
    migrations_round_trip("pengaduan", pg_database("pengaduan_mig"), Base.metadata)


def test_sqlite(tmp_path):
    migrations_round_trip("pengaduan", f"sqlite:///{tmp_path / 'pengaduan.db'}",
                          Base.metadata)
