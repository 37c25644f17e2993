"""lelang's business gauges (Prometheus), refreshed by the stage timer.

Computed from the database, so every replica reports the same values: aggregate
them with ``max`` (not ``sum``) across instances. Labels stay low-cardinality
(statuses and stages, never an id).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Gauge

from services.common.metrics import Every

LELANG_BY_STATUS = Gauge("eproc_lelang_lelang", "Lelang by status", ["status"])
LELANG_BY_TAHAPAN = Gauge("eproc_lelang_running_by_tahapan",
                          "Running lelang by the stage last entered", ["tahapan"])
PENAWARAN_TODAY = Gauge("eproc_lelang_penawaran_today",
                        "Bids received since 00:00 WITA (uploads and replacements)")
PESERTA_TOTAL = Gauge("eproc_lelang_peserta", "Peserta registrations")

REFRESH_SECONDS = 15.0
#: true at most every REFRESH_SECONDS per process
due = Every(REFRESH_SECONDS)




def publish(figures: dict[str, Any]) -> None:
    for status, count in figures["by_status"].items():
        LELANG_BY_STATUS.labels(status).set(count)
    LELANG_BY_TAHAPAN.clear()
    for tahapan, count in figures["by_tahapan"].items():
        LELANG_BY_TAHAPAN.labels(tahapan).set(count)
    PENAWARAN_TODAY.set(figures["penawaran_today"])
    PESERTA_TOTAL.set(figures["peserta"])
