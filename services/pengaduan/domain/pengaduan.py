"""The complaint (pengaduan) lifecycle, DOMAIN §10.2 simplified.

``diterima`` -> ``diperiksa`` (with a klasifikasi) -> ``diteruskan`` ->
``ditindaklanjuti`` -> ``selesai``; or ``ditolak`` (with a reason) from
``diterima`` or ``diperiksa``. ``selesai`` and ``ditolak`` are final.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from services.common.errors import BadRequest, InvalidTransition


class JenisPengaduan(enum.StrEnum):
    LELANG = "lelang"  # about a lelang (Pasal 17)
    LAYANAN_LPSE = "layanan_lpse"  # about the LPSE's own service (Pasal 13(2)c)
    KKN = "kkn"  # a report of wrongdoing (whistleblowing): identity always protected


class StatusPengaduan(enum.StrEnum):
    DITERIMA = "diterima"  # received
    DIPERIKSA = "diperiksa"  # checked and classified (triage)
    DITERUSKAN = "diteruskan"  # forwarded to the body that handles it
    DITINDAKLANJUTI = "ditindaklanjuti"  # followed up
    SELESAI = "selesai"  # closed
    DITOLAK = "ditolak"  # rejected, with a reason


class KlasifikasiPengaduan(enum.StrEnum):
    """The triage outcome (DOMAIN §10.2 ``Triaged``)."""

    LAYANAN = "layanan"  # a service complaint, handled by the helpdesk
    PENYIMPANGAN_PENGADAAN = "penyimpangan_pengadaan"  # a procurement irregularity
    SALAH_SANGGAH = "salah_sanggah"  # a misfiled sanggah
    DI_LUAR_KEWENANGAN = "di_luar_kewenangan"  # out of the LPSE's scope


S = StatusPengaduan

#: allowed transitions: from -> the statuses it may move to
TRANSISI: dict[StatusPengaduan, frozenset[StatusPengaduan]] = {
    S.DITERIMA: frozenset({S.DIPERIKSA, S.DITOLAK}),
    S.DIPERIKSA: frozenset({S.DITERUSKAN, S.DITOLAK}),
    S.DITERUSKAN: frozenset({S.DITINDAKLANJUTI}),
    S.DITINDAKLANJUTI: frozenset({S.SELESAI}),
    S.SELESAI: frozenset(),
    S.DITOLAK: frozenset(),
}
FINAL = frozenset(s for s, targets in TRANSISI.items() if not targets)


@dataclass(frozen=True)
class Perubahan:
    """One accepted transition (what the use case records in the riwayat)."""

    dari: StatusPengaduan
    ke: StatusPengaduan
    klasifikasi: KlasifikasiPengaduan | None
    alasan: str | None

    @property
    def closes(self) -> bool:
        return self.ke in FINAL


def transition(current: StatusPengaduan, target: StatusPengaduan, *,
               klasifikasi: KlasifikasiPengaduan | None = None,
               alasan: str | None = None,
               has_tujuan: bool = False) -> Perubahan:
    """Check a move from ``current`` to ``target``.

    :raises InvalidTransition: ``PENGADUAN_TRANSITION_NOT_ALLOWED`` (with the allowed
        targets) or ``PENGADUAN_CLOSED`` from a final status.
    :raises BadRequest: ``KLASIFIKASI_REQUIRED`` (to ``diperiksa``),
        ``ALASAN_REQUIRED`` (to ``ditolak``), ``TUJUAN_REQUIRED`` (to ``diteruskan``).
    """
    if current in FINAL:
        raise InvalidTransition("PENGADUAN_CLOSED", "the complaint is closed",
                                {"status": str(current)})
    if target not in TRANSISI[current]:
        raise InvalidTransition(
            "PENGADUAN_TRANSITION_NOT_ALLOWED", "transition not allowed",
            {"dari": str(current), "ke": str(target),
             "allowed": sorted(str(s) for s in TRANSISI[current])})
    if target is S.DIPERIKSA and klasifikasi is None:
        raise BadRequest("KLASIFIKASI_REQUIRED", "classify the complaint first")
    if target is S.DITOLAK and not (alasan and alasan.strip()):
        raise BadRequest("ALASAN_REQUIRED", "a rejection needs a reason")
    if target is S.DITERUSKAN and not has_tujuan:
        raise BadRequest("TUJUAN_REQUIRED", "say to whom it is forwarded")
    return Perubahan(current, target,
                     klasifikasi if target is S.DIPERIKSA else None,
                     alasan if target is S.DITOLAK else None)
