"""lelang in real nameko containers on real RabbitMQ and PostgreSQL.

* RPC over AMQP: typed calls load and dump through the contracts.
* Two replicas share one database: their timers race to move the same lelang, and
  every stage is still entered exactly once (``FOR UPDATE SKIP LOCKED`` plus the
  row lock), with exactly one event per step in the outbox.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from nameko.testing.services import replace_dependencies
from sqlalchemy import select

from services.common import sealing
from services.common.clock import utcnow
from services.common.contracts import lelang as contracts
from services.common.messaging import RpcClient
from services.lelang.domain import MetodeLelang
from services.lelang.domain import TahapanLelang as T
from services.lelang.service import LelangService
from services.lelang.storage.models import INFRA, LelangRow
from services.lelang.tests.driver import TenderWorld

pytestmark = pytest.mark.integration

MASTER = sealing.generate_master_key()


@pytest.fixture
def config(service_config, pg_url, tmp_path):
    return service_config("lelang", database_url=pg_url,
                          blob_dir=str(tmp_path / "blobs"), lelang_master_key=MASTER)


def start(container_factory, config, world):
    container = container_factory(LelangService, config)
    replace_dependencies(container, registrasi=world.registrasi)
    container.start()
    return container


@pytest.fixture
def live_world(pg_url, tmp_path):
    w = TenderWorld(pg_url, tmp_path / "blobs", utcnow())
    w.keys = type(w.keys)(sealing.load_master_key(MASTER))  # the services' key
    w.deps.keys = w.keys
    yield w
    w.close()


def set_clock(config, offset: float) -> None:
    path = Path(config["LPSE_SETTINGS"].var_dir) / "test-clock.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"offset_seconds": offset}))


@pytest.mark.clock  # a lelang scheduled from today, the service at the real time
def test_rpc_over_amqp_and_two_replicas_move_a_lelang_once(container_factory, config,
                                                            live_world):
    w = live_world
    view = w.lelang(MetodeLelang.PASCAKUALIFIKASI_1_FILE)
    lid = view["lelang_id"]
    for _ in range(2):
        start(container_factory, config, w)
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("lelang", config, timeout=20) as proxy:
        client = RpcClient(lambda service: proxy)
        got = client.call(contracts.GET_LELANG, {"actor": None, "lelang_id": lid})
        assert got["status"] == "diumumkan" and got["kode"] == view["kode"]
        # jump past the upload deadline: no bid came, so the engine fails it at
        # the opening; both replicas' timers race for the row
        opening = w.stage(lid, T.PEMBUKAAN_PENAWARAN)["mulai"]
        set_clock(config, (opening - utcnow() + timedelta(minutes=5)).total_seconds())
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            got = client.call(contracts.GET_LELANG, {"actor": None, "lelang_id": lid})
            if got["status"] == "gagal":
                break
            time.sleep(0.2)
    assert got["status"] == "gagal", got["status"]
    entered = [r["tahapan"] for r in got["riwayat"] if r["jenis"] == "masuk_tahapan"]
    assert entered == ["pengumuman", "pendaftaran_dan_unduh_dokumen",
                       "pemberian_penjelasan", "upload_penawaran"]
    with w.db.sessionmaker() as session:
        outbox = select(INFRA.outbox.c.event_type)
        types = [r.event_type for r in session.execute(outbox)]
        row = session.get(LelangRow, lid)
    assert types.count("tahapan_started") == 4
    assert types.count("lelang_failed") == 1
    assert row.gagal_ke == 1 and row.next_check is None
