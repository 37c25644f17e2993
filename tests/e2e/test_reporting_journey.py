"""Forwarding through the running stack: lelang announcements become OCDS releases in
reporting; the portal (a real HTTP receiver on loopback) refuses for a while and the
reporting process is killed (SIGKILL) with the backlog waiting; once it is back and
the portal accepts, every release arrives (a duplicate only as the receiver can drop
it by id), and a complaint waits on LPSE Pusat's queue."""

from __future__ import annotations

import json
import signal
from datetime import timedelta

import pytest
from kombu import Connection

from tests.e2e.lelang_client import Client, eventually
from tests.e2e.test_pengaduan_journey import announced_lelang

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def c(stack):
    client = Client(stack)
    aid = client.ok("admin", "POST", "/agency", 201, json={
        "kode": "DISHUB", "nama": "Dinas Perhubungan", "jenis": "SKPD"})["agency_id"]
    client.staff_account("admin", "adminag", ["admin_agency"], aid)
    client.staff_account("adminag", "ppk", ["ppk"], aid, sk_nomor="SK/11")
    client.staff_account("adminag", "pokja", ["pokja"], aid, sk_nomor="SK/12",
                         sertifikat_pbj="SKA-12")
    return client


def feed(c: Client) -> list[dict]:
    """Every release of the feed (empty while reporting does not answer)."""
    releases, cursor = [], 0
    while True:
        r = c.request(None, "GET", "/ocds/releases",
                      params={"cursor": cursor, "limit": 1000})
        if r.status_code != 200:
            return []
        page = r.json()["releases"]
        if not page:
            return releases
        releases += page
        cursor = int(r.headers["X-Next-Cursor"])


def test_a_killed_reporting_forwards_every_release_once_it_is_back(c, stack):
    stack.portal("POST", "/_control", json={"accepting": False})
    kodes = []
    for _ in range(3):
        lid = announced_lelang(c)
        kodes.append(c.ok(None, "GET", f"/lelang/{lid}")["kode"])
    ocids = {f"ocds-lpsekr-{kode}" for kode in kodes}
    assert eventually(lambda: ocids <= {r["ocid"] for r in feed(c)}, timeout=60)
    assert eventually(lambda: stack.portal()["refused"] > 0, timeout=30)

    stack.restart("reporting", signal.SIGKILL)  # a crash with the backlog waiting
    stack.portal("POST", "/_control", json={"accepting": True})
    released = {r["id"] for r in eventually(lambda: feed(c), timeout=60)}
    assert {r["ocid"] for r in feed(c)} >= ocids

    def arrived():
        stats = stack.portal("GET", "/_stats", params={"ids": "1"})
        return stats if released <= set(stats["ids"]) else None

    stats = eventually(arrived, timeout=90)
    if not stats:
        got = set(stack.portal("GET", "/_stats", params={"ids": "1"})["ids"])
        state = stack.lpse("reporting", "forwarding", "--status", "pending")
        pytest.fail(f"{len(released - got)} of {len(released)} releases never reached "
                    f"the portal, e.g. {sorted(released - got)[:5]}; "
                    f"forwarding:\n{state.stdout}{state.stderr}")
    # at least once: anything twice is by the same id, which the portal drops
    assert set(stats.get("duplicate_ids") or {}) <= released
    assert stats["bad_signature"] == 0


def test_releases_made_under_a_clock_that_is_put_back_still_reach_the_portal(c, stack):
    """The deployment's clock runs a day ahead while the portal refuses, then is put
    right (an NTP correction; the e2e journeys reset the test clock the same way):
    the releases it made, retried on the wrong clock's schedule, still arrive."""
    stack.portal("POST", "/_control", json={"accepting": False})
    refused = stack.portal()["refused"]
    try:
        c.set_time(c.now() + timedelta(days=1))
        kode = c.ok(None, "GET", f"/lelang/{announced_lelang(c)}")["kode"]
        ocid = f"ocds-lpsekr-{kode}"
        assert eventually(lambda: [r for r in feed(c) if r["ocid"] == ocid],
                          timeout=60)
        assert eventually(lambda: stack.portal()["refused"] > refused, timeout=30)
    finally:
        c.reset_clock()
    stack.portal("POST", "/_control", json={"accepting": True})
    released = {r["id"] for r in feed(c) if r["ocid"] == ocid}

    def arrived():
        ids = set(stack.portal("GET", "/_stats", params={"ids": "1"})["ids"])
        return released <= ids

    assert eventually(arrived, timeout=30), "a release waits for the wrong clock"


def test_a_complaint_reaches_lpse_pusat_s_queue(c, stack):
    r = c.request(None, "POST", "/pengaduan", files=[
        (k, (None, v)) for k, v in {
            "jenis": "layanan_lpse", "anonim": "true",
            "uraian": "Situs LPSE tidak dapat diakses selama batas akhir penawaran."
        }.items()])
    assert r.status_code == 201, r.text
    pengaduan_id = r.json()["pengaduan_id"]
    seen: list[dict] = []

    def waiting():
        with Connection(stack.env["AMQP_URI"]) as conn:
            channel = conn.channel()
            while (message := channel.basic_get("lpse.pusat.outbound")) is not None:
                if message.delivery_info["routing_key"].startswith("pengaduan."):
                    seen.append(json.loads(message.body))
                channel.basic_ack(message.delivery_tag)
        return [m for m in seen if m["payload"]["pengaduan_id"] == pengaduan_id
                and m["event_type"] == "pengaduan_filed"]

    # its filing and its automatic forwarding travel on two queues in no fixed
    # order: wait for the filing itself
    filed = eventually(waiting, timeout=60)
    assert filed, seen
    assert filed[0]["payload"]["pelapor"] is None  # anonymous: never named
