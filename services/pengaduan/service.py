"""pengaduan - complaints (Perbup 30/2012 Pasal 13(2)c, 17) and deviation reports
(Pasal 18).

Service card
------------
RPCs (contracts in ``services/common/contracts/pengaduan.py``; * = idempotent):
  pengaduan     file_pengaduan* (anyone, anonymous allowed), change_pengaduan_status*
                (LPSE staff), get_pengaduan, list_pengaduan, track_pengaduan (code +
                secret, no account)
  penyimpangan  report_penyimpangan* (LPSE staff), get_penyimpangan,
                list_penyimpangan, record_penyimpangan_delivery* (notifikasi)
  ping
Events published (exchange ``pengaduan.events``, through the outbox):
  pengaduan_filed, pengaduan_status_changed, pengaduan_forwarded, pengaduan_closed,
  penyimpangan_reported.
Events consumed: lelang.lelang_announced (the lelang's Pokja, PPK and agency, for
the access rule). Calls no other service.
"""

from __future__ import annotations

from typing import Any

from services.common.contracts import lelang as lelang_contracts
from services.common.contracts import pengaduan as contracts
from services.common.db import UnitOfWork
from services.common.messaging import (
    Event,
    consumes,
    implements,
    use_case_entrypoint,
)
from services.common.metrics import Metrics
from services.common.outbox import OutboxRelay
from services.common.providers import ClockProvider
from services.pengaduan import usecases
from services.pengaduan.dependencies import BlobsProvider, PenerimaProvider
from services.pengaduan.storage.models import INFRA
from services.pengaduan.storage.repository import REPOSITORIES

Request = dict[str, Any]


def _entry(contract: Any, name: str) -> Any:
    """The entrypoint of the use case ``name`` (``use_case_entrypoint``)."""
    return use_case_entrypoint(contract, getattr(usecases, name))


class PengaduanService:
    """Entrypoints only: each loads its contract, calls one use case, dumps."""

    name = contracts.SERVICE

    uow = UnitOfWork(contracts.SERVICE, INFRA, REPOSITORIES)
    relay = OutboxRelay(contracts.SERVICE, INFRA)
    metrics = Metrics()
    clock = ClockProvider()
    blobs = BlobsProvider()
    penerima = PenerimaProvider()

    def deps(self) -> usecases.Deps:
        penerima, max_bytes = self.penerima
        return usecases.Deps(self.blobs, penerima, max_bytes)

    file_pengaduan = _entry(contracts.FILE_PENGADUAN, "file_pengaduan")
    change_pengaduan_status = _entry(contracts.CHANGE_PENGADUAN_STATUS,
                                     "change_pengaduan_status")
    get_pengaduan = _entry(contracts.GET_PENGADUAN, "get_pengaduan")
    list_pengaduan = _entry(contracts.LIST_PENGADUAN, "list_pengaduan")
    track_pengaduan = _entry(contracts.TRACK_PENGADUAN, "track_pengaduan")

    report_penyimpangan = _entry(contracts.REPORT_PENYIMPANGAN, "report_penyimpangan")
    get_penyimpangan = _entry(contracts.GET_PENYIMPANGAN, "get_penyimpangan")
    list_penyimpangan = _entry(contracts.LIST_PENYIMPANGAN, "list_penyimpangan")
    record_penyimpangan_delivery = _entry(contracts.RECORD_PENYIMPANGAN_DELIVERY,
                                          "record_penyimpangan_delivery")

    @implements(contracts.PING)
    def ping(self, request: Request) -> Any:
        """Cheap liveness answer (no database)."""
        return {"service": self.name, "time": self.clock.now()}

    @consumes(lelang_contracts.LELANG_ANNOUNCED)
    def on_lelang_announced(self, event: Event) -> None:
        """Keep the lelang's Pokja, PPK and agency (idempotent by event id)."""
        usecases.record_lelang_pihak(self.uow, event.payload, self.clock.now())


SERVICE_CLASS = PengaduanService
REQUIRED_SETTINGS: tuple[str, ...] = ()
