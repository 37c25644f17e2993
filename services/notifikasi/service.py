"""notifikasi - a notice for every step a user must act on, in the app and by e-mail.

Service card
------------
RPCs (contracts in ``services/common/contracts/notifikasi.py``):
  inbox       list_notifikasi, count_unread, mark_read (the actor's own notices)
  operators   list_pengiriman (Admin PPE, Helpdesk), retry_pengiriman (Admin PPE)
  ping
Events consumed: the events of registrasi, lelang and pengaduan listed in
``subscriptions.NOTIFIKASI_EVENTS`` (handler ``on_<type>``): each is turned into
inbox notices and e-mails by the table in ``domain/penerima.py``; some also teach
addressees (contacts, roles, peserta, the logged-in complainant).
Timers: ``deliver`` (every second: due e-mails through SMTP, with retries and
backoff; every 15 s the gauges), ``report`` (every 2 s: tells pengaduan the delivery
state of each deviation-report addressee through ``record_penyimpangan_delivery``).
Publishes no events.
"""

from __future__ import annotations

from typing import Any

from nameko.timer import timer

from services.common.contracts import notifikasi as contracts
from services.common.contracts.subscriptions import NOTIFIKASI_EVENTS
from services.common.db import UnitOfWork
from services.common.messaging import (
    Event,
    add_consumers,
    implements,
    use_case_entrypoint,
)
from services.common.metrics import Metrics
from services.common.providers import ClockProvider
from services.notifikasi import metrics, usecases
from services.notifikasi.dependencies import DepsProvider, PengaduanProvider
from services.notifikasi.storage.models import INFRA
from services.notifikasi.storage.repository import REPOSITORIES

Request = dict[str, Any]


def _entry(contract: Any, name: str) -> Any:
    return use_case_entrypoint(contract, getattr(usecases, name))


class NotifikasiService:
    """Entrypoints only: each loads its contract, calls one use case, dumps."""

    name = contracts.SERVICE

    uow = UnitOfWork(contracts.SERVICE, INFRA, REPOSITORIES)
    metrics = Metrics()
    clock = ClockProvider()
    ports = DepsProvider()
    pengaduan = PengaduanProvider()

    def deps(self) -> usecases.Deps:
        return self.ports

    list_notifikasi = _entry(contracts.LIST_NOTIFIKASI, "list_notifikasi")
    count_unread = _entry(contracts.COUNT_UNREAD, "count_unread")
    mark_read = _entry(contracts.MARK_READ, "mark_read")
    list_pengiriman = _entry(contracts.LIST_PENGIRIMAN, "list_pengiriman")
    retry_pengiriman = _entry(contracts.RETRY_PENGIRIMAN, "retry_pengiriman")

    @implements(contracts.PING)
    def ping(self, request: Request) -> Any:
        """Cheap liveness answer (no database)."""
        return {"service": self.name, "time": self.clock.now()}

    @timer(interval=1)
    def deliver(self) -> None:
        """Send the due e-mails; every 15 s refresh the gauges."""
        usecases.deliver_due(self.uow, self.clock.now(), self.deps())
        if metrics.due():
            metrics.publish(usecases.figures(self.uow))

    @timer(interval=2)
    def report(self) -> None:
        """Tell pengaduan how each deviation report reached its addressees."""
        usecases.report_penyimpangan(self.uow, self.pengaduan)


def _on_event(self: NotifikasiService, contract: Any, event: Event) -> None:
    usecases.on_event(self.uow, contract.source, contract.type, event.event_id,
                      event.payload, self.clock.now(), self.deps())


# one idempotent handler per consumed event (the subscription table names them)
add_consumers(NotifikasiService, NOTIFIKASI_EVENTS, _on_event)

SERVICE_CLASS = NotifikasiService
REQUIRED_SETTINGS: tuple[str, ...] = ()
