"""notifikasi in a real nameko container on real RabbitMQ and PostgreSQL, with a real
SMTP server (the mail catcher, in its own process).

* registrasi's events, published on ``registrasi.events``, are consumed: the
  verifikator learnt from ``user_created`` gets the e-mail of a new registration.
* The same event delivered twice (same ``event_id``) sends one e-mail, not two.
* The SMTP server down when the event arrives: the delivery timer retries and the
  e-mail arrives once the server is back.
* The inbox over RPC: list, count, mark read.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.common.auth import Actor
from services.common.clock import utcnow
from services.common.contracts import notifikasi as contracts
from services.common.contracts import registrasi as registrasi_contracts
from services.common.messaging import RpcClient, make_envelope
from services.common.testing import publish_event, wait_for
from services.notifikasi.service import NotifikasiService

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[4] / "tests" / "contract" / "samples"
VERIFIKATOR = str(uuid.uuid4())


@pytest.fixture
def config(service_config, pg_url, smtp):
    return service_config("notifikasi", database_url=pg_url, smtp_port=smtp.port,
                          notifikasi_retry_base_seconds="0.2",
                          notifikasi_retry_max_seconds="1")


def envelope(contract: Any, **changes: Any) -> dict[str, Any]:
    payload = json.loads((SAMPLE / contract.source / f"{contract.type}.json")
                         .read_text())
    payload.update(changes)
    data = contract.dump_payload(contract.load_payload(payload))
    return make_envelope(contract, data, occurred_at=utcnow())


def test_events_become_one_email_each_and_survive_an_smtp_outage(
        container_factory, config, smtp):
    smtp.stop()  # down when the events arrive
    container = container_factory(NotifikasiService, config)
    container.start()
    uri = config["AMQP_URI"]
    publish_event(uri, registrasi_contracts.USER_CREATED, envelope(
        registrasi_contracts.USER_CREATED, user_id=VERIFIKATOR, username="verif",
        email="verif@lpse.example.go.id", roles=["verifikator"], agency_id=None))
    me = Actor(user_id=VERIFIKATOR, username="verif", roles=("verifikator",))
    with ServiceRpcProxy("notifikasi", config, timeout=20) as proxy:
        client = RpcClient(lambda service: proxy)
        assert client.call(contracts.PING, {})["service"] == "notifikasi"
        # events of different types travel on different queues, in no set order:
        # the verifikator is known (its welcome notice) before the registration
        wait_for(lambda: client.call(contracts.COUNT_UNREAD, {"actor": me})[
            "belum_dibaca"] == 1)
        registered = envelope(registrasi_contracts.PENYEDIA_REGISTERED)
        for _ in range(2):  # the same event twice (a redelivery)
            publish_event(uri, registrasi_contracts.PENYEDIA_REGISTERED, registered)
        inbox = wait_for(lambda: (lambda r: r if r["total"] == 2 else None)(
            client.call(contracts.LIST_NOTIFIKASI, {"actor": me})))
        assert [n["jenis"] for n in inbox["items"]].count(
            "registrasi.penyedia_registered") == 1
        admin = Actor(user_id=str(uuid.uuid4()), username="admin",
                      roles=("admin_ppe",))
        retrying = wait_for(lambda: client.call(contracts.LIST_PENGIRIMAN, {
            "actor": admin, "status": contracts.StatusPengiriman.DICOBA_ULANG})[
            "total"] == 2)
        assert retrying
        smtp.start()
        messages = wait_for(lambda: (lambda m: m if len(m) == 2 else None)(
            smtp.messages()))
        time.sleep(1.5)  # nothing more arrives: the duplicate made no e-mail
        assert len(smtp.messages()) == 2
        subjects = sorted(m["Subject"] for m in messages)
        assert any("Pendaftaran penyedia baru" in s for s in subjects)
        sent = client.call(contracts.LIST_PENGIRIMAN, {"actor": admin})
        assert sent["per_status"] == {"terkirim": 2}
        assert {item["percobaan"] for item in sent["items"]} >= {2}
        first = inbox["items"][0]["notifikasi_id"]
        assert client.call(contracts.MARK_READ, {
            "actor": me, "notifikasi_ids": [first]})["belum_dibaca"] == 1
        assert client.call(contracts.COUNT_UNREAD, {"actor": me}) == {
            "belum_dibaca": 1}
