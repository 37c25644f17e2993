"""Fire N logins in parallel at registrasi from a separate OS process (test helper).

    python -m services.registrasi.tests.integration.login_burst AMQP_URI N USER PASS DIR

Connects N standalone proxies, writes ``DIR/ready``, waits for ``DIR/go``, sends the
N logins at once, and writes ``DIR/result.json`` (tokens, durations, errors). The
clients live in their own process - like the gateway in production - so that the
service's process carries only the service.
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import contextlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402


def main(amqp_uri: str, count: int, username: str, password: str, folder: Path) -> None:
    warnings.filterwarnings("ignore")
    from nameko.standalone.rpc import ServiceRpcProxy

    import services.common.errors  # noqa: F401  (typed remote errors)

    config = {"AMQP_URI": amqp_uri, "serializer": "json"}
    with contextlib.ExitStack() as stack:
        proxies = [
            stack.enter_context(ServiceRpcProxy("registrasi", config, timeout=60))
            for _ in range(count)
        ]
        for proxy in proxies:
            proxy.ping({})
        (folder / "ready").touch()
        while not (folder / "go").exists():
            eventlet.sleep(0.01)

        def login(proxy):
            started = time.perf_counter()
            try:
                token = proxy.login({"username": username, "password": password})[
                    "token"
                ]
                return {"token": token, "seconds": time.perf_counter() - started}
            except Exception as exc:  # noqa: BLE001 - reported to the test
                return {"error": repr(exc)}

        pool = eventlet.GreenPool(count)
        results = list(pool.imap(login, proxies))
    (folder / "result.json").write_text(json.dumps(results))


if __name__ == "__main__":
    uri, n, user, pw, out = sys.argv[1:6]
    main(uri, int(n), user, pw, Path(out))
