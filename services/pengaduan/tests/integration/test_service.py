"""pengaduan in a real nameko container on real RabbitMQ and PostgreSQL.

* RPC over AMQP: typed calls load and dump through the contracts; a replayed
  ``file_pengaduan`` answers the first result but never the secret again.
* lelang's ``lelang_announced``, published on ``lelang.events``, is consumed into
  ``lelang_pihak``, and a complaint about that lelang becomes visible to its Pokja
  (without the identity of an anonymous complainant).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.common.auth import Actor
from services.common.clock import utcnow
from services.common.contracts import lelang as lelang_contracts
from services.common.contracts import pengaduan as contracts
from services.common.errors import NotFound
from services.common.messaging import RpcClient, make_envelope
from services.common.testing import publish_event
from services.pengaduan.service import PengaduanService
from services.pengaduan.tests.driver import URAIAN

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[4] / "tests" / "contract" / "samples"


@pytest.fixture
def config(service_config, pg_url, tmp_path):
    return service_config("pengaduan", database_url=pg_url,
                          blob_dir=str(tmp_path / "blobs"),
                          tim_pengarah_emails="tim@karangasemkab.go.id")


def publish_lelang_announced(amqp_uri: str, lelang_id: str, pokja_id: str) -> None:
    payload = json.loads((SAMPLE / "lelang" / "lelang_announced.json").read_text())
    payload.update(lelang_id=lelang_id, pokja_ids=[pokja_id])
    data = lelang_contracts.LELANG_ANNOUNCED.dump_payload(
        lelang_contracts.LELANG_ANNOUNCED.load_payload(payload))
    publish_event(amqp_uri, lelang_contracts.LELANG_ANNOUNCED, make_envelope(
        lelang_contracts.LELANG_ANNOUNCED, data, occurred_at=utcnow()))


def test_rpc_round_trip_and_lelang_announced_makes_it_visible_to_pokja(
        container_factory, config):
    container = container_factory(PengaduanService, config)
    container.start()
    pokja = Actor(user_id=str(uuid.uuid4()), roles=("pokja",), agency_id="AG-DPUPR")
    lelang_id = str(uuid.uuid4())
    with ServiceRpcProxy("pengaduan", config, timeout=20) as proxy:
        client = RpcClient(lambda service: proxy)
        assert client.call(contracts.PING, {})["service"] == "pengaduan"
        request = {"actor": Actor.anonymous(ip="198.51.100.7"),
                   "idempotency_key": uuid.uuid4().hex,
                   "jenis": contracts.JenisPengaduan.LELANG,
                   "uraian": URAIAN, "lelang_id": lelang_id, "anonim": True}
        filed = client.call(contracts.FILE_PENGADUAN, request)
        assert filed["status"] == contracts.StatusPengaduan.DITERIMA
        assert len(filed["rahasia"]) >= 20
        replay = client.call(contracts.FILE_PENGADUAN, request)
        assert replay["pengaduan_id"] == filed["pengaduan_id"]
        assert replay["rahasia"] is None  # the secret is returned once, never stored
        seen = client.call(contracts.TRACK_PENGADUAN, {
            "kode_pelacakan": filed["kode_pelacakan"], "rahasia": filed["rahasia"]})
        assert seen["status"] == contracts.StatusPengaduan.DITERIMA
        with pytest.raises(NotFound) as err:
            client.call(contracts.TRACK_PENGADUAN, {
                "kode_pelacakan": filed["kode_pelacakan"], "rahasia": "wrong"})
        assert err.value.code == "PENGADUAN_NOT_FOUND"

        get = {"actor": pokja, "pengaduan_id": filed["pengaduan_id"]}
        with pytest.raises(NotFound):  # pengaduan does not know the lelang yet
            client.call(contracts.GET_PENGADUAN, get)
        publish_lelang_announced(config["AMQP_URI"], lelang_id, pokja.user_id)
        deadline, view = time.monotonic() + 20, None
        while time.monotonic() < deadline and view is None:
            try:
                view = client.call(contracts.GET_PENGADUAN, get)
            except NotFound:
                time.sleep(0.1)
        assert view is not None, "lelang_announced was not consumed"
        assert view["lelang_kode"] == "LL2026-5B3C1F0E"
        assert view["pelapor"] is None and view["anonim"] is True
