"""Alembic for reporting: upgrade, ``alembic check`` (models == migrations), downgrade
to base and up again, on PostgreSQL and on SQLite (the zero-set-up store)."""

from __future__ import annotations

import pytest

import services.reporting.storage.read_models  # noqa: F401  (registers the tables)
from services.common.testing import migrations_round_trip
from services.reporting.storage.models import Base

pytestmark = pytest.mark.integration


def test_postgresql(pg_database):
    migrations_round_trip("reporting", pg_database("reporting_mig"), Base.metadata)


def test_sqlite(tmp_path):
    migrations_round_trip("reporting", f"sqlite:///{tmp_path / 'reporting.db'}",
                          Base.metadata)
