"""A loopback stand-in for the national portal's receiver (tests, bench, development).

It does what the real receiver is asked to do: checks ``X-LPSE-Signature`` over the raw
body before parsing, refuses a package that is not a release package (400), and counts
every release id it gets, so a test can tell that every release arrived and how many
came twice (at least once: the portal drops those by id). It can refuse for a while,
like a portal in maintenance: 503 for the first N packages, or until switched on.

    python -m services.reporting.forwarding.receiver --port 8599 --secret S
        [--refuse-first N] [--refusing] [--retry-after SECONDS]

Control (no signature; loopback only):

* ``GET /_stats`` - counters; ``?ids=1`` adds the ids received (``ids``) and those
  received more than once with their count (``duplicate_ids``).
* ``POST /_control`` - JSON ``{"accepting": bool, "refuse_first": n,
  "retry_after": s}``, any subset.
* ``POST /_reset`` - forget everything received.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from services.reporting.forwarding.portal import SIGNATURE_HEADER, verify

RELEASE_REQUIRED = ("id", "ocid", "date", "tag")


class State:
    def __init__(self, secret: str, refuse_first: int = 0, accepting: bool = True,
                 retry_after: float | None = None) -> None:
        self.secret = secret
        self.lock = threading.Lock()
        self.refuse_first = refuse_first
        self.accepting = accepting
        self.retry_after = retry_after
        self.reset()

    def reset(self) -> None:
        self.ids: Counter[str] = Counter()
        self.counters = Counter({"posts": 0, "refused": 0, "accepted_posts": 0,
                                 "bad_signature": 0, "malformed": 0})
        self.delivery_ids: Counter[str] = Counter()

    def stats(self, with_ids: bool) -> dict[str, Any]:
        with self.lock:
            received = sum(self.ids.values())
            data: dict[str, Any] = dict(self.counters)
            data.update(received=received, unique=len(self.ids),
                        duplicates=received - len(self.ids),
                        idempotency_keys=len(self.delivery_ids),
                        accepting=self.accepting, refuse_first=self.refuse_first)
            if with_ids:
                data["ids"] = sorted(self.ids)
                data["duplicate_ids"] = {i: n for i, n in self.ids.items() if n > 1}
            return data


def _malformed(package: Any) -> str | None:
    if not isinstance(package, dict) or not isinstance(package.get("releases"), list):
        return "not a release package"
    for key in ("uri", "publishedDate", "publisher", "version"):
        if key not in package:
            return f"package without {key}"
    for release in package["releases"]:
        missing = [k for k in RELEASE_REQUIRED if not (isinstance(release, dict)
                                                        and release.get(k))]
        if missing:
            return f"release without {', '.join(missing)}"
    return None


def make_handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real portal would

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return None

        def _answer(self, status: int, data: dict[str, Any],
                    headers: dict[str, str] | None = None) -> None:
            body = json.dumps(data).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            if url.path != "/_stats":
                self._answer(404, {"error": "not found"})
                return
            with_ids = parse_qs(url.query).get("ids", ["0"])[0] == "1"
            self._answer(200, state.stats(with_ids))

        def do_POST(self) -> None:  # noqa: N802
            raw = self._body()
            path = urlparse(self.path).path
            if path == "/_control":
                change = json.loads(raw or b"{}")
                with state.lock:
                    for key in ("accepting", "refuse_first", "retry_after"):
                        if key in change:
                            setattr(state, key, change[key])
                self._answer(200, state.stats(False))
                return
            if path == "/_reset":
                with state.lock:
                    state.reset()
                self._answer(200, {})
                return
            self._package(raw)

        def _package(self, raw: bytes) -> None:
            with state.lock:
                state.counters["posts"] += 1
                if not verify(raw, state.secret, self.headers.get(SIGNATURE_HEADER)):
                    state.counters["bad_signature"] += 1
                    status, data = 401, {"error": "bad signature"}
                elif not state.accepting or state.refuse_first > 0:
                    if state.refuse_first > 0:
                        state.refuse_first -= 1
                    state.counters["refused"] += 1
                    status, data = 503, {"error": "maintenance"}
                else:
                    status, data = self._accept(raw)
                retry_after = state.retry_after
            headers = ({"Retry-After": str(retry_after)}
                       if status == 503 and retry_after is not None else None)
            self._answer(status, data, headers)

        def _accept(self, raw: bytes) -> tuple[int, dict[str, Any]]:
            """Record the package's releases (called holding the lock)."""
            try:
                package = json.loads(raw)
            except ValueError:
                package = None
            problem = _malformed(package)
            if problem:
                state.counters["malformed"] += 1
                return 400, {"error": problem}
            ids = [str(r["id"]) for r in package["releases"]]
            duplicates = sum(1 for i in ids if i in state.ids)
            state.ids.update(ids)
            state.delivery_ids[self.headers.get("Idempotency-Key", "")] += 1
            state.counters["accepted_posts"] += 1
            return 200, {"accepted": len(ids), "duplicates": duplicates}

    return Handler


def serve(port: int, state: State, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(state))
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--refuse-first", type=int, default=0)
    parser.add_argument("--refusing", action="store_true",
                        help="answer 503 until switched on through /_control")
    parser.add_argument("--retry-after", type=float, default=None)
    args = parser.parse_args(argv)
    state = State(args.secret, args.refuse_first, not args.refusing, args.retry_after)
    server = serve(args.port, state, args.host)
    print(f"receiver on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
