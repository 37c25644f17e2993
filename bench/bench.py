"""Gateway and RPC benchmark: numbers to report, never assertions.

Measures in one run, on loopback only:
  1. an authenticated read through the gateway and one RPC hop (GET /api/v1/user/{id},
     session check cached) - requests/s, p50, p99 (wrk);
  2. the same gunicorn configuration serving a bare Flask hello-world;
  3. raw kombu request/reply on the same broker (no nameko);
  4. logins/s (argon2id at the configured parameters, through the gateway).
Then prints the ratios. Run: ``bench/run`` (needs wrk: ``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stack import Stack  # noqa: E402
from tests.e2e.conftest import BIN, free_port, stop, wait_http  # noqa: E402

LUA_LOGIN = """
wrk.method = "POST"
wrk.body   = '{"username": "%s", "password": "%s"}'
wrk.headers["Content-Type"] = "application/json"
"""


def parse_wrk(out: str) -> dict:
    def to_ms(value: str) -> float:
        num = float(re.match(r"[\d.]+", value).group())
        if value.endswith("us"):
            return num / 1000
        if value.endswith("ms"):
            return num
        if value.endswith("m"):
            return num * 60000
        return num * 1000  # seconds

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50_ms": to_ms(pct["50"]),
        "p99_ms": to_ms(pct["99"]),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def wrk(
    url: str,
    seconds: int,
    connections: int,
    headers: dict | None = None,
    script: str | None = None,
) -> dict:
    cmd = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


# ---------------------------------------------------------------- raw kombu RPC
def _kombu_server(amqp_uri: str, ready, stop_evt) -> None:
    from kombu import Connection, Producer, Queue

    with Connection(amqp_uri) as conn:
        queue = Queue("bench-rpc", durable=False, auto_delete=True)
        producer = Producer(conn.channel(), serializer="json")

        def on_message(body, message):
            producer.publish(
                {"result": body},
                routing_key=message.properties["reply_to"],
                correlation_id=message.properties["correlation_id"],
            )
            message.ack()

        with conn.Consumer(queue, callbacks=[on_message], prefetch_count=50):
            ready.set()
            while not stop_evt.is_set():
                try:
                    conn.drain_events(timeout=0.5)
                except TimeoutError:
                    pass


def _kombu_client(amqp_uri: str, seconds: float, out) -> None:
    from kombu import Connection, Consumer, Producer, Queue

    latencies = []
    with Connection(amqp_uri) as conn:
        reply = Queue(
            f"bench-reply-{uuid.uuid4().hex}", exclusive=True, auto_delete=True
        )
        producer = Producer(conn.channel(), serializer="json")
        got = {}

        def on_reply(body, message):
            got[message.properties["correlation_id"]] = body
            message.ack()

        with Consumer(conn, [reply], callbacks=[on_reply]):
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                cid = uuid.uuid4().hex
                start = time.perf_counter()
                producer.publish(
                    {"x": 1},
                    routing_key="bench-rpc",
                    reply_to=reply.name,
                    correlation_id=cid,
                    declare=[],
                )
                while cid not in got:
                    conn.drain_events(timeout=10)
                latencies.append(time.perf_counter() - start)
    out.put(latencies)


def kombu_rpc(amqp_uri: str, seconds: float, clients: int) -> dict:
    ctx = mp.get_context("spawn")
    ready, stop_evt, out = ctx.Event(), ctx.Event(), ctx.Queue()
    server = ctx.Process(target=_kombu_server, args=(amqp_uri, ready, stop_evt))
    server.start()
    ready.wait(20)
    procs = [
        ctx.Process(target=_kombu_client, args=(amqp_uri, seconds, out))
        for _ in range(clients)
    ]
    for p in procs:
        p.start()
    lat = []
    for _ in procs:
        lat.extend(out.get(timeout=seconds + 60))
    for p in procs:
        p.join()
    stop_evt.set()
    server.join(10)
    lat.sort()
    return {
        "rps": len(lat) / seconds,
        "p50_ms": statistics.median(lat) * 1000,
        "p99_ms": lat[int(len(lat) * 0.99)] * 1000,
        "non_2xx": 0,
        "socket_errors": "",
    }


# ---------------------------------------------------------------- the stack
def start_hello(tmp: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "gateway/gunicorn.conf.py",
            "bench.hello_app:app",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={
            **os.environ,
            "GATEWAY_BIND": f"127.0.0.1:{port}",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prom-hello"),
        },
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/", 30, [proc])
    return url, proc


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="lpse-bench-"))
    stack = Stack().start()
    vhost = stack.vhost
    procs: list = []
    results: dict[str, dict] = {}
    try:
        url, procs, admin_password = stack.url, stack.all_procs(), stack.admin_password
        login = requests.post(
            f"{url}/api/v1/auth/login",
            timeout=15,
            json={"username": "admin", "password": admin_password},
        ).json()
        token, user_id = login["token"], login["actor"]["user_id"]
        hdr = {"Authorization": f"Bearer {token}"}
        assert (
            requests.get(f"{url}/api/v1/user/{user_id}", headers=hdr).status_code == 200
        )
        print("warming up ...", file=sys.stderr)
        wrk(f"{url}/api/v1/user/{user_id}", 2, args.connections, hdr)
        results["gateway_authenticated_read_1_rpc"] = wrk(
            f"{url}/api/v1/user/{user_id}", args.seconds, args.connections, hdr
        )
        script = tmp / "login.lua"
        script.write_text(LUA_LOGIN % ("admin", admin_password))
        results["gateway_login"] = wrk(
            f"{url}/api/v1/auth/login",
            args.seconds,
            args.connections,
            script=str(script),
        )
        for p in procs:
            stop(p)
        procs = []
        hello_url, hello = start_hello(tmp)
        procs = [hello]
        wrk(f"{hello_url}/", 2, args.connections)
        results["bare_gunicorn_flask_hello"] = wrk(
            f"{hello_url}/", args.seconds, args.connections
        )
        stop(hello)
        procs = []
        results["raw_kombu_request_reply"] = kombu_rpc(
            f"amqp://guest:guest@127.0.0.1:5672/{vhost}", args.seconds, args.connections
        )
    finally:
        for p in procs:
            stop(p)
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"\nLPSE bench {datetime.now(UTC).isoformat(timespec='seconds')} "
        f"({os.cpu_count()} cores, {args.connections} connections, "
        f"{args.seconds}s each)"
    )
    print(f"{'path':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, r in results.items():
        print(
            f"{name:40} {r['rps']:9.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
            f"{r['non_2xx']:8d}"
        )
    gw = results["gateway_authenticated_read_1_rpc"]["rps"]
    print("\nratios:")
    print(
        f"  gateway read / bare gunicorn hello : "
        f"{gw / results['bare_gunicorn_flask_hello']['rps']:.2f}"
    )
    print(
        f"  gateway read / raw kombu req-reply : "
        f"{gw / results['raw_kombu_request_reply']['rps']:.2f}"
    )
    print(
        f"  logins / gateway read              : "
        f"{results['gateway_login']['rps'] / gw:.3f}"
    )
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out_dir / f"gateway-{stamp}.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
