"""Drives notifikasi through its use cases on a real database (no AMQP), and runs
the mail catcher as a real SMTP server in its own process.

:class:`NotifikasiWorld` feeds events (contract samples, loaded through their
contracts, as ``@consumes`` would hand them over), runs the delivery loop with a
real :class:`~services.notifikasi.smtp.SmtpMailer`, and reads what arrived.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from services.common.db import Database, UoW
from services.common.testing import free_port
from services.notifikasi import usecases
from services.notifikasi.domain.pengiriman import RetryPolicy
from services.notifikasi.mailcatcher import read_messages
from services.notifikasi.smtp import SmtpMailer
from services.notifikasi.storage.models import INFRA
from services.notifikasi.storage.repository import REPOSITORIES
from services.notifikasi.tests.unit.samples import load

ROOT = Path(__file__).resolve().parents[3]



@dataclass
class SmtpServer:
    """``python -m services.notifikasi.mailcatcher`` on a free loopback port."""

    directory: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    def start(self, *extra: str) -> SmtpServer:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "services.notifikasi.mailcatcher", "--port",
             str(self.port), "--dir", str(self.directory), *extra], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode()) from None
                time.sleep(0.05)
        raise RuntimeError("mail catcher did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def messages(self) -> list[EmailMessage]:
        return read_messages(self.directory)

    def clear(self) -> None:
        for path in self.directory.glob("*.eml"):
            path.unlink()


@dataclass
class NotifikasiWorld:
    url: str
    smtp_port: int
    now: datetime
    policy: RetryPolicy = field(default_factory=lambda: RetryPolicy(3, 60.0, 600.0))
    counted: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.db = Database(self.url)
        self.mailer = SmtpMailer("127.0.0.1", self.smtp_port, "none",
                                 sender="LPSE Karangasem <noreply@lpse.example.go.id>",
                                 timeout=5)
        self.deps = usecases.Deps(self.policy, self.mailer,
                                  lambda c, o: self.counted.append((c, o)))

    def close(self) -> None:
        self.db.engine.dispose()

    def uow(self) -> UoW:
        return UoW(self.db.sessionmaker, REPOSITORIES, INFRA, "notifikasi")

    def event(self, source: str, event_type: str, event_id: str | None = None,
              **changes: Any) -> str:
        """What the ``on_<type>`` handler does (``@consumes`` then commits)."""
        event_id = event_id or str(uuid.uuid4())
        uow = self.uow()
        try:
            usecases.on_event(uow, source, event_type, event_id,
                              load(source, event_type, **changes), self.now, self.deps)
            uow.commit()
        finally:
            uow.close()
        return event_id

    def call(self, name: str, request: dict[str, Any]) -> Any:
        uow = self.uow()
        try:
            return getattr(usecases, name)(uow, request, self.now, self.deps)
        finally:
            uow.close()

    def deliver(self) -> int:
        uow = self.uow()
        try:
            return usecases.deliver_due(uow, self.now, self.deps)
        finally:
            uow.close()

    def rows(self, jenis: str | None = None) -> list[Any]:
        """The e-mails (of one event type, e.g. ``registrasi.penyedia_registered``)."""
        uow = self.uow()
        try:
            rows, _ = uow.notifikasi.pengiriman(status=None, page=1, per_page=500)
            uow.session.expunge_all()
            return [r for r in rows if jenis is None or r.jenis == jenis]
        finally:
            uow.close()
