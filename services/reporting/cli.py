"""reporting's operator commands (registered on ``lpse``):

    lpse reporting rebuild         drop every read model, OCDS release and summary and
                                   derive them again from reporting's event log (in
                                   the order the events were applied); release ids
                                   are stable, so receivers see nothing new
    lpse reporting forwarding ...  deliveries per destination and state
    lpse reporting replay ...      dead deliveries back to pending

They work on reporting's database directly (``lpse migrate reporting`` first);
stop the service (or accept a short overlap) while rebuilding.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from services.common.config import load_settings

SERVICE = "reporting"


def rebuild_command(args: argparse.Namespace) -> int:
    from services.common.clock import clock_for
    from services.common.contracts import subscriptions  # noqa: F401  (contracts)
    from services.common.db import Database
    from services.reporting import usecases
    from services.reporting.dependencies import build_deps

    settings = load_settings(service=SERVICE)
    db = Database(settings.database_url_for(SERVICE))
    try:
        applied = usecases.rebuild(db.sessionmaker, usecases.load_row,
                                   clock_for(settings).now(), build_deps(settings))
    except Exception as exc:  # noqa: BLE001 - one clear line for the operator
        print(f"reporting rebuild: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        db.engine.dispose()
    print(f"reporting rebuilt from {applied} logged events")
    return 0


def add_commands(subparsers: Any) -> None:
    from services.reporting.forwarding import cli as forwarding_cli

    group = forwarding_cli.add_reporting_parser(subparsers)
    p = group.add_parser("rebuild", help="derive everything again from the event log")
    p.set_defaults(func=rebuild_command)
