"""notifikasi's operator commands (registered on ``lpse``):

    lpse notifikasi list [--status gagal] [--limit N]
                                  e-mail deliveries, newest first, with their state,
                                  attempts, next try and last error; a count per state
    lpse notifikasi retry ID... | --all-failed
                                  requeue failed e-mails (fresh attempts)
    lpse mail-catcher [--host H] [--port P] [--dir D]
                                  a local SMTP server for development that keeps
                                  every message as an .eml file (the run command
                                  starts it when no SMTP_HOST is configured)

The first two work on notifikasi's database directly (``lpse migrate notifikasi``
first), through the same repository as the service.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from services.common.config import load_settings

SERVICE = "notifikasi"


def _uow() -> tuple[Any, Any]:
    from services.common.db import Database, UoW
    from services.notifikasi.storage.models import INFRA
    from services.notifikasi.storage.repository import REPOSITORIES

    db = Database(load_settings(service=SERVICE).database_url_for(SERVICE))
    return db, UoW(db.sessionmaker, REPOSITORIES, INFRA, SERVICE)


def _fmt(value: Any) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else (
        "-" if value is None else str(value))


def list_command(args: argparse.Namespace) -> int:
    db, uow = _uow()
    try:
        rows, total = uow.notifikasi.pengiriman(status=args.status, page=1,
                                                per_page=args.limit)
        counts = uow.notifikasi.counts_by_status()
        print("per status: " + (", ".join(f"{k}={v}" for k, v in sorted(
            counts.items())) or "no e-mails yet"))
        for row in rows:
            print(f"{row.pengiriman_id}  {row.status:<12} attempts={row.percobaan} "
                  f"next={_fmt(row.berikutnya_pada)} to={row.alamat} {row.jenis}"
                  + (f"\n    last error: {row.galat_terakhir}"
                     if row.galat_terakhir else ""))
        if total > len(rows):
            print(f"... {total - len(rows)} more (--limit)")
    finally:
        uow.close()
        db.engine.dispose()
    return 0


def retry_command(args: argparse.Namespace) -> int:
    from services.common.clock import clock_for
    from services.notifikasi.usecases import requeue

    if not args.ids and not args.all_failed:
        print("notifikasi retry: give delivery ids or --all-failed", file=sys.stderr)
        return 2
    db, uow = _uow()
    try:
        now = clock_for(load_settings()).now()
        count = requeue(uow, None if args.all_failed else list(args.ids), now)
    finally:
        uow.close()
        db.engine.dispose()
    print(f"{count} e-mail(s) requeued")
    return 0


def mail_catcher_command(args: argparse.Namespace) -> int:
    from services.notifikasi.mailcatcher import main

    return main(["--host", args.host, "--port", str(args.port), "--dir", args.dir])


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("notifikasi", help="e-mail deliveries (operators)")
    sub = p.add_subparsers(dest="notifikasi_command", required=True)
    q = sub.add_parser("list", help="e-mail deliveries and their state")
    q.add_argument("--status",
                   choices=("menunggu", "dicoba_ulang", "terkirim", "gagal"))
    q.add_argument("--limit", type=int, default=50)
    q.set_defaults(func=list_command)
    q = sub.add_parser("retry", help="requeue failed e-mails")
    q.add_argument("ids", nargs="*")
    q.add_argument("--all-failed", action="store_true")
    q.set_defaults(func=retry_command)
    p = subparsers.add_parser("mail-catcher", help="a local SMTP server (development)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=1025)
    p.add_argument("--dir", default="var/mail")
    p.set_defaults(func=mail_catcher_command)
