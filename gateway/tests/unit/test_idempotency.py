"""Idempotency keys: from the header or one per HTTP request, passed to the RPC."""

from __future__ import annotations

import uuid

import pytest

from gateway.tests.unit.helpers import assert_error
from services.common.contracts.registrasi import CREATE_AGENCY, LIST_AGENCIES
from services.common.errors import EprocError

AGENCY = {"kode": "DISPUPR", "nama": "Dinas PUPR", "jenis": "SKPD"}
AGENCY_JSON = {**AGENCY, "agency_id": "a-1", "created_at": "2012-09-03T02:00:00+00:00"}


def test_the_header_key_is_passed_to_the_service(client, fake_rpc, signed_in):
    fake_rpc.on(CREATE_AGENCY, AGENCY_JSON)
    key = "client-key-0001"
    response = client.post(
        "/api/v1/agency", json=AGENCY, headers={**signed_in(), "Idempotency-Key": key}
    )
    assert response.status_code == 201
    assert fake_rpc.requests(CREATE_AGENCY)[0]["idempotency_key"] == key
    assert response.headers["Idempotency-Key"] == key


def test_without_a_header_each_http_request_gets_its_own_key(
    client, fake_rpc, signed_in
):
    fake_rpc.on(CREATE_AGENCY, AGENCY_JSON)
    headers = signed_in()
    responses = [
        client.post("/api/v1/agency", json=AGENCY, headers=headers) for _ in range(2)
    ]
    keys = [request["idempotency_key"] for request in fake_rpc.requests(CREATE_AGENCY)]
    assert keys[0] != keys[1]
    assert [str(uuid.UUID(k)) for k in keys] == keys
    assert [r.headers["Idempotency-Key"] for r in responses] == keys


@pytest.mark.parametrize(
    "key", ["short", "x" * 201, "tab\tinside-key", "kunci-rahasia-ñ"]
)
def test_a_bad_header_is_refused_before_any_rpc(client, fake_rpc, signed_in, key):
    response = client.post(
        "/api/v1/agency", json=AGENCY, headers={**signed_in(), "Idempotency-Key": key}
    )
    body = assert_error(response, 422, "IDEMPOTENCY_KEY_INVALID")
    assert body["details"]["header"] == "Idempotency-Key"
    assert fake_rpc.requests(CREATE_AGENCY) == []


def test_a_reused_key_is_422(client, fake_rpc, signed_in):
    fake_rpc.on(
        CREATE_AGENCY,
        EprocError(
            "IDEMPOTENCY_KEY_REUSED",
            "different request",
            {"idempotency_key": "client-key-0001"},
        ),
    )
    response = client.post(
        "/api/v1/agency",
        json=AGENCY,
        headers={**signed_in(), "Idempotency-Key": "client-key-0001"},
    )
    assert_error(response, 422, "IDEMPOTENCY_KEY_REUSED")


def test_reads_carry_no_key(client, fake_rpc):
    fake_rpc.on(LIST_AGENCIES, [])
    response = client.get("/api/v1/agency", headers={"Idempotency-Key": "whatever-key"})
    assert response.status_code == 200
    assert "Idempotency-Key" not in response.headers
    assert fake_rpc.requests(LIST_AGENCIES) == [{}]
