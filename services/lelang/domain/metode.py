"""The four e-lelang umum methods as data (DOMAIN §5.1(c), §6; ARCHITECTURE #8).

One table, :data:`METODE_DEFINITIONS`, gives for each :class:`MetodeLelang` its
ordered stages, what each stage allows, which sampul (envelope) a stage opens, which
stages may run at the same time, and the evaluation methods it may be paired with.
The stage engine reads this table; there is no per-method code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from services.common.errors import BadRequest

from .tahapan import TahapanLelang as T


class MetodeLelang(enum.StrEnum):
    PASCAKUALIFIKASI_1_FILE = "pascakualifikasi_1_file"
    PASCAKUALIFIKASI_2_FILE = "pascakualifikasi_2_file"
    PRAKUALIFIKASI_1_FILE = "prakualifikasi_1_file"
    PRAKUALIFIKASI_2_FILE = "prakualifikasi_2_file"


class MetodeEvaluasi(enum.StrEnum):
    """DOMAIN §7 [K: Perpres 54 Pasal 48-49]."""

    SISTEM_GUGUR = "sistem_gugur"
    SISTEM_NILAI = "sistem_nilai"
    UMUR_EKONOMIS = "umur_ekonomis"


class Sampul(enum.StrEnum):
    """Which sealed envelope a stage opens (ARCHITECTURE #9)."""

    SINGLE = "single"
    FILE_1 = "file_1"
    FILE_2 = "file_2"


class LelangAction(enum.StrEnum):
    """What a stage lets someone do; the service checks the actor's role too."""

    REGISTER_PESERTA = "register_peserta"
    DOWNLOAD_DOKUMEN = "download_dokumen"
    ASK_PENJELASAN = "ask_penjelasan"
    ANSWER_PENJELASAN = "answer_penjelasan"
    ISSUE_ADENDUM = "issue_adendum"
    SUBMIT_KUALIFIKASI = "submit_kualifikasi"
    EVALUATE_KUALIFIKASI = "evaluate_kualifikasi"
    VERIFY_KUALIFIKASI = "verify_kualifikasi"
    DECIDE_KUALIFIKASI = "decide_kualifikasi"
    ANNOUNCE_HASIL_KUALIFIKASI = "announce_hasil_kualifikasi"
    UPLOAD_PENAWARAN = "upload_penawaran"
    WITHDRAW_PENAWARAN = "withdraw_penawaran"
    OPEN_PENAWARAN = "open_penawaran"
    EVALUATE_PENAWARAN = "evaluate_penawaran"
    ANNOUNCE_HASIL_EVALUASI = "announce_hasil_evaluasi"
    UPLOAD_BAHP = "upload_bahp"
    DECIDE_PEMENANG = "decide_pemenang"
    ANNOUNCE_PEMENANG = "announce_pemenang"
    FILE_SANGGAH = "file_sanggah"
    ANSWER_SANGGAH = "answer_sanggah"
    ISSUE_SPPBJ = "issue_sppbj"
    SIGN_KONTRAK = "sign_kontrak"


A = LelangAction


@dataclass(frozen=True)
class StageDefinition:
    tahapan: T
    allows: frozenset[LelangAction] = frozenset()
    opens: Sampul | None = None
    optional: bool = False
    # stages this one may share time with, either way round (e.g. the document
    # download stays open through aanwijzing and bid upload, DOMAIN §6.1 row 2)
    overlaps: frozenset[T] = frozenset()


@dataclass(frozen=True)
class MetodeDefinition:
    metode: MetodeLelang
    prakualifikasi: bool
    sampul: tuple[Sampul, ...]
    stages: tuple[StageDefinition, ...]
    evaluasi: frozenset[MetodeEvaluasi]

    def stage(self, tahapan: T) -> StageDefinition | None:
        return next((s for s in self.stages if s.tahapan == tahapan), None)

    def may_overlap(self, a: T, b: T) -> bool:
        sa, sb = self.stage(a), self.stage(b)
        return bool(sa and sb and (b in sa.overlaps or a in sb.overlaps))

    @property
    def tahapan_list(self) -> tuple[T, ...]:
        return tuple(s.tahapan for s in self.stages)


def _s(tahapan, allows=(), opens=None, optional=False, overlaps=()) -> StageDefinition:
    return StageDefinition(
        tahapan, frozenset(allows), opens, optional, frozenset(overlaps)
    )


_DOWNLOAD = (A.REGISTER_PESERTA, A.DOWNLOAD_DOKUMEN)
# Adendum may be issued while peserta still prepare their bids (DOMAIN §6.1 "-");
# the "up to 2 days before the upload deadline" cut-off [S:13] is for the next step.
_PENJELASAN = (A.ASK_PENJELASAN, A.ANSWER_PENJELASAN, A.ISSUE_ADENDUM)
_UPLOAD = (A.UPLOAD_PENAWARAN, A.WITHDRAW_PENAWARAN, A.ISSUE_ADENDUM)

# Aanwijzing starts "earliest 3 hk after the announcement starts" [S:16b] [?], so
# it may fall inside the 7-hk announcement; the download runs until the upload ends.
_PASCA_OPENING = (
    _s(T.PENGUMUMAN),
    _s(
        T.PENDAFTARAN_DAN_UNDUH_DOKUMEN,
        _DOWNLOAD,
        overlaps=[T.PENGUMUMAN, T.PEMBERIAN_PENJELASAN, T.UPLOAD_PENAWARAN],
    ),
    _s(T.PEMBERIAN_PENJELASAN, _PENJELASAN, overlaps=[T.PENGUMUMAN]),
    _s(T.UPLOAD_PENAWARAN, _UPLOAD),
)

_PRA_QUALIFICATION = (
    _s(T.PENGUMUMAN_PRAKUALIFIKASI),
    _s(
        T.UNDUH_DOKUMEN_KUALIFIKASI,
        _DOWNLOAD,
        overlaps=[
            T.PENGUMUMAN_PRAKUALIFIKASI,
            T.PENJELASAN_PRAKUALIFIKASI,
            T.UPLOAD_KUALIFIKASI,
        ],
    ),
    _s(
        T.PENJELASAN_PRAKUALIFIKASI,
        _PENJELASAN,
        optional=True,
        overlaps=[T.PENGUMUMAN_PRAKUALIFIKASI],
    ),
    _s(
        T.UPLOAD_KUALIFIKASI,
        [A.SUBMIT_KUALIFIKASI],
        overlaps=[T.PENGUMUMAN_PRAKUALIFIKASI, T.PENJELASAN_PRAKUALIFIKASI],
    ),
    _s(T.EVALUASI_KUALIFIKASI, [A.EVALUATE_KUALIFIKASI]),
    _s(T.PEMBUKTIAN_KUALIFIKASI, [A.VERIFY_KUALIFIKASI]),
    _s(T.PENETAPAN_HASIL_KUALIFIKASI, [A.DECIDE_KUALIFIKASI]),
    _s(T.PENGUMUMAN_HASIL_PRAKUALIFIKASI, [A.ANNOUNCE_HASIL_KUALIFIKASI]),
    # no sanggah banding against a prakualifikasi result [S:16b] [K]
    _s(T.SANGGAH_PRAKUALIFIKASI, [A.FILE_SANGGAH, A.ANSWER_SANGGAH]),
    _s(
        T.UNDUH_DOKUMEN_PEMILIHAN,
        [A.DOWNLOAD_DOKUMEN],
        overlaps=[T.PEMBERIAN_PENJELASAN, T.UPLOAD_PENAWARAN],
    ),
    _s(T.PEMBERIAN_PENJELASAN, _PENJELASAN),
    _s(T.UPLOAD_PENAWARAN, _UPLOAD),
)

_OPEN_1_FILE = (
    _s(T.PEMBUKAAN_PENAWARAN, [A.OPEN_PENAWARAN], opens=Sampul.SINGLE),
    _s(T.EVALUASI_PENAWARAN, [A.EVALUATE_PENAWARAN]),
)

# File I and File II are uploaded in the same stage [K]; DOMAIN §6.2, §18 item 5.
# A sanggah after the File I result is not a stage (DOMAIN §6.2: default off).
_OPEN_2_FILE = (
    _s(
        T.PEMBUKAAN_EVALUASI_FILE_1,
        [A.OPEN_PENAWARAN, A.EVALUATE_PENAWARAN],
        opens=Sampul.FILE_1,
    ),
    _s(T.PENGUMUMAN_HASIL_EVALUASI_FILE_1, [A.ANNOUNCE_HASIL_EVALUASI]),
    _s(
        T.PEMBUKAAN_EVALUASI_FILE_2,
        [A.OPEN_PENAWARAN, A.EVALUATE_PENAWARAN],
        opens=Sampul.FILE_2,
    ),
)

_PEMBUKTIAN = (_s(T.PEMBUKTIAN_KUALIFIKASI, [A.VERIFY_KUALIFIKASI]),)

_CLOSING = (
    _s(T.UPLOAD_BAHP, [A.UPLOAD_BAHP]),
    _s(T.PENETAPAN_PEMENANG, [A.DECIDE_PEMENANG]),
    _s(T.PENGUMUMAN_PEMENANG, [A.ANNOUNCE_PEMENANG]),
    _s(T.SANGGAH, [A.FILE_SANGGAH, A.ANSWER_SANGGAH]),
    _s(T.PENUNJUKAN_PENYEDIA, [A.ISSUE_SPPBJ]),
    _s(T.PENANDATANGANAN_KONTRAK, [A.SIGN_KONTRAK]),
)

# 1 file goes with sistem gugur, 2 file with sistem nilai or umur ekonomis
# (DOMAIN §7 [K] [S:42]).
_EVALUASI_1_FILE = frozenset({MetodeEvaluasi.SISTEM_GUGUR})
_EVALUASI_2_FILE = frozenset(
    {MetodeEvaluasi.SISTEM_NILAI, MetodeEvaluasi.UMUR_EKONOMIS}
)
_SINGLE = (Sampul.SINGLE,)
_TWO = (Sampul.FILE_1, Sampul.FILE_2)
M = MetodeLelang

METODE_DEFINITIONS: dict[MetodeLelang, MetodeDefinition] = {
    d.metode: d
    for d in (
        # DOMAIN §6.1
        MetodeDefinition(
            M.PASCAKUALIFIKASI_1_FILE,
            False,
            _SINGLE,
            _PASCA_OPENING + _OPEN_1_FILE + _PEMBUKTIAN + _CLOSING,
            _EVALUASI_1_FILE,
        ),
        # DOMAIN §6.2: "Evaluasi/Pembuktian Kualifikasi -> Upload BAHP -> ..."
        MetodeDefinition(
            M.PASCAKUALIFIKASI_2_FILE,
            False,
            _TWO,
            _PASCA_OPENING + _OPEN_2_FILE + _PEMBUKTIAN + _CLOSING,
            _EVALUASI_2_FILE,
        ),
        # DOMAIN §6.3: qualification is not re-proved after the bids
        MetodeDefinition(
            M.PRAKUALIFIKASI_1_FILE,
            True,
            _SINGLE,
            _PRA_QUALIFICATION + _OPEN_1_FILE + _CLOSING,
            _EVALUASI_1_FILE,
        ),
        # DOMAIN §6.3 lists no Upload BAHP here; kept for every method, since
        # penetapan pemenang rests on the BAHP (§6.1 row 8) - see the step report.
        MetodeDefinition(
            M.PRAKUALIFIKASI_2_FILE,
            True,
            _TWO,
            _PRA_QUALIFICATION + _OPEN_2_FILE + _CLOSING,
            _EVALUASI_2_FILE,
        ),
    )
}


def metode_definition(metode: MetodeLelang | str) -> MetodeDefinition:
    try:
        return METODE_DEFINITIONS[MetodeLelang(metode)]
    except ValueError:
        raise BadRequest("METODE_UNKNOWN", "", {"metode": str(metode)}) from None


def check_metode_evaluasi(metode: MetodeLelang, evaluasi: MetodeEvaluasi) -> None:
    """Raise ``BadRequest(METODE_EVALUASI_NOT_ALLOWED)`` for a pairing DOMAIN §7
    does not allow."""
    definition = metode_definition(metode)
    if evaluasi not in definition.evaluasi:
        raise BadRequest(
            "METODE_EVALUASI_NOT_ALLOWED",
            "",
            {
                "metode": str(metode),
                "evaluasi": str(evaluasi),
                "allowed": sorted(definition.evaluasi),
            },
        )
