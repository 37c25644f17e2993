"""Alembic for notifikasi: upgrade, ``alembic check`` (models == migrations), downgrade
to base and up again, on PostgreSQL and on SQLite (the zero-set-up store)."""

from __future__ import annotations

import pytest

from services.common.testing import migrations_round_trip
from services.notifikasi.storage.models import Base

pytestmark = pytest.mark.integration


def test_postgresql(pg_database):
    migrations_round_trip("notifikasi", pg_database("notifikasi_mig"), Base.metadata)


def test_sqlite(tmp_path):
    migrations_round_trip("notifikasi", f"sqlite:///{tmp_path / 'notifikasi.db'}",
                          Base.metadata)
