"""registrasi's operator commands (added to ``lpse`` by ``services/cli.py``).

    lpse create-admin --username U --email E --nama N   first Admin PPE; password from
                                  LPSE_ADMIN_PASSWORD or asked twice (no default)
    lpse verify-audit             recompute the audit hash chain (exit 1 if broken)
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
    """``lpse verify-audit``: exit 0 with the row count, or 1 naming the bad seq."""
    from services.registrasi.storage.audit import verify_audit

    with open_uow(_settings()) as uow:
        try:
            report = verify_audit(uow.session)
        except Exception as exc:  # noqa: BLE001
            return _fail("verify-audit", exc)
    if report.ok:
        print(f"audit trail intact: {report.count} rows")
        return 0
    print(
        f"audit trail BROKEN: first bad seq {report.first_bad_seq} "
        f"({len(report.problems)} problem(s) in {report.count} rows)"
    )
    for problem in report.problems:
        print(f"  {problem}")
    return 1


def demo_data_command(args: argparse.Namespace) -> int:
    """``lpse demo-data``: load (or complete) the demo data set; prints the accounts."""
    from services.registrasi.demo import load_demo_data

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
        except Exception as exc:  # noqa: BLE001
            return _fail("demo-data", exc)
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
    p.set_defaults(func=verify_audit_command)
    p = subparsers.add_parser(
        "demo-data", help="load demo agencies, users and penyedia"
    )
    p.set_defaults(func=demo_data_command)
