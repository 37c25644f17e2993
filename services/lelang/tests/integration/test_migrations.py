"""Alembic for lelang: upgrade, ``alembic check`` (models == migrations), downgrade
to base and up again, on PostgreSQL and on SQLite (the zero-set-up store)."""

from __future__ import annotations

import pytest

from services.common.testing import migrations_round_trip
from services.lelang.storage.models import Base

pytestmark = pytest.mark.integration


def test_postgresql(pg_database):
    migrations_round_trip("lelang", pg_database("lelang_mig"), Base.metadata)


def test_sqlite(tmp_path):
    migrations_round_trip("lelang", f"sqlite:///{tmp_path / 'lelang.db'}",
                          Base.metadata)
