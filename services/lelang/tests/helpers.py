"""Builders for lelang's domain tests: fixed WITA datetimes, valid schedules."""

from __future__ import annotations

from datetime import date, datetime, time

from services.lelang.domain import WITA, Kalender, MetodeLelang, propose_jadwal
from services.lelang.domain import TahapanLelang as T

M = MetodeLelang


def wita(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WITA)


def build_jadwal(metode, ruleset, kalender: Kalender, start: date):
    """A schedule that is valid by construction (``propose_jadwal``): stages one
    after the other, each the rule-set minimum (at least a day) long, 08:00 to
    16:00 WITA, ending on a working day."""
    return [tuple(e) for e in propose_jadwal(metode, ruleset, kalender, start)]


# The stage sequences of DOMAIN §6.1-§6.3, written out by hand (not derived from
# METODE_DEFINITIONS) so the tests can catch a wrong definition.
_PASCA_OPENING = [
    T.PENGUMUMAN,
    T.PENDAFTARAN_DAN_UNDUH_DOKUMEN,
    T.PEMBERIAN_PENJELASAN,
    T.UPLOAD_PENAWARAN,
]
_PRA_OPENING = [
    T.PENGUMUMAN_PRAKUALIFIKASI,
    T.UNDUH_DOKUMEN_KUALIFIKASI,
    T.PENJELASAN_PRAKUALIFIKASI,
    T.UPLOAD_KUALIFIKASI,
    T.EVALUASI_KUALIFIKASI,
    T.PEMBUKTIAN_KUALIFIKASI,
    T.PENETAPAN_HASIL_KUALIFIKASI,
    T.PENGUMUMAN_HASIL_PRAKUALIFIKASI,
    T.SANGGAH_PRAKUALIFIKASI,
    T.UNDUH_DOKUMEN_PEMILIHAN,
    T.PEMBERIAN_PENJELASAN,
    T.UPLOAD_PENAWARAN,
]
_1_FILE = [T.PEMBUKAAN_PENAWARAN, T.EVALUASI_PENAWARAN]
_2_FILE = [
    T.PEMBUKAAN_EVALUASI_FILE_1,
    T.PENGUMUMAN_HASIL_EVALUASI_FILE_1,
    T.PEMBUKAAN_EVALUASI_FILE_2,
]
_CLOSING = [
    T.UPLOAD_BAHP,
    T.PENETAPAN_PEMENANG,
    T.PENGUMUMAN_PEMENANG,
    T.SANGGAH,
    T.PENUNJUKAN_PENYEDIA,
    T.PENANDATANGANAN_KONTRAK,
]
EXPECTED_SEQUENCE = {
    M.PASCAKUALIFIKASI_1_FILE: _PASCA_OPENING
    + _1_FILE
    + [T.PEMBUKTIAN_KUALIFIKASI]
    + _CLOSING,
    M.PASCAKUALIFIKASI_2_FILE: _PASCA_OPENING
    + _2_FILE
    + [T.PEMBUKTIAN_KUALIFIKASI]
    + _CLOSING,
    M.PRAKUALIFIKASI_1_FILE: _PRA_OPENING + _1_FILE + _CLOSING,
    M.PRAKUALIFIKASI_2_FILE: _PRA_OPENING + _2_FILE + _CLOSING,
}
