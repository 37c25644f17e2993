"""pengaduan's own copy of each lelang's parties, from lelang's events."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def record_lelang_pihak(uow: Any, payload: dict[str, Any], now: datetime) -> None:
    """Upsert the lelang's Pokja, PPK and agency (``lelang_announced``). Called by
    an idempotent ``@consumes`` handler: does not commit."""
    uow.pengaduan.upsert_pihak({
        "lelang_id": payload["lelang_id"], "kode": payload["kode"],
        "nama": payload["nama"], "agency_id": payload["agency_id"],
        "ppk_id": payload.get("ppk_id"),
        "pokja_ids": sorted(payload.get("pokja_ids") or []),
        "diperbarui_pada": now})
