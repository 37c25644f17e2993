"""E-mail through a real SMTP server (stdlib ``smtplib``; green under eventlet).

:class:`SmtpMailer` opens one connection per delivery batch (``session()``) and
reuses it; a connection that broke is reopened on the next message. Security is
``none`` (a local catcher), ``starttls`` (587) or ``tls`` (465), always with
certificate verification (``SMTP_CA_FILE`` for a private CA); it logs in only when
both ``SMTP_USERNAME`` and ``SMTP_PASSWORD`` are set.

Every failure becomes a :class:`~services.notifikasi.usecases.SendError`, permanent
only for a 5xx answer about the message or its recipient. A server that is down,
refuses the connection, times out, answers 4xx or rejects the login is temporary:
the notice is retried, never lost.

Each message carries a ``Message-ID`` derived from its delivery id, the same on
every retry, so a receiving system can drop a duplicate.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from collections.abc import Iterator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from services.notifikasi.storage.models import PengirimanRow
from services.notifikasi.usecases import SendError


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "lpse.invalid"


def build_message(row: PengirimanRow, sender: str) -> EmailMessage:
    """The e-mail of one delivery: plain text with an HTML alternative."""
    msg = EmailMessage()
    msg["Subject"] = row.subjek
    msg["From"] = sender
    msg["To"] = Address(addr_spec=row.alamat)
    msg["Date"] = format_datetime(row.dibuat_pada)
    msg["Message-ID"] = f"<{row.pengiriman_id}@{_domain(sender)}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    msg["X-LPSE-Event"] = f"{row.jenis} {row.event_id}"
    msg.set_content(row.isi_teks)
    msg.add_alternative(row.isi_html, subtype="html")
    return msg


def _permanent(code: int | None) -> bool:
    return code is not None and 500 <= code < 600


def classify(exc: BaseException) -> SendError:
    """What a failure means for the retry schedule."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{addr}: {code} {msg!r}" for addr, (code, msg) in
                         exc.recipients.items())
        return SendError(f"recipient refused: {text}",
                         permanent=bool(codes) and all(map(_permanent, codes)))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SendError(f"login refused: {exc.smtp_code}", permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        return SendError(f"server answered {exc.smtp_code}: {exc.smtp_error!r}",
                         permanent=_permanent(exc.smtp_code))
    if isinstance(exc, (smtplib.SMTPException, OSError, socket.timeout)):
        return SendError(f"{type(exc).__name__}: {exc}", permanent=False)
    return SendError(f"{type(exc).__name__}: {exc}", permanent=False)


class _Session:
    def __init__(self, mailer: SmtpMailer):
        self.mailer = mailer
        self.conn: smtplib.SMTP | None = None

    def send(self, row: PengirimanRow) -> None:
        msg = build_message(row, self.mailer.sender)
        try:
            if self.conn is None:
                self.conn = self.mailer.connect()
            self.conn.send_message(msg)
        except Exception as exc:  # noqa: BLE001 - every failure is classified
            self.close()
            raise classify(exc) from exc

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.quit()
            with contextlib.suppress(Exception):
                self.conn.close()
        self.conn = None


class SmtpMailer:
    def __init__(self, host: str, port: int, security: str = "none", *,
                 username: str | None = None, password: str | None = None,
                 sender: str, timeout: float = 20.0, ca_file: str | None = None):
        if security not in ("none", "starttls", "tls"):
            raise ValueError(f"SMTP security {security!r}")
        self.host, self.port, self.security = host, port, security
        self.username, self.password = username, password
        self.sender, self.timeout, self.ca_file = sender, timeout, ca_file

    @classmethod
    def from_settings(cls, settings: Any) -> SmtpMailer:
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_security,
                   username=settings.smtp_username, password=settings.smtp_password,
                   sender=settings.smtp_from, timeout=settings.smtp_timeout_seconds,
                   ca_file=settings.smtp_ca_file)

    def describe(self) -> str:
        """Where mail goes (no credentials), for the log and the run command."""
        return f"smtp://{self.host}:{self.port} ({self.security})"

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port,
                                                  timeout=self.timeout,
                                                  context=self._context())
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            conn.ehlo()
            if self.security == "starttls":
                conn.starttls(context=self._context())
                conn.ehlo()
            if self.username and self.password:
                conn.login(self.username, self.password)
        except Exception:
            with contextlib.suppress(Exception):
                conn.close()
            raise
        return conn

    @contextlib.contextmanager
    def session(self) -> Iterator[_Session]:
        session = _Session(self)
        try:
            yield session
        finally:
            session.close()
