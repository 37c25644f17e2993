"""Rupiah to the sen, and the Money column on SQLite (PostgreSQL: lelang's
integration tests, services/lelang/tests/integration/test_money.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from services.common.money import RUPIAH_MAX, SQLITE_MAX_SEN, from_sen, rupiah, to_sen
from services.common.sqltypes import Money


@pytest.mark.parametrize(("amount", "sen"), [
    (RUPIAH_MAX, 999_999_999_999_999_999), ("0", 0), ("0.01", 1), ("1250.5", 125_050),
    ("1.005", 101), ("-1.005", -101), ("0.004", 0), (Decimal("1e3"), 100_000),
    (7, 700), (0.1, 10), ("123456789012345678901234567890.12",
                          12345678901234567890123456789012),
])
def test_to_the_sen_and_back(amount, sen):
    assert to_sen(amount) == sen
    assert from_sen(sen) == rupiah(amount)
    assert from_sen(sen).as_tuple().exponent == -2


@pytest.mark.parametrize("amount", ["x", "NaN", "Infinity", float("inf"), None, [1]])
def test_not_an_amount(amount):
    with pytest.raises(ValueError):
        to_sen(amount)


@pytest.fixture
def engine(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}", poolclass=NullPool)
    yield engine
    engine.dispose()


def test_money_on_sqlite_is_an_integer_of_sen(engine):
    meta = sa.MetaData()
    table = sa.Table("t", meta, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("nilai", Money()))
    meta.create_all(engine)
    amounts = [RUPIAH_MAX, Decimal("0.01"), Decimal("-5.50"), None,
               from_sen(SQLITE_MAX_SEN)]
    with engine.begin() as conn:
        assert "BIGINT" in str(sa.schema.CreateTable(table).compile(engine))
        conn.execute(table.insert(), [{"nilai": a} for a in amounts])
        assert conn.exec_driver_sql("SELECT nilai FROM t ORDER BY id").scalars().all(
            ) == [None if a is None else to_sen(a) for a in amounts]
        assert conn.execute(sa.select(table.c.nilai).order_by(table.c.id)).scalars(
            ).all() == amounts
        with pytest.raises(sa.exc.StatementError):  # beyond 64 bits: refused
            conn.execute(table.insert(), {"nilai": from_sen(SQLITE_MAX_SEN + 1)})


def test_a_float_left_by_an_unmigrated_database_is_refused(engine):
    """Read as sen it would be a hundredth of the amount: say so instead."""
    meta = sa.MetaData()
    table = sa.Table("t", meta, sa.Column("nilai", Money()))
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1250.5)")
        with pytest.raises(ValueError, match="lpse migrate"):
            conn.execute(sa.select(table.c.nilai)).all()
