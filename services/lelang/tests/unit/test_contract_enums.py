"""The wire enums (contracts) and the domain enums never drift apart."""

import pytest

from services.common.contracts import lelang as contracts
from services.lelang import domain


@pytest.mark.parametrize("name", ["KategoriPengadaan", "MetodeLelang",
                                  "MetodeEvaluasi", "Sampul", "StatusLelang"])
def test_wire_enum_equals_domain_enum(name):
    wire = {m.value for m in getattr(contracts, name)}
    assert wire == {m.value for m in getattr(domain, name)}


def test_every_stage_fits_the_wire_field():
    assert max(len(t.value) for t in domain.TahapanLelang) <= 60
