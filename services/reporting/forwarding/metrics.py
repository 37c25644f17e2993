"""Forwarding metrics (Prometheus).

* ``eproc_reporting_forwarded_total{destination, outcome}``: counted per delivery
  attempt where it happens (:func:`count`, given to ``forward_due`` as ``count``):
  ``delivered``, ``retried`` (a temporary failure, tried again later) or ``dead``.
* ``eproc_reporting_forwarding_backlog{destination, status}``: deliveries per state now
  (pending, retrying, delivered, dead), computed from the database
  (:func:`refresh_backlog`), so every replica reports the same value: aggregate with
  ``max``, not ``sum``.
* ``eproc_reporting_forwarding_oldest_seconds{destination}``: age of the oldest item
  still waiting for a destination (0 when none), how far behind it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from prometheus_client import Counter, Gauge
from sqlalchemy.orm import Session

from services.common.metrics import Every
from services.reporting.domain.penerusan import Status
from services.reporting.forwarding import repository

FORWARDED = Counter("eproc_reporting_forwarded_total",
                    "Forwarding attempts by destination and outcome",
                    ["destination", "outcome"])
BACKLOG = Gauge("eproc_reporting_forwarding_backlog",
                "Forwarding deliveries by destination and state",
                ["destination", "status"])
OLDEST = Gauge("eproc_reporting_forwarding_oldest_seconds",
               "Age of the oldest item waiting for a destination",
               ["destination"])
OUTCOMES = ("delivered", "retried", "dead")

REFRESH_SECONDS = 15.0
#: true at most every REFRESH_SECONDS per process
due = Every(REFRESH_SECONDS)


def register(destinations: Iterable[str]) -> None:
    """Make every series visible at 0 from the start (an alert on ``increase`` needs
    a series that exists before the first event)."""
    for name in destinations:
        for outcome in OUTCOMES:
            FORWARDED.labels(name, outcome)
        for status in Status:
            BACKLOG.labels(name, str(status))
        OLDEST.labels(name)


def count(destination: str, outcome: str) -> None:
    FORWARDED.labels(destination, outcome).inc()




def refresh_backlog(session: Session, destinations: Iterable[str],
                    now: datetime | None = None) -> dict[tuple[str, str], int]:
    """Set the backlog gauges from the database; returns the counts."""
    names = list(destinations)
    counts = repository.backlog(session)
    oldest = repository.oldest_due(session)
    now = now or datetime.now(UTC)
    for name in set(names) | {dest for dest, _ in counts}:
        for status in Status:
            BACKLOG.labels(name, str(status)).set(counts.get((name, str(status)), 0))
        since = oldest.get(name)
        OLDEST.labels(name).set(max((now - since).total_seconds(), 0) if since else 0)
    return counts
