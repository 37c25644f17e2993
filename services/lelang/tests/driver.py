"""Drives whole lelang through the use cases on a real database (no AMQP).

A :class:`TenderWorld` holds the parties (PA, PPK, three Pokja, penyedia), a fixed
clock, the real key vault and blob store, and a fake registrasi. Each call runs one
use case in its own unit of work, as a nameko worker would.
"""

from __future__ import annotations

import base64
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.common import sealing
from services.common.auth import Actor
from services.common.blobstore import BlobStore
from services.common.db import Database, UoW
from services.lelang import usecases
from services.lelang.dependencies import Blobs, KeyVault
from services.lelang.domain import (
    WITA,
    Kalender,
    MetodeEvaluasi,
    MetodeLelang,
    metode_definition,
    ruleset_for,
    to_wita_date,
)
from services.lelang.domain import TahapanLelang as T
from services.lelang.storage.models import INFRA
from services.lelang.storage.repository import REPOSITORIES
from services.lelang.tests.helpers import build_jadwal

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EVALUASI = {
    MetodeLelang.PASCAKUALIFIKASI_1_FILE: MetodeEvaluasi.SISTEM_GUGUR,
    MetodeLelang.PASCAKUALIFIKASI_2_FILE: MetodeEvaluasi.SISTEM_NILAI,
    MetodeLelang.PRAKUALIFIKASI_1_FILE: MetodeEvaluasi.SISTEM_GUGUR,
    MetodeLelang.PRAKUALIFIKASI_2_FILE: MetodeEvaluasi.UMUR_EKONOMIS,
}


class FakeRegistrasi:
    """registrasi as lelang asks it: penyedia eligibility and user roles."""

    def __init__(self) -> None:
        self.penyedia_info: dict[str, dict[str, Any]] = {}
        self.user_info: dict[str, dict[str, Any]] = {}
        self.calls = 0

    def penyedia(self, penyedia_id: str) -> dict[str, Any]:
        self.calls += 1
        info = self.penyedia_info.get(penyedia_id)
        if info is None:
            return {"penyedia_id": penyedia_id, "eligible": False,
                    "status": "ditolak", "nama": "?"}
        return info

    def users(self, user_ids: list[str]) -> list[dict[str, Any]]:
        return [self.user_info[i] for i in user_ids if i in self.user_info]


class Clock:
    def __init__(self, now: datetime):
        self.value = now

    def now(self) -> datetime:
        return self.value


def actor(role: str, agency_id: str | None = "AG1", **extra: Any) -> Actor:
    return Actor(user_id=str(uuid.uuid4()), username=f"{role}-x", roles=(role,),
                 agency_id=agency_id, **extra)


@dataclass
class TenderWorld:
    url: str
    blob_dir: Path
    now: datetime
    kalender: Kalender = field(default_factory=Kalender)

    def __post_init__(self) -> None:
        self.db = Database(self.url)
        self.clock = Clock(self.now)
        self.registrasi = FakeRegistrasi()
        self.keys = KeyVault(sealing.load_master_key(sealing.generate_master_key()))
        self.store = BlobStore(self.blob_dir)
        self.deps = usecases.Deps(self.keys, Blobs(self.store), self.registrasi,
                                  self.kalender)
        self.pa = actor("pa")
        self.ppk = actor("ppk")
        self.pokja = [actor("pokja") for _ in range(3)]
        self.auditor = actor("auditor", None)
        self.admin = actor("admin_ppe", None)
        for p in self.pokja:
            self.registrasi.user_info[p.user_id] = {
                "user_id": p.user_id, "nama": "Pokja", "roles": ["pokja"],
                "agency_id": "AG1", "status": "aktif"}
        self.penyedia: list[Actor] = []

    def close(self) -> None:
        self.db.engine.dispose()

    # -------------------------------------------------------------- plumbing
    def call(self, name: str, request: dict[str, Any], **kw: Any) -> Any:
        uow = UoW(self.db.sessionmaker, REPOSITORIES, INFRA, "lelang")
        try:
            return getattr(usecases, name)(uow, request, self.clock.now(), self.deps,
                                           **kw)
        finally:
            uow.close()

    def call_raw(self, name: str) -> Any:
        """A use case taking only ``(uow, now)``."""
        uow = UoW(self.db.sessionmaker, REPOSITORIES, INFRA, "lelang")
        try:
            return getattr(usecases, name)(uow, self.clock.now())
        finally:
            uow.close()

    def tick(self) -> int:
        uow = UoW(self.db.sessionmaker, REPOSITORIES, INFRA, "lelang")
        try:
            return usecases.advance_due(uow, self.clock.now(), self.deps)
        finally:
            uow.close()

    def add_penyedia(self, n: int, **overrides: Any) -> list[Actor]:
        made = []
        for i in range(n):
            pid = str(uuid.uuid4())
            a = Actor(user_id=str(uuid.uuid4()), username=f"penyedia{i}",
                      roles=("penyedia",), penyedia_id=pid)
            self.registrasi.penyedia_info[pid] = {
                "penyedia_id": pid, "eligible": True, "status": "terverifikasi",
                "nama": f"CV Penyedia {len(self.penyedia) + 1}",
                "npwp": f"0{len(self.penyedia) + 1:014d}", "alamat": "Amlapura",
                **overrides}
            self.penyedia.append(a)
            made.append(a)
        return made

    def upload(self, data: bytes = PDF) -> dict[str, Any]:
        ref = self.store.put(io.BytesIO(data), max_bytes=10_000_000)
        return {"sha256": ref.sha256, "filename": "dokumen.pdf",
                "content_type": ref.content_type, "size": ref.size}

    # -------------------------------------------------------------- set-up
    def paket(self, pagu: str = "2000000000.00", hps: str = "1500000000.00",
              kategori: str = "pekerjaan_konstruksi") -> dict[str, Any]:
        paket = self.call("create_paket", {
            "actor": self.ppk, "nama": "Rehabilitasi Jalan Amlapura - Bebandem",
            "tahun_anggaran": self.now.astimezone(WITA).year, "sumber_dana": "APBD",
            "pagu": Decimal(pagu), "nilai_hps": Decimal(hps),
            "rincian_hps": [{"uraian": "Pekerjaan", "volume": Decimal(1),
                             "satuan": "ls", "harga_satuan": Decimal(hps)}],
            "kategori": kategori, "lokasi": "Karangasem",
            "syarat_kualifikasi": ["SBU SI001"], "dokumen": [self.upload()]})
        return self.call("assign_pokja", {
            "actor": self.ppk, "paket_id": paket["paket_id"],
            "pokja_ids": [p.user_id for p in self.pokja]})

    def jadwal(self, metode: MetodeLelang, start: date) -> list[dict[str, Any]]:
        entries = build_jadwal(metode_definition(metode), ruleset_for(self.now),
                               self.kalender, start)
        return [{"tahapan": str(t), "mulai": m, "selesai": s} for t, m, s in entries]

    def lelang(self, metode: MetodeLelang, *, hps: str = "1500000000.00",
               announce: bool = True) -> dict[str, Any]:
        paket = self.paket(hps=hps)
        # the WITA day: from 00:00 to 08:00 WITA the UTC date is yesterday's, and a
        # schedule from "tomorrow" would open within minutes (live_world runs at
        # whatever moment the suite does)
        tomorrow = to_wita_date(self.now) + timedelta(days=1)
        start = self.kalender.next_working_day(tomorrow)
        view = self.call("create_lelang", {
            "actor": self.pokja[0], "paket_id": paket["paket_id"], "metode": metode,
            "metode_evaluasi": EVALUASI[metode], "alasan_metode": "pekerjaan biasa",
            "jadwal": self.jadwal(metode, start), "dokumen": [self.upload(b"%PDF-x")]})
        if announce:
            view = self.call("announce_lelang", {"actor": self.pokja[0],
                                                 "lelang_id": view["lelang_id"]})
        return view

    # -------------------------------------------------------------- time
    def stage(self, lelang_id: str, tahapan: T) -> dict[str, Any]:
        view = self.call("get_lelang", {"actor": self.pokja[0],
                                        "lelang_id": lelang_id})
        return next(e for e in view["jadwal"] if e["tahapan"] == str(tahapan))

    def goto(self, lelang_id: str, tahapan: T, *, offset: timedelta = timedelta(
            hours=1)) -> None:
        """Move the clock into ``tahapan`` and let the engine catch up."""
        self.clock.value = self.stage(lelang_id, tahapan)["mulai"] + offset
        self.tick()

    def after(self, lelang_id: str, tahapan: T) -> None:
        self.clock.value = self.stage(lelang_id, tahapan)["selesai"] + timedelta(
            minutes=1)
        self.tick()

    # -------------------------------------------------------------- bids
    def public_key(self, lelang_id: str, sampul: str) -> bytes:
        view = self.call("get_lelang", {"actor": None, "lelang_id": lelang_id})
        key = next(k for k in view["kunci_publik"] if str(k["sampul"]) == sampul)
        return sealing.public_key_from_b64(key["public_key"])

    def bid(self, lelang_id: str, who: Actor, sampul: str, content: bytes,
            harga: str | None) -> dict[str, Any]:
        pub = self.public_key(lelang_id, sampul)
        ref, _ = self.store.put_sealed(io.BytesIO(content), pub, max_bytes=10**8)
        sealed_price = None
        if harga is not None:
            sealed_price = base64.b64encode(sealing.seal_bytes(
                pub, json.dumps({"harga": harga}).encode())).decode()
        return self.call("submit_penawaran", {
            "actor": who, "lelang_id": lelang_id, "sampul": sampul,
            "sha256": ref.sha256, "size": ref.size, "filename": "penawaran.pdf",
            "harga_sealed": sealed_price})
