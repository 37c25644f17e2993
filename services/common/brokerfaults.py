"""Broker faults for tests: close a vhost's connections, stop and start a broker.

Never touches anything but what a test owns: :func:`close_vhost_connections` closes
the connections of *one* vhost (the test's own) on the shared broker, and
:class:`PrivateBroker` runs a RabbitMQ node of its own (its own node name, ports,
data and log directories under a temporary directory, its own Erlang cookie), so a
test can stop and start a broker without stopping the one other people use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

from services.common.testing import free_port

RABBIT_BIN = Path(os.environ.get("RABBITMQ_BIN_DIR", "/usr/lib/rabbitmq/bin"))


class BrokerNotAvailable(RuntimeError):
    """A private broker node cannot run here (the reason is the message)."""


def close_vhost_connections(vhost: str, reason: str = "test") -> None:
    """``rabbitmqctl close_all_connections --vhost VHOST REASON`` on the shared
    broker (never ``--global``); the management API when rabbitmqctl is missing."""
    ctl = shutil.which("rabbitmqctl")
    if ctl:
        out = subprocess.run([ctl, "-q", "close_all_connections", "--vhost", vhost,
                              reason], capture_output=True, text=True, timeout=60)
        if out.returncode == 0:
            return
    import requests

    mgmt = os.environ.get("RABBIT_MGMT_URL", "http://127.0.0.1:15672")
    auth = ("guest", "guest")
    quoted = requests.utils.quote(vhost, safe="")
    r = requests.get(f"{mgmt}/api/vhosts/{quoted}/connections", auth=auth, timeout=10)
    r.raise_for_status()
    for conn in r.json():
        name = requests.utils.quote(conn["name"], safe="")
        requests.delete(f"{mgmt}/api/connections/{name}", auth=auth, timeout=10,
                        headers={"X-Reason": reason})


class PrivateBroker:
    """A RabbitMQ node for one test: ``start()``, ``stop_app()``, ``start_app()``,
    ``close()``. ``amqp_uri`` points at its default vhost (guest, loopback only)."""

    def __init__(self, base: Path):
        self.base = Path(base)
        self.name = f"lpse-fault-{uuid.uuid4().hex[:8]}@localhost"
        self.port = free_port()
        self.dist_port = free_port()
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}//"
        self.started = False

    @property
    def env(self) -> dict[str, str]:
        b = self.base
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")},
            "HOME": str(b),  # its own Erlang cookie, for the node and our CLI calls
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(b / "mnesia"),
            "RABBITMQ_LOG_BASE": str(b / "log"),
            "RABBITMQ_PID_FILE": str(b / "node.pid"),
            "RABBITMQ_CONF_ENV_FILE": str(b / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(b / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(b / "enabled_plugins"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([str(RABBIT_BIN / "rabbitmqctl"), "-n", self.name, "-q",
                               *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def start(self, timeout: float = 60) -> PrivateBroker:
        server = RABBIT_BIN / "rabbitmq-server"
        if not server.exists():
            raise BrokerNotAvailable(f"{server} not found (set RABBITMQ_BIN_DIR)")
        self.base.mkdir(parents=True, exist_ok=True)
        (self.base / "rabbitmq-env.conf").write_text("")
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "loopback_users.guest = true\n")
        (self.base / "enabled_plugins").write_text("[].\n")
        out = subprocess.run([str(server), "-detached"], env=self.env,
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise BrokerNotAvailable(f"rabbitmq-server failed: {out.stderr[-500:]}")
        self.started = True
        self._await(timeout)
        return self

    def _await(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ctl("await_startup", "--timeout", "5", timeout=30).returncode == 0:
                self.wait_port(True, max(deadline - time.monotonic(), 1))
                return
            time.sleep(0.3)
        self.close()
        raise BrokerNotAvailable(f"node {self.name} did not start in {timeout}s: "
                                 f"{self.log_tail()}")

    def log_tail(self) -> str:
        logs = sorted((self.base / "log").glob("*.log"))
        return logs[-1].read_text(errors="replace")[-1500:] if logs else ""

    def wait_port(self, open_: bool, timeout: float = 30) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                is_open = True
            except OSError:
                is_open = False
            if is_open == open_:
                return
            time.sleep(0.1)
        raise TimeoutError(f"port {self.port} still {'closed' if open_ else 'open'}")

    def stop_app(self) -> None:
        """Stop the broker (connections closed, port refused); the node stays."""
        out = self.ctl("stop_app")
        assert out.returncode == 0, out.stderr
        self.wait_port(False)

    def start_app(self) -> None:
        out = self.ctl("start_app")
        assert out.returncode == 0, out.stderr
        self.ctl("await_startup", "--timeout", "30")
        self.wait_port(True)

    def close(self) -> None:
        if not self.started:
            return
        self.started = False
        if self.ctl("stop", timeout=60).returncode != 0:
            pid_file = self.base / "node.pid"
            if pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text().strip()), 9)
                except (OSError, ValueError):
                    pass

    def __enter__(self) -> PrivateBroker:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()
