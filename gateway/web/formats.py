"""How the website shows times, dates, money and sizes (Indonesian conventions).

Every time is shown in WITA (Waktu Indonesia Tengah, UTC+8), Bali's time zone, the
one the Pokja's schedule means; a ``<time datetime>`` element keeps the exact
instant for machines.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup, escape

from services.common.contracts.base import FORBIDDEN_CHARACTERS

WITA = timezone(timedelta(hours=8), "WITA")
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")


def to_wita(value: datetime) -> datetime:
    if value.tzinfo is None:  # the contracts give aware datetimes; be safe anyway
        value = value.replace(tzinfo=UTC)
    return value.astimezone(WITA)


def tanggal(value: date | datetime | None) -> str:
    """``4 Maret 2013`` (a datetime is first moved to WITA)."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = to_wita(value).date()
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def waktu_text(value: datetime | None) -> str:
    """``4 Maret 2013 10.00 WITA``."""
    if value is None:
        return "-"
    local = to_wita(value)
    return f"{tanggal(local)} {local:%H.%M} WITA"


def waktu(value: datetime | None) -> Markup:
    """A ``<time>`` element with the WITA text and the exact instant."""
    if value is None:
        return Markup("-")
    iso = to_wita(value).isoformat(timespec="minutes")
    return Markup('<time datetime="{}">{}</time>').format(iso, waktu_text(value))


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def rupiah(value: Any) -> str:
    """``Rp1.500.000.000`` (``,50`` only when there are cents)."""
    if value is None or value == "":
        return "-"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    text = f"{sign}Rp{_group(whole)}"
    return f"{text},{cents}" if cents != "00" else text


def angka(value: Any) -> str:
    """An integer with Indonesian thousands separators."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    return _group(str(number)) if number >= 0 else f"-{_group(str(-number))}"


def ukuran(size: int | None) -> str:
    """A file size: ``12 KB``, ``1,5 MB``."""
    if not size:
        return "-"
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def ya_tidak(value: bool | None) -> str:
    return "-" if value is None else ("Lulus" if value else "Tidak lulus")


#: characters HTML forbids in a document: the API refuses them in any request now, but
#: a name stored before that (or by an older client) must not make a page invalid, so
#: output drops them
_NOT_IN_HTML = FORBIDDEN_CHARACTERS


def html_text(value: Any) -> Any:
    """Every value a template prints, without the characters HTML forbids."""
    if isinstance(value, str) and _NOT_IN_HTML.search(value):
        cleaned = _NOT_IN_HTML.sub("", value)
        return type(value)(cleaned) if isinstance(value, Markup) else cleaned
    return value


def register_filters(env: Any) -> None:
    """Make these available in the templates; printed values drop the characters
    HTML forbids (:func:`html_text`)."""
    env.finalize = html_text
    env.filters.update(tanggal=tanggal, waktu=waktu, waktu_text=waktu_text,
                       rupiah=rupiah, angka=angka, ukuran=ukuran, lulus=ya_tidak,
                       e=escape)
