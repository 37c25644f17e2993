"""Public website benchmark (issue 6): numbers to report, never assertions.

In one run, on loopback only, with the same gunicorn configuration (2 workers x 8
threads) for both:
  1. the public lelang list (``/lelang``) and a lelang's detail page
     (``/lelang/<id>``) of the gateway, over the demo data, as a browser asks for
     them (``Accept: text/html``) - the page cache holds each page a few seconds, so
     this is what a refresh storm at a bid deadline costs;
  2. the same pages revalidated with ``If-None-Match`` (304, no body);
  3. a bare Flask hello-world.
Target: each page at >= 50% of the hello-world's requests/s.
Run: ``bench/run-website [--seconds 10] [--connections 16]`` (needs wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench import start_hello, wrk  # noqa: E402
from bench.stack import Stack  # noqa: E402
from tests.e2e.conftest import stop  # noqa: E402

HTML = {"Accept": "text/html"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="lpse-bench-web-"))
    results: dict[str, dict] = {}
    stack = Stack(demo=True).start()
    try:
        lelang = requests.get(f"{stack.url}/api/v1/lelang", timeout=15).json()
        lelang_id = lelang["items"][0]["lelang_id"]
        pages = {"website_lelang_list": f"{stack.url}/lelang",
                 "website_lelang_detail": f"{stack.url}/lelang/{lelang_id}"}
        for name, url in pages.items():
            first = requests.get(url, headers=HTML, timeout=15)
            assert first.status_code == 200 and first.headers.get("ETag"), name
            print(f"warming up {name} ...", file=sys.stderr)
            wrk(url, 2, args.connections, HTML)
            results[name] = wrk(url, args.seconds, args.connections, HTML)
            results[f"{name}_304"] = wrk(url, args.seconds, args.connections, {
                **HTML, "If-None-Match": first.headers["ETag"]})
    finally:
        stack.stop()
    hello_url, hello = start_hello(tmp)
    try:
        wrk(f"{hello_url}/", 2, args.connections)
        results["bare_gunicorn_flask_hello"] = wrk(f"{hello_url}/", args.seconds,
                                                   args.connections)
    finally:
        stop(hello)
        shutil.rmtree(tmp, ignore_errors=True)

    hello_rps = results["bare_gunicorn_flask_hello"]["rps"]
    print(f"\nLPSE website bench {datetime.now(UTC).isoformat(timespec='seconds')} "
          f"({os.cpu_count()} cores, {args.connections} connections, "
          f"{args.seconds}s each)")
    print(f"{'path':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
          f"{'/ hello':>8}")
    for name, r in results.items():
        print(f"{name:34} {r['rps']:9.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
              f"{r['non_2xx']:8d} {r['rps'] / hello_rps:8.2f}")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out_dir / f"website-{stamp}.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
