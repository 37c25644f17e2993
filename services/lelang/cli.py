"""lelang's operator commands (registered on ``lpse``):

    lpse demo-lelang --ids-file F    the lelang demo set (one lelang per method, at
                                     different stages, and a stopped one), made as
                                     registrasi's demo accounts listed in F (``lpse
                                     demo-data --ids-file F``); needs
                                     LELANG_MASTER_KEY

They work on lelang's database directly, through the same use cases as the
service. Run ``lpse migrate lelang`` first.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from services.common.config import ConfigError, load_settings

SERVICE = "lelang"


def demo_lelang_command(args: argparse.Namespace) -> int:
    from services.common.db import Database, UoW
    from services.lelang.demo import load_demo_lelang
    from services.lelang.storage.models import INFRA
    from services.lelang.storage.repository import REPOSITORIES

    try:
        settings = load_settings(require=("LELANG_MASTER_KEY",), service=SERVICE)
    except ConfigError as exc:
        print(f"demo-lelang: {exc}", file=sys.stderr)
        return 2
    with open(args.ids_file, encoding="utf-8") as fh:
        ids = json.load(fh)
    db = Database(settings.database_url_for(SERVICE))
    try:
        lines = load_demo_lelang(
            lambda: UoW(db.sessionmaker, REPOSITORIES, INFRA, SERVICE), settings, ids)
    except Exception as exc:  # noqa: BLE001 - one clear line for the operator
        print(f"demo-lelang: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        db.engine.dispose()
    for line in lines:
        print(line)
    return 0


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("demo-lelang", help="load the lelang demo data")
    p.add_argument("--ids-file", required=True,
                   help="the demo accounts' ids, from `lpse demo-data --ids-file`")
    p.set_defaults(func=demo_lelang_command)
