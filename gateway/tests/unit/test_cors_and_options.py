"""CORS for configured origins, and the gateway's own environment options."""

from __future__ import annotations

import pytest

from gateway.app import create_app
from gateway.options import GatewayOptions, load_options
from gateway.tests.unit.helpers import ORIGIN
from services.common.config import ConfigError
from services.common.contracts.registrasi import LIST_AGENCIES


def test_allowed_origin_gets_cors_headers(client, fake_rpc):
    fake_rpc.on(LIST_AGENCIES, [])
    response = client.get("/api/v1/agency", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Idempotency-Key" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" in response.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_other_origins_get_none(client, fake_rpc):
    fake_rpc.on(LIST_AGENCIES, [])
    response = client.get("/api/v1/agency", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight(client):
    response = client.options(
        "/api/v1/agency",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": (
                "authorization, content-type, idempotency-key"
            ),
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "idempotency-key"} <= {
        h.strip() for h in allowed.split(",")
    }


def test_preflight_from_another_origin_gets_no_permission(client):
    response = client.options(
        "/api/v1/agency",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def test_wildcard(settings, fake_rpc):
    app = create_app(
        settings, rpc=fake_rpc, options=GatewayOptions(cors_origins=("*",))
    )
    fake_rpc.on(LIST_AGENCIES, [])
    response = app.test_client().get(
        "/api/v1/agency", headers={"Origin": "https://a.b"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "https://a.b"


def test_no_cors_configured(settings, fake_rpc):
    app = create_app(settings, rpc=fake_rpc, options=GatewayOptions())
    fake_rpc.on(LIST_AGENCIES, [])
    response = app.test_client().get("/api/v1/agency", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_options_from_the_environment():
    options = load_options(
        {
            "CORS_ORIGINS": "https://a.example/, http://localhost:3000",
            "AUTH_CACHE_SECONDS": "0",
            "TRUST_PROXY": "1",
            "GATEWAY_THREADS": "4",
        }
    )
    assert options == GatewayOptions(
        cors_origins=("https://a.example", "http://localhost:3000"),
        auth_cache_seconds=0.0,
        trust_proxy=1,
        rpc_pool_size=4,
    )
    assert load_options({}) == GatewayOptions()


def test_bad_options_are_all_reported():
    with pytest.raises(ConfigError) as info:
        load_options(
            {
                "CORS_ORIGINS": "portal",
                "AUTH_CACHE_SECONDS": "soon",
                "TRUST_PROXY": "-1",
            }
        )
    assert set(info.value.problems) == {
        "CORS_ORIGINS",
        "AUTH_CACHE_SECONDS",
        "TRUST_PROXY",
    }


def test_create_app_requires_a_jwt_secret(monkeypatch):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ConfigError) as info:
        create_app()
    assert "JWT_SECRET" in info.value.problems


def test_max_content_length_follows_upload_max_bytes(app, settings):
    assert app.config["MAX_CONTENT_LENGTH"] == settings.upload_max_bytes + 1024 * 1024
