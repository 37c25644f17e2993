"""reporting - e-reporting, OCDS 1.1 publication, red flags and forwarding (Perbup
30/2012 Pasal 16, 17(2), 18, 20(1)c).

Service card
------------
RPCs (contracts in ``services/common/contracts/reporting.py``):
  OCDS        get_release_package, get_record_package, list_releases (public)
  e-reporting get_laporan (public aggregates)
  red flags   list_bendera (LPSE staff, Auditors)
  forwarding  get_penerusan (Admin PPE)
  ping
Events consumed: ``subscriptions.REPORTING_EVENTS`` of registrasi, lelang and
pengaduan (handler ``on_<type>``): each is logged, mapped to OCDS releases, folded
into the e-reporting summaries and handed to forwarding. Reads no other service's
database and calls no other service.
Timers: ``forward`` (every second: due deliveries to LPSE Pusat and the national
portal), ``gauges`` (every 15 s).
Publishes no events.
"""

from __future__ import annotations

from typing import Any

from nameko.timer import timer

from services.common.contracts import reporting as contracts
from services.common.contracts.subscriptions import REPORTING_EVENTS
from services.common.db import UnitOfWork
from services.common.messaging import (
    Event,
    add_consumers,
    implements,
    use_case_entrypoint,
)
from services.common.metrics import Metrics
from services.common.providers import ClockProvider
from services.reporting import metrics, usecases
from services.reporting.dependencies import DepsProvider, ForwarderProvider
from services.reporting.domain import proyeksi
from services.reporting.forwarding import loop, repository
from services.reporting.forwarding import metrics as forwarding_metrics
from services.reporting.storage import read_models  # noqa: F401  (registers tables)
from services.reporting.storage.models import INFRA

Request = dict[str, Any]


def _entry(contract: Any, name: str) -> Any:
    return use_case_entrypoint(contract, getattr(usecases, name))


class ReportingService:
    """Entrypoints only: each loads its contract, calls one use case, dumps."""

    name = contracts.SERVICE

    uow = UnitOfWork(contracts.SERVICE, INFRA, {})
    metrics = Metrics()
    clock = ClockProvider()
    ports = DepsProvider()
    forwarder = ForwarderProvider()

    def deps(self) -> usecases.Deps:
        return self.ports

    get_release_package = _entry(contracts.GET_RELEASE_PACKAGE, "get_release_package")
    get_record_package = _entry(contracts.GET_RECORD_PACKAGE, "get_record_package")
    list_releases = _entry(contracts.LIST_RELEASES, "list_releases")
    get_laporan = _entry(contracts.GET_LAPORAN, "get_laporan")
    get_laporan_csv = _entry(contracts.GET_LAPORAN_CSV, "get_laporan_csv")
    list_bendera = _entry(contracts.LIST_BENDERA, "list_bendera")
    get_penerusan = _entry(contracts.GET_PENERUSAN, "get_penerusan")

    @implements(contracts.PING)
    def ping(self, request: Request) -> Any:
        """Cheap liveness answer (no database)."""
        return {"service": self.name, "time": self.clock.now()}

    @timer(interval=1)
    def forward(self) -> None:
        """Due deliveries to every destination, a batch each, until none is full
        (a backlog drains at full speed); every 15 s the backlog gauges."""
        fw = self.forwarder
        for _ in range(50):  # bounded: the timer must come back to the hub
            results = loop.forward_due(fw.session, fw.destinations, fw.senders,
                                       self.clock.now(), count=forwarding_metrics.count)
            if not any(r.tried >= d.batch_size for d, r in (
                    (d, results.get(d.name)) for d in fw.destinations) if r):
                break
        if forwarding_metrics.due():
            session = fw.session()
            try:
                forwarding_metrics.refresh_backlog(
                    session, [d.name for d in fw.destinations], self.clock.now())
            finally:
                session.close()

    @timer(interval=15)
    def gauges(self) -> None:
        """Business gauges from the e-reporting summaries, and the hourly e-reporting
        snapshot for LPSE Pusat (enqueued once per hour)."""
        metrics.publish(usecases.figures(self.uow))
        now = self.clock.now()
        item = usecases.snapshot(self.uow, now, self.deps())
        if item is not None:
            repository.enqueue(self.uow.session, [item], self.forwarder.destinations,
                               now)
            self.uow.commit()


def _on_event(self: ReportingService, contract: Any, event: Event) -> None:
    """Log, OCDS, summaries, forward."""
    usecases.apply_event(
        self.uow, proyeksi.Event(contract.source, contract.type, event.event_id,
                                 event.occurred_at, event.payload),
        contract.dump_payload(event.payload), self.clock.now(), self.deps())


add_consumers(ReportingService, REPORTING_EVENTS, _on_event)

SERVICE_CLASS = ReportingService
REQUIRED_SETTINGS: tuple[str, ...] = ()
