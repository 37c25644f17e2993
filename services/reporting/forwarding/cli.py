"""Operators' forwarding commands (``lpse reporting ...``):

    lpse reporting forwarding [--destination D] [--status S] [--limit N]
                     deliveries per destination and state (counts), then the latest
                     deliveries in state S (default: dead and retrying ones) with
                     their attempts, next try and last error
    lpse reporting replay [--destination D] (ID... | --all-dead)
                     put dead deliveries back to pending (fresh attempts, due now)

They work on reporting's database directly, through the same repository as the
service, so they also work while the service is down.

Registration: ``add_commands(reporting_subparsers)`` adds both under an existing
``lpse reporting`` group; when there is none yet, ``add_reporting_parser(subparsers)``
creates the group on ``lpse``'s own subparsers and adds them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from services.reporting.domain.penerusan import Status

SERVICE = "reporting"


def _session() -> tuple[Any, Session]:
    from services.common.config import load_settings
    from services.common.db import Database

    db = Database(load_settings(service=SERVICE).database_url_for(SERVICE))
    return db, db.sessionmaker()


def _fmt(value: Any) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else (
        "-" if value is None else str(value))


def format_backlog(counts: dict[tuple[str, str], int]) -> str:
    """The per destination and state table."""
    states = [str(s) for s in Status]
    names = sorted({dest for dest, _ in counts})
    if not names:
        return "no forwarding deliveries yet"
    width = max(len("destination"), *(len(n) for n in names))
    lines = ["destination".ljust(width) + "".join(f"{s:>11}" for s in states)]
    for name in names:
        lines.append(name.ljust(width) + "".join(
            f"{counts.get((name, s), 0):>11}" for s in states))
    return "\n".join(lines)


def forwarding_command(args: argparse.Namespace,
                       session_factory: Callable[[], Any] | None = None) -> int:
    from services.reporting.forwarding import repository

    db, session = (None, session_factory()) if session_factory else _session()
    try:
        counts = repository.backlog(session)
        if args.destination:
            counts = {k: v for k, v in counts.items() if k[0] == args.destination}
        print(format_backlog(counts))
        statuses = [args.status] if args.status else [str(Status.DEAD),
                                                      str(Status.RETRYING)]
        for status in statuses:
            rows = repository.deliveries(session, destination=args.destination,
                                         status=status, limit=args.limit)
            if rows:
                print(f"\n{status} (latest {len(rows)}):")
            for row in rows:
                print(f"{row.destination}  {row.item_id}  attempts={row.attempts} "
                      f"first={_fmt(row.first_attempt_at)} "
                      f"next={_fmt(row.next_attempt_at)}"
                      + (f"\n    last error: {row.last_error}"
                         if row.last_error else ""))
    finally:
        session.close()
        if db is not None:
            db.engine.dispose()
    return 0


def replay_command(args: argparse.Namespace,
                   session_factory: Callable[[], Any] | None = None,
                   now: Any = None) -> int:
    from services.reporting.forwarding import repository

    if bool(args.ids) == bool(args.all_dead):
        print("reporting replay: give item ids or --all-dead (not both)",
              file=sys.stderr)
        return 2
    if now is None:
        from services.common.clock import clock_for
        from services.common.config import load_settings

        now = clock_for(load_settings()).now()
    db, session = (None, session_factory()) if session_factory else _session()
    try:
        count = repository.replay(session, args.destination,
                                  None if args.all_dead else list(args.ids), now=now)
        session.commit()
    finally:
        session.close()
        if db is not None:
            db.engine.dispose()
    where = f" for {args.destination}" if args.destination else ""
    print(f"{count} dead deliver{'y' if count == 1 else 'ies'}{where} replayed")
    return 0


def add_commands(subparsers: Any) -> None:
    """Add ``forwarding`` and ``replay`` to the ``lpse reporting`` group's
    subparsers."""
    p = subparsers.add_parser("forwarding",
                              help="forwarding deliveries per destination and state")
    p.add_argument("--destination")
    p.add_argument("--status", choices=[str(s) for s in Status])
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=forwarding_command)
    p = subparsers.add_parser("replay", help="put dead deliveries back to pending")
    p.add_argument("ids", nargs="*", metavar="ID", help="item ids to replay")
    p.add_argument("--all-dead", action="store_true",
                   help="every dead delivery (of --destination, if given)")
    p.add_argument("--destination")
    p.set_defaults(func=replay_command)


def add_reporting_parser(subparsers: Any) -> Any:
    """Create ``lpse reporting`` on ``lpse``'s subparsers, with the forwarding
    commands; returns the group's subparsers for further commands."""
    p = subparsers.add_parser("reporting", help="reporting: forwarding (operators)")
    group = p.add_subparsers(dest="reporting_command", required=True)
    add_commands(group)
    return group
