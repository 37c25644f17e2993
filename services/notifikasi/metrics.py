"""notifikasi's metrics (Prometheus).

* ``eproc_notifikasi_notices_total{channel, outcome}``: counted where it happens -
  ``inbox``/``sent`` per inbox notice written; ``email``/``sent``, ``retried`` (a
  temporary failure, tried again later) or ``failed`` (given up) per attempt.
* ``eproc_notifikasi_deliveries{channel, status}``: e-mails by delivery state now
  (pending, retrying, sent, failed), and inbox notices in all; computed from the
  database every ``REFRESH_SECONDS``, so every replica reports the same value:
  aggregate with ``max``, not ``sum``.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge

from services.common.metrics import Every

NOTICES = Counter("eproc_notifikasi_notices_total", "Notices written or e-mails tried",
                  ["channel", "outcome"])
DELIVERIES = Gauge("eproc_notifikasi_deliveries", "Notices by channel and state",
                   ["channel", "status"])
#: the domain's Indonesian states as the dashboard's English labels
STATUS_LABELS = {"menunggu": "pending", "dicoba_ulang": "retrying",
                 "terkirim": "sent", "gagal": "failed"}

REFRESH_SECONDS = 15.0
#: true at most every REFRESH_SECONDS per process
due = Every(REFRESH_SECONDS)

for _channel, _outcome in (("email", "sent"), ("email", "retried"),
                           ("email", "failed"), ("inbox", "sent")):
    NOTICES.labels(_channel, _outcome)  # visible at 0 from the start


def count(channel: str, outcome: str) -> None:
    NOTICES.labels(channel, outcome).inc()




def publish(figures: dict[str, Any]) -> None:
    for status, n in figures["email"].items():
        DELIVERIES.labels("email", STATUS_LABELS.get(status, status)).set(n)
    DELIVERIES.labels("inbox", "sent").set(figures["inbox"])
