"""Rupiah amounts: the largest one the platform accepts (:data:`RUPIAH_MAX`),
rounding to the sen, and sen as integers. Framework-free; the column type built on
it is :class:`services.common.sqltypes.Money`.

Why a column type of our own: SQLAlchemy's ``Numeric`` is exact on PostgreSQL but
SQLite has no decimal type - a ``NUMERIC`` column keeps a fraction as a 64-bit float,
and SQLAlchemy hands it floats - so the zero-set-up default stored a pagu of
``9999999999999999.99`` and gave back ``10000000000000000.00``. ``Money`` is
``NUMERIC(20, 2)`` on PostgreSQL (unchanged) and on SQLite an ``INTEGER`` of sen
(hundredths of a rupiah): exact, and it sorts, compares and sums as numbers in SQL.
Values go in and come out as :class:`~decimal.Decimal` with two places either way; a
fraction of a sen is rounded half away from zero, as PostgreSQL does.

The bound: :data:`RUPIAH_MAX` (Rp 9.999.999.999.999.999,99) is the largest amount
the contracts and the gateway accept. It is far beyond any procurement of a
kabupaten; in sen it is about a ninth of SQLite's largest integer, so a sum of a few
such amounts still fits. An amount beyond what a column can hold
(:data:`SQLITE_MAX_SEN` sen on SQLite, below ``10**18`` rupiah on PostgreSQL) is
refused with an error, never stored rounded.

Existing SQLite databases hold rupiah as floats: lelang's migration ``0002`` turns
them into sen (an amount the float had already rounded stays rounded).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

#: the largest amount any contract accepts (16 digits, 2 decimals)
RUPIAH_MAX = Decimal("9999999999999999.99")
SEN = Decimal("0.01")
#: SQLite's INTEGER is a signed 64-bit number
SQLITE_MAX_SEN = 2**63 - 1
PRECISION, SCALE = 20, 2


def rupiah(amount: Any) -> Decimal:
    """An amount as a Decimal with exactly two places, a fraction of a sen rounded
    half away from zero (``1.005`` -> ``1.01``), however many digits it has.

    :raises ValueError: not a finite number."""
    if isinstance(amount, float):
        amount = str(amount)  # the shortest decimal that reads back as this float
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + SCALE + 2)
        return value.quantize(SEN, rounding=ROUND_HALF_UP)


def to_sen(amount: Any) -> int:
    """``Decimal('1250.50')`` -> ``125050`` (rounded as :func:`rupiah` does)."""
    sign, digits, _ = rupiah(amount).as_tuple()  # the exponent is -SCALE
    sen = int("".join(map(str, digits)))
    return -sen if sign else sen


def from_sen(sen: int) -> Decimal:
    """``125050`` -> ``Decimal('1250.50')``, exactly."""
    sign, digits, _ = Decimal(sen).as_tuple()
    return Decimal((sign, digits, -SCALE))
