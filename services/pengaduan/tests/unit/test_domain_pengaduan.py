"""The complaint lifecycle's transition table (DOMAIN §10.2, simplified)."""

import pytest

from services.common.errors import BadRequest, InvalidTransition
from services.pengaduan.domain import (
    FINAL,
    TRANSISI,
    KlasifikasiPengaduan,
    StatusPengaduan,
    transition,
)

S = StatusPengaduan
K = KlasifikasiPengaduan

ALLOWED = [
    (S.DITERIMA, S.DIPERIKSA),
    (S.DITERIMA, S.DITOLAK),
    (S.DIPERIKSA, S.DITERUSKAN),
    (S.DIPERIKSA, S.DITOLAK),
    (S.DITERUSKAN, S.DITINDAKLANJUTI),
    (S.DITINDAKLANJUTI, S.SELESAI),
]


def test_the_table_is_exactly_the_allowed_list():
    table = {(a, b) for a, targets in TRANSISI.items() for b in targets}
    assert table == set(ALLOWED)
    assert set(TRANSISI) == set(S)
    assert FINAL == {S.SELESAI, S.DITOLAK}


@pytest.mark.parametrize(("dari", "ke"), ALLOWED, ids=lambda s: str(s))
def test_every_allowed_transition(dari, ke):
    change = transition(dari, ke, klasifikasi=K.LAYANAN, alasan="tidak lengkap",
                        has_tujuan=True)
    assert (change.dari, change.ke) == (dari, ke)
    assert change.closes == (ke in FINAL)
    assert (change.klasifikasi is not None) == (ke is S.DIPERIKSA)
    assert (change.alasan is not None) == (ke is S.DITOLAK)


REFUSED = [
    (S.DITERIMA, S.DITERUSKAN),  # no triage skipped
    (S.DITERIMA, S.SELESAI),
    (S.DITERIMA, S.DITERIMA),
    (S.DIPERIKSA, S.DITINDAKLANJUTI),
    (S.DIPERIKSA, S.DITERIMA),  # no way back
    (S.DITERUSKAN, S.DITOLAK),  # rejected only before forwarding
    (S.DITERUSKAN, S.SELESAI),
    (S.DITINDAKLANJUTI, S.DITERUSKAN),
]


@pytest.mark.parametrize(("dari", "ke"), REFUSED, ids=lambda s: str(s))
def test_refused_transitions_have_a_stable_code(dari, ke):
    with pytest.raises(InvalidTransition) as err:
        transition(dari, ke, klasifikasi=K.LAYANAN, alasan="x" * 5, has_tujuan=True)
    assert err.value.code == "PENGADUAN_TRANSITION_NOT_ALLOWED"
    assert err.value.details["allowed"] == sorted(str(s) for s in TRANSISI[dari])


@pytest.mark.parametrize("final", [S.SELESAI, S.DITOLAK])
@pytest.mark.parametrize("ke", list(S))
def test_nothing_leaves_a_final_status(final, ke):
    with pytest.raises(InvalidTransition) as err:
        transition(final, ke, klasifikasi=K.LAYANAN, alasan="alasan", has_tujuan=True)
    assert err.value.code == "PENGADUAN_CLOSED"


@pytest.mark.parametrize(("dari", "ke", "kwargs", "code"), [
    (S.DITERIMA, S.DIPERIKSA, {}, "KLASIFIKASI_REQUIRED"),
    (S.DITERIMA, S.DITOLAK, {}, "ALASAN_REQUIRED"),
    (S.DIPERIKSA, S.DITOLAK, {"alasan": "   "}, "ALASAN_REQUIRED"),
    (S.DIPERIKSA, S.DITERUSKAN, {}, "TUJUAN_REQUIRED"),
])
def test_what_a_transition_needs(dari, ke, kwargs, code):
    with pytest.raises(BadRequest) as err:
        transition(dari, ke, **kwargs)
    assert err.value.code == code
