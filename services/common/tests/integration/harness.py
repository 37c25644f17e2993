"""Test harness for the messaging guarantees: real RabbitMQ vhost, real PostgreSQL.

One :class:`Harness` per test owns two fresh databases (producer, consumer), the
test's vhost, the in-process containers and the subprocesses it started, and tears
all of them down even when the test fails. Polling always has a deadline
(:func:`wait_until`); a timeout reports the last value seen.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kombu import Connection, Producer
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from services.common import dlq
from services.common.messaging import RpcClient, events_exchange
from services.common.outbox import OutboxWriter
from services.common.testing import test_env
from services.common.tests.integration import sample_services as s

REPO_ROOT = Path(__file__).resolve().parents[4]
RUNNER_MODULE = "services.common.tests.integration.run_sample_service"
DEFAULT_TIMEOUT = 20.0


def wait_until(probe: Callable[[], Any], *, timeout: float = DEFAULT_TIMEOUT,
               interval: float = 0.05, what: str = "condition") -> Any:
    """Call ``probe`` until it returns a truthy value; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout}s waiting for {what}; last: {last!r}")


def equals(probe: Callable[[], Any], expected: Any) -> Callable[[], Any]:
    """A probe for :func:`wait_until` that is true when ``probe() == expected``."""
    last: dict[str, Any] = {}

    def check() -> Any:
        last["value"] = probe()
        return last["value"] == expected or _Falsy(last["value"])

    return check


class _Falsy:
    """A false value that still shows what was seen (for timeout messages)."""

    def __init__(self, value: Any):
        self.value = value

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return repr(self.value)


def start_with_deadline(container: Any, timeout: float = DEFAULT_TIMEOUT) -> None:
    """``container.start()``, failing instead of hanging (nameko waits for its
    consumers forever, e.g. while a queue declaration is refused)."""
    import eventlet

    try:
        with eventlet.Timeout(timeout):
            container.start()
    except eventlet.Timeout:
        raise AssertionError(
            f"{container.service_name} did not start in {timeout}s") from None


def _message_id(line: str) -> str | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    return data.get("message_id") if isinstance(data, dict) else None


class SampleProcess:
    """A sample service in its own OS process; output goes to a log file."""

    def __init__(self, role: str, env: dict[str, str], log_path: Path):
        self.role = role
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            [sys.executable, "-m", RUNNER_MODULE, role], env=env, cwd=REPO_ROOT,
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_started(self, timeout: float = 30.0) -> None:
        def started() -> bool:
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.role} exited with "
                                     f"{self.popen.returncode}:\n{self.log_text()}")
            return any(_message_id(line) == "service_started"
                       for line in self.log_text().splitlines())

        wait_until(started, timeout=timeout, what=f"{self.role} to start")

    def wait_exit(self, timeout: float = 30.0) -> int:
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.role} still running after {timeout}s:\n"
                                 f"{self.log_text()}") from None

    def kill9(self) -> None:
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        try:
            self.kill9()
        finally:
            self._log.close()


class Harness:
    """Everything one messaging test needs; see the module docstring."""

    def __init__(self, *, amqp_uri: str, service_config: Callable[..., dict],
                 container_factory: Callable[..., Any], producer_url: str,
                 consumer_url: str, tmp_path: Path):
        self.amqp_uri = amqp_uri
        self._service_config = service_config
        self._container_factory = container_factory
        self.producer_url = producer_url
        self.consumer_url = consumer_url
        self.tmp_path = tmp_path
        self.processes: list[SampleProcess] = []
        self.containers: list[Any] = []
        self._engines = {
            "producer": create_engine(producer_url, poolclass=NullPool),
            "consumer": create_engine(consumer_url, poolclass=NullPool),
        }
        s.producer_metadata.create_all(self._engines["producer"])
        s.consumer_metadata.create_all(self._engines["consumer"])
        self._amqp: Connection | None = None

    # ------------------------------------------------------------ services in-process
    def config(self, role: str, **overrides: Any) -> dict[str, Any]:
        service = s.PRODUCER if role == "producer" else s.CONSUMER
        url = self.producer_url if role == "producer" else self.consumer_url
        return self._service_config(service, **{"database_url": url, **overrides})

    def producer(self, start: bool = True, **overrides: Any) -> Any:
        return self._container(s.ProducerService, "producer", start, overrides)

    def consumer(self, start: bool = True, **overrides: Any) -> Any:
        return self._container(s.ConsumerService, "consumer", start, overrides)

    def _container(self, cls: type, role: str, start: bool,
                   overrides: dict[str, Any]) -> Any:
        container = self._container_factory(cls, self.config(role, **overrides))
        self.containers.append(container)
        if start:
            start_with_deadline(container)
        return container

    # ------------------------------------------------------------ subprocesses
    def spawn(self, role: str, **env_overrides: str) -> SampleProcess:
        url = self.producer_url if role == "producer" else self.consumer_url
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SAMPLE_", "LPSE_", "OUTBOX_", "EVENT_"))
               and not k.endswith("DATABASE_URL")}
        env.update(test_env(amqp_uri=self.amqp_uri, database_url=url,
                            var_dir=str(self.tmp_path / "var"), log_format="json",
                            log_level="INFO"))
        env["PYTHONWARNINGS"] = "ignore"
        env.update(env_overrides)
        log_path = self.tmp_path / f"{role}-{len(self.processes)}.log"
        process = SampleProcess(role, env, log_path)
        self.processes.append(process)
        return process

    # ------------------------------------------------------------ RPC
    @contextmanager
    def rpc(self, timeout: float = 10.0):
        from nameko.standalone.rpc import ClusterRpcProxy

        config = {"AMQP_URI": self.amqp_uri, "serializer": "json"}
        with ClusterRpcProxy(config, timeout=timeout) as proxy:
            yield RpcClient(lambda service: proxy[service])

    def call_create(self, request: dict[str, Any], timeout: float = 10.0) -> Any:
        with self.rpc(timeout) as client:
            return client.call(s.CREATE_CATATAN, request)

    def create_catatan(self, nomor: int, timeout: float = 10.0) -> Any:
        return self.call_create(self.request(nomor), timeout)

    @staticmethod
    def request(nomor: int, key: str | None = None) -> dict[str, Any]:
        return {"idempotency_key": key or f"key-{uuid.uuid4().hex}", "nomor": nomor,
                "judul": f"Catatan №{nomor} — ü"}  # non-ASCII: shows double encoding

    # ------------------------------------------------------------ databases
    @contextmanager
    def session(self, role: str):
        with Session(self._engines[role]) as session:
            yield session

    def stage_events(self, nomors: Iterable[int]) -> list[str]:
        """Commit catatan rows and their outbox rows directly (no relay wakeup)."""
        event_ids = []
        now = datetime.now(UTC)
        with self.session("producer") as session:
            writer = OutboxWriter(session, s.PRODUCER_INFRA.outbox, s.PRODUCER)
            for nomor in nomors:
                row = {"catatan_id": str(uuid.uuid4()), "nomor": nomor,
                       "judul": f"Catatan №{nomor} — ü"}
                session.execute(insert(s.catatan).values(
                    id=row["catatan_id"], nomor=nomor, judul=row["judul"],
                    created_at=now))
                event_ids.append(writer.add(s.CATATAN_CREATED, row, occurred_at=now))
            session.commit()
        return event_ids

    def effects(self) -> dict[int, int]:
        with self.session("consumer") as session:
            return s.effects_by_nomor(session)

    def effect_rows(self) -> list[Any]:
        with self.session("consumer") as session:
            return s.effect_rows(session)

    def outbox_pending(self) -> int:
        table = s.PRODUCER_INFRA.outbox
        with self.session("producer") as session:
            return session.execute(select(func.count()).where(
                table.c.published_at.is_(None))).scalar_one()

    def outbox_event_ids(self) -> list[str]:
        table = s.PRODUCER_INFRA.outbox
        with self.session("producer") as session:
            return list(session.execute(select(table.c.event_id)).scalars())

    def catatan_rows(self) -> list[Any]:
        with self.session("producer") as session:
            return list(session.execute(select(s.catatan)))

    # ------------------------------------------------------------ broker
    @property
    def amqp(self) -> Connection:
        if self._amqp is None:
            self._amqp = Connection(self.amqp_uri)
        return self._amqp

    def depth(self, queue: str) -> int | None:
        return dlq.queue_depth(self.amqp, queue)

    def consumers(self, queue: str) -> int:
        channel = self.amqp.channel()
        try:
            return channel.queue_declare(queue=queue, passive=True).consumer_count
        finally:
            channel.close()

    def publish_raw(self, body: dict[str, Any], routing_key: str) -> None:
        exchange = events_exchange(s.PRODUCER)
        options = {"confirm_publish": True}
        with Connection(self.amqp_uri, transport_options=options) as conn:
            Producer(conn.channel()).publish(
                json.dumps(body), exchange=exchange, routing_key=routing_key,
                content_type="application/json", content_encoding="utf-8",
                delivery_mode=2, declare=[exchange])

    def close(self) -> None:
        """Stop subprocesses and containers *before* the databases are dropped
        (nameko's ``fast_teardown`` would otherwise kill containers last)."""
        for process in self.processes:
            process.stop()
        for container in reversed(self.containers):
            try:
                container.kill()
            except Exception:  # noqa: BLE001 - teardown goes on
                pass
        if self._amqp is not None:
            self._amqp.release()
        for engine in self._engines.values():
            engine.dispose()
