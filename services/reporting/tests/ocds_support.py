"""Test support for the OCDS mapping: events from the contract samples and from
recorded outbox streams, and an offline libcoveocds validator.

Events are loaded through their contracts (``EventContract.load_payload``), as the
reporting consumer will get them, so a contract change that breaks a sample or a
recording fails here rather than in production.
"""

from __future__ import annotations

import json
import socket
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import requests

import services.common.contracts.lelang  # noqa: F401  (registers the contracts)
import services.common.contracts.registrasi  # noqa: F401
from services.common.contracts.base import EVENT_CONTRACTS
from services.reporting.domain.ocds import Publisher
from services.reporting.domain.proyeksi import Event
from services.reporting.ocds_compile import STANDARD_ZIP

SAMPLES = Path(__file__).resolve().parents[3] / "tests" / "contract" / "samples"
RECORDED = Path(__file__).resolve().parent / "fixtures" / "outbox"
PREFIX = "ocds-krgsm1"
#: validation runs offline: no extension URL to fetch (see ocds.py "Bids")
PUBLISHER = Publisher(PREFIX, agency_names={"AG-DPUPR": "Dinas PUPR Kabupaten "
                                            "Karangasem"}, extensions=())
T0 = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)

# identities in the lelang samples
LELANG_ID = "5b3c1f0e-8a2d-4c6b-9e7f-112233445566"
KODE = "LL2026-5B3C1F0E"
OCID = f"{PREFIX}-{KODE}"
PENYEDIA = "0b5d9f7e-2a61-4d7e-8f0c-1a2b3c4d5e6f"  # the sample's winner / objector


def lelang_event_keys() -> list[tuple[str, str]]:
    return sorted(k for k in EVENT_CONTRACTS if k[0] == "lelang")


def sample(event_type: str, source: str = "lelang", **changes: Any) -> dict[str, Any]:
    """The sample payload (JSON), optionally changed."""
    data = json.loads((SAMPLES / source / f"{event_type}.json").read_text("utf-8"))
    data.update(changes)
    return data


def event(event_type: str, payload: dict[str, Any] | None = None, *,
          at: datetime = T0, event_id: str | None = None,
          source: str = "lelang", **changes: Any) -> Event:
    """An :class:`Event` of the sample (or ``payload``) loaded through its contract."""
    data = dict(payload) if payload is not None else sample(event_type, source)
    data.update(changes)
    loaded = EVENT_CONTRACTS[(source, event_type)].load_payload(data)
    return Event(source, event_type, event_id or str(uuid.uuid4()), at, loaded)


def recorded(name: str) -> list[Event]:
    """A recorded outbox stream (fixtures/outbox/<name>.json, see its README)."""
    rows = json.loads((RECORDED / f"{name}.json").read_text("utf-8"))
    return [Event(r["source"], r["event_type"], r["event_id"],
                  datetime.fromisoformat(r["occurred_at"]),
                  EVENT_CONTRACTS[(r["source"], r["event_type"])].load_payload(
                      r["payload"])) for r in rows]


def recorded_names() -> list[str]:
    return sorted(p.stem for p in RECORDED.glob("*.json"))


def later(days: float) -> datetime:
    return T0 + timedelta(days=days)


def stopped_stream(delay: timedelta = timedelta(days=7)) -> list[Event]:
    """The failed lelang of the recorded ``failed_then_retender`` stream (up to its
    lelang_failed, before the retender), then its penghentian (``lelang_stopped``)
    ``delay`` after the failure: a failed lelang that ends without a re-tender."""
    events = recorded("failed_then_retender")
    cut = [e.event_type for e in events].index("lelang_failed") + 1
    failed = events[cut - 1]
    payload = sample("lelang_stopped", **{k: failed.payload[k] for k in (
        "lelang_id", "kode", "nama", "agency_id", "ppk_id", "pokja_ids", "tahapan",
        "peserta_ids")})
    stopped = event("lelang_stopped", payload, at=failed.occurred_at + delay)
    return [*events[:cut], stopped]


# ------------------------------------------------------------------ builders
def jadwal(*stages: str) -> list[dict[str, Any]]:
    """Consecutive one-day stages from 7 Dec 2026 08:00 WITA."""
    start = T0 + timedelta(days=3)
    return [{"tahapan": s, "mulai": (start + timedelta(days=i)).isoformat(),
             "selesai": (start + timedelta(days=i, hours=8)).isoformat()}
            for i, s in enumerate(stages)]


PASCA_1 = jadwal("pengumuman", "pendaftaran_dan_unduh_dokumen", "pemberian_penjelasan",
                 "upload_penawaran", "pembukaan_penawaran", "evaluasi_penawaran",
                 "pembuktian_kualifikasi", "upload_bahp", "penetapan_pemenang",
                 "pengumuman_pemenang", "sanggah", "penunjukan_penyedia",
                 "penandatanganan_kontrak")


def hasil_row(pid: str, nama: str, offered: str | None, corrected: str | None,
              rank: int | None, **flags: Any) -> dict[str, Any]:
    """One evaluated bidder as ``pemenang_announced`` carries it (all checks passed
    unless ``flags`` say otherwise)."""
    return {"penyedia_id": pid, "nama": nama, "npwp": f"NPWP-{pid}",
            "harga_penawaran": offered, "harga_terkoreksi": corrected,
            "lulus_administrasi": True, "lulus_teknis": True, "lulus_harga": True,
            "lulus_kualifikasi": True, "peringkat": rank, **flags}


def announcement(**changes: Any) -> Event:
    """A winner announcement of three evaluated bidders (the winner, a corrected
    price, one failing teknis) among four peserta; ``changes`` replace fields."""
    hasil = [
        hasil_row(PENYEDIA, "CV Karya Bali", "1350000000.00", "1350000000.00", 1),
        hasil_row("p-2", "CV Dua", "1400000000.00", "1390000000.00", 2),
        hasil_row("p-3", "CV Tiga", "1300000000.00", None, None, lulus_teknis=False,
                  lulus_harga=None, alasan="metode kerja tidak memenuhi"),
    ]
    pemenang = [
        {"penyedia_id": PENYEDIA, "nama": "CV Karya Bali", "npwp": f"NPWP-{PENYEDIA}",
         "alamat": "Jl. Ngurah Rai 5, Amlapura", "harga_penawaran": "1350000000.00",
         "harga_terkoreksi": "1350000000.00", "peringkat": 1},
        {"penyedia_id": "p-2", "nama": "CV Dua", "npwp": None, "alamat": None,
         "harga_penawaran": "1400000000.00", "harga_terkoreksi": "1390000000.00",
         "peringkat": 2}]
    fields = {"hasil_evaluasi": hasil, "pemenang": pemenang, "jumlah_penawaran": 4,
              "peserta_ids": [PENYEDIA, "p-2", "p-3", "p-4"], **changes}
    return event("pemenang_announced", at=later(20), **fields)


# ------------------------------------------------------------------ libcoveocds
class _Served:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def json(self, **_: Any) -> Any:
        return json.loads(self._data)

    def raise_for_status(self) -> None:
        return None


def _standard_file(url: str, *args: Any, **kwargs: Any) -> _Served:
    """Serve the standard's own schema files from the copied zip. The record
    package schema points at the versioned release schema by absolute URL, which
    libcoveocds' dereferencing would otherwise fetch."""
    base = "https://standard.open-contracting.org/schema/1__1__5/"
    if not url.startswith(base):
        raise AssertionError(f"the OCDS tests must not use the network: {url}")
    with zipfile.ZipFile(STANDARD_ZIP) as zf:
        return _Served(zf.read(f"standard-1__1__5/schema/{url[len(base):]}"))


def _no_network(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("the OCDS tests must not use the network")


@contextmanager
def offline() -> Iterator[None]:
    with mock.patch.object(requests, "get", _standard_file), \
            mock.patch.object(socket.socket, "connect", _no_network):
        yield


_CONFIG: Any = None


def cove(package: dict[str, Any]) -> dict[str, Any]:
    """libcoveocds' verdict on a release or record package, against the copied
    1.1.5 standard, offline (the config is built once per process)."""
    global _CONFIG
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    if _CONFIG is None:
        _CONFIG = LibCoveOCDSConfig({"standard_zip": STANDARD_ZIP.as_uri(),
                                     "context": "api"})
    data = json.loads(json.dumps(package))  # what the API would serve
    with offline():
        return ocds_json_output(json_data=data, lib_cove_ocds_config=_CONFIG,
                                record_pkg="records" in data)


def problems(result: dict[str, Any]) -> dict[str, Any]:
    """Everything libcoveocds found wrong, besides the undeclared bid extension's
    ``bids`` (reported as an additional field, not an error)."""
    found = {key: result.get(key) for key in (
        "validation_errors", "additional_closed_codelist_values",
        "additional_open_codelist_values", "additional_checks", "deprecated_fields")
        if result.get(key)}
    extra = [f for f in result.get("additional_fields", []) if f["field"] != "bids"]
    if extra:
        found["additional_fields"] = extra
    return found
