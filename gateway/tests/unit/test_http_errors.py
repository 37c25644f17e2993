"""Every error the HTTP client can see has the platform's body, and bad input is 4xx."""

from __future__ import annotations

import io
import json
import re

import pytest
from nameko.exceptions import RemoteError

from gateway.tests.unit.helpers import assert_error
from services.common.contracts.registrasi import (
    CREATE_AGENCY,
    LIST_AGENCIES,
    LOGIN,
    VERIFY_PENYEDIA,
)
from services.common.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)

AGENCY = {"kode": "DISPUPR", "nama": "Dinas PUPR", "jenis": "SKPD"}


def test_400_unreadable_json(client, signed_in):
    response = client.post(
        "/api/v1/agency",
        data="{not json",
        content_type="application/json",
        headers=signed_in(),
    )
    body = assert_error(response, 400, "MALFORMED_REQUEST")
    assert body["details"]["location"] == "json"


def test_401_without_token(client):
    response = client.post("/api/v1/agency", json=AGENCY)
    assert_error(response, 401, "UNAUTHENTICATED")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_403_from_the_service(client, fake_rpc, signed_in):
    fake_rpc.on(CREATE_AGENCY, Forbidden("ROLE_REQUIRED", "admin only"))
    body = assert_error(
        client.post(
            "/api/v1/agency", json=AGENCY, headers=signed_in(roles=["verifikator"])
        ),
        403,
        "ROLE_REQUIRED",
    )
    assert body["message"] == "Tindakan ini memerlukan peran yang tidak Anda miliki."


def test_404_unknown_route(client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "NOT_FOUND")
    # outside the API a client that does not ask for HTML gets the JSON 404 too
    # ("/" itself is the public website's home page)
    assert_error(client.get("/nothing-here"), 404, "NOT_FOUND")


def test_404_from_the_service(client, fake_rpc, signed_in):
    fake_rpc.on(VERIFY_PENYEDIA, NotFound("PENYEDIA_NOT_FOUND", "no such penyedia"))
    response = client.post(
        "/api/v1/penyedia/p-1/verify",
        headers=signed_in(),
        json={"dokumen_diperiksa": ["a" * 64]},
    )
    body = assert_error(response, 404, "PENYEDIA_NOT_FOUND")
    assert body["message"] == "Penyedia tidak ditemukan."


def test_404_for_an_id_that_cannot_be_one(client, signed_in):
    assert_error(
        client.get("/api/v1/penyedia/" + "x" * 65, headers=signed_in()),
        404,
        "NOT_FOUND",
    )


def test_405_lists_the_allowed_methods(client):
    response = client.put("/api/v1/agency")
    body = assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in body["details"]["allowed"] and "POST" in body["details"]["allowed"]
    assert "GET" in response.headers["Allow"]


def test_413_request_larger_than_the_limit(client, app, signed_in):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/api/v1/agency",
        data=b"x" * (limit + 1),
        content_type="application/json",
        headers=signed_in(),
    )
    body = assert_error(response, 413, "REQUEST_TOO_LARGE")
    assert body["details"]["max_bytes"] == limit


@pytest.mark.parametrize(
    ("path", "content_type", "data"),
    [
        ("/api/v1/auth/login", "text/plain", "username=a&password=b"),
        (
            "/api/v1/auth/login",
            "application/x-www-form-urlencoded",
            "username=a&password=b",
        ),
        ("/api/v1/penyedia", "application/json", json.dumps({"nama": "CV A"})),
    ],
)
def test_415_wrong_body_type(client, path, content_type, data):
    assert_error(
        client.post(path, data=data, content_type=content_type),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    )


def test_422_validation_lists_the_fields(client, signed_in):
    response = client.post(
        "/api/v1/agency",
        headers=signed_in(),
        json={"kode": "lower case", "jenis": "PT", "extra": 1},
    )
    body = assert_error(response, 422, "VALIDATION_FAILED")
    assert body["details"]["location"] == "json"
    assert set(body["details"]["fields"]) == {"kode", "nama", "jenis", "extra"}


@pytest.mark.parametrize("payload", [[], "text", 3, None, {"username": 5}])
def test_422_for_json_of_the_wrong_shape(client, payload):
    response = client.post(
        "/api/v1/auth/login", data=json.dumps(payload), content_type="application/json"
    )
    assert_error(response, 422, "VALIDATION_FAILED")


def test_429_login_rate_limited(client, fake_rpc):
    fake_rpc.on(
        LOGIN,
        RateLimited("LOGIN_RATE_LIMITED", "too many", {"retry_after_seconds": 120}),
    )
    response = client.post(
        "/api/v1/auth/login", json={"username": "a", "password": "b"}
    )
    assert_error(response, 429, "LOGIN_RATE_LIMITED")
    assert response.headers["Retry-After"] == "120"


def test_401_login_failed_in_indonesian(client, fake_rpc):
    fake_rpc.on(LOGIN, Unauthenticated("LOGIN_FAILED", "bad credentials"))
    response = client.post(
        "/api/v1/auth/login", json={"username": "a", "password": "b"}
    )
    body = assert_error(response, 401, "LOGIN_FAILED")
    assert body["message"] == "Nama pengguna atau kata sandi salah."


def test_409_conflict_keeps_the_services_details(client, fake_rpc, signed_in):
    fake_rpc.on(CREATE_AGENCY, Conflict("AGENCY_KODE_TAKEN", "taken", {"kode": "X"}))
    body = assert_error(
        client.post("/api/v1/agency", json=AGENCY, headers=signed_in()),
        409,
        "AGENCY_KODE_TAKEN",
    )
    assert body["details"] == {"kode": "X"}


def test_503_when_the_service_is_unavailable(client, fake_rpc):
    fake_rpc.on(
        LIST_AGENCIES,
        Unavailable(
            "SERVICE_UNAVAILABLE",
            "timeout",
            {"service": "registrasi", "reason": "timeout"},
        ),
    )
    response = client.get("/api/v1/agency")
    body = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert body["details"]["reason"] == "timeout"
    assert response.headers["Retry-After"] == "5"


def test_500_hides_unexpected_errors(client, fake_rpc, caplog):
    fake_rpc.on(LIST_AGENCIES, RemoteError("KeyError", "'secret-detail'"))
    response = client.get("/api/v1/agency")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret" not in response.get_data(as_text=True)
    assert body["details"] == {}
    assert any(r.levelname == "ERROR" for r in caplog.records)


BAD_INPUTS = [
    (
        "post",
        "/api/v1/auth/login",
        {"data": b"\xff\xfe\x00", "content_type": "application/json"},
    ),
    (
        "post",
        "/api/v1/auth/login",
        {"json": {"username": "a" * 10_000, "password": "x"}},
    ),
    ("post", "/api/v1/auth/password", {"json": {"new_password": 1}}),
    ("get", "/api/v1/user?page=0&per_page=1000&role=kaisar", {}),
    ("get", "/api/v1/penyedia?status=unknown&page=abc", {}),
    ("get", "/api/v1/audit?page=-1", {}),
    (
        "post",
        "/api/v1/penyedia",
        {"data": {"nama": "x"}, "content_type": "multipart/form-data"},
    ),
    (
        "post",
        "/api/v1/penyedia",
        {
            "data": "--broken\r\n",
            "content_type": "multipart/form-data; boundary=broken",
        },
    ),
    (
        "post",
        "/api/v1/penyedia/resubmit",
        {"data": {}, "content_type": "multipart/form-data"},
    ),
    (
        "post",
        "/api/v1/penyedia/p1/blacklist",
        {"json": {"alasan": "x", "permintaan": {"peran": "verifikator"}}},
    ),
    (
        "post",
        "/api/v1/penyedia/p1/verify",
        {"json": {"dokumen_diperiksa": ["not-a-sha"]}},
    ),
    ("post", "/api/v1/user", {"json": {"roles": ["kaisar"], "email": "nope"}}),
    ("post", "/api/v1/user/u1/role", {"json": {"role": None}}),
    ("delete", "/api/v1/user/u1/role/kaisar", {}),
    ("post", "/api/v1/agency/a1/satker", {"json": {"kode": "x"}}),
    ("post", "/api/v1/user/u1/deactivate", {"json": {}}),
    ("get", "/api/v1/penyedia/p1/dokumen/NOT-A-SHA", {}),
    (
        "post",
        "/api/v1/agency",
        {"json": {"kode": "AB"}, "headers": {"Idempotency-Key": "short"}},
    ),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), BAD_INPUTS)
def test_bad_input_is_never_a_5xx(client, signed_in, method, path, kwargs):
    headers = {**signed_in(), **kwargs.pop("headers", {})}
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert set(response.get_json()) == {"error", "message", "details"}


def garbage() -> list[dict]:
    """Bodies and query strings no route expects (fresh streams on every call)."""
    return [
        {},
        {"data": b"", "content_type": "application/json"},
        {"data": b"\x00\xff{[", "content_type": "application/json"},
        {"json": [1, 2, 3]},
        {"json": {"a": {"b": [None, 1.5e308, "x" * 5000]}}},
        {
            "data": b"--x\r\nContent-Disposition: form-data\r\n\r\n",
            "content_type": "multipart/form-data; boundary=x",
        },
        {
            "data": {"f": (io.BytesIO(b"\x00" * 10), "../../x")},
            "content_type": "multipart/form-data",
        },
        {"data": b"a=1&b=2", "content_type": "application/x-www-form-urlencoded"},
        {"query_string": {"page": "NaN", "per_page": "-5", "status": "\x00", "q": ""}},
    ]


def test_no_route_gives_a_5xx_on_garbage(app, client, fake_rpc, signed_in):
    headers = signed_in()
    fake_rpc.default = NotFound("NOT_FOUND", "whatever the service says")
    for rule in app.url_map.iter_rules():
        if rule.rule in (
            "/static/<path:filename>",
            "/readyz",
        ):  # readyz: 503 is its job
            continue
        path = re.sub(r"<[^>]+>", "a" * 64, rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for kwargs in garbage():
                response = client.open(path, method=method, headers=headers, **kwargs)
                assert response.status_code < 500, (method, path, response.data)


@pytest.mark.parametrize("raw", [
    b'{"kode": "DISHUB", "nama": "Dinas\\u000bPerhubungan", "jenis": "SKPD"}',
    b'{"kode": "DISHUB", "nama": "Dinas \\ud800", "jenis": "SKPD"}',
    b'{"kode": "DISHUB", "nama": "Dinas\\u0085Perhubungan", "jenis": "SKPD"}',
    b'{"kode": "DISHUB", "nama": "Dinas \\ufffe", "jenis": "SKPD"}',
])
def test_a_control_character_or_lone_surrogate_is_refused_by_field(
        client, signed_in, fake_rpc, raw):
    response = client.post("/api/v1/agency", data=raw,
                           headers={**signed_in(), "Content-Type": "application/json"})
    body = assert_error(response, 422, "CONTRACT_VIOLATION")
    assert list(body["details"]["fields"]) == ["nama"]
    assert not fake_rpc.requests(CREATE_AGENCY)  # refused before it reached a service
