"""reporting in a real nameko container on RabbitMQ and PostgreSQL (migrated), with a
real HTTP receiver standing in for the national portal.

A recorded full tender (real lelang events) and a complaint are published on the
services' exchanges, the portal refuses at first; then: the OCDS API answers the
tender's releases, every release reached the portal exactly once (by id), the
complaint and the releases wait on LPSE Pusat's queue, and the forwarding state
says all is delivered.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from kombu import Connection
from nameko.standalone.rpc import ServiceRpcProxy

from services.common import migrations
from services.common.auth import Actor
from services.common.contracts import pengaduan as pengaduan_contracts
from services.common.contracts import reporting as contracts
from services.common.contracts.base import EVENT_CONTRACTS
from services.common.messaging import RpcClient, make_envelope
from services.common.testing import publish_event, wait_for
from services.reporting.domain.ocds import lelang_ocid
from services.reporting.service import ReportingService
from services.reporting.tests import ocds_support as s

pytestmark = pytest.mark.integration

SECRET = "portal-shared-secret-for-tests"


def pusat_messages(amqp_uri: str) -> list[Any]:
    """Everything waiting on LPSE Pusat's queue (read with basic.get, acked)."""
    got = []
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        while True:
            message = channel.basic_get("lpse.pusat.outbound")
            if message is None:
                break
            got.append((message.delivery_info["routing_key"],
                        message.properties.get("message_id"), json.loads(message.body)))
            channel.basic_ack(message.delivery_tag)
    return got


@pytest.fixture
def pg_url(pg_database) -> str:
    url = pg_database("reporting")
    migrations.upgrade("reporting", url)
    return url


def test_events_become_releases_forwarded_once_to_portal_and_pusat(
        container_factory, service_config, pg_url, portal_receiver):
    receiver = portal_receiver(SECRET, "--refuse-first", "2")
    config = service_config("reporting", database_url=pg_url,
                            forward_portal_url=receiver.url,
                            forward_portal_secret=SECRET,
                            forward_retry_base_seconds="0.2",
                            forward_retry_max_seconds="1")
    container = container_factory(ReportingService, config)
    container.start()
    uri = config["AMQP_URI"]
    events = s.recorded("tender_pascakualifikasi_1_file")
    for event in events:
        contract = EVENT_CONTRACTS[event.key]
        body = make_envelope(contract, contract.dump_payload(dict(event.payload)),
                             occurred_at=event.occurred_at, event_id=event.event_id)
        publish_event(uri, contract, body)
        if event.event_type == "lelang_announced":
            time.sleep(0.5)  # the rest of a lelang follows its announcement
    complaint = s.sample("pengaduan_filed", source="pengaduan",
                         pengaduan_id=str(uuid.uuid4()))
    contract = pengaduan_contracts.PENGADUAN_FILED
    complaint_event = make_envelope(contract, contract.dump_payload(
        contract.load_payload(complaint)), occurred_at=s.T0)
    publish_event(uri, contract, complaint_event)

    kode = next(e.payload["kode"] for e in events if e.event_type == "lelang_announced")
    ocid = lelang_ocid("ocds-lpsekr", kode)
    admin = Actor(user_id=str(uuid.uuid4()), username="admin", roles=("admin_ppe",))
    with ServiceRpcProxy("reporting", config, timeout=20) as proxy:
        client = RpcClient(lambda service: proxy)
        package = wait_for(lambda: (lambda p: p if len(p["package"]["releases"]) >= 9
                                    else None)(
            client.call(contracts.LIST_RELEASES, {"cursor": 0, "limit": 1000})),
            timeout=30)
        ids = {r["id"] for r in package["package"]["releases"]}
        by_ocid = client.call(contracts.GET_RELEASE_PACKAGE, {"ocid": ocid})
        assert {r["id"] for r in by_ocid["package"]["releases"]} == {
            r["id"] for r in package["package"]["releases"] if r["ocid"] == ocid}

        def all_delivered() -> Any:
            state = {t["nama"]: t for t in client.call(
                contracts.GET_PENERUSAN, {"actor": admin})["tujuan"]}
            done = (state.get("portal_nasional", {}).get("delivered") == len(ids)
                    and state.get("lpse_pusat", {}).get("delivered", 0) >= len(ids) + 1)
            return state if done else None

        state = wait_for(all_delivered, timeout=30)
        assert state["portal_nasional"]["dead"] == 0
    stats = receiver.stats(ids=True)
    assert set(stats["ids"]) == ids and stats["unique"] == len(ids)
    assert stats.get("duplicates", 0) == 0
    messages = pusat_messages(uri)
    keys = [key for key, _, _ in messages]
    assert keys.count("ocds.release") == len(ids)
    assert "pengaduan.diajukan" in keys
    complaint_msg = next(body for key, _, body in messages
                         if key.startswith("pengaduan"))
    assert complaint_msg["payload"]["pelapor"] is None  # anonymous: never named
