"""SQLAlchemy column types of the platform beyond ``services.common.db``'s
``UTCDateTime``: :class:`Money`, exact on SQLite too (see :mod:`services.common.money`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from services.common.money import (
    PRECISION,
    SCALE,
    SQLITE_MAX_SEN,
    from_sen,
    rupiah,
    to_sen,
)


class Money(TypeDecorator[Decimal]):
    """A rupiah column: ``NUMERIC(20, 2)`` on PostgreSQL, sen as ``BIGINT`` on SQLite.

    Use it for every amount of money (pagu, HPS, harga, nilai, ambang batas)."""

    impl = Numeric(PRECISION, SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(PRECISION, SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name != "sqlite":
            return rupiah(value)  # PostgreSQL refuses what NUMERIC(20, 2) cannot hold
        sen = to_sen(value)
        if abs(sen) > SQLITE_MAX_SEN:
            raise ValueError(f"amount {value} does not fit a money column")
        return sen

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            if not isinstance(value, int):
                # a float here is an amount written before migration 0002
                raise ValueError(f"money column holds {value!r}, not sen: run the "
                                 "service's migrations (lpse migrate)")
            return from_sen(value)
        return rupiah(value)
