"""registrasi's operator commands (added to ``lpse`` by ``services/cli.py``).

    lpse create-admin --username U --email E --nama N   first Admin PPE; password from
                                  LPSE_ADMIN_PASSWORD or asked twice (no default)
    lpse verify-audit             recompute the audit hash chain (exit 1 if broken)
         [--expect-head "SEQ HASH"] [--head-file PATH]
                                  ... and require these checkpoints (earlier output
                                  of audit-head) to still be in it: a removed tail
    lpse audit-head               print the chain's head "SEQ HASH" (one line), to be
                                  kept away from this database (central log, other host)
    lpse demo-data                idempotent demo agencies, users and penyedia
                                  (password from LPSE_DEMO_PASSWORD, required)

They work on registrasi's database directly, through the same use cases as the
service, with a unit of work built outside nameko. Run ``lpse migrate registrasi``
first.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

from services.common.config import ConfigError, Settings, load_settings
from services.common.errors import EprocError

SERVICE = "registrasi"


@contextlib.contextmanager
def open_uow(settings: Settings) -> Iterator[Any]:
    """A registrasi unit of work on the configured database (outside nameko)."""
    from services.common.db import Database, UoW
    from services.registrasi.storage.models import INFRA
    from services.registrasi.storage.repository import REPOSITORIES

    db = Database(settings.database_url_for(SERVICE))
    uow = UoW(db.sessionmaker, REPOSITORIES, INFRA, SERVICE)
    try:
        yield uow
    finally:
        uow.close()
        db.engine.dispose()


def _settings() -> Settings:
    try:
        return load_settings(service=SERVICE)
    except ConfigError as exc:
        raise SystemExit(f"{SERVICE}: {exc}") from None


def _fail(command: str, exc: BaseException) -> int:
    if isinstance(exc, EprocError):
        detail = f" {exc.details}" if exc.details else ""
        print(f"{command}: {exc.code}: {exc.message}{detail}", file=sys.stderr)
    else:
        print(
            f"{command}: {exc}\n(has `lpse migrate {SERVICE}` been run?)",
            file=sys.stderr,
        )
    return 1


def _admin_password() -> str | None:
    password = os.environ.get("LPSE_ADMIN_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        print(
            "create-admin: set LPSE_ADMIN_PASSWORD or run in a terminal",
            file=sys.stderr,
        )
        return None
    first = getpass.getpass("Password for the new Admin PPE: ")
    if first != getpass.getpass("Repeat the password: "):
        print("create-admin: the passwords differ", file=sys.stderr)
        return None
    return first


def create_admin(args: argparse.Namespace) -> int:
    """``lpse create-admin``: the first Admin PPE (refuses an existing username)."""
    from services.common.clock import clock_for
    from services.common.contracts.registrasi import USERNAME_PATTERN
    from services.registrasi.hashing import Argon2Hasher
    from services.registrasi.usecases import bootstrap_admin

    settings = _settings()
    if not re.match(USERNAME_PATTERN, args.username):
        print(
            f"create-admin: the username must match {USERNAME_PATTERN}", file=sys.stderr
        )
        return 1
    password = _admin_password()
    if password is None:
        return 1
    request = {
        "username": args.username,
        "email": args.email,
        "nama": args.nama,
        "password": password,
    }
    with open_uow(settings) as uow:
        try:
            user = bootstrap_admin(
                uow,
                request,
                clock_for(settings).now(),
                hasher=Argon2Hasher.from_settings(settings),
            )
        except Exception as exc:  # noqa: BLE001 - reported, exit 1
            return _fail("create-admin", exc)
    print(f"Admin PPE '{user['username']}' created (user_id {user['user_id']})")
    return 0


def verify_audit_command(args: argparse.Namespace) -> int:
    """``lpse verify-audit``: exit 0 with the row count, or 1 naming the bad seq.

    With ``--expect-head``/``--head-file`` the chain must also contain every given
    checkpoint (row ``seq`` with that ``hash``): rows removed from the end since a
    checkpoint was taken cannot be seen otherwise.
    """
    from services.registrasi.storage.audit import verify_audit

    checkpoints = [*(args.expect_head or ()), *_flatten(args.head_file)]
    with open_uow(_settings()) as uow:
        try:
            report = verify_audit(uow.session, checkpoints)
        except Exception as exc:  # noqa: BLE001
            return _fail("verify-audit", exc)
    if report.ok:
        print(f"audit trail intact: {report.count} rows{_confirmed(report)}")
        return 0
    print(
        f"audit trail BROKEN: first bad seq {report.first_bad_seq} "
        f"({len(report.problems)} problem(s) in {report.count} rows)"
    )
    for problem in report.problems:
        print(f"  {problem}")
    return 1


def _confirmed(report: Any) -> str:
    if not report.checkpoints:
        return ""
    n, latest = len(report.checkpoints), report.checkpoints[-1].seq
    return (
        f"; checkpoint at seq {latest} confirmed"
        if n == 1
        else f"; {n} checkpoints confirmed (latest at seq {latest})"
    )


def _flatten(groups: list[list[Any]] | None) -> list[Any]:
    return [head for group in groups or () for head in group]


def audit_head_command(args: argparse.Namespace) -> int:
    """``lpse audit-head``: print ``SEQ HASH`` of the last audit row (``0 000...0``
    for an empty trail). Append it to a file kept elsewhere and check it later with
    ``lpse verify-audit --head-file``."""
    with open_uow(_settings()) as uow:
        try:
            head = uow.audit.head()
        except Exception as exc:  # noqa: BLE001
            return _fail("audit-head", exc)
    print(head)
    return 0


def _expect_head(text: str) -> Any:
    """argparse type of ``--expect-head "SEQ HASH"``."""
    from services.registrasi.domain.audit import AuditHead

    try:
        return AuditHead.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _head_file(path: str) -> list[Any]:
    """argparse type of ``--head-file PATH``: every checkpoint line in the file."""
    from services.registrasi.domain.audit import parse_heads

    try:
        with open(path, encoding="ascii") as fh:
            return parse_heads(fh.read())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{path}: {exc}") from None


def demo_data_command(args: argparse.Namespace) -> int:
    """``lpse demo-data``: load (or complete) the demo data set; prints the accounts."""
    from services.registrasi.demo import demo_ids, load_demo_data

    password = os.environ.get("LPSE_DEMO_PASSWORD")
    if not password:
        print(
            "demo-data: set LPSE_DEMO_PASSWORD (the demo accounts' password)",
            file=sys.stderr,
        )
        return 1
    settings = _settings()
    with open_uow(settings) as uow:
        try:
            lines = load_demo_data(uow, settings, password)
            ids = demo_ids(uow)
        except Exception as exc:  # noqa: BLE001
            return _fail("demo-data", exc)
    if args.ids_file:
        import json

        with open(args.ids_file, "w", encoding="utf-8") as fh:
            json.dump(ids, fh, indent=1)
    for line in lines:
        print(line)
    return 0


def add_commands(subparsers: Any) -> None:
    """Register registrasi's commands on ``lpse``'s sub-command parser."""
    p = subparsers.add_parser("create-admin", help="create the first Admin PPE")
    p.add_argument("--username", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--nama", required=True)
    p.set_defaults(func=create_admin)
    p = subparsers.add_parser("verify-audit", help="check the audit trail's hash chain")
    p.add_argument(
        "--expect-head",
        action="append",
        type=_expect_head,
        metavar='"SEQ HASH"',
        help="a checkpoint from `lpse audit-head`: the row SEQ must still exist with "
        "HASH (detects rows removed from the end); may be repeated",
    )
    p.add_argument(
        "--head-file",
        action="append",
        type=_head_file,
        metavar="PATH",
        help="a file of checkpoints, one 'SEQ HASH' line each (blank and # lines "
        "skipped); every one is checked; may be repeated",
    )
    p.set_defaults(func=verify_audit_command)
    p = subparsers.add_parser(
        "audit-head", help="print the audit trail's head 'SEQ HASH' (a checkpoint)"
    )
    p.set_defaults(func=audit_head_command)
    p = subparsers.add_parser(
        "demo-data", help="load demo agencies, users and penyedia"
    )
    p.add_argument("--ids-file", help="also write the demo accounts' ids (JSON) here, "
                   "for other services' demo data")
    p.set_defaults(func=demo_data_command)
