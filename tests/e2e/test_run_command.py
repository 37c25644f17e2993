"""Smoke test of the README's run command on SQLite: it starts, the gateway answers,
the demo login works, a killed service is restarted, and Ctrl-C stops every
process it started."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import pytest
import requests

from tests.e2e.conftest import ROOT, create_vhost, delete_vhost, free_port

# clock: the demo it loads is placed around today (CI runs it at awkward moments)
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.clock]


def _children(pid: int) -> set[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    )
    return {int(p) for p in out.stdout.split()}


def _service_pid(pids: set[int], service: str, missing_ok: bool = False) -> int | None:
    """The child running ``lpse run-service <service>``."""
    for pid in pids:
        try:
            cmdline = open(f"/proc/{pid}/cmdline").read().split("\0")
        except OSError:
            continue
        if "run-service" in cmdline and service in cmdline:
            return pid
    assert missing_ok, f"no {service} process among {pids}"
    return None


def test_run_command_starts_everything_on_sqlite_and_stops_on_ctrl_c(tmp_path):
    vhost = create_vhost()
    port = free_port()
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LPSE_ENV")}
    env.update(
        VAR_DIR=str(var),
        GATEWAY_PORT=str(port),
        METRICS_PORT_BASE=str(free_port()),
        SMTP_PORT=str(free_port()),  # its own mail catcher, beside any other run
        AMQP_URI=f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
    )
    proc = subprocess.Popen(
        [str(ROOT / "scripts" / "run")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            output.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(output)
        assert "LPSE Karangasem is running" in text, text
        assert f"http://127.0.0.1:{port}/api/v1" in text
        assert f"website:    http://127.0.0.1:{port}/" in text
        assert list(var.glob("registrasi.db")), "SQLite file under VAR_DIR expected"
        password = re.search(r"admin \(Admin PPE\)\s+password: (\S+)", text).group(1)

        base = f"http://127.0.0.1:{port}"
        assert requests.get(f"{base}/readyz", timeout=5).status_code == 200
        r = requests.post(
            f"{base}/api/v1/auth/login",
            json={"username": "admin", "password": password},
            timeout=15,
        )
        assert r.status_code == 200, r.text
        token = r.json()["token"]
        me = requests.get(
            f"{base}/api/v1/me",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert me.status_code == 200 and "admin_ppe" in me.json()["roles"]
        # a demo account printed by the run command logs in too
        demo = re.search(r"^\s+(\S+)\s+\(Verifikator\)\s+password: (\S+)", text, re.M)
        assert demo, text
        r = requests.post(
            f"{base}/api/v1/auth/login",
            json={"username": demo.group(1), "password": demo.group(2)},
            timeout=15,
        )
        assert r.status_code == 200, r.text

        # the demo lelang: one per method, and one failed then stopped, public
        # without a login
        listed = requests.get(f"{base}/api/v1/lelang", timeout=15).json()["items"]
        assert sorted(i["metode"] for i in listed) == [
            "pascakualifikasi_1_file", "pascakualifikasi_1_file",
            "pascakualifikasi_2_file", "prakualifikasi_1_file",
            "prakualifikasi_2_file"], listed
        assert sorted(i["status"] for i in listed) == [
            "berjalan", "berjalan", "berjalan", "dihentikan", "selesai"], listed
        assert list(var.glob("lelang.db")), "lelang's own SQLite file expected"
        assert list(var.glob("pengaduan.db")), "pengaduan's own SQLite file expected"
        assert f"caught locally (smtp://127.0.0.1:{env['SMTP_PORT']})" in text, text

        # the public website, the open data and e-reporting, from the same demo data
        home = requests.get(f"{base}/", headers={"Accept": "text/html"}, timeout=15)
        assert home.status_code == 200 and '<html lang="id">' in home.text
        detail = requests.get(f"{base}/lelang/{listed[0]['lelang_id']}",
                              headers={"Accept": "text/html"}, timeout=15)
        assert detail.status_code == 200 and listed[0]["kode"] in detail.text

        def released():
            feed = requests.get(f"{base}/api/v1/ocds/releases", timeout=15)
            return feed.json()["releases"] if feed.status_code == 200 else []

        deadline = time.monotonic() + 60
        while not released() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert {r["tag"][0] for r in released()} >= {"tender"}
        laporan = requests.get(f"{base}/api/v1/laporan", timeout=15)
        assert laporan.status_code == 200 and laporan.json()["laporan"]["total"]
        # the welcome e-mails of the demo accounts reached the local mail catcher
        deadline = time.monotonic() + 60
        while not list((var / "mail").glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert list((var / "mail").glob("*.eml")), "no mail caught"

        # a service that dies is restarted (with a line on the console), and the
        # platform serves again; the other processes are left alone
        children = _children(proc.pid)
        assert len(children) >= 7  # 5 services, the mail catcher, the gateway
        lelang = _service_pid(children, "lelang")
        registrasi = _service_pid(children, "registrasi")
        os.kill(lelang, signal.SIGKILL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            again = _service_pid(_children(proc.pid), "lelang", missing_ok=True)
            if again and again != lelang and requests.get(
                    f"{base}/readyz", timeout=5).status_code == 200:
                break
            time.sleep(0.5)
        else:
            pytest.fail("lelang was not restarted")
        listed = requests.get(f"{base}/api/v1/lelang", timeout=15)
        assert listed.status_code == 200 and len(listed.json()["items"]) == 5
        assert _service_pid(_children(proc.pid), "registrasi") == registrasi

        children = _children(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        assert "lelang exited (code 137); restarting in 1s" in rest, rest
        assert "lelang restarted" in rest, rest
        assert "stopped." in rest
        time.sleep(0.5)
        alive = [
            pid
            for pid in children
            if os.path.exists(f"/proc/{pid}")
            and "zombie" not in open(f"/proc/{pid}/status").read().lower()
        ]
        assert not alive, f"processes left running: {alive}"
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{base}/healthz", timeout=2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        delete_vhost(vhost)
