"""The wire enums (contracts) and the domain enums never drift apart."""

import pytest

from services.common.contracts import pengaduan as contracts
from services.pengaduan import domain


@pytest.mark.parametrize("name", ["JenisPengaduan", "StatusPengaduan",
                                  "KlasifikasiPengaduan", "PeranPenerima",
                                  "StatusPengiriman"])
def test_wire_enum_equals_domain_enum(name):
    wire = {m.value for m in getattr(contracts, name)}
    assert wire == {m.value for m in getattr(domain, name)}


def test_statuses_fit_their_columns():
    assert max(len(s.value) for s in domain.StatusPengaduan) <= 20
    assert max(len(k.value) for k in domain.KlasifikasiPengaduan) <= 40
