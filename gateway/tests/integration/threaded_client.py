"""The RPC pool from 16 OS threads without eventlet, as gunicorn's gthread workers use
it. Run by ``test_rpc_pool.py``: ``python -m gateway.tests.integration.threaded_client
AMQP_URI``; prints one JSON line."""

from __future__ import annotations

import json
import sys
import threading


def main(amqp_uri: str) -> dict:
    import eventlet.patcher

    from gateway.rpc import NamekoBackend
    from gateway.tests.integration.pool_service import ECHO

    backend = NamekoBackend(amqp_uri, timeout=10, pool_size=4)
    failures: list[str] = []
    wrong: list[int] = []
    calls = [0]
    lock = threading.Lock()

    def work(worker: int) -> None:
        for i in range(25):
            value = worker * 1000 + i
            try:
                answer = backend.call(ECHO, {"value": value})["value"]
            except Exception as exc:  # noqa: BLE001 - reported to the test
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                calls[0] += 1
                if answer != value:
                    wrong.append(value)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=100)
    backend.close()
    return {
        "failures": failures,
        "calls": calls[0],
        "wrong_answers": len(wrong),
        "monkey_patched": eventlet.patcher.is_monkey_patched("thread"),
        "proxies_at_most": 4 if backend.pool.created <= 4 else backend.pool.created,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
