"""``lpse``: the operator's command line.

    lpse run-service <name>      run one nameko service in this process
    lpse topology                declare exchanges and every consumer queue
    lpse migrate <name>|all      alembic upgrade head for a service's database
    lpse create-admin            create the first Admin PPE (password from a prompt
                                 or LPSE_ADMIN_PASSWORD; there is no default)
    lpse demo-data               load demo agencies, users and penyedia
    lpse demo-lelang             load demo lelang (one per method, at different stages)
    lpse verify-audit            check the hash chain of registrasi's audit trail
    lpse audit-head              print the audit head (a checkpoint to keep elsewhere)
    lpse dlq list|replay         inspect / replay dead-lettered events
    lpse notifikasi list|retry   e-mail deliveries and their state; requeue failed ones
    lpse mail-catcher            a local SMTP server keeping mail as .eml (development)
    lpse reporting rebuild|forwarding|replay
                                 read models again from the event log; forwarding
                                 state; dead deliveries back to pending

Each command is implemented next to what it works on; this module only dispatches.
"""

from __future__ import annotations

import argparse
import sys
import warnings

# eventlet warns on import that it is deprecated (STACK trap 12); the operator's
# command line is not the place for it
warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

SERVICES = ("registrasi", "lelang", "pengaduan", "notifikasi", "reporting")


def _run_service(args: argparse.Namespace) -> int:
    from services.common.runner import patch

    patch()  # before anything imports socket/threading
    import importlib

    module = importlib.import_module(f"services.{args.name}.service")
    from services.common.runner import run_service

    run_service(args.name, module.SERVICE_CLASS, require=module.REQUIRED_SETTINGS)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from services.common.config import load_settings
    from services.common.migrations import upgrade

    names = SERVICES if args.name == "all" else (args.name,)
    settings = load_settings()
    for name in names:
        url = settings.database_url_for(name)
        if url.startswith("sqlite"):
            from pathlib import Path

            Path(settings.var_dir).mkdir(parents=True, exist_ok=True)
        upgrade(name, url)
        print(f"{name}: migrated to head")
    return 0


def _topology(args: argparse.Namespace) -> int:
    from kombu import Connection

    from services.common.config import load_settings
    from services.common.contracts.subscriptions import SUBSCRIPTIONS, all_sources
    from services.common.messaging import declare_topology
    from services.common.runner import check_broker

    settings = load_settings()
    check_broker(settings.amqp_uri)
    with Connection(settings.amqp_uri) as conn:
        n = declare_topology(conn, SUBSCRIPTIONS, settings.event_max_attempts,
                             sources=all_sources())
    print(f"topology declared: {len(all_sources())} exchanges, {n} queues")
    if settings.forward_pusat_enabled:  # before any shovel to LPSE Pusat is made
        from services.reporting.forwarding import pusat

        with Connection(settings.forward_pusat_amqp_uri or settings.amqp_uri) as conn:
            with conn.channel() as channel:
                pusat.declare(channel)
        print("LPSE Pusat: exchange lpse.pusat and quorum queue lpse.pusat.outbound")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lpse", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run-service", help="run one nameko service")
    p.add_argument("name", choices=SERVICES)
    p.set_defaults(func=_run_service)
    p = sub.add_parser("migrate", help="alembic upgrade head")
    p.add_argument("name", choices=SERVICES + ("all",))
    p.set_defaults(func=_migrate)
    p = sub.add_parser("topology", help="declare exchanges and consumer queues")
    p.set_defaults(func=_topology)
    from services.common import dlq
    from services.lelang import cli as lelang_cli
    from services.notifikasi import cli as notifikasi_cli
    from services.registrasi import cli as registrasi_cli
    from services.reporting import cli as reporting_cli

    dlq.add_commands(sub)
    registrasi_cli.add_commands(sub)
    lelang_cli.add_commands(sub)
    notifikasi_cli.add_commands(sub)
    reporting_cli.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
