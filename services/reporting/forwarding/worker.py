"""The forwarding loop as a process of its own (tests, bench, or a dedicated replica).

    python -m services.reporting.forwarding.worker --database-url URL [--until-drained]

Destinations come from the ``FORWARD_*`` environment (``config.ForwardingSettings``).
In the reporting service the same loop runs from a nameko timer instead; this process
exists so that a test can SIGKILL the loop in the middle of a backlog and start it
again, as a crash of the service would.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from datetime import UTC, datetime

from sqlalchemy.orm import sessionmaker

from services.common.db import create_db_engine
from services.reporting.forwarding import loop, metrics
from services.reporting.forwarding.config import (
    ForwardingSettings,
    build_destinations,
    build_senders,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--until-drained", action="store_true",
                        help="exit once nothing is due (instead of running for ever)")
    parser.add_argument("--idle-seconds", type=float, default=0.2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    settings = ForwardingSettings.from_env(os.environ)
    destinations = build_destinations(settings)
    senders = build_senders(settings, destinations)
    engine = create_db_engine(args.database_url, pool_size=2, max_overflow=2)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    stopping = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stopping.update(now=True))
    try:
        if args.until_drained:
            loop.drain(factory, destinations, senders, utcnow, count=metrics.count)
        else:
            loop.run_forever(factory, destinations, senders, utcnow,
                             idle_seconds=args.idle_seconds, count=metrics.count,
                             stop=lambda: stopping["now"])
    finally:
        for sender in senders.values():
            sender.close()
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
