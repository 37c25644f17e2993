"""Micro-benchmark of sealed bids (LPSESEAL1): a number to report, not a test.

Seals and opens 1 MiB of random data N times (default 200) and prints MB/s
(10^6 plaintext bytes per second) for each direction.
Run: ``.venv/bin/python bench/seal_bench.py [--rounds 200] [--size 1048576]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.common.sealing import (  # noqa: E402
    generate_keypair,
    open_bytes,
    seal_bytes,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--size", type=int, default=1024 * 1024)
    args = parser.parse_args()

    private, public = generate_keypair()
    data = os.urandom(args.size)
    sealed = seal_bytes(public, data)  # warm up

    start = time.perf_counter()
    for _ in range(args.rounds):
        sealed = seal_bytes(public, data)
    seal_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(args.rounds):
        opened = open_bytes(private, sealed)
    open_seconds = time.perf_counter() - start
    assert opened == data

    total_mb = args.size * args.rounds / 1e6
    print(f"{args.rounds} x {args.size} bytes")
    print(f"seal: {total_mb / seal_seconds:8.1f} MB/s ({seal_seconds:.3f} s)")
    print(f"open: {total_mb / open_seconds:8.1f} MB/s ({open_seconds:.3f} s)")


if __name__ == "__main__":
    main()
