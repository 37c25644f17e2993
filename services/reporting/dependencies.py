"""reporting's nameko DependencyProviders, each built once from the container's
Settings:

* :class:`DepsProvider` - the use cases' ports: the OCDS publisher, the public API
  address, and forwarding's enqueue (items written in the consumer's transaction).
* :class:`ForwarderProvider` - the forwarding loop's destinations, their senders
  (one connection each, reused; closed when the container stops) and a session
  factory on reporting's database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.common.db import Database
from services.common.providers import SharedProvider
from services.reporting import metrics
from services.reporting.domain.ocds import Publisher
from services.reporting.domain.proyeksi import Event
from services.reporting.forwarding import metrics as forwarding_metrics
from services.reporting.forwarding import repository
from services.reporting.forwarding.config import (
    Destination,
    ForwardingSettings,
    build_destinations,
    build_senders,
)
from services.reporting.usecases import Deps, forwarding_items


def _enqueuer(destinations: Sequence[Destination]) -> Any:
    def enqueue(session: Any, event: Event, releases: list[dict[str, Any]],
                now: datetime) -> None:
        items = forwarding_items(event, releases)
        if items:
            repository.enqueue(session, items, destinations, now)
    return enqueue


def build_deps(settings: Any, *, forwarding: bool = True) -> Deps:
    base = settings.lpse_public_url.rstrip("/")
    destinations = build_destinations(ForwardingSettings.from_settings(settings))
    return Deps(Publisher(settings.ocds_ocid_prefix, uri=base),
                api_uri=f"{base}/api/v1/ocds",
                enqueue=_enqueuer(destinations) if forwarding else None,
                count=metrics.count_release,
                destinations=tuple(d.name for d in destinations))


class DepsProvider(SharedProvider):
    def build(self, settings: Any) -> Deps:
        return build_deps(settings)


class Forwarder:
    def __init__(self, settings: Any):
        config = ForwardingSettings.from_settings(settings)
        self.destinations = build_destinations(config)
        self.senders = build_senders(config, self.destinations)
        self.database = Database(settings.database_url_for("reporting"))
        forwarding_metrics.register(d.name for d in self.destinations)

    def session(self) -> Any:
        return self.database.sessionmaker()

    def close(self) -> None:
        for sender in self.senders.values():
            sender.close()


class ForwarderProvider(SharedProvider):
    def build(self, settings: Any) -> Forwarder:
        return Forwarder(settings)

    def stop(self) -> None:
        if self.value is not None:
            self.value.close()

    def kill(self) -> None:
        self.stop()
