"""The website names what the lelang service sends: every status of the contract and
every history entry of the domain has its Indonesian label, so none shows as a raw
code (the gateway may not import a service, so the check lives here)."""

from __future__ import annotations

from gateway.web import labels
from services.common.contracts.lelang import StatusLelang
from services.lelang.domain import JenisTransisi


def test_every_lelang_status_has_an_indonesian_label():
    assert set(labels.STATUS_LELANG) == {str(s) for s in StatusLelang}


def test_every_history_entry_has_an_indonesian_label():
    assert set(labels.RIWAYAT) == {str(j) for j in JenisTransisi}
