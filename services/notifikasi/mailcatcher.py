"""A local SMTP server that keeps every message it accepts as an ``.eml`` file.

For development (the run command starts it when no ``SMTP_HOST`` is configured) and
for the tests, which run it as a separate process and read what arrived. Built on
aiosmtpd. Two switches let a test make it misbehave like a real server:

* ``--fail-first N``: answer ``451`` (try again later) to the first N messages;
* ``--reject SUBSTRING``: answer ``550`` (mailbox unavailable) to every recipient
  whose address contains it.

Files are written to a temporary name and renamed, so a reader never sees half a
message. Run: ``python -m services.notifikasi.mailcatcher --port 1025 --dir var/mail``
(or ``lpse mail-catcher``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import sys
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, directory: Path, fail_first: int = 0, reject: str | None = None):
        self.directory = directory
        self.fail_left = fail_first
        self.reject = reject
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any,
                          address: str, rcpt_options: list[str]) -> str:
        if self.reject and self.reject in address:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                return "451 4.3.0 try again later"
            n = next(self.counter)
        name = f"{time.time_ns()}-{os.getpid()}-{n:06d}"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(self.directory / f"{name}.eml")
        return "250 2.0.0 message accepted"


class MailCatcher:
    """``start()`` serves on ``host:port`` (port 0: a free one, see ``.port``)."""

    def __init__(self, host: str, port: int, directory: Path, *, fail_first: int = 0,
                 reject: str | None = None):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.handler = _Handler(directory, fail_first, reject)
        self.controller = Controller(self.handler, hostname=host, port=port)
        self.port = port

    def start(self) -> None:
        self.controller.start()
        self.port = self.controller.server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        self.controller.stop()


def read_messages(directory: Path) -> list[EmailMessage]:
    """Every message caught so far, oldest first."""
    if not directory.is_dir():
        return []
    return [message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for p in sorted(directory.glob("*.eml"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--reject", default=None)
    args = parser.parse_args(argv)
    catcher = MailCatcher(args.host, args.port, Path(args.dir),
                          fail_first=args.fail_first, reject=args.reject)
    catcher.start()
    print(f"mail catcher on smtp://{args.host}:{catcher.port}, messages in {args.dir}",
          flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    catcher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
