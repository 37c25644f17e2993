"""Unit-test fixtures: the app with a fake RPC backend (no broker)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.app import create_app
from gateway.options import GatewayOptions
from gateway.tests.unit.helpers import ORIGIN, FakeRpc, actor_json
from services.common.auth import issue_token
from services.common.contracts.registrasi import AUTHENTICATE
from services.common.testing import make_settings


@pytest.fixture(scope="session")
def _shared(tmp_path_factory):
    """One app for the whole run (building one costs ~40 ms); reset between tests."""
    root = tmp_path_factory.mktemp("gateway")
    settings = make_settings(
        var_dir=str(root / "var"), blob_dir=str(root / "blobs"), upload_max_bytes=4096
    )
    rpc = FakeRpc()
    options = GatewayOptions(cors_origins=(ORIGIN,), auth_cache_seconds=2.0)
    return settings, rpc, create_app(settings, rpc=rpc, options=options)


@pytest.fixture
def settings(_shared):
    return _shared[0]


@pytest.fixture
def fake_rpc(_shared) -> FakeRpc:
    _shared[1].reset()
    return _shared[1]


@pytest.fixture
def app(_shared, fake_rpc):
    app = _shared[2]
    context = app.extensions["lpse"]
    context.authenticator.clear()
    context.authenticator._monotonic = time.monotonic
    yield app
    context.clock.set_offset(0)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_token(settings) -> Callable[..., str]:
    def make(ttl_seconds: int = 600, now: datetime | None = None, **claims: Any) -> str:
        token, _ = issue_token(
            claims.pop("secret", settings.jwt_secret),
            user_id="u-admin",
            session_id=uuid.uuid4().hex,
            now=now or datetime.now(UTC),
            ttl_seconds=ttl_seconds,
            audience=claims.pop("audience", settings.jwt_audience),
            issuer=claims.pop("issuer", settings.jwt_issuer),
        )
        return token

    return make


@pytest.fixture
def signed_in(fake_rpc, make_token) -> Callable[..., dict[str, str]]:
    """``signed_in(roles=[...])`` -> headers of a live session with that actor."""

    def sign_in(**actor: Any) -> dict[str, str]:
        fake_rpc.on(AUTHENTICATE, actor_json(**actor))
        return {"Authorization": f"Bearer {make_token()}"}

    return sign_in
