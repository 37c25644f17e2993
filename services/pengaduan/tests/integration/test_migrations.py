"""Alembic for pengaduan: upgrade, ``alembic check`` (models == migrations), downgrade
to base and up again, on PostgreSQL and on SQLite (the zero-set-up store)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from services.common import migrations
from services.pengaduan.storage.models import Base

pytestmark = pytest.mark.integration


def table_names(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def up_check_down_up(url: str) -> None:
    migrations.upgrade("pengaduan", url)
    assert set(Base.metadata.tables) <= table_names(url)
    migrations.check("pengaduan", url)  # raises if autogenerate finds a difference
    migrations.downgrade("pengaduan", url, "base")
    assert table_names(url) <= {"alembic_version"}
    migrations.upgrade("pengaduan", url)
    migrations.check("pengaduan", url)


def test_postgresql(pg_database):
    up_check_down_up(pg_database("pengaduan_mig"))


def test_sqlite(tmp_path):
    up_check_down_up(f"sqlite:///{tmp_path / 'pengaduan.db'}")
