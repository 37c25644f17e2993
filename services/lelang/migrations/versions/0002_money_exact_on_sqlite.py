"""money exact on SQLite: every amount column holds sen as an integer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-08

PostgreSQL: nothing; the columns stay ``NUMERIC(20, 2)``, which is exact.

SQLite: a ``NUMERIC`` column kept each amount as a 64-bit float, so a pagu of
``9999999999999999.99`` came back as ``10000000000000000.00``. The models now use
``services.common.sqltypes.Money``, which on SQLite is a ``BIGINT`` of sen. Here each
stored amount becomes ``ROUND(amount * 100)`` (an amount the float had already
rounded stays rounded: the lost digits are not in the file), then the column's type
becomes ``BIGINT`` (SQLite recreates the table for that: batch mode). Downgrade turns
sen back into rupiah and the columns back into ``NUMERIC(20, 2)``.

Recreating a table that others reference (rup, paket, lelang) needs foreign keys off
while it is dropped and renamed (SQLite refuses the implicit delete otherwise); they
are switched off outside the transaction, as SQLite requires, then on again, and
``PRAGMA foreign_key_check`` must find nothing before the migration ends.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NUMERIC = sa.Numeric(precision=20, scale=2)
#: table -> its amount columns and whether each may be NULL
MONEY_COLUMNS: dict[str, dict[str, bool]] = {
    "rup": {"pagu": False},
    "ambang_batas": {"nilai_minimum": False},
    "paket": {"pagu": False, "nilai_hps": False, "ambang_batas": True},
    "lelang": {"pagu": False, "nilai_hps": False},
    "penawaran": {"harga": True},
    "evaluasi": {"harga_terkoreksi": True},
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with _foreign_keys_off():
        for table, columns in MONEY_COLUMNS.items():
            for column in columns:
                op.execute(f"UPDATE {table} SET {column} = "
                           f"CAST(ROUND({column} * 100) AS INTEGER) "
                           f"WHERE {column} IS NOT NULL")
            with op.batch_alter_table(table) as batch:
                for column, nullable in columns.items():
                    batch.alter_column(column, type_=sa.BigInteger(),
                                       existing_type=NUMERIC,
                                       existing_nullable=nullable)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with _foreign_keys_off():
        for table, columns in MONEY_COLUMNS.items():
            with op.batch_alter_table(table) as batch:
                for column, nullable in columns.items():
                    batch.alter_column(column, type_=NUMERIC,
                                       existing_type=sa.BigInteger(),
                                       existing_nullable=nullable)
            for column in columns:
                op.execute(f"UPDATE {table} SET {column} = {column} / 100.0 "
                           f"WHERE {column} IS NOT NULL")


class _foreign_keys_off:  # noqa: N801 - used as a context manager
    """``PRAGMA foreign_keys`` is a no-op inside a transaction: switch it in an
    autocommit block, and check the references before switching it back on."""

    def __enter__(self) -> None:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"foreign keys broken by the migration: {broken}")
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")
