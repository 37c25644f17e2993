"""Alembic: upgrade, ``alembic check`` (models == migrations), downgrade to base."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from services.common import migrations
from services.registrasi.storage.models import Base

pytestmark = pytest.mark.integration


def table_names(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def up_check_down_up(url: str) -> None:
    migrations.upgrade("registrasi", url)
    assert set(Base.metadata.tables) <= table_names(url)
    migrations.check("registrasi", url)  # raises if autogenerate finds a difference
    migrations.downgrade("registrasi", url, "base")
    assert table_names(url) <= {"alembic_version"}
    migrations.upgrade("registrasi", url)
    migrations.check("registrasi", url)


def test_postgresql(pg_database):
    up_check_down_up(pg_database("registrasi_mig"))


def test_sqlite(tmp_path):
    up_check_down_up(f"sqlite:///{tmp_path / 'registrasi.db'}")
