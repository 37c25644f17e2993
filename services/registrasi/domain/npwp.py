"""NPWP (Nomor Pokok Wajib Pajak), the tax id of a penyedia: checked and normalised."""

from __future__ import annotations

import re

from services.common.errors import BadRequest

_NPWP_DOTTED = re.compile(r"^\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}$")
_NPWP_DIGITS = re.compile(r"^\d{15}(\d)?$")


def normalise_npwp(value: str) -> str:
    """NPWP as stored: 15 or 16 digits, from the plain or the dotted form.

    ``01.234.567.8-901.000`` and ``012345678901000`` both give ``012345678901000``.

    :raises BadRequest: ``NPWP_INVALID``.
    """
    text = (value or "").strip()
    if _NPWP_DOTTED.match(text):
        text = text.replace(".", "").replace("-", "")
    if not _NPWP_DIGITS.match(text) or set(text) == {"0"}:
        raise BadRequest(
            "NPWP_INVALID", "NPWP must have 15 or 16 digits", {"npwp": value}
        )
    return text
