"""reporting's metrics (Prometheus).

* ``eproc_reporting_releases_total{tag}``: OCDS releases published, by release tag.
* business gauges from the e-reporting summaries, refreshed every
  ``REFRESH_SECONDS`` (the same on every replica: aggregate with ``max``):
  ``eproc_reporting_pengaduan_open`` (complaints not closed),
  ``eproc_reporting_lelang{status}``.
(The forwarding metrics live in ``forwarding/metrics.py``.)
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge

from services.common.metrics import Every

RELEASES = Counter("eproc_reporting_releases_total", "OCDS releases published",
                   ["tag"])
PENGADUAN_OPEN = Gauge("eproc_reporting_pengaduan_open",
                       "Complaints not closed (selesai or ditolak)")
LELANG = Gauge("eproc_reporting_lelang", "Lelang known to e-reporting, by status",
               ["status"])

REFRESH_SECONDS = 15.0
#: true at most every REFRESH_SECONDS per process
due = Every(REFRESH_SECONDS)


def count_release(tag: str) -> None:
    RELEASES.labels(tag).inc()




def publish(figures: dict[str, Any]) -> None:
    PENGADUAN_OPEN.set(figures.get("pengaduan_open", 0))
    LELANG.clear()
    for status, n in (figures.get("lelang_by_status") or {}).items():
        LELANG.labels(status).set(n)
