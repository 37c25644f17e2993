"""Contract samples as consumers see them (loaded through the contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import services.common.contracts.lelang  # noqa: F401  (registers the contracts)
import services.common.contracts.pengaduan  # noqa: F401
import services.common.contracts.registrasi  # noqa: F401
from services.common.contracts.base import EVENT_CONTRACTS

SOURCES = ("registrasi", "lelang", "pengaduan")
SAMPLES = Path(__file__).resolve().parents[4] / "tests" / "contract" / "samples"


def event_keys() -> list[tuple[str, str]]:
    """Every event contract of the three producers notifikasi consumes."""
    return sorted(key for key in EVENT_CONTRACTS if key[0] in SOURCES)


def load(source: str, event_type: str, **changes: Any) -> dict[str, Any]:
    """The sample payload, optionally changed, loaded through its contract."""
    data = json.loads((SAMPLES / source / f"{event_type}.json").read_text("utf-8"))
    data.update(changes)
    return EVENT_CONTRACTS[(source, event_type)].load_payload(data)
