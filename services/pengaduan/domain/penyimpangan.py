"""A deviation report (laporan penyimpangan, Pasal 18) and its delivery state.

Each addressee (the agency's PA/KPA, the lelang's PPK, every Inspektorat address)
has its own delivery state, updated by notifikasi: ``menunggu`` -> ``terkirim`` or
``gagal``; a failed delivery may be retried (``gagal`` -> ``terkirim``/``gagal``);
``terkirim`` is final and a repeated ``terkirim`` changes nothing.
"""

from __future__ import annotations

import enum

from services.common.errors import InvalidTransition


class PeranPenerima(enum.StrEnum):
    PA_KPA = "pa_kpa"  # the agency's PA and KPA
    PPK = "ppk"  # the lelang's PPK
    INSPEKTORAT = "inspektorat"  # the copy (tembusan)


class StatusPengiriman(enum.StrEnum):
    MENUNGGU = "menunggu"
    TERKIRIM = "terkirim"
    GAGAL = "gagal"


_P = StatusPengiriman
PENGIRIMAN: dict[StatusPengiriman, frozenset[StatusPengiriman]] = {
    _P.MENUNGGU: frozenset({_P.TERKIRIM, _P.GAGAL}),
    _P.GAGAL: frozenset({_P.TERKIRIM, _P.GAGAL}),
    _P.TERKIRIM: frozenset(),
}


def delivery(current: StatusPengiriman, target: StatusPengiriman) -> bool:
    """Whether recording ``target`` changes anything (False: a repeat of a
    delivered one).

    :raises InvalidTransition: ``PENGIRIMAN_ALREADY_DELIVERED`` (a failure reported
        after the delivery) or ``PENGIRIMAN_TRANSITION_NOT_ALLOWED``.
    """
    if current is _P.TERKIRIM and target is _P.TERKIRIM:
        return False
    if current is _P.TERKIRIM:
        raise InvalidTransition("PENGIRIMAN_ALREADY_DELIVERED",
                                "already delivered", {"status": str(current)})
    if target not in PENGIRIMAN[current]:
        raise InvalidTransition("PENGIRIMAN_TRANSITION_NOT_ALLOWED",
                                "delivery state change not allowed",
                                {"dari": str(current), "ke": str(target)})
    return True
