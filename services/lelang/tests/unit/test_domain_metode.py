import dataclasses

import pytest

from services.common.errors import BadRequest
from services.lelang.domain import (
    METODE_DEFINITIONS,
    LelangAction,
    MetodeEvaluasi,
    MetodeLelang,
    Sampul,
    check_metode_evaluasi,
    metode_definition,
)
from services.lelang.domain import TahapanLelang as T
from services.lelang.tests.helpers import EXPECTED_SEQUENCE

M = MetodeLelang


@pytest.mark.parametrize(
    "metode, expected",
    [
        (
            M.PASCAKUALIFIKASI_1_FILE,
            EXPECTED_SEQUENCE[M.PASCAKUALIFIKASI_1_FILE],
        ),
        (
            M.PASCAKUALIFIKASI_2_FILE,
            EXPECTED_SEQUENCE[M.PASCAKUALIFIKASI_2_FILE],
        ),
        (M.PRAKUALIFIKASI_1_FILE, EXPECTED_SEQUENCE[M.PRAKUALIFIKASI_1_FILE]),
        (M.PRAKUALIFIKASI_2_FILE, EXPECTED_SEQUENCE[M.PRAKUALIFIKASI_2_FILE]),
    ],
)
def test_each_method_has_the_domain_sequence(metode, expected):
    assert list(metode_definition(metode).tahapan_list) == expected


@pytest.mark.parametrize(
    "metode, opened",
    [
        (M.PASCAKUALIFIKASI_1_FILE, [Sampul.SINGLE]),
        (M.PRAKUALIFIKASI_1_FILE, [Sampul.SINGLE]),
        (M.PASCAKUALIFIKASI_2_FILE, [Sampul.FILE_1, Sampul.FILE_2]),
        (M.PRAKUALIFIKASI_2_FILE, [Sampul.FILE_1, Sampul.FILE_2]),
    ],
)
def test_envelopes_open_once_each_in_order(metode, opened):
    definition = metode_definition(metode)
    assert [s.opens for s in definition.stages if s.opens] == opened
    assert list(definition.sampul) == opened


@pytest.mark.parametrize("metode", list(M))
def test_only_the_upload_stage_takes_penawaran(metode):
    stages = [
        s.tahapan
        for s in metode_definition(metode).stages
        if LelangAction.UPLOAD_PENAWARAN in s.allows
    ]
    assert stages == [T.UPLOAD_PENAWARAN]


@pytest.mark.parametrize(
    "metode, prakualifikasi",
    [
        (M.PASCAKUALIFIKASI_1_FILE, False),
        (M.PASCAKUALIFIKASI_2_FILE, False),
        (M.PRAKUALIFIKASI_1_FILE, True),
        (M.PRAKUALIFIKASI_2_FILE, True),
    ],
)
def test_prakualifikasi_flag_matches_the_stages(metode, prakualifikasi):
    definition = metode_definition(metode)
    assert definition.prakualifikasi is prakualifikasi
    assert (T.UPLOAD_KUALIFIKASI in definition.tahapan_list) is prakualifikasi


def test_overlap_is_symmetric_and_only_where_declared():
    d = metode_definition(M.PASCAKUALIFIKASI_1_FILE)
    assert d.may_overlap(T.UPLOAD_PENAWARAN, T.PENDAFTARAN_DAN_UNDUH_DOKUMEN)
    assert d.may_overlap(T.PENDAFTARAN_DAN_UNDUH_DOKUMEN, T.UPLOAD_PENAWARAN)
    assert not d.may_overlap(T.UPLOAD_PENAWARAN, T.PEMBUKAAN_PENAWARAN)
    assert not d.may_overlap(T.UPLOAD_PENAWARAN, T.UPLOAD_KUALIFIKASI)


@pytest.mark.parametrize(
    "metode, evaluasi, ok",
    [
        (M.PASCAKUALIFIKASI_1_FILE, MetodeEvaluasi.SISTEM_GUGUR, True),
        (M.PASCAKUALIFIKASI_1_FILE, MetodeEvaluasi.SISTEM_NILAI, False),
        (M.PRAKUALIFIKASI_1_FILE, MetodeEvaluasi.UMUR_EKONOMIS, False),
        (M.PASCAKUALIFIKASI_2_FILE, MetodeEvaluasi.SISTEM_NILAI, True),
        (M.PRAKUALIFIKASI_2_FILE, MetodeEvaluasi.UMUR_EKONOMIS, True),
        (M.PRAKUALIFIKASI_2_FILE, MetodeEvaluasi.SISTEM_GUGUR, False),
    ],
)
def test_evaluation_method_pairing(metode, evaluasi, ok):
    if ok:
        check_metode_evaluasi(metode, evaluasi)
    else:
        with pytest.raises(BadRequest) as exc:
            check_metode_evaluasi(metode, evaluasi)
        assert exc.value.code == "METODE_EVALUASI_NOT_ALLOWED"


def test_unknown_method_is_refused():
    with pytest.raises(BadRequest) as exc:
        metode_definition("lelang_cepat")
    assert exc.value.code == "METODE_UNKNOWN"


def test_definitions_are_immutable_data():
    d = METODE_DEFINITIONS[M.PASCAKUALIFIKASI_1_FILE]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.stages = ()
    assert metode_definition("pascakualifikasi_1_file") is d
