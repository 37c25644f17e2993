"""Alembic: upgrade, ``alembic check`` (models == migrations), downgrade to base, and
0002's append-only triggers on audit_log (PostgreSQL only) coming and going."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from services.common import migrations
from services.registrasi.storage.models import Base

pytestmark = pytest.mark.integration

PG_TRIGGERS = {
    "audit_log.audit_log_append_only -> audit_log_refuse_change()",
    "audit_log.audit_log_no_truncate -> audit_log_refuse_change()",
    "audit_log_refuse_change()",
}


def table_names(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def triggers(url: str) -> set[str]:
    """User triggers as ``table.trigger -> function()``, and the trigger function."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return set(
                    conn.scalars(
                        text(
                            "SELECT tbl_name || '.' || name FROM sqlite_master "
                            "WHERE type = 'trigger'"
                        )
                    )
                )
            found = set(
                conn.scalars(
                    text(
                        "SELECT c.relname || '.' || t.tgname || ' -> ' || p.proname "
                        "|| '()' FROM pg_trigger t "
                        "JOIN pg_class c ON c.oid = t.tgrelid "
                        "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
                    )
                )
            )
            functions = conn.scalars(
                text("SELECT proname || '()' FROM pg_proc WHERE proname = :name"),
                {"name": "audit_log_refuse_change"},
            )
            return found | set(functions)
    finally:
        engine.dispose()


def up_check_down_up(url: str, expected_triggers: set[str]) -> None:
    migrations.upgrade("registrasi", url)
    assert set(Base.metadata.tables) <= table_names(url)
    assert triggers(url) == expected_triggers
    migrations.check("registrasi", url)  # raises if autogenerate finds a difference
    migrations.downgrade("registrasi", url, "0001")  # the triggers, and only they, go
    assert set(Base.metadata.tables) <= table_names(url)
    assert triggers(url) == set()
    migrations.upgrade("registrasi", url)
    assert triggers(url) == expected_triggers
    migrations.downgrade("registrasi", url, "base")
    assert table_names(url) <= {"alembic_version"}
    assert triggers(url) == set()
    migrations.upgrade("registrasi", url)
    migrations.check("registrasi", url)
    assert triggers(url) == expected_triggers


def test_postgresql(pg_database):
    up_check_down_up(pg_database("registrasi_mig"), PG_TRIGGERS)


def test_sqlite(tmp_path):
    # no triggers on SQLite: the single-process development store (see 0002)
    up_check_down_up(f"sqlite:///{tmp_path / 'registrasi.db'}", set())
