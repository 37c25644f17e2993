"""Drives pengaduan through its use cases on a real database (no AMQP).

A :class:`PengaduanWorld` holds the parties (LPSE staff, an Auditor, a lelang's
Pokja, PPK and PA, strangers), a fixed clock and the real blob store. Each call
runs one use case in its own unit of work, as a nameko worker would.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.common.auth import Actor
from services.common.blobstore import BlobStore
from services.common.db import Database, UoW
from services.common.messaging import load_event
from services.pengaduan import usecases
from services.pengaduan.dependencies import Blobs
from services.pengaduan.storage.models import INFRA
from services.pengaduan.storage.repository import REPOSITORIES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URAIAN = "Panitia meminta imbalan agar penawaran kami diluluskan evaluasi."
TIM_PENGARAH = ("tim.pengarah@karangasemkab.go.id", "sekretariat@karangasemkab.go.id")
INSPEKTORAT = ("inspektorat@karangasemkab.go.id",)


def actor(role: str, agency_id: str | None = "AG1", **extra: Any) -> Actor:
    return Actor(user_id=str(uuid.uuid4()), username=f"{role}-x", roles=(role,),
                 agency_id=agency_id, **extra)


def key() -> str:
    return uuid.uuid4().hex


@dataclass
class PengaduanWorld:
    url: str
    blob_dir: Path
    now: datetime

    def __post_init__(self) -> None:
        self.db = Database(self.url)
        self.store = BlobStore(self.blob_dir)
        self.deps = usecases.Deps(Blobs(self.store),
                                  usecases.Penerima(TIM_PENGARAH, INSPEKTORAT))
        self.helpdesk = actor("helpdesk", None)
        self.admin = actor("admin_ppe", None)
        self.auditor = actor("auditor", None)
        self.pokja = [actor("pokja") for _ in range(2)]
        self.ppk = actor("ppk")
        self.pa = actor("pa")
        self.stranger_pokja = actor("pokja")
        self.penyedia = Actor(user_id=str(uuid.uuid4()), username="cv-maju",
                              roles=("penyedia",), penyedia_id=str(uuid.uuid4()))

    def close(self) -> None:
        self.db.engine.dispose()

    # -------------------------------------------------------------- plumbing
    def uow(self) -> UoW:
        return UoW(self.db.sessionmaker, REPOSITORIES, INFRA, "pengaduan")

    def call(self, name: str, request: dict[str, Any]) -> Any:
        uow = self.uow()
        try:
            return getattr(usecases, name)(uow, request, self.now, self.deps)
        finally:
            uow.close()

    def announce(self, lelang_id: str | None = None, **overrides: Any) -> str:
        """What the ``lelang_announced`` handler does (then ``@consumes`` commits)."""
        lelang_id = lelang_id or str(uuid.uuid4())
        payload = {"lelang_id": lelang_id, "kode": "LL-2026-0001",
                   "nama": "Rehabilitasi Jalan Amlapura", "agency_id": "AG1",
                   "ppk_id": self.ppk.user_id,
                   "pokja_ids": [p.user_id for p in self.pokja], **overrides}
        uow = self.uow()
        try:
            usecases.record_lelang_pihak(uow, payload, self.now)
            uow.commit()
        finally:
            uow.close()
        return lelang_id

    def pdf(self) -> dict[str, Any]:
        ref = self.store.put(io.BytesIO(PDF + uuid.uuid4().bytes), max_bytes=1 << 20)
        return {"sha256": ref.sha256, "filename": "bukti.pdf",
                "content_type": "application/pdf", "size": ref.size}

    def file(self, by: Actor | None = None, **fields: Any) -> dict[str, Any]:
        request = {"actor": by, "idempotency_key": key(), "jenis": "lelang",
                   "uraian": URAIAN, "lelang_id": None, "anonim": False,
                   "nama_pelapor": None, "kontak": None, "dokumen": [], **fields}
        return self.call("file_pengaduan", request)

    def move(self, pengaduan_id: str, status: str, by: Actor | None = None,
             **fields: Any) -> dict[str, Any]:
        request = {"actor": by or self.helpdesk, "idempotency_key": key(),
                   "pengaduan_id": pengaduan_id, "status": status,
                   "klasifikasi": None, "alasan": None, "catatan": None,
                   "tanggapan": None, "tujuan": [], **fields}
        return self.call("change_pengaduan_status", request)

    def get(self, pengaduan_id: str, by: Actor | None) -> dict[str, Any]:
        return self.call("get_pengaduan", {"actor": by, "pengaduan_id": pengaduan_id})

    def outbox(self) -> list[tuple[str, dict[str, Any]]]:
        """``(event_type, envelope)`` of every event written, oldest first."""
        from services.common.contracts.base import EVENT_CONTRACTS

        with self.db.sessionmaker() as session:
            rows = session.execute(select(INFRA.outbox.c.event_type,
                                          INFRA.outbox.c.envelope).order_by(
                INFRA.outbox.c.id)).all()
        for r in rows:  # every envelope loads through its contract
            load_event(EVENT_CONTRACTS[("pengaduan", r.event_type)], r.envelope)
        return [(r.event_type, r.envelope) for r in rows]
