"""Health, readiness, metrics and the test clock."""

from __future__ import annotations

import pytest

from gateway.tests.unit.helpers import assert_error
from services.common.contracts import lelang as lel
from services.common.contracts import notifikasi as ntf
from services.common.contracts import pengaduan as pgd
from services.common.contracts import registrasi as r
from services.common.contracts import reporting as rep
from services.common.errors import Unavailable

T = "2012-09-03T02:00:00+00:00"


def test_healthz(client, fake_rpc):
    assert client.get("/healthz").get_json() == {"status": "ok", "checks": {}}
    assert fake_rpc.calls == []


def test_readyz_ok(client, fake_rpc):
    fake_rpc.on(r.PING, {"service": "registrasi", "time": T})
    fake_rpc.on(lel.PING, {"service": "lelang", "time": T})
    fake_rpc.on(pgd.PING, {"service": "pengaduan", "time": T})
    fake_rpc.on(ntf.PING, {"service": "notifikasi", "time": T})
    fake_rpc.on(rep.PING, {"service": "reporting", "time": T})
    response = client.get("/readyz")
    assert response.get_json() == {
        "status": "ok",
        "checks": {"rabbitmq": "ok", "registrasi": "ok", "lelang": "ok",
                   "pengaduan": "ok", "notifikasi": "ok", "reporting": "ok"},
    }
    assert [c[2] for c in fake_rpc.calls] == [2.0] * 5  # within 2 s or not at all


def test_readyz_stays_ready_without_notifikasi_and_says_so(client, fake_rpc):
    fake_rpc.on(r.PING, {"service": "registrasi", "time": T})
    fake_rpc.on(lel.PING, {"service": "lelang", "time": T})
    fake_rpc.on(pgd.PING, {"service": "pengaduan", "time": T})
    fake_rpc.on(ntf.PING,
                Unavailable("SERVICE_UNAVAILABLE", "t", {"reason": "timeout"}))
    fake_rpc.on(rep.PING,
                Unavailable("SERVICE_UNAVAILABLE", "t", {"reason": "timeout"}))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["notifikasi"] == "timeout"


def test_readyz_broker_down(client, fake_rpc):
    fake_rpc.broker_error = Unavailable(
        "SERVICE_UNAVAILABLE", "down", {"reason": "ConnectionRefusedError"}
    )
    body = assert_error(client.get("/readyz"), 503, "SERVICE_UNAVAILABLE")
    assert body["details"]["checks"] == {
        "rabbitmq": "ConnectionRefusedError",
        "registrasi": "skipped",
        "lelang": "skipped",
        "pengaduan": "skipped",
        "notifikasi": "skipped",
        "reporting": "skipped",
    }


def test_readyz_registrasi_silent(client, fake_rpc):
    fake_rpc.on(r.PING, Unavailable("SERVICE_UNAVAILABLE", "t", {"reason": "timeout"}))
    fake_rpc.on(lel.PING, {"service": "lelang", "time": T})
    fake_rpc.on(pgd.PING, {"service": "pengaduan", "time": T})
    fake_rpc.on(ntf.PING, {"service": "notifikasi", "time": T})
    fake_rpc.on(rep.PING, {"service": "reporting", "time": T})
    body = assert_error(client.get("/readyz"), 503, "SERVICE_UNAVAILABLE")
    assert body["details"]["checks"] == {"rabbitmq": "ok", "registrasi": "timeout",
                                         "lelang": "ok", "pengaduan": "ok",
                                         "notifikasi": "ok", "reporting": "ok"}


def test_metrics_count_requests_by_route_template(client):
    client.get("/healthz")
    client.get("/api/v1/penyedia/" + "p" * 70)
    text = client.get("/metrics").get_data(as_text=True)
    assert (
        'eproc_gateway_requests_total{method="GET",route="/healthz",status="200"}'
        in text
    )
    assert 'route="unmatched",status="404"' in text
    assert "eproc_gateway_request_duration_seconds_bucket" in text


def test_test_clock_requires_admin_ppe(client, signed_in):
    assert_error(
        client.post(
            "/api/v1/_test/clock",
            json={"offset_seconds": 60},
            headers=signed_in(roles=["verifikator"]),
        ),
        403,
        "FORBIDDEN",
    )


def test_test_clock_moves_time(client, app, signed_in):
    headers = signed_in(roles=["admin_ppe"])
    response = client.post(
        "/api/v1/_test/clock", json={"offset_seconds": 300}, headers=headers
    )
    assert response.status_code == 200
    assert response.get_json()["offset_seconds"] == 300
    assert app.extensions["lpse"].clock.offset() == 300
    assert (
        client.get("/api/v1/_test/clock", headers=headers).get_json()["offset_seconds"]
        == 300
    )


@pytest.mark.parametrize("offset", ["soon", None, 1e12, "NaN"])
def test_test_clock_validates(client, signed_in, offset):
    assert_error(
        client.post(
            "/api/v1/_test/clock", json={"offset_seconds": offset}, headers=signed_in()
        ),
        422,
        "VALIDATION_FAILED",
    )
